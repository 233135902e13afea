"""``rmtheory validate``: train networks, measure their spectra, test the theory — the main job.

Registered with the ``rmtheory`` command through the entry-point group ``rmtheory.commands``
(pyproject.toml), so that ``rmtheory`` never imports ``validation``. The command line loads this
module for every parse, ``rmtheory --help`` included: torch, pandas/pyarrow and Dask are imported
inside :func:`run` only.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import tempfile

from rmtheory.cli import UsageError, print_json

#: seconds to reach a --scheduler before giving up (an unreachable address fails in this time, not
#: after Dask's 30 s default and a traceback)
SCHEDULER_TIMEOUT = 5.0

HELP = "run a validation suite: train, measure spectra, test predictions (needs the [validation] extra)"
DESCRIPTION = """\
Run a suite of experiments — each trains or samples networks/matrices in torch, measures a spectrum
and tests the rmtheory prediction for it with a stated statistic and threshold — and write:

  DIR/records/*.parquet   one Parquet file per finished run (one row per check), written atomically
  DIR/report.md           the pass/fail table and one section per run
  DIR/figures/*.png       one figure per run: measurement and prediction together

SUITE is a built-in suite (quick: every experiment small, a few minutes on a laptop CPU; full: the
research-scale grid, for a GPU or a cluster) or the path of a TOML file (see validation.suites.loader).
Rerunning the same command skips runs already finished (pass, fail or diverged), so an interrupted suite
resumes where it stopped. A failed check is a result, not an error: the exit status is 0 when every
run ended with a verdict (or was skipped for a missing dataset or prediction), 1 when a run errored
or its training diverged (a diverged training is not a measurement; it is recorded as "diverged").

examples:
  rmtheory validate quick
  rmtheory validate full --out results/full --device cuda
  rmtheory validate full --workers 8                      # Dask LocalCluster, 8 processes
  rmtheory validate my_suite.toml --scheduler tcp://head:8786
  rmtheory validate --list"""


#: --workers and --threads: at most the CPU cores of this machine (a LocalCluster of more processes,
#: or more torch threads, only slows the runs down; 10^20 workers hung starting the cluster)
MAX_PARALLEL = os.cpu_count() or 1


def core_count(name):
    """An argparse type for ``name`` (``--workers``, ``--threads``): an integer in [1, the CPU cores],
    refused otherwise with one line naming the value and the range. Shared with ``rmtheory figures``."""
    def parse(text):
        # ArgumentTypeError: argparse shows its message as is (any other error becomes "invalid value")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} = {text[:40]!r} is not an integer") from None
        if not 1 <= value <= MAX_PARALLEL:
            raise argparse.ArgumentTypeError(f"{name} = {value} is outside the allowed range [1, {MAX_PARALLEL}] "
                                             "(integers; the CPU cores of this machine)")
        return value
    return parse


def register(sub) -> None:
    p = sub.add_parser("validate", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("suite", nargs="?", metavar="SUITE", help="quick, full, geometry, or a suite TOML file")
    p.add_argument("--out", metavar="DIR", help="output directory (default: ./rmtheory-validate/SUITE); created and "
                   "test-written before any run, refused (exit status 2) if that fails")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="torch device (default cpu)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=core_count("--workers"), metavar="N",
                       help="run on a Dask LocalCluster of N worker processes (1 to the CPU cores)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on an existing Dask cluster (e.g. tcp://host:8786); refused (exit status 2) "
                            f"if no scheduler answers there within {SCHEDULER_TIMEOUT:g} s")
    p.add_argument("--threads", type=core_count("--threads"), default=1, metavar="T",
                   help="torch threads per run (1 to the CPU cores, default 1; use --workers for more cores)")
    p.add_argument("--run-timeout", type=float, metavar="S",
                   help="seconds of CPU time a run may use (wall-clock net: 10 times that); a run over it is "
                        "retried once, then recorded as an error (local runs; default: the suite's "
                        "run_timeout, else none)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-report", action="store_true", help="write records only (no report/figures)")
    p.add_argument("--list", action="store_true", help="list the built-in suites and the experiments")
    p.add_argument("--json", action="store_true", help="print the run summary as JSON")
    p.set_defaults(func=run)


def _require_extras():
    missing = []
    for module in ("torch", "pandas", "pyarrow"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise UsageError(f"rmtheory validate needs {', '.join(missing)}: pip install torch==2.13.0 && "
                         "pip install -e \".[validation]\"")


def _list(args) -> int:
    from validation.experiments import REGISTRY
    from validation.suites import builtin_suites, load_suite

    suites = {name: load_suite(name) for name in builtin_suites()}
    exps = sorted(REGISTRY.values(), key=lambda e: (e.number, e.name))
    if args.json:
        print_json({
            "suites": [{"name": n, "runs": len(s.tasks), "description": s.description} for n, s in suites.items()],
            "experiments": [{"number": e.number, "name": e.name, "title": e.title, "tests": e.tests,
                             "parameters": {k: {"default": v.default, "doc": v.doc,
                                                "allowed": v.domain.describe() if v.domain else "any"}
                                            for k, v in e.params.items()}} for e in exps]})
        return 0
    print("built-in suites:")
    for n, s in suites.items():
        print(f"  {n:<8} {len(s.tasks):>4} runs  {s.description}")
    print("experiments:")
    for e in exps:
        print(f"  {e.number:>2} {e.name:<22} {e.title}")
    return 0


def run(args) -> int:
    _require_extras()
    if args.list:
        return _list(args)
    if not args.suite:
        raise UsageError("rmtheory validate: give a SUITE (quick, full, geometry or a TOML file), or --list")
    from validation.suites import SuiteError, load_suite, run_suite
    from validation.suites.loader import MAX_RUN_TIMEOUT

    try:
        suite = load_suite(args.suite)
    except SuiteError as err:
        raise UsageError(str(err)) from None
    if args.device == "cuda" and args.scheduler is None:
        import torch

        if not torch.cuda.is_available():
            raise UsageError("--device cuda: torch sees no CUDA device here (torch.cuda.is_available() "
                             "is False; this torch build is " + torch.__version__ + ")")
    if args.workers is not None or args.scheduler is not None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise UsageError("--workers/--scheduler need Dask: pip install -e \".[distributed]\"") from None
    if args.run_timeout is not None and not 0 < args.run_timeout <= MAX_RUN_TIMEOUT:
        raise UsageError(f"--run-timeout = {args.run_timeout!r} is outside the allowed range "
                         f"(0, {MAX_RUN_TIMEOUT:g}] seconds")
    out = args.out or os.path.join("rmtheory-validate", suite.name)
    check_output_dir(out)
    if args.scheduler is not None:
        _check_scheduler(args.scheduler)
    from validation.suites.storage import OutputBusyError

    try:
        summary = _run(args, suite, out, run_suite)
    except OutputBusyError as err:
        raise UsageError(str(err)) from None
    if args.json:
        print_json(vars(summary))
    else:
        print(summary.line())
    return summary.exit_status


def check_output_dir(out: str) -> None:
    """Create ``out`` and write a file there, before any run: a directory that cannot be written is
    one line naming it and the operating system's reason, not a traceback after the first run.
    Shared with ``rmtheory figures``."""
    path = pathlib.Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".rmtheory-write-test-"):
            pass
    except OSError as err:
        where = "" if err.filename in (None, out) else f" ({err.filename})"
        raise UsageError(f"--out {out}: cannot write there: {err.strerror or type(err).__name__}{where}") from None


def _check_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT) -> None:
    """Ask the Dask scheduler at ``address`` who it is, within ``timeout`` seconds.

    Anything short of a scheduler's answer — a malformed address, a refused or timed-out connection,
    a server that is not a Dask scheduler (whose reply can fail to decode in any way) — is refused
    with one line naming the address and the reason.
    """
    import asyncio

    from distributed.core import rpc

    async def identity():
        remote = rpc(address, timeout=timeout)
        try:
            return await asyncio.wait_for(remote.identity(), timeout + 1)  # connect's own timeout first
        finally:
            await remote.close_rpc()

    try:
        info = asyncio.run(identity())
    except Exception as err:  # noqa: BLE001 - any failure of this probe means "no scheduler there"
        reason = " ".join(str(err).split()) or "no answer"
        raise UsageError(f"--scheduler {address}: cannot reach a Dask scheduler there within {timeout:g} s "
                         f"({type(err).__name__}: {reason[:200]}); start one with 'dask scheduler' or "
                         "check the address (tcp://HOST:PORT)") from None
    if not isinstance(info, dict) or info.get("type") != "Scheduler":
        raise UsageError(f"--scheduler {address}: the server there is not a Dask scheduler (it answered "
                         f"{str(info)[:100]!r})")


def _run(args, suite, out, run_suite):
    return run_suite(suite, out, device=args.device, workers=args.workers,
                     scheduler=args.scheduler, threads=args.threads,
                     progress=not args.no_progress, report=not args.no_report,
                     run_timeout=args.run_timeout if args.run_timeout is not None else "suite")
