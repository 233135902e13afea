"""Speed-up of a ``full``-style validation grid on a Dask LocalCluster with 2 workers over 1.

The ``full`` suite is a grid of independent runs (experiments × parameters × seeds); Dask runs them
in parallel, one run per worker process (one torch thread each, see :mod:`validation.suites.runner`).
This benchmark runs the same grid twice into fresh directories — Dask with 1 worker, then with 2 —
and prints both wall times, the speed-up and the load average (the machine may be shared).

The default grid has the shape of ``full`` (every experiment family that needs no dataset file, two
sizes, several seeds) scaled down to run in a few minutes on a laptop: 24 runs of 1-10 s.
``--suite full`` times the real ``full`` grid instead (hours: a cluster job).

Usage::

    python benchmarks/bench_validate_dask.py                  # the scaled grid, workers 1 then 2
    python benchmarks/bench_validate_dask.py --workers 1 4    # other worker counts
    python benchmarks/bench_validate_dask.py --suite full --workers 1 8

Measured on 2026-11-28 on this repository's 2-core CPU machine (load average 0.15 before the
first run), ``python benchmarks/bench_validate_dask.py``:

    workers=1: 99.0 s wall ({'pass': 20, 'fail': 4})
    workers=2: 58.4 s wall ({'pass': 20, 'fail': 4})
    speed-up 1 -> 2 workers: 1.70x

(the same counts of passes and fails both times; ``--keep DIR`` keeps both record sets for a
record-by-record comparison, which tests/validation/suites/test_runner.py makes on a small suite).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

SCALED_GRID = """
[suite]
name = "bench-full-style"
description = "full-style grid scaled down for a speed-up measurement"
seeds = [0, 1, 2]

[[experiment]]
name = "least_squares_mp"
grid = { d = [100, 200] }
params = { P = 400, population_values = [1.0, 4.0], population_weights = [0.5, 0.5] }

[[experiment]]
name = "logistic_hessian"
params = { d = 100, P = 400 }

[[experiment]]
name = "spin_glass_descent"
params = { n = 80, starts = 4, samples = 1 }

[[experiment]]
name = "level_spacing"
params = { n = 300, width = 12 }

[[experiment]]
name = "tracy_widom"
grid = { p = [40, 80] }
params = { samples = 400 }

[[experiment]]
name = "training_density"
params = { n = 200, width = 16, steps = 200 }
"""


def main(argv=None):
    from validation.suites import load_suite, parse_suite, run_suite

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", help="a suite name or TOML file (default: the scaled full-style grid)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--keep", help="keep the output directories under this path")
    args = ap.parse_args(argv)
    suite = load_suite(args.suite) if args.suite else parse_suite(SCALED_GRID, "<scaled full-style grid>")
    root = args.keep or tempfile.mkdtemp(prefix="bench-validate-")
    print(f"{suite.summary()}; cores: {os.cpu_count()}")
    times = {}
    for w in args.workers:
        out = os.path.join(root, f"workers-{w}")
        shutil.rmtree(out, ignore_errors=True)
        load0 = os.getloadavg()[0]
        t0 = time.perf_counter()
        summary = run_suite(suite, out, workers=w, progress=False, report=False)
        times[w] = time.perf_counter() - t0
        print(f"workers={w}: {times[w]:.1f} s wall ({summary.statuses}); load average before {load0:.2f}, "
              f"after {os.getloadavg()[0]:.2f}")
    base = times[args.workers[0]]
    for w in args.workers[1:]:
        print(f"speed-up {args.workers[0]} -> {w} workers: {base / times[w]:.2f}x")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
