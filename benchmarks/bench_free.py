"""Free probability against freealg, in one run: speed and accuracy, printed as ratios.

    pip install freealg          # bench-only; rmtheory never needs it
    python benchmarks/bench_free.py [--repeats 7]

Cases (issue 3):
1. density of semicircle(1) ⊞ MP(1/2) on 2000 points, JIT warm — rmtheory `free_add(...).pdf`
   on a fresh law object (its support search included) vs freealg `FreeLevy([1/2], [1], lam=2,
   sigma=1).density`;
2. the support edges of the same law — rmtheory `.support` (fresh object) vs freealg `.support()`;
3. the generalized Marchenko-Pastur law with 128 population atoms — rmtheory
   `GeneralizedMarchenkoPastur` vs freealg `DeformedMarchenkoPastur`: time, total mass of the
   density, and edges.

References, independent of both libraries: for case 1–2 the cubic
−cσ²G³ + (cz + σ²)G² − (z − 1 + c)G + 1 = 0 (Pastur's relation G(z) = G_MP(z − σ²G)) solved with
mpmath.polyroots at 30 digits, and its discriminant's real roots for the edges; for case 3 the
critical values of Silverstein-Choi's x(m) (brentq on x'(m) between poles).
Median of ``--repeats`` timings, same process, single thread.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import mpmath as mp  # noqa: E402
import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

import rmtheory as rmt  # noqa: E402

SIGMA2, RATIO = 1.0, 0.5


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def reference_density(x):
    """−Im G/π from the cubic, the root with Im G < 0 (Cauchy sign), 30 digits."""
    out = np.zeros(x.size)
    with mp.workdps(30):
        for i, xi in enumerate(x):
            z = mp.mpf(float(xi))
            coeffs = [-RATIO * SIGMA2, RATIO * z + SIGMA2, -(z - 1 + RATIO), 1]
            roots = mp.polyroots(coeffs, maxsteps=200, extraprec=60)
            lower = [r for r in roots if mp.im(r) < -mp.mpf(10) ** -25]
            out[i] = float(-mp.im(lower[0]) / mp.pi) if lower else 0.0
    return out


def reference_edges():
    """Real roots of the discriminant (in G) of the cubic, kept where the density switches on/off."""
    g, z = sp.symbols("g z")
    c, s2 = sp.nsimplify(RATIO), sp.nsimplify(SIGMA2)
    cubic = sp.Poly(-c * s2 * g**3 + (c * z + s2) * g**2 - (z - 1 + c) * g + 1, g)
    disc = sp.Poly(sp.discriminant(cubic.as_expr(), g), z)
    with mp.workdps(40):
        roots = mp.polyroots([mp.mpf(sp.Rational(k)) for k in disc.all_coeffs()], maxsteps=200, extraprec=80)
    real = sorted(float(mp.re(r)) for r in roots if abs(mp.im(r)) < 1e-25)
    keep = []
    for r in real:  # an edge has density on exactly one side
        left, right = reference_density(np.array([r - 1e-7, r + 1e-7]))
        if (left > 0) != (right > 0):
            keep.append(r)
    return np.array(keep)


def silverstein_choi_edges(ratio, t, w):
    from scipy.optimize import brentq

    def dx(m):
        return 1.0 / m**2 - ratio * np.sum(w * t**2 / (1.0 + t * m) ** 2)

    def x(m):
        return -1.0 / m + ratio * np.sum(w * t / (1.0 + t * m))

    poles = np.unique(np.concatenate([[0.0], -1.0 / t]))
    pieces = [(poles[0] - 1e6, poles[0])] + list(zip(poles[:-1], poles[1:])) + [(poles[-1], poles[-1] + 1e6)]
    edges = []
    for lo, hi in pieces:
        u = np.concatenate([np.geomspace(1e-14, 1e-3, 300), np.linspace(1e-3, 1 - 1e-3, 3000),
                            1 - np.geomspace(1e-14, 1e-3, 300)[::-1]])
        grid = lo + (hi - lo) * u
        vals = np.array([dx(m) for m in grid])
        ok = np.isfinite(vals)
        grid, vals = grid[ok], vals[ok]
        for i in np.flatnonzero(np.sign(vals[1:]) * np.sign(vals[:-1]) < 0):
            edges.append(x(brentq(dx, grid[i], grid[i + 1], xtol=1e-300, rtol=1e-15)))
    return np.sort(edges)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    try:
        import freealg
    except ImportError:
        freealg = None
        print("freealg is not installed (pip install freealg): printing rmtheory's numbers only")

    x = np.linspace(-2.0, 4.0, 2000)
    print("reference: mpmath cubic and discriminant (30-40 digits) ...", flush=True)
    ref_density = reference_density(x)
    ref_edges = reference_edges()
    interior = ref_density > 1e-3

    def ours_law():
        return rmt.free_add(rmt.Semicircle(SIGMA2), rmt.MarchenkoPastur(RATIO))

    ours_law().pdf(x)  # JIT warm-up (numba compiles on first use, then caches on disk)
    t_ours = median_time(lambda: ours_law().pdf(x), args.repeats)
    ours_density = np.asarray(ours_law().pdf(x))
    err_ours = float(np.max(np.abs(ours_density - ref_density)[interior]))
    t_ours_edges = median_time(lambda: ours_law().support, args.repeats)
    ours_edges = np.array(ours_law().support).ravel()
    e_ours = float(np.max(np.abs(ours_edges - ref_edges)))

    print("\n1. density, semicircle(1) ⊞ MP(0.5), 2000 points (interior error vs mpmath cubic)")
    print(f"   rmtheory: {1e3 * t_ours:8.2f} ms   max error {err_ours:.2e}")
    print(f"\n2. edges {ref_edges.tolist()}")
    print(f"   rmtheory: {1e3 * t_ours_edges:8.2f} ms   max edge error {e_ours:.2e}")
    if freealg is not None:
        peer = freealg.distributions.FreeLevy([RATIO], [1.0], lam=1.0 / RATIO, sigma=np.sqrt(SIGMA2))
        peer.density(x)
        t_peer = median_time(lambda: peer.density(x), args.repeats)
        err_peer = float(np.max(np.abs(np.asarray(peer.density(x)) - ref_density)[interior]))
        t_peer_edges = median_time(lambda: freealg.distributions.FreeLevy(
            [RATIO], [1.0], lam=1.0 / RATIO, sigma=np.sqrt(SIGMA2)).support(), max(3, args.repeats // 2))
        peer_edges = np.array(peer.support()).ravel()
        e_peer = float(np.max(np.abs(peer_edges - ref_edges))) if peer_edges.size == ref_edges.size else float("nan")
        print(f"   (density) freealg: {1e3 * t_peer:8.2f} ms   max error {err_peer:.2e}"
              f"   -> rmtheory {t_peer / t_ours:.1f}x faster, {err_peer / max(err_ours, 1e-300):.1e}x more accurate")
        print(f"   (edges)   freealg: {1e3 * t_peer_edges:8.2f} ms   max edge error {e_peer:.2e}"
              f"   -> rmtheory {t_peer_edges / t_ours_edges:.1f}x faster, "
              f"{e_peer / max(e_ours, 1e-300):.1e}x more accurate")

    # 3. generalized MP, 128 atoms
    rng = np.random.default_rng(128)
    t = np.sort(np.exp(rng.uniform(np.log(0.2), np.log(8.0), 128)))
    w = rng.dirichlet(np.ones(128))
    ratio = 0.5
    ref = silverstein_choi_edges(ratio, t, w)
    law = rmt.GeneralizedMarchenkoPastur(ratio, rmt.Atoms(t, w))
    grid = np.linspace(0.0, ref[-1] * 1.05, 4000)
    law.pdf(grid)
    t_gmp = median_time(lambda: rmt.GeneralizedMarchenkoPastur(ratio, rmt.Atoms(t, w)).pdf(grid), 3)
    mass_ours = float(law.cdf(ref[-1] * 1.05))
    edges_ours = np.array(law.support).ravel()
    e_gmp = float(np.max(np.abs(edges_ours - ref))) if edges_ours.size == ref.size else float("nan")
    print(f"\n3. generalized MP, ratio {ratio}, 128 population atoms, density on 4000 points")
    print(f"   rmtheory: {1e3 * t_gmp:8.2f} ms   mass {mass_ours:.12f}   edges vs Silverstein-Choi {e_gmp:.2e}")
    if freealg is not None:
        peer = freealg.distributions.DeformedMarchenkoPastur(t, w, c=ratio)
        try:
            peer.density(grid)
            t_peer = median_time(lambda: peer.density(grid), 3)
            dens = np.asarray(peer.density(grid), dtype=float)
            mass_peer = float(np.trapezoid(dens, grid))
            print(f"   freealg:  {1e3 * t_peer:8.2f} ms   mass {mass_peer:.6f} (trapezoid on the grid)"
                  f"   -> rmtheory {t_peer / t_gmp:.1f}x faster")
        except Exception as err:  # the peer's failure is a result too
            print(f"   freealg: failed ({type(err).__name__}: {err})")


if __name__ == "__main__":
    main()
