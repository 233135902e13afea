"""Nested free convolutions: time and accuracy of MP(1)^⊠s for s = 2…8 factors, and deep Jacobians.

    python benchmarks/bench_nested.py [--repeats 5] [--pairwise]

For each s, on a fresh law object each round (a law caches what it computed): the time to its
verified support (edge search plus the mass check of the cdf tables), to its density on 2,000
points, and to its cdf on the same points; the right edge's error against the Fuss-Catalan value
(s+1)^{s+1}/s^s; the largest cdf error against the Fuss-Catalan parametrization (Haagerup & Möller
2012: x(φ) = sin((s+1)φ)^{s+1}/(sin φ sin(sφ)^s), density sin²φ sin(sφ)^{s−1}/(π sin((s+1)φ)^s),
integrated in φ by adaptive quadrature); and the law's own stated tolerance. s = 2 is the compiled
pairwise kernel, s ≥ 3 the chain of composed S-transforms (rmtheory.free.chain). ``--pairwise``
also times s = 3 through nested pairwise solves, the route every nested convolution took before
the chain existed (tens of seconds).

Then the deep-network Jacobian predictions that these products serve: rmtheory.predict.deep_jacobian
at depth 8 for tanh (σ_w = 1.2, σ_b = 0.05; its D² law is a mixture of uniform pieces, and the
prediction builds a second, coarser law for its discretization error) and for linear.

Median [min–max] of ``--repeats`` rounds, one thread; the load average is printed, since timings on
a shared machine are comparable only within a run.

Measured on this 2-core machine (load average 0.63 at start, 0.77 at end), ``--repeats 5``:

     s  support [s]             density [s]             cdf [s]                 edge err   cdf err    tolerance
     2  0.0062 [0.0057-0.0091]  0.005 [0.0046-0.0059]   0.026 [0.025-0.033]     0.0e+00    5.6e-16    1.0e-12
     3  0.17 [0.16-0.17]        0.042 [0.04-0.047]      0.042 [0.04-0.061]      3.6e-15    2.5e-11    1.8e-10
     4  0.14 [0.14-0.16]        0.041 [0.04-0.048]      0.017 [0.017-0.024]     3.6e-15    8.7e-11    1.5e-10
     5  0.22 [0.21-0.23]        0.041 [0.04-0.048]      0.076 [0.07-0.12]       0.0e+00    2.0e-10    2.0e-10
     6  0.29 [0.28-0.49]        0.041 [0.04-0.071]      0.39 [0.29-0.78]        1.1e-14    3.7e-10    3.7e-10
     7  0.25 [0.25-0.25]        0.041 [0.041-0.042]     0.14 [0.13-0.18]        7.1e-15    5.3e-10    6.2e-10
     8  0.33 [0.31-0.37]        0.046 [0.042-0.05]      0.14 [0.14-0.17]        3.6e-15    9.3e-11    5.9e-09
    deep_jacobian(8, 'tanh'): 3.1 [3.1-3.2] s, tolerance 7.1e-04
    deep_jacobian(8, 'linear'): 0.21 [0.21-0.22] s, tolerance 5.9e-09

The cdf errors are a constant offset above the hard edge at 0 (the mass the edge continuation
misses), within the stated tolerance at every s.
"""

from __future__ import annotations

import argparse
import math
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
from scipy import integrate  # noqa: E402

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


def stats(times):
    t = np.asarray(times)
    return f"{np.median(t):.2g} [{t.min():.2g}-{t.max():.2g}]"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pairwise", action="store_true", help="also time s = 3 through nested pairwise solves")
    args = parser.parse_args(argv)
    print(f"# bench_nested: load average at start {os.getloadavg()[0]:.2f}")
    product(2).cdf(1.0)                      # compile (or load) the numba kernels once
    product(3).cdf(1.0)
    print(f"  {'s':>2}  {'support [s]':<22}  {'density [s]':<22}  {'cdf [s]':<22}  {'edge err':<9}  "
          f"{'cdf err':<9}  tolerance")
    for s in range(2, 9):
        edge = (s + 1) ** (s + 1) / s**s
        x = np.linspace(0.0, 1.02 * edge, 2000)
        t_support, t_density, t_cdf = [], [], []
        for _ in range(args.repeats):
            law = product(s)
            t0 = time.perf_counter()
            support = law.support
            t1 = time.perf_counter()
            law.pdf(x)
            t2 = time.perf_counter()
            law.cdf(x)
            t3 = time.perf_counter()
            t_support.append(t1 - t0)
            t_density.append(t2 - t1)
            t_cdf.append(t3 - t2)
        phi = np.linspace(0.02, 0.98, 15) * math.pi / (s + 1)
        xs = np.sin((s + 1) * phi) ** (s + 1) / (np.sin(phi) * np.sin(s * phi) ** s)
        cdf_err = float(np.max(np.abs(np.asarray(law.cdf(xs)) - fuss_catalan_cdf(s, phi))))
        print(f"  {s:>2}  {stats(t_support):<22}  {stats(t_density):<22}  {stats(t_cdf):<22}  "
              f"{abs(support[0][1] - edge):<9.1e}  {cdf_err:<9.1e}  {law.numerical_tolerance:.1e}")
    if args.pairwise:
        law = product(3)
        law.__dict__["chain"] = None          # the route before rmtheory.free.chain: nested pairwise solves
        t0 = time.perf_counter()
        _ = law.support
        law.pdf(np.linspace(0, 9.5, 2000))
        print(f"  s = 3 by nested pairwise solves: support and density {time.perf_counter() - t0:.1f} s")
    for activation, kwargs in (("tanh", {"sigma_w": 1.2, "sigma_b": 0.05}), ("linear", {})):
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            pred = rmt.predict.deep_jacobian(8, activation, **kwargs)
            times.append(time.perf_counter() - t0)
        print(f"  deep_jacobian(8, {activation!r}): {stats(times)} s, tolerance {pred.tolerance:.1e}")
    print(f"# load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
