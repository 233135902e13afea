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

A diverged training is not a measurement. An experiment that trains does so through
:func:`validation.experiments._training.fit` (or :func:`~validation.experiments._training.train_mlp`),
which calls :func:`stop_if_diverged` on the result: when the training diverged
(:mod:`validation.train`: the loss became NaN/inf or grew past its divergence factor, and the
parameters were put back to the last finite state — possibly the initialization) the run stops
there with :class:`TrainingDiverged`, before anything is measured, and its record gets the status
``diverged`` — not ``pass``, ``fail`` or ``error`` — with no check, the divergence (step, loss)
stated in its ``error`` column as the reason and :func:`training_summary` (``train_status``,
``train_diverged_step``, ``train_diverged_loss``, ``train_restored_step``) as its measured
values. The runner also watches every training of a run (:func:`validation.train.observe`): a run
in which any training diverged is recorded as ``diverged`` even if the experiment went on,
whatever it computed afterwards discarded. A suite with a diverged run exits with status 1, like
one with an errored run: the measurement it asked for was not made (change the learning rate or
the steps; :mod:`.runs` lists every status).

How a run becomes a record: :mod:`.runs`; every experiment, registered: :mod:`.catalog`.

Thresholds and power (the method, for every experiment). A check's threshold is the null
distribution of its statistic *at the run's size*: where the measured values are the eigenvalues of
one or a few matrices, a parametric bootstrap from the prediction's own random-matrix model at the
same sizes, pooled and trimmed as the measurement is (:mod:`rmtheory.stats.calibration`; the spectral
experiments through :mod:`._compare`, the level-spacing experiment with GOE spectra of the measured
bulk's dimension); where the measured values are independent draws (Tracy-Widom), the exact
Kolmogorov distribution; where theory gives the finite-n law of a statistic (the edge), its own
model's finite-n values, not the n → ∞ limit. Each experiment also fixes, before any run, a set of
nearby wrong predictions (its module docstring lists them: a scale or exponent moved by ±5 % and
±10 %, another symmetry class, a shifted count, ...) and judges the measurement against each with
the same check; the record's ``controls`` states each verdict and ``power`` the fraction rejected,
and a check that cannot resolve a ±10 % error says so in its note. A configuration outside the
theory's assumptions (a network short of the terminal phase, a point that is not critical) is
"not applicable": ``unavailable`` for the whole run, or no verdict for that point, with the reason.
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
           "TrainingDiverged", "REGISTRY", "experiment", "no_theory_is_unavailable", "stop_if_diverged",
           "training_summary", "diverged_message", "ACTIVATION"]


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


class TrainingDiverged(RuntimeError):
    """A training of the run diverged; ``result`` is its :class:`validation.train.TrainResult`.
    Raised by :func:`stop_if_diverged`; the runner records the run as ``diverged``."""

    def __init__(self, result, what: str = "training"):
        self.result = result
        self.what = what
        super().__init__(diverged_message(result, what))


def _loss_text(value) -> str:
    if value is None:
        return "?"
    v = float(value)
    return f"{v:.4g}" if math.isfinite(v) else str(v)


def diverged_message(result, what: str = "training") -> str:
    """One line: where the training diverged and with what loss, and that nothing was measured."""
    return (f"{what} diverged at step {result.diverged_step}: loss {_loss_text(result.diverged_loss)} "
            f"(initial {_loss_text(result.initial_loss)}); no check was evaluated — "
            "a diverged training is not a measurement (lower the learning rate)")


def training_summary(result) -> dict:
    """What a record states about a training (JSON-ready; a non-finite loss as the string "inf"/"nan",
    since JSON has no such numbers): ``train_status``, ``train_steps``, ``train_initial_loss``, and
    either ``train_loss`` (the final loss) or, for a diverged one, ``train_diverged_step``,
    ``train_diverged_loss`` and ``train_restored_step`` (the last finite state the parameters went
    back to, which is not a trained network)."""
    def num(v):
        if v is None:
            return None
        v = float(v)
        return v if math.isfinite(v) else str(v)

    out = {"train_status": result.status, "train_initial_loss": num(result.initial_loss)}
    if result.status == "diverged":
        out.update(train_diverged_step=result.diverged_step, train_diverged_loss=num(result.diverged_loss),
                   train_restored_step=int(result.steps))
    else:
        out.update(train_steps=int(result.steps), train_loss=num(result.final_loss))
    if result.message:
        out["train_message"] = result.message
    return out


def stop_if_diverged(result, what: str = "training"):
    """Return ``result`` (a :class:`validation.train.TrainResult`) unless its training diverged; then
    raise :class:`TrainingDiverged`, so that nothing is measured at the restored state.

    >>> from validation.train import TrainResult
    >>> stop_if_diverged(TrainResult("max_steps", 5, 1.0, 0.5)).status
    'max_steps'
    >>> stop_if_diverged(TrainResult("diverged", 0, 0.69, 0.69, diverged_step=3,
    ...                              diverged_loss=float("inf")))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    validation.experiments.base.TrainingDiverged: training diverged at step 3: loss inf (initial 0.69); ...
    """
    if result.status == "diverged":
        raise TrainingDiverged(result, what)
    return result


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
