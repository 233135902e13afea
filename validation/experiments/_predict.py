"""Access to ``rmtheory.predict`` by the documented names, failing as "prediction unavailable".

An experiment whose prediction is not implemented (an older rmtheory, or a regime the theory does
not cover: :class:`rmtheory.predict.NoTheoryError`) must say so in its record, not crash and not
fall back to a guess: :func:`predictor` returns the function or raises
:class:`~validation.experiments.base.PredictionUnavailable` naming what is missing.
"""

from __future__ import annotations

import importlib

from validation.experiments.base import PredictionUnavailable

__all__ = ["predictor", "call"]


def predictor(name: str, module: str | None = None):
    """``rmtheory.predict.<name>`` (or, if the package does not export it, ``<name>`` of the
    submodule ``rmtheory.predict.<module>``), or PredictionUnavailable."""
    try:
        package = importlib.import_module("rmtheory.predict")
    except ImportError as err:
        raise PredictionUnavailable(f"rmtheory.predict is not importable ({err})") from err
    fn = getattr(package, name, None)
    if (fn is None or not callable(fn)) and module is not None:
        try:
            fn = getattr(importlib.import_module(f"rmtheory.predict.{module}"), name, None)
        except ImportError:
            fn = None
    if fn is None or not callable(fn):
        raise PredictionUnavailable(f"rmtheory.predict.{name} is not available in this version of rmtheory "
                                    "(the network-level predictions of issue 4)")
    return fn


def call(name: str, *args, module: str | None = None, **kwargs):
    """Call ``rmtheory.predict.<name>``; a NoTheoryError (no theory for these inputs) becomes
    PredictionUnavailable with the theory's own explanation."""
    fn = predictor(name, module)
    try:
        return fn(*args, **kwargs)
    except ImportError as err:
        raise PredictionUnavailable(f"rmtheory.predict.{name} is not complete in this version: {err}") from err
    except Exception as err:
        from rmtheory.predict import NoTheoryError

        if isinstance(err, NoTheoryError):
            raise PredictionUnavailable(f"rmtheory.predict.{name}: {err}") from err
        raise
