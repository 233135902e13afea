"""Overhead of the training-time tracker (:class:`validation.dynamics.CurvatureTracker`) on the digits MLP.

The model and data of the benchmark fixture (``../shared/benchdata``): ``nn.Sequential`` of Linear
64-128-128-10 with tanh (26,122 parameters), float32, all 1797 standardized digits as one full batch,
mean cross-entropy. Each contender trains a fresh copy (same seed) for ``--steps`` steps with
:func:`validation.train.train`:

* ``baseline``: no tracker;
* ``lambda_max``: the default tracker every k = ``--every`` steps (λ_max tracked, losses, gradient
  norm and autocorrelation, GA_1, and for Adam the preconditioned sharpness);
* ``all metrics``: the same plus, every 10th measurement, the top-5 eigenvalues and GA_5, the trace
  (XTrace, 40 products) and SLQ (40 × 4) with the spectral metrics.

Rounds are interleaved (the order of the contenders rotates from round to round) after one warm-up
round that is not counted; printed per optimizer (full-batch GD at η = 0.1 and Adam at η = 10⁻³): the
wall and CPU time of each contender and its overhead over the baseline of the same round, median
[min–max] over the rounds, with the load average before and after.

Usage::

    python benchmarks/bench_tracker.py [--rounds 5] [--steps 500] [--every 10]

Measured (2-core machine, load ≈ 1 from this run itself; median [min–max] over 5 rounds): GD baseline
6.90 s, with the λ_max tracker 8.22 s, overhead 18.0 % [14.2–46.3] (79 products); Adam 33.1 %
[26.7–44.7] (147 products: the preconditioned sharpness is tracked too); all metrics every 10th
measurement 477 % (GD) and 463 % (Adam).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch

from validation.data import digits
from validation.dynamics import CurvatureTracker
from validation.models import loss_function
from validation.train import TrainConfig, train


def _model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.Tanh(), torch.nn.Linear(128, 128),
                               torch.nn.Tanh(), torch.nn.Linear(128, 10))


def _once(kind, optimizer, X, y, steps, every):
    model = _model()
    loss = loss_function("cross_entropy")
    tracker = None
    if kind == "lambda_max":
        tracker = CurvatureTracker(model, loss, (X, y), every=every)
    elif kind == "all metrics":
        tracker = CurvatureTracker(model, loss, (X, y), every=every, top_k_every=10, trace_every=10,
                                   spectrum_every=10)
    cfg = TrainConfig(optimizer="sgd" if optimizer == "gd" else "adam", momentum=0.0 if optimizer == "gd" else 0.9,
                      lr=0.1 if optimizer == "gd" else 1e-3, steps=steps, loss="cross_entropy", eval_every=steps)
    wall, cpu = time.perf_counter(), time.process_time()
    train(model, (X, y), cfg, tracker=tracker)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    products = 0 if tracker is None else sum(r["products"] for r in tracker.records)
    return wall, cpu, products


def _fmt(values, scale=1.0, spec=".3g"):
    v = np.asarray(values) * scale
    return f"{np.median(v):{spec}} [{v.min():{spec}}–{v.max():{spec}}]"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--every", type=int, default=10)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    X, y = digits().tensors(dtype=torch.float32)
    kinds = ["baseline", "lambda_max", "all metrics"]
    print(f"digits MLP 64-128-128-10 tanh, float32, full batch 1797, {args.steps} steps, tracker every "
          f"{args.every} steps, {args.rounds} interleaved rounds (+1 warm-up), 1 thread; load "
          f"{tuple(round(x, 2) for x in os.getloadavg())}")
    for optimizer in ("gd", "adam"):
        for kind in kinds:
            _once(kind, optimizer, X, y, min(args.steps, 50), args.every)     # warm-up, not counted
        wall = {k: [] for k in kinds}
        cpu = {k: [] for k in kinds}
        prods = {}
        for r in range(args.rounds):
            order = kinds[r % 3:] + kinds[:r % 3]
            for kind in order:
                w, c, p = _once(kind, optimizer, X, y, args.steps, args.every)
                wall[kind].append(w)
                cpu[kind].append(c)
                prods[kind] = p
        print(f"\n{optimizer}:  contender       wall [s]              CPU [s]               overhead (wall)        "
              "products")
        for kind in kinds:
            over = np.array(wall[kind]) / np.array(wall["baseline"]) - 1
            print(f"      {kind:<14} {_fmt(wall[kind]):<21} {_fmt(cpu[kind]):<21} "
                  f"{'—' if kind == 'baseline' else _fmt(over, 100, '.1f') + ' %':<22} {prods[kind]}")
    print(f"\nload at the end {tuple(round(x, 2) for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
