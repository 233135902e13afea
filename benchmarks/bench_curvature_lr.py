"""Curvature-aware step sizes against the best constant step and a cosine schedule, at equal cost.

Runs experiment 15 (``curvature_lr``, :mod:`validation.experiments.e15_curvature_lr`) at the full
suite's size — digits (and, with ``--fashion``, Fashion-MNIST from the Debian package), 500 training
and 500 test samples, MLP 64 × 2 tanh, full-batch gradient descent, cross-entropy, a budget of 600
gradient evaluations per training (a curvature measurement charged 1 per difference product and 2
per exact Hessian-vector product), target training loss 0.1, every method tuned over a grid of four
settings, five seeds each — and prints, for each method at its best setting, the median [min–max]
over seeds of the cost to the target, the final training loss and the test accuracy, the fraction
that reached the target and the divergence rate over its whole grid; then which method wins each.

Usage::

    python benchmarks/bench_curvature_lr.py [--fashion] [--budget 600] [--seeds 5]
"""

from __future__ import annotations

import argparse
import time

from validation.experiments import REGISTRY, Task, execute


def _mr(d, spec=".3g"):
    if not d:
        return "—"
    return f"{d['median']:{spec}} [{d['min']:{spec}}–{d['max']:{spec}}]"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fashion", action="store_true", help="also Fashion-MNIST")
    ap.add_argument("--budget", type=int, default=600)
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args(argv)
    exp = REGISTRY["curvature_lr"]
    for dataset in ["digits"] + (["fashion_mnist"] if args.fashion else []):
        params = exp.resolve(dict(dataset=dataset, n=500, n_test=500, width=64, budget=args.budget,
                                  lrs=[0.1, 0.3, 1.0, 3.0], cs=[0.5, 1.0, 1.5, 1.9], target=0.1, seeds=args.seeds))
        t0 = time.perf_counter()
        rec = execute(Task("curvature_lr", params, 0), threads=1)
        if rec.status not in ("pass", "fail"):
            print(f"{dataset}: {rec.status}: {rec.error}")
            continue
        m = rec.measured
        print(f"\n{dataset}: MLP 64×2 tanh, GD, cross-entropy, budget {args.budget} gradients, target loss 0.1, "
              f"{args.seeds} seeds; λ₀ = {m['lambda_0']:.3g} (2/λ₀ = {2 / m['lambda_0']:.3g}); "
              f"{time.perf_counter() - t0:.0f} s")
        print(f"  {'method':<13} {'best':<6} {'cost to target':<22} {'reached':<8} {'final loss':<28} "
              f"{'test accuracy':<24} {'diverged (grid)'}")
        for method, s in m["summary"].items():
            print(f"  {method:<13} {s['best_setting']:<6g} {_mr(s['cost_to_target']):<22} "
                  f"{s['reached_target']:<8.2f} {_mr(s['final_loss']):<28} {_mr(s['test_accuracy']):<24} "
                  f"{s['divergence_rate_grid']:.2f}")
        print("  wins: " + ", ".join(f"{k}: {v}" for k, v in m["wins"].items()))
        for c in rec.checks:
            print(f"  check: {c.name}: {c.value:g} (≤ {c.high:g}) {'pass' if c.passed else 'FAIL'} — {c.note}")


if __name__ == "__main__":
    main()
