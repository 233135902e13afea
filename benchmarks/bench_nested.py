"""Nested free convolutions: time and accuracy of MP(1)^⊠s for s = 2…8 factors, and deep Jacobians.

    python benchmarks/bench_nested.py [--rounds 7] [--cap 120] [--pairwise]

For each s, on a fresh law object every call (a law caches what it computed): the time to its
verified support (edge search plus the mass check of the cdf tables), to its density on 2,000
points, and to its cdf on the same points (each of the last two on a fresh law, so they include the
support search); the right edge's error against the Fuss-Catalan value (s+1)^{s+1}/s^s; the largest
cdf error against the Fuss-Catalan parametrization (Haagerup & Möller 2012:
x(φ) = sin((s+1)φ)^{s+1}/(sin φ sin(sφ)^s), density sin²φ sin(sφ)^{s−1}/(π sin((s+1)φ)^s),
integrated in φ by adaptive quadrature); and the law's own stated tolerance. s = 2 is the compiled
pairwise kernel, s ≥ 3 the chain of composed S-transforms (rmtheory.free.chain). ``--pairwise``
also times s = 3 (support and density) through nested pairwise solves, the route every nested
convolution took before the chain existed, against the chain, as a ratio pairwise / chain.

Then the deep-network Jacobian predictions that these products serve: rmtheory.predict.deep_jacobian
at depth 8 for tanh (σ_w = 1.2, σ_b = 0.05; its D² law is a mixture of uniform pieces, and the
prediction builds a second, coarser law for its discretization error) and for linear.

Method (benchmarks/harness.py): one thread; for each s the three timed operations run interleaved
(support, density, cdf / cdf, density, support / …) for ``--rounds`` rounds after one warm-up call
each, which is excluded; printed is the median [min–max] over the rounds of the seconds per call,
wall time (the ``--pairwise`` ratio is formed within each round, wall and CPU time). A warm-up call
longer than ``--cap`` seconds is reported as capped, not timed. The load average is printed at the
start and the end, since timings on a shared machine are comparable only within a run.

Measured 2026-12-06 with ``python benchmarks/bench_nested.py`` (defaults: 7 rounds; 2 cores shared with
other work, load average 0.60 at the start and 0.78 at the end):

  # bench_nested: MP(1)^s by free multiplicative convolution, and deep Jacobians
  # x86_64 Linux, Python 3.11.7, numpy 2.4.6, 1 thread(s), 7 interleaved rounds, median [min–max]
  # load average at start: 0.60 1.06 1.12 (2 CPUs)
    seconds per call on a fresh law; density and cdf include the law's support search
     s  support [s]               density [s]               cdf [s]                   edge err   cdf err    tolerance
     2  0.0051 [0.005–0.0053]     0.01 [0.0099–0.011]       0.0077 [0.0076–0.0081]    0.0e+00    5.6e-16    1.0e-12
     3  0.088 [0.083–0.098]       0.098 [0.093–0.11]        0.091 [0.088–0.095]       3.6e-15    2.5e-11    1.8e-10
     4  0.087 [0.086–0.091]       0.1 [0.097–0.11]          0.091 [0.088–0.11]        3.6e-15    8.7e-11    1.5e-10
     5  0.1 [0.1–0.2]             0.12 [0.11–0.22]          0.11 [0.11–0.21]          0.0e+00    2.0e-10    2.0e-10
     6  0.15 [0.14–0.27]          0.16 [0.15–0.2]           0.17 [0.16–0.27]          1.1e-14    3.7e-10    3.7e-10
     7  0.13 [0.13–0.15]          0.14 [0.14–0.16]          0.14 [0.14–0.15]          7.1e-15    5.3e-10    6.2e-10
     8  0.15 [0.15–0.16]          0.17 [0.16–0.17]          0.17 [0.17–0.17]          3.6e-15    9.3e-11    5.9e-09
    deep_jacobian(8, 'tanh'): 1.5 [1.5–1.6] s wall, CPU 1.5 [1.5–1.6] s, tolerance 7.1e-04
    deep_jacobian(8, 'linear'): 0.0045 [0.0041–0.0046] s wall, CPU 0.0045 [0.0041–0.0046] s, tolerance 1.0e-10
  # load average at end: 0.78 1.05 1.12 (2 CPUs)

The cdf errors are a constant offset above the hard edge at 0 (the mass the edge continuation
misses); compare them with the stated tolerance column.
"""

from __future__ import annotations

import argparse
import math
import os
import pathlib
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
from scipy import integrate  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from harness import MIN_ROUNDS, interleaved, load_line, machine_header, paired_ratios, summary  # noqa: E402

import rmtheory as rmt  # noqa: E402


def product(s):
    mp = rmt.MarchenkoPastur(1.0)
    law = mp
    for _ in range(s - 1):
        law = rmt.free_mul(law, mp)
    return law


def fuss_catalan_cdf(s, phi):
    """cdf at x(φ): ∫_φ^{π/(s+1)} ρ(x(t)) |x'(t)| dt, the parametrization in the module docstring."""
    def integrand(t):
        x = math.sin((s + 1) * t) ** (s + 1) / (math.sin(t) * math.sin(s * t) ** s)
        rho = math.sin(t) ** 2 * math.sin(s * t) ** (s - 1) / (math.pi * math.sin((s + 1) * t) ** s)
        dlogx = (s + 1) ** 2 / math.tan((s + 1) * t) - 1.0 / math.tan(t) - s * s / math.tan(s * t)
        return rho * abs(x * dlogx)

    with warnings.catch_warnings():      # quad reports reaching rounding at 1e-15: that is the aim
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        return np.array([integrate.quad(integrand, p, math.pi / (s + 1), epsabs=1e-15, epsrel=1e-14,
                                        limit=400)[0] for p in phi])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help=f"interleaved rounds (at least {MIN_ROUNDS})")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds a warm-up call may take before it is capped")
    parser.add_argument("--pairwise", action="store_true", help="also time s = 3 through nested pairwise solves")
    args = parser.parse_args(argv)
    print(machine_header("bench_nested: MP(1)^s by free multiplicative convolution, and deep Jacobians", threads=1,
                         rounds=args.rounds))
    product(2).cdf(1.0)                      # compile (or load) the numba kernels once
    product(3).cdf(1.0)
    print("  seconds per call on a fresh law; density and cdf include the law's support search")
    print(f"  {'s':>2}  {'support [s]':<24}  {'density [s]':<24}  {'cdf [s]':<24}  {'edge err':<9}  "
          f"{'cdf err':<9}  tolerance")
    for s in range(2, 9):
        edge = (s + 1) ** (s + 1) / s**s
        x = np.linspace(0.0, 1.02 * edge, 2000)
        times, skipped = interleaved({"support": lambda s=s: product(s).support,
                                      "density": lambda s=s, x=x: product(s).pdf(x),
                                      "cdf": lambda s=s, x=x: product(s).cdf(x)}, args.rounds, cap_seconds=args.cap)
        cols = [summary(times[k].wall, spec=".2g") if k in times else skipped[k].split(":")[0]
                for k in ("support", "density", "cdf")]
        law = product(s)
        support = law.support
        phi = np.linspace(0.02, 0.98, 15) * math.pi / (s + 1)
        xs = np.sin((s + 1) * phi) ** (s + 1) / (np.sin(phi) * np.sin(s * phi) ** s)
        cdf_err = float(np.max(np.abs(np.asarray(law.cdf(xs)) - fuss_catalan_cdf(s, phi))))
        print(f"  {s:>2}  {cols[0]:<24}  {cols[1]:<24}  {cols[2]:<24}  "
              f"{abs(support[0][1] - edge):<9.1e}  {cdf_err:<9.1e}  {law.numerical_tolerance:.1e}")
        for k, reason in skipped.items():
            print(f"      {k}: {reason}")
    if args.pairwise:
        x = np.linspace(0, 9.5, 2000)

        def chain():
            law = product(3)
            return law.support, law.pdf(x)

        def pairwise():
            law = product(3)
            law.__dict__["chain"] = None      # the route before rmtheory.free.chain: nested pairwise solves
            return law.support, law.pdf(x)

        times, skipped = interleaved({"chain": chain, "pairwise": pairwise}, args.rounds, cap_seconds=args.cap)
        for k in ("chain", "pairwise"):
            line = (f"{summary(times[k].wall, spec='.3g')} s wall, CPU {summary(times[k].cpu, spec='.3g')} s"
                    if k in times else skipped[k])
            print(f"  s = 3, support and density, {k}: {line}")
        if len(times) == 2:
            wall = paired_ratios(times["pairwise"], times["chain"])
            cpu = paired_ratios(times["pairwise"], times["chain"], cpu=True)
            print(f"  pairwise / chain time, paired per round: wall {summary(wall)}, CPU {summary(cpu)}")
    contenders = {activation: (lambda a=activation, kw=kwargs: rmt.predict.deep_jacobian(8, a, **kw))
                  for activation, kwargs in (("tanh", {"sigma_w": 1.2, "sigma_b": 0.05}), ("linear", {}))}
    times, skipped = interleaved(contenders, args.rounds, cap_seconds=args.cap)
    for activation in contenders:
        if activation in times:
            t = times[activation]
            print(f"  deep_jacobian(8, {activation!r}): {summary(t.wall, spec='.2g')} s wall, "
                  f"CPU {summary(t.cpu, spec='.2g')} s, tolerance {t.result.tolerance:.1e}")
        else:
            print(f"  deep_jacobian(8, {activation!r}): {skipped[activation]}")
    print(load_line("end"))


if __name__ == "__main__":
    raise SystemExit(main())
