"""How one run becomes a tidy record.

:func:`execute` runs one :class:`Task` (experiment × parameters × seed) and returns its
:class:`Record`: every way a run can end becomes a status (:data:`STATUSES`) —

* ``pass`` / ``fail`` — every check passed / at least one did not;
* ``diverged`` — a training of the run diverged (:mod:`validation.train`), so nothing was
  measured: the record has no check, ``error`` states the step at which the training diverged
  and its loss, and ``measured`` holds :func:`~validation.experiments.base.training_summary`
  (``train_status``, ``train_diverged_step``, ``train_diverged_loss``, ``train_restored_step``,
  ``train_message``). It is the status whether the experiment stopped on the divergence
  (:class:`~validation.experiments.base.TrainingDiverged`) or not — every training of the run is
  watched (:func:`validation.train.observe`), and a divergence overrides whatever the run did
  afterwards (its checks, an error, a missing prediction);
* ``unavailable`` — the prediction needed does not exist for these inputs
  (:class:`~validation.experiments.base.PredictionUnavailable`);
* ``skipped`` — a dataset is not installed (:class:`~validation.data.DatasetMissingError`);
* ``error`` — anything else raised, or the run exceeded its time limit (its one-line message and
  traceback are kept).

What a status means for a suite: ``pass``, ``fail`` and ``diverged`` are final (:data:`FINAL`;
resume skips them: a seeded training diverges again with the same parameters, so change them —
which makes a new run); ``error``, ``unavailable`` and ``skipped`` are run again. A suite exits
with status 1 when any run is ``error`` or ``diverged`` (:data:`FAILING`: the suite did not make
every measurement it asked for) and 0 otherwise — a ``fail`` is a verdict on the theory, a result,
not a failure of the suite.

``Record.rows()`` is the tidy form: one row per check (one row when there are none), the run's
columns repeated on each, JSON for nested values.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import math
import pathlib
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

import rmtheory
from validation.experiments import _compare, base
from validation.experiments.base import (
    Context,
    Outcome,
    PredictionUnavailable,
    TrainingDiverged,
    diverged_message,
    training_summary,
)
from validation.experiments.catalog import REGISTRY
from validation.train import observe as observe_training

__all__ = ["Task", "Record", "RunTimeout", "execute", "run_id", "canonical_json", "code_revision",
           "SCHEMA_VERSION", "STATUSES", "FINAL", "FAILING"]

#: bumped when the columns of a record change
SCHEMA_VERSION = 1
#: every status a record can have (module docstring)
STATUSES = ("pass", "fail", "diverged", "unavailable", "skipped", "error")
#: statuses that end a run for good: resume skips them
FINAL = ("pass", "fail", "diverged")
#: statuses that make a suite exit with status 1
FAILING = ("error", "diverged")


def canonical_json(value) -> str:
    """JSON with sorted keys and no whitespace: the same value always gives the same string."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"))


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pathlib.Path):
        return str(value)
    return value


def run_id(experiment_name: str, params: dict, seed: int) -> str:
    """A deterministic id: ``NAME-<12 hex of sha256(canonical parameters, seed, code)>``; the key of
    resume. ``code`` is :func:`code_revision`: after an edit of the experiment or of the shared
    checks, a rerun into the same directory runs it again instead of keeping a verdict the current
    code did not give."""
    digest = hashlib.sha256(canonical_json({"experiment": experiment_name, "params": params,
                                            "seed": seed, "code": code_revision(experiment_name)}
                                           ).encode()).hexdigest()[:12]
    return f"{experiment_name}-{digest}"


@functools.lru_cache(maxsize=None)
def code_revision(experiment_name: str) -> str:
    """sha256 of the source of the experiment's module and of the modules every check and verdict
    goes through (``base``, ``_compare`` and this one); thresholds live there as code, so they are
    covered."""
    exp = REGISTRY.get(experiment_name)
    modules = [base, _compare, sys.modules[__name__]]
    if exp is not None:
        modules.append(sys.modules[exp.run.__module__])
    h = hashlib.sha256()
    for module in modules:
        try:
            h.update(inspect.getsource(module).encode())
        except (OSError, TypeError):  # no source (a frozen build): parameters alone key the run
            h.update(module.__name__.encode())
    return h.hexdigest()[:16]


@dataclass
class Task:
    """One run of a suite: an experiment, its fully resolved parameters and a seed."""

    experiment: str
    params: dict
    seed: int
    suite: str = ""
    index: int = 0

    @property
    def id(self) -> str:
        return run_id(self.experiment, self.params, self.seed)


@dataclass
class Record:
    run_id: str
    experiment: str
    number: int
    title: str
    suite: str
    seed: int
    params: dict
    status: str
    checks: list
    measured: dict
    prediction: dict
    figure: dict | None
    note: str
    error: str
    traceback: str
    wall_s: float
    device: str
    host: str
    finished_at: str
    version: str

    #: the columns of :meth:`rows`, in order
    COLUMNS = ("run_id", "experiment", "number", "title", "suite", "seed", "params", "status",
               "check", "statistic", "value", "low", "high", "threshold", "passed", "sample_size",
               "prediction", "measured", "check_note", "run_measured", "run_prediction", "figure",
               "note", "error", "traceback", "wall_s", "device", "host", "finished_at", "version",
               "schema")

    def rows(self) -> list[dict]:
        base = {"run_id": self.run_id, "experiment": self.experiment, "number": self.number,
                "title": self.title, "suite": self.suite, "seed": self.seed,
                "params": canonical_json(self.params), "status": self.status,
                "run_measured": canonical_json(self.measured),
                "run_prediction": canonical_json(self.prediction),
                "note": self.note, "error": self.error, "traceback": self.traceback,
                "wall_s": float(self.wall_s), "device": self.device, "host": self.host,
                "finished_at": self.finished_at, "version": self.version, "schema": SCHEMA_VERSION}
        checks = self.checks or [None]
        rows = []
        for i, c in enumerate(checks):
            row = dict(base)
            # the figure's data once per run (first row), not repeated on every check
            row["figure"] = canonical_json(self.figure) if (i == 0 and self.figure) else None
            if c is None:
                row.update({"check": None, "statistic": None, "value": None, "low": None,
                            "high": None, "threshold": None, "passed": None, "sample_size": None,
                            "prediction": None, "measured": None, "check_note": None})
            else:
                row.update({"check": c.name, "statistic": c.statistic, "value": _num(c.value),
                            "low": _num(c.low), "high": _num(c.high), "threshold": c.threshold,
                            "passed": bool(c.passed), "sample_size": int(c.sample_size),
                            "prediction": _num(c.prediction), "measured": _num(c.measured),
                            "check_note": c.note})
            rows.append({k: row[k] for k in self.COLUMNS})
        return rows


def _num(v):
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def _host() -> str:
    import socket

    try:
        return socket.gethostname()
    except OSError:  # pragma: no cover
        return ""


class RunTimeout(BaseException):
    """A run exceeded its time limit. A BaseException, like KeyboardInterrupt, so that an
    experiment's ``except Exception`` cannot swallow it."""


#: a run's wall-clock safety net, as a multiple of its CPU-time limit
WALL_FACTOR = 10.0


@contextlib.contextmanager
def _time_limit(seconds, wall_factor: float = WALL_FACTOR):
    """Raise :class:`RunTimeout` in this thread once the process has used ``seconds`` of CPU time
    (user + system, all threads: POSIX ``ITIMER_PROF``), or after ``wall_factor × seconds`` of wall
    time, whichever comes first.

    CPU time is what a run's work costs whatever else the machine runs, so the limit does not
    depend on load: on 2 cores at a load average of 11–16, a wall-clock limit of 60 s turned 16 of
    21 quick runs into errors. The wall net only catches a run that waits without computing (a
    stuck lock, a sleep). Only in the main thread, where signals are delivered — elsewhere, e.g. on
    a Dask worker's thread pool, no limit is applied. Native code (a long BLAS call) finishes
    before the timer is seen.
    """
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield False
        return
    wall = float(seconds) * wall_factor

    def on_cpu(signum, frame):
        raise RunTimeout(f"the run exceeded its time limit of {seconds:g} s of CPU time")

    def on_wall(signum, frame):
        raise RunTimeout(f"the run exceeded its wall-clock safety net of {wall:g} s ({wall_factor:g} × its "
                         f"CPU-time limit of {seconds:g} s): it waited rather than computed")

    old_prof = signal.signal(signal.SIGPROF, on_cpu)
    old_alarm = signal.signal(signal.SIGALRM, on_wall)
    signal.setitimer(signal.ITIMER_PROF, float(seconds))
    signal.setitimer(signal.ITIMER_REAL, wall)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, old_prof)
        signal.signal(signal.SIGALRM, old_alarm)


def _blas_limit(threads):
    """Limit NumPy/SciPy's BLAS and OpenMP pools to ``threads`` for the run (threadpoolctl, when
    installed): the theory's solvers call BLAS too, and several runs side by side on Dask workers
    must not each start a pool per core."""
    if threads is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings it
        return contextlib.nullcontext()
    return threadpool_limits(limits=int(threads))


def execute(task: Task, device: str = "cpu", workdir=None, threads: int | None = None,
            timeout: float | None = None) -> Record:
    """Run one task and return its record; never raises for a failure of the experiment itself.

    ``timeout`` (seconds of CPU time, with a wall-clock net of :data:`WALL_FACTOR` times that; see
    :func:`_time_limit`) ends a run that takes longer; it is then run once more from the start, and
    only a second time-out makes an ``error`` record, which says so. Applied where the process can be
    interrupted: the main thread.
    """
    record = _execute_once(task, device, workdir, threads, timeout)
    if record.error.startswith("RunTimeout:"):
        first = record.error
        record = _execute_once(task, device, workdir, threads, timeout)
        if record.error.startswith("RunTimeout:"):
            record.error = f"{record.error}; the first attempt timed out too ({first[len('RunTimeout: '):]})"
    return record


def _execute_once(task: Task, device: str, workdir, threads: int | None, timeout: float | None) -> Record:
    import datetime

    t0 = time.perf_counter()
    exp = REGISTRY.get(task.experiment)
    title = exp.title if exp else ""
    number = exp.number if exp else 0
    rid = task.id
    status, outcome, error, tb = "error", Outcome(), "", ""
    trainings: list = []   # every TrainResult of the run (validation.train.observe)
    try:
        if exp is None:
            raise KeyError(f"unknown experiment {task.experiment!r}")
        if threads is not None:
            import torch

            torch.set_num_threads(int(threads))
        ctx = Context(seed=task.seed, device=device,
                      workdir=None if workdir is None else pathlib.Path(workdir) / rid, run_id=rid)
        with _time_limit(timeout), _blas_limit(threads), observe_training() as trainings:
            outcome = exp.run(ctx, SimpleNamespace(**task.params))
        if not isinstance(outcome, Outcome):
            raise TypeError(f"experiment {task.experiment} returned {type(outcome).__name__}, not an Outcome")
        status = "pass" if outcome.checks and all(c.passed for c in outcome.checks) else "fail"
        if not outcome.checks:
            status = "error"
            error = "the experiment returned no check"
    except TrainingDiverged as err:
        status, error = "diverged", _one_line(err)
        outcome = Outcome(measured=training_summary(err.result))
    except PredictionUnavailable as err:
        status, error = "unavailable", _one_line(err)
    except RunTimeout as err:
        status, error, tb = "error", f"RunTimeout: {_one_line(err)}", traceback.format_exc()
    except Exception as err:  # noqa: BLE001 - every failure of a run is recorded, never raised
        from validation.data import DatasetMissingError

        if isinstance(err, DatasetMissingError):
            status, error = "skipped", _one_line(err)
        else:
            status, error, tb = "error", f"{type(err).__name__}: {_one_line(err)}", traceback.format_exc()
    diverged = next((r for r in trainings if r.status == "diverged" and not r.divergence_is_outcome), None)
    if diverged is not None and status != "diverged":
        # the experiment went on after a diverged training: what it computed is not a measurement
        after = f"{status}" + (f": {error}" if error else "")
        status, error = "diverged", _one_line(diverged_message(diverged))
        outcome = Outcome(measured=training_summary(diverged),
                          note=("the experiment did not stop at the divergence; what it computed "
                                f"afterwards (ending {after}) is discarded"))
    finished = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return Record(rid, task.experiment, number, title, task.suite, task.seed, task.params, status,
                  list(outcome.checks), outcome.measured, outcome.prediction, outcome.figure,
                  outcome.note, error, tb, time.perf_counter() - t0, device, _host(), finished,
                  rmtheory.__version__)


def _one_line(err) -> str:
    return " ".join(str(err).split()) or type(err).__name__
