"""What a figure's ``compute`` gets: runs of the validation experiments, cached and shared.

``ctx.run("deep_jacobian", L=4, N=100)`` resolves the parameters against the experiment's declared
ones (defaults filled in, ranges checked), runs it through the validation runner
(:func:`validation.experiments.runs.execute`, the same code as ``rmtheory validate``) and stores its
record in ``CACHE/runs/records/<run_id>.parquet`` (:class:`validation.suites.storage.RecordStore`,
atomic). The run id hashes the experiment, its parameters, the seed and the experiment's code
(:func:`validation.experiments.runs.run_id`), so a figure that asks for a run another figure — or the
built-in ``quick`` suite run by :func:`Context.run_suite` — already made reads it back instead of
training again, and an edit of the experiment makes a new run.

A run ``unavailable`` (no theory for these inputs) or ``skipped`` (a dataset is not installed) makes
the figure :class:`NotApplicable`, with the runner's reason; an ``error`` or ``diverged`` run makes it
fail with :class:`RunFailed`. ``pass`` and ``fail`` are both results: a failed validation check is
data the figure shows.
"""

from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass

import numpy as np

__all__ = ["Context", "RunResult", "NotApplicable", "RunFailed"]


class NotApplicable(RuntimeError):
    """The figure cannot be made here (a dataset is missing, the theory does not cover the inputs)."""


class RunFailed(RuntimeError):
    """A validation run the figure needs errored or diverged."""


@dataclass
class RunResult:
    """A finished run, read back from its record."""

    run_id: str
    experiment: str
    params: dict
    status: str
    checks: list          # dicts: name, statistic, value, low, high, passed, sample_size, prediction, measured, note
    measured: dict
    prediction: dict
    figure: dict | None
    note: str
    error: str

    def check(self, name: str) -> dict:
        for c in self.checks:
            if c["name"] == name:
                return c
        raise KeyError(f"run {self.run_id} has no check {name!r}; it has {[c['name'] for c in self.checks]}")

    def series(self, label_start: str, panel: int | None = None) -> dict:
        """The first series of the run's own figure whose label starts with ``label_start``."""
        panels = (self.figure or {}).get("panels", [])
        for i, p in enumerate(panels):
            if panel is not None and i != panel:
                continue
            for s in p.get("series", []):
                if (s.get("label") or "").startswith(label_start):
                    return s
        raise KeyError(f"run {self.run_id}: no series labelled {label_start!r}…")


def _nan(v):
    return np.nan if v is None else v


def _from_rows(frame) -> RunResult:
    first = frame.iloc[0]
    figure = next((json.loads(f) for f in frame["figure"] if isinstance(f, str) and f), None)
    checks = []
    for _, r in frame.iterrows():
        if r["check"] is None or (isinstance(r["check"], float) and np.isnan(r["check"])):
            continue
        checks.append({"name": r["check"], "statistic": r["statistic"], "value": _nan(r["value"]),
                       "low": r["low"], "high": r["high"], "passed": bool(r["passed"]),
                       "sample_size": int(r["sample_size"]), "prediction": _nan(r["prediction"]),
                       "measured": _nan(r["measured"]), "note": r["check_note"] or ""})
    return RunResult(first["run_id"], first["experiment"], json.loads(first["params"]), first["status"], checks,
                     json.loads(first["run_measured"] or "{}"), json.loads(first["run_prediction"] or "{}"),
                     figure, first["note"] or "", first["error"] or "")


class Context:
    """The runs a figure's ``compute`` asks for (cached under ``cache_dir``), on ``device``."""

    def __init__(self, cache_dir, device: str = "cpu", threads: int | None = None, seed: int = 0):
        self.cache_dir = pathlib.Path(cache_dir)
        self.device = device
        self.threads = threads
        self.seed = seed
        self.runs_made: list[str] = []    # run ids this context executed (not read back)
        self.runs_used: list[str] = []    # every run id it returned

    @property
    def run_dir(self) -> pathlib.Path:
        return self.cache_dir / "runs"

    def rng(self, offset: int = 0) -> np.random.Generator:
        return np.random.default_rng(self.seed + offset)

    def _store(self):
        from validation.suites.storage import RecordStore

        return RecordStore(self.run_dir)

    def read(self, run_id: str) -> RunResult | None:
        """The stored record of ``run_id`` if it finished (pass, fail or diverged), else None."""
        import pandas as pd

        from validation.experiments.runs import FINAL

        path = self._store().path(run_id)
        if not path.exists():
            return None
        result = _from_rows(pd.read_parquet(path))
        return result if result.status in FINAL else None

    def run(self, experiment: str, seed: int | None = None, **params) -> RunResult:
        """Run (or read back) ``experiment`` with ``params`` over its defaults; see the module doc."""
        from validation.experiments.catalog import get
        from validation.experiments.runs import Task, execute

        exp = get(experiment)
        resolved = exp.resolve(params, where="papers")
        task = Task(experiment, resolved, self.seed if seed is None else int(seed), suite="papers")
        result = self.read(task.id)
        if result is None:
            store = self._store()
            store.records.mkdir(parents=True, exist_ok=True)
            record = execute(task, device=self.device, workdir=str(self.run_dir / "checkpoints"),
                             threads=self.threads)
            store.write(record)
            self.runs_made.append(task.id)
            result = _from_rows(_frame(record))
        self.runs_used.append(task.id)
        if result.status in ("unavailable", "skipped"):
            raise NotApplicable(f"{experiment} ({result.status}): {result.error}")
        if result.status not in ("pass", "fail"):
            raise RunFailed(f"{experiment} run {result.run_id} ended {result.status}: {result.error}")
        return result

    def run_suite(self, name: str):
        """Run (or resume) the built-in suite ``name`` into the run cache; returns its records as a
        pandas table (one row per check), restricted to the suite's runs."""
        import pandas as pd

        from validation.suites import load_suite, run_suite

        suite = load_suite(name)
        run_suite(suite, self.run_dir, device=self.device, threads=self.threads or 1, progress=False, report=False)
        wanted = {t.id for t in suite.tasks}
        self.runs_used.extend(sorted(wanted))
        frames = [pd.read_parquet(self._store().path(rid)) for rid in sorted(wanted)
                  if self._store().path(rid).exists()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _frame(record):
    import pandas as pd

    return pd.DataFrame(record.rows())
