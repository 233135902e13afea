"""What an experiment is and what it returns.

An experiment pairs a measurement (torch, :mod:`validation`) with the ``rmtheory`` prediction it
tests. It is a function ``run(ctx, params) -> Outcome`` registered with :func:`experiment` together
with its declared parameters (defaults and allowed ranges, checked where a suite enters them).

An :class:`Outcome` holds :class:`Check` s — one statistic each, with the threshold it is judged by,
fixed in the experiment's module *before* any run was looked at — plus measured statistics without a
threshold, a summary of the prediction, and the data of the experiment's figure (measurement and
prediction together). A failed check is a result: the record keeps it with its note.

An experiment imports the ``rmtheory`` functions it tests by name, so a renamed prediction fails at
import (and in the tests); a regime the theory does not cover is a run whose status is
``unavailable``: call the prediction inside :func:`no_theory_is_unavailable`.

How a run becomes a record: :mod:`.runs`; every experiment, registered: :mod:`.catalog`.
"""

from __future__ import annotations

import contextlib
import math
import pathlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from rmtheory.params import NoTheoryError, OneOf, ParameterError, check
from rmtheory.predict import ACTIVATIONS

__all__ = ["Check", "Outcome", "Context", "Param", "ListOf", "Experiment", "PredictionUnavailable",
           "REGISTRY", "experiment", "no_theory_is_unavailable", "ACTIVATION"]


#: activation names both validation.models and rmtheory.predict take (checked when a suite loads)
ACTIVATION = OneOf(tuple(ACTIVATIONS))


class PredictionUnavailable(RuntimeError):
    """The ``rmtheory`` prediction an experiment tests is not available; the message says why."""


@contextlib.contextmanager
def no_theory_is_unavailable(name: str):
    """Inside, a :class:`~rmtheory.params.NoTheoryError` (no theory covers these inputs) becomes
    :class:`PredictionUnavailable` with the theory's own explanation; ``name`` is what was asked,
    e.g. ``"rmtheory.predict.deep_jacobian"``. Anything else a prediction raises stays an error.

    >>> from rmtheory.predict import hessian
    >>> with no_theory_is_unavailable("rmtheory.predict.hessian"):  # doctest: +ELLIPSIS
    ...     hessian(width=300, depth=2, d=100, P=1000)               # a deep Hessian needs the loss level
    Traceback (most recent call last):
    ...
    validation.experiments.base.PredictionUnavailable: rmtheory.predict.hessian: no theory for hessian ... epsilon ...
    """
    try:
        yield
    except NoTheoryError as err:
        raise PredictionUnavailable(f"{name}: {err}") from err


@dataclass
class Check:
    """One statistic judged against a threshold fixed in advance: passes iff low ≤ value ≤ high.

    ``statistic`` names what ``value`` is ("KS p-value", "relative edge error", …); ``low``/``high``
    are the bounds (None: unbounded); ``sample_size`` the number of values the statistic is computed
    from; ``prediction`` and ``measured`` the two numbers compared, where there are two.
    """

    name: str
    statistic: str
    value: float
    low: float | None = None
    high: float | None = None
    sample_size: int = 0
    prediction: float | None = None
    measured: float | None = None
    note: str = ""

    @property
    def passed(self) -> bool:
        """The verdict: low ≤ value ≤ high (False for a missing or non-finite value). ``passed`` is
        always such a judged boolean in this project (as on ``check_determinism(...)``); a statistic
        still to be judged at a level says so with ``rmtheory.stats.TestResult.rejects(alpha)``."""
        v = self.value
        if v is None or not math.isfinite(float(v)):
            return False
        return (self.low is None or v >= self.low) and (self.high is None or v <= self.high)

    @property
    def threshold(self) -> str:
        if self.low is not None and self.high is not None:
            return f"in [{self.low:.4g}, {self.high:.4g}]"
        if self.low is not None:
            return f">= {self.low:.4g}"
        if self.high is not None:
            return f"<= {self.high:.4g}"
        return "none"


@dataclass
class Outcome:
    checks: list = field(default_factory=list)
    measured: dict = field(default_factory=dict)     # statistics without a threshold
    prediction: dict = field(default_factory=dict)   # what theory said (edges, counts, law, source)
    figure: dict | None = None                       # see validation.suites.report
    note: str = ""


@dataclass
class Context:
    """What a run gets besides its parameters."""

    seed: int
    device: str = "cpu"
    workdir: pathlib.Path | None = None   # checkpoints of this run
    run_id: str = ""

    @property
    def rng(self) -> np.random.Generator:
        return np.random.default_rng(self.seed)

    @property
    def dtype(self):
        import torch

        return torch.float64


@dataclass(frozen=True)
class ListOf:
    """A list whose items are each in ``domain`` (None: anything JSON-like)."""

    domain: object = None

    def describe(self):
        return "a list" if self.domain is None else f"a list of values in {self.domain.describe()}"

    def convert(self, value):
        if not isinstance(value, (list, tuple)):
            return None
        if self.domain is None:
            return list(value)
        out = [self.domain.convert(v) for v in value]
        return None if any(v is None for v in out) else out


@dataclass(frozen=True)
class Param:
    default: object
    domain: object = None    # a rmtheory.params domain (Real, Integer, OneOf, ListOf) or None
    doc: str = ""
    optional: bool = False   # None allowed


@dataclass
class Experiment:
    name: str
    number: int
    title: str
    run: Callable
    params: dict
    tests: str = ""          # the prediction tested, in one line

    def resolve(self, given: dict, where: str = "") -> dict:
        """Defaults overlaid with ``given``, every value checked; unknown names refused."""
        prefix = f"{where}: " if where else ""
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            raise ParameterError(f"{prefix}{self.name}.{unknown[0]}", given[unknown[0]],
                                 "a parameter of this experiment: " + ", ".join(sorted(self.params)))
        out = {}
        for key, spec in self.params.items():
            value = given.get(key, spec.default)
            if value is None and (spec.optional or spec.default is None):
                out[key] = None
            elif spec.domain is None:
                out[key] = value
            else:
                out[key] = check(f"{prefix}{self.name}.{key}", value, spec.domain)
        return out


REGISTRY: dict[str, Experiment] = {}


def experiment(name: str, number: int, title: str, params: dict, tests: str = ""):
    """Register ``run(ctx, p)`` (``p`` a namespace of checked parameters) as an experiment."""
    def wrap(fn):
        REGISTRY[name] = Experiment(name, number, title, fn, params, tests)
        return fn
    return wrap
