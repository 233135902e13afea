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


def predictor(name: str):
    """``rmtheory.predict.<name>`` or PredictionUnavailable."""
    try:
        module = importlib.import_module("rmtheory.predict")
    except ImportError as err:
        raise PredictionUnavailable(f"rmtheory.predict is not importable ({err})") from err
    fn = getattr(module, name, None)
    if fn is None:
        raise PredictionUnavailable(f"rmtheory.predict.{name} is not available in this version of rmtheory "
                                    "(the network-level predictions of issue 4)")
    return fn


def call(name: str, *args, **kwargs):
    """Call ``rmtheory.predict.<name>``; a NoTheoryError (no theory for these inputs) becomes
    PredictionUnavailable with the theory's own explanation."""
    fn = predictor(name)
    try:
        return fn(*args, **kwargs)
    except ImportError as err:
        raise PredictionUnavailable(f"rmtheory.predict.{name} is not complete in this version: {err}") from err
    except Exception as err:
        from rmtheory.predict import NoTheoryError

        if isinstance(err, NoTheoryError):
            raise PredictionUnavailable(f"rmtheory.predict.{name}: {err}") from err
        raise
