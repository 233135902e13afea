"""Run a suite: the tasks the store does not already hold, locally or on Dask, one record at a time.

``run_suite(suite, out_dir, ...)``:

1. opens the store (:mod:`.storage`): takes the directory's lock (a second runner on the same DIR
   stops with a one-line error) and removes temporary files a killed run left behind;
2. skips every task whose record is final — a verdict (pass or fail) or a diverged training (seeded,
   it would diverge again: change the parameters, which makes a new run) — resume; runs that
   errored, were skipped for a missing dataset or had no prediction are run again;
3. runs the rest — in this process (default), on a Dask ``LocalCluster`` of ``workers`` processes,
   or on an existing cluster at ``scheduler`` (``tcp://host:8786``; started by ``dask scheduler`` /
   ``dask worker`` or dask-jobqueue) — and writes each record as soon as its run ends;
4. writes the report (:mod:`.report`) from the stored records.

Time limits: a suite's ``run_timeout`` (or ``--run-timeout``) is a budget of CPU time per local run,
with a wall-clock safety net of :data:`~validation.experiments.runs.WALL_FACTOR` times it; a run over
either is run once more, and only a second time-out makes an ``error`` record saying so — one slow or
stuck run cannot hold a suite hostage, and a loaded machine (which stretches wall time, not CPU time)
does not change a verdict. On Dask the limit is not applied (tasks run in worker threads, which
cannot be interrupted safely).

Exit status (:attr:`RunSummary.exit_status`, what ``rmtheory validate`` returns): 1 when any run of
the suite is ``error`` or ``diverged`` (:data:`~validation.experiments.runs.FAILING`: a measurement
the suite asked for was not made), else 0 — a ``fail`` is a verdict, not a failure of the suite.

Failures: an experiment that raises becomes an ``error`` record (message and traceback kept); on
Dask, a worker that dies (its process killed, out of memory) makes its task's future fail with
``KilledWorker`` after ``allowed_failures`` retries (set on the LocalCluster this process starts;
an existing cluster keeps its own scheduler's ``allowed-failures`` setting), which is recorded the
same way; a record that cannot be stored (a value the Parquet schema cannot take) becomes an
``error`` record too; the suite goes on either way. Records are written by this process only, never
by the workers, so records need no shared filesystem; checkpoints are written by the worker under
the same absolute ``DIR/checkpoints`` path, which must therefore be writable on every worker node
(a shared filesystem, or the same path created on each node).

Threads: each run sets ``torch.set_num_threads(threads)`` (default 1) and caps NumPy/SciPy's
BLAS pools to the same number (threadpoolctl). The experiments are small
dense problems; on 2 shared cores a small MLP's training measured 50× slower with 2 intra-op threads
than with 1 (thread spin-waits under contention), and one thread per run gives the same floating-
point reductions in a local run and on any worker, so both give the same records — on workers
with one thread each (the LocalCluster's; start external workers with ``--nthreads 1``, since the
thread caps are per process). Use more workers, not more threads, to use more cores.
"""

from __future__ import annotations

import logging
import os
import pathlib
import sys
import time
from dataclasses import dataclass, field

from validation.experiments.runs import FAILING, Record, Task, execute
from validation.suites.storage import RecordStore

__all__ = ["run_suite", "RunSummary", "Progress"]


@dataclass
class RunSummary:
    suite: str
    out_dir: str
    total: int
    skipped: int                  # already finished before this run (resume)
    ran: int
    statuses: dict = field(default_factory=dict)   # status -> count over the whole suite
    wall_s: float = 0.0
    report: str | None = None

    @property
    def exit_status(self) -> int:
        """1 when a run of the suite errored or its training diverged (:data:`FAILING`), else 0."""
        return 1 if any(self.statuses.get(s) for s in FAILING) else 0

    def line(self) -> str:
        parts = ", ".join(f"{v} {k}" for k, v in sorted(self.statuses.items()))
        return (f"suite {self.suite}: {self.total} runs ({self.skipped} already done, {self.ran} run now) "
                f"in {self.wall_s:.1f} s: {parts}; records in {self.out_dir}/records"
                + (f", report {self.report}" if self.report else ""))


class Progress:
    """A progress bar of runs done/total on stderr: tqdm on a terminal, one line per run otherwise
    (logs of batch jobs stay readable). ``enabled=False`` prints nothing."""

    def __init__(self, total: int, initial: int, enabled: bool = True, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done, self.total = initial, total
        self.bar = None
        if enabled and getattr(self.stream, "isatty", lambda: False)():
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, initial=initial, unit="run", file=self.stream,
                                dynamic_ncols=True)
            except ImportError:  # pragma: no cover - tqdm is in the validation extra
                self.bar = None

    def update(self, record: Record) -> None:
        self.done += 1
        if not self.enabled:
            return
        text = f"{record.run_id} {record.status} {record.wall_s:.1f}s"
        if self.bar is not None:
            self.bar.set_postfix_str(text, refresh=False)
            self.bar.update(1)
        else:
            print(f"[{self.done}/{self.total}] {text}", file=self.stream, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _remote(task: Task, device: str, workdir: str | None, threads: int | None) -> Record:
    """What a Dask worker runs (module-level so it pickles by reference). No per-run time limit
    here: tasks run in the worker's thread pool, where no signal can interrupt them."""
    return execute(task, device=device, workdir=workdir, threads=threads)


def _write(store, record, task, device) -> Record:
    """Store ``record``; one the Parquet schema cannot take (e.g. a tensor left in ``measured``)
    becomes an error record, so the suite goes on and a rerun retries the task."""
    try:
        store.write(record)
    except Exception as err:  # noqa: BLE001 - TypeError from JSON, ArrowInvalid, ...
        record = _lost_record(task, err, device, what="the run's record could not be stored")
        store.write(record)
    return record


def _lost_record(task: Task, err: BaseException, device: str,
                 what: str = "the worker running this task failed") -> Record:
    """The record of a run whose worker failed (the task never returned a record)."""
    import datetime

    import rmtheory
    from validation.experiments import REGISTRY

    exp = REGISTRY.get(task.experiment)
    msg = " ".join(str(err).split()) or type(err).__name__
    return Record(task.id, task.experiment, exp.number if exp else 0, exp.title if exp else "",
                  task.suite, task.seed, task.params, "error", [], {}, {}, None,
                  what, f"{type(err).__name__}: {msg}", "",
                  0.0, device, "", datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                  rmtheory.__version__)


def run_suite(suite, out_dir, *, device: str = "cpu", workers: int | None = None,
              scheduler: str | None = None, threads: int | None = 1, progress: bool = True,
              report: bool = True, allowed_failures: int = 1, run_timeout="suite") -> RunSummary:
    """Run ``suite`` (a :class:`~validation.suites.loader.Suite`) into ``out_dir``; see the module doc.

    ``run_timeout``: seconds a local run may take (default: the suite's ``run_timeout``; None: no
    limit).
    """
    t0 = time.perf_counter()
    if run_timeout == "suite":
        run_timeout = getattr(suite, "run_timeout", None)
    store = RecordStore(out_dir)
    store.prepare()
    try:
        return _run_pending(suite, store, out_dir, device, workers, scheduler, threads, progress, report,
                            allowed_failures, run_timeout, t0)
    finally:
        store.unlock()


def _run_pending(suite, store, out_dir, device, workers, scheduler, threads, progress, report,
                 allowed_failures, run_timeout, t0) -> RunSummary:
    from validation.experiments import selfcheck

    workdir = str(pathlib.Path(out_dir).resolve() / "checkpoints")
    finished = store.finished()
    pending = [t for t in suite.tasks if t.id not in finished]
    skipped = len(suite.tasks) - len(pending)
    bar = Progress(len(suite.tasks), skipped, enabled=progress)
    try:
        if pending and (workers is None and scheduler is None):
            selfcheck.RUNNER_PID["pid"] = os.getpid()
            for task in pending:
                record = execute(task, device=device, workdir=workdir, threads=threads,
                                 timeout=run_timeout)
                bar.update(_write(store, record, task, device))
        elif pending:
            _run_dask(pending, store, bar, device, workdir, threads, workers, scheduler, allowed_failures)
    finally:
        bar.close()
    return _summarize(suite, store, out_dir, skipped, pending, report, t0)


def _summarize(suite, store, out_dir, skipped, pending, report, t0) -> RunSummary:
    statuses = {}
    wanted = {t.id for t in suite.tasks}
    for rid, status in store.statuses().items():
        if rid in wanted:
            statuses[status] = statuses.get(status, 0) + 1
    summary = RunSummary(suite.name, str(out_dir), len(suite.tasks), skipped, len(pending), statuses)
    if report:
        from validation.suites.report import write_report

        summary.report = str(write_report(out_dir, suite=suite))
    summary.wall_s = time.perf_counter() - t0
    return summary


def _run_dask(pending, store, bar, device, workdir, threads, workers, scheduler, allowed_failures):
    import dask
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    # allowed-failures: a task whose worker dies is retried this many times, then KilledWorker.
    # worker-saturation 1.0: a worker holds only the task it runs, so when a run kills its worker
    # no innocent queued task is counted as a suspect of that death.
    with dask.config.set({"distributed.scheduler.allowed-failures": int(allowed_failures),
                          "distributed.scheduler.worker-saturation": 1.0}):
        if scheduler is not None:
            client = Client(scheduler)
        else:
            # processes, one thread each: torch and NumPy release the GIL only in parts, and a run
            # that crashes its process must not take the others with it
            cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.CRITICAL)
            client = Client(cluster)
    try:
        futures = {}
        for task in pending:
            fut = client.submit(_remote, task, device, workdir, threads, key=f"run-{task.id}", pure=False)
            futures[fut] = task
        for fut in as_completed(list(futures)):
            task = futures[fut]
            try:
                record = fut.result()
            except Exception as err:  # noqa: BLE001 - KilledWorker, CommClosedError, ...
                record = _lost_record(task, err, device)
            bar.update(_write(store, record, task, device))
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
