"""Free probability against freealg, in one run: speed at matched accuracy, printed as paired ratios.

    pip install freealg          # bench-only; rmtheory never needs it
    python benchmarks/bench_free.py [--rounds 7] [--cap 60] [--atoms 8,32,128]

Cases (issue 3):
1. density of semicircle(1) ⊞ MP(1/2) on 2000 points, JIT warm — rmtheory `free_add(...).pdf`
   on a fresh law object (its support search included) vs freealg `FreeLevy([1/2], [1], lam=2,
   sigma=1).density(x, eta)`; error: max |density − reference| on all 2000 points;
2. the support edges of the same law — rmtheory `.support` (fresh object) vs freealg
   `.support(eta, n_probe)` (a fresh object too); error: max |edge − reference edge|;
3. the generalized Marchenko-Pastur law, ratio 1/2, with 8, 32 and 128 population atoms, density on
   4000 points — rmtheory `GeneralizedMarchenkoPastur` (fresh object) vs freealg
   `DeformedMarchenkoPastur(t, w, c).density(x, eta)`: time, density error, total mass, edges.

References, independent of both libraries: for case 1–2 the cubic
−cσ²G³ + (cz + σ²)G² − (z − 1 + c)G + 1 = 0 (Pastur's relation G(z) = G_MP(z − σ²G)) solved with
mpmath.polyroots at 30 digits, and its discriminant's real roots for the edges; for case 3 the
critical values of Silverstein-Choi's x(m) (brentq on x'(m) between poles) for the edges, and for
the density, on every 20th grid point, the root in the upper half plane of
x = −1/u + c Σ wᵢtᵢ/(1 + tᵢu) (u the companion Stieltjes transform; it is unique, Silverstein-Choi
1995) polished by mpmath.findroot at 30 digits from a homotopy in x + iη, η = 10 → 1e-16; the
density is Im u/(cπ). Case 3 compares the density where the reference exceeds 1e-3.

Method (benchmarks/harness.py): one thread; every contender's warm-up call is excluded, the two
sides run interleaved (ours, peer / peer, ours / …) for ``--rounds`` rounds, and each speed claim is
the ratio freealg time / rmtheory time formed within each round, median [min–max], of wall time
and of CPU time (> 1: rmtheory faster). Matched accuracy: freealg's accuracy knob is η, the
distance from the real axis at which it evaluates its Stieltjes transform (and, for the edges, the
probe grid n_probe, whose step bounds its edge error). Before timing, freealg is run on a ladder of
settings (default first); timed is the first setting whose error is within 10× of ours, or, when
none is, its most accurate one — the output then says that freealg does not reach ours. Both errors
are printed beside the times, each computed from the result of the timed calls.
In case 3 the η ladder runs on the 200 reference points, then the chosen η once on all 4000.
The cap: freealg's ladder runs in a forked child process, and a call that does not return within
``--cap`` seconds (case 3: the 200-point ladder as a whole, then the 4000-point call) is killed and
reported as capped; freealg is then not timed for that case, nor for the larger atom counts (the
128-atom DeformedMarchenkoPastur call is what this is for: see the output). The in-process timing
(``interleaved(..., cap_seconds=--cap)``) also reports, rather than times, a warm-up longer than
the cap.

Measured 2026-12-06 with ``python benchmarks/bench_free.py`` (defaults: 7 rounds, cap 60 s; 2 cores
shared with other work, load average 1.06 at the start and 1.02 at the end; 6 min 56 s in all):

  # bench_free: rmtheory free probability against freealg
  # x86_64 Linux, Python 3.11.7, numpy 2.4.6, 1 thread(s), 7 interleaved rounds, median [min–max]
  # load average at start: 1.06 1.68 1.26 (2 CPUs)
  # rmtheory 0.1.0, freealg 0.12.2, cap 60 s per freealg call

  reference: mpmath cubic and discriminant (30-40 digits) ...

  1. density, semicircle(1) ⊞ MP(0.5), 2000 points on [-2, 4] (max error vs mpmath cubic, all points)
     freealg's ladder (max density error; seconds of one call):
       eta=0.0002 (default)                   error 1.7e-03   0.08 s
       eta=1e-06                              error 9.6e-06   0.0786 s
       eta=1e-08                              error 9.6e-08   0.0765 s
       eta=1e-10                              error 9.6e-10   0.0756 s
       eta=1e-12                              error 9.6e-12   0.0748 s
       eta=1e-14                              error 9.6e-14   0.0842 s
       eta=1e-16                              error 9.6e-16   0.0876 s
     timed: freealg at eta=1e-16
     rmtheory  wall 8.23 [7.71–11.8] ms    CPU 8.23 [7.71–11.8] ms    error 3.9e-16
     freealg   wall 94.3 [86.1–154] ms     CPU 94.2 [86.1–154] ms     error 9.6e-16
     freealg / rmtheory, paired per round: wall 11.5 [8.52–15.2], CPU 11.5 [8.51–15.2] (> 1: rmtheory faster)
     matched accuracy: freealg 9.6e-16 within 10x of rmtheory 3.9e-16

  2. support edges [-1.3214539015227087, 3.665726227169458] (discriminant roots, 40 digits)
     freealg's ladder (max edge error; seconds of one call):
       eta=0.0002, n_probe=4000 (default)     error 4.9e-03   0.159 s
       eta=1e-16, n_probe=4000                error 1.1e-03   0.286 s
       eta=1e-16, n_probe=40000               error 3.0e-04   2.31 s
     timed: freealg at eta=1e-16, n_probe=40000 (its edges are probe-grid points: error ~ grid step)
     rmtheory  wall 4.46 [4.19–4.75] ms    CPU 4.46 [4.19–4.75] ms    error 4.4e-16
     freealg   wall 2.14 [2.09–2.5] s      CPU 2.14 [2.09–2.5] s      error 3.0e-04
     freealg / rmtheory, paired per round: wall 486 [442–547], CPU 486 [442–547] (> 1: rmtheory faster)
     freealg does NOT reach rmtheory's accuracy on its ladder: best 3.0e-04 vs 4.4e-16; timed at that best setting

  3. generalized MP, ratio 0.5, population atoms t log-uniform on [0.2, 8] with Dirichlet weights
     (seed 128), density on 4000 points of [0, 1.05 x right edge]

     8 atoms: references (Silverstein-Choi edges, mpmath density on 200 points) ...
     compared where the reference density > 1e-3: 189 of 200 points
     freealg's ladder (max density error where the reference > 1e-3; seconds of one call):
       eta=0.001 (default) on the 200 points  error 2.1e-02   0.267 s
       eta=1e-06 on the 200 points            error 2.2e-05   0.282 s
       eta=1e-08 on the 200 points            error 2.2e-07   0.282 s
       eta=1e-10 on the 200 points            error 2.2e-09   0.288 s
       eta=1e-12 on the 200 points            error 2.2e-11   0.293 s
       eta=1e-14 on the 200 points            error 1.9e-13   0.336 s
       eta=1e-16 on the 200 points            error 1.5e-13   0.289 s
     freealg's ladder (the same, from the 4000-point call; seconds of one call):
       eta=1e-16 on all 4000 points           error 1.5e-13   5.82 s
     timed: freealg at eta=1e-16 on all 4000 points
     rmtheory  wall 36.7 [35.4–38.2] ms    CPU 36.7 [35.4–38.2] ms    error 5.6e-16, |1 - mass| 2.6e-07 (cdf)
     freealg   wall 5.65 [5.55–5.92] s     CPU 5.65 [5.54–5.92] s     error 1.5e-13, |1 - mass| 9.7e-04 (trapezoid)
     freealg / rmtheory, paired per round: wall 154 [149–165], CPU 154 [149–165] (> 1: rmtheory faster)
     freealg does NOT reach rmtheory's accuracy on its ladder: best 1.5e-13 vs 5.6e-16; timed at that best setting
     rmtheory edges DIFFER from Silverstein-Choi: 2 edges [ 0.07101002 10.61232778]
       vs 4 reference edges [ 0.07101002  0.16999917  0.17051045 10.61232778]

     32 atoms: references (Silverstein-Choi edges, mpmath density on 200 points) ...
     compared where the reference density > 1e-3: 189 of 200 points
     freealg's ladder (max density error where the reference > 1e-3; seconds of one call):
       eta=0.001 (default) on the 200 points  error 8.4e-02   0.981 s
       eta=1e-06 on the 200 points            error 9.1e-02   1.14 s
       eta=1e-08 on the 200 points            error 7.8e-02   1.16 s
       eta=1e-10 on the 200 points            error 8.0e-02   1.1 s
       eta=1e-12 on the 200 points            error 9.1e-02   1.1 s
       eta=1e-14 on the 200 points            error 9.1e-02   1.14 s
       eta=1e-16 on the 200 points            error 9.1e-02   1.13 s
     freealg's ladder (the same, from the 4000-point call; seconds of one call):
       eta=1e-08 on all 4000 points           error 7.8e-02   21.6 s
     timed: freealg at eta=1e-08 on all 4000 points
     rmtheory  wall 32.9 [29.4–35.5] ms    CPU 32.9 [29.4–35.5] ms    error 2.2e-16, |1 - mass| 0.0e+00 (cdf)
     freealg   wall 24.1 [21.9–29.4] s     CPU 24.1 [21.9–29.4] s     error 7.8e-02, |1 - mass| 4.3e-01 (trapezoid)
     freealg / rmtheory, paired per round: wall 767 [664–894], CPU 767 [664–894] (> 1: rmtheory faster)
     freealg does NOT reach rmtheory's accuracy on its ladder: best 7.8e-02 vs 2.2e-16; timed at that best setting
     rmtheory edges vs Silverstein-Choi: max error 1.8e-15 (1 interval(s))

     128 atoms: references (Silverstein-Choi edges, mpmath density on 200 points) ...
     compared where the reference density > 1e-3: 189 of 200 points
     freealg's ladder (max density error where the reference > 1e-3; seconds of one call):
       eta=0.001 (default) on the 200 points  error 3.2e+00   5.39 s
       eta=1e-06 on the 200 points            error 3.2e+00   6.24 s
       eta=1e-08 on the 200 points            error 3.2e+00   6.15 s
       eta=1e-10 on the 200 points            error 3.3e+00   6.04 s
       eta=1e-12 on the 200 points            error 3.2e+00   5.76 s
       eta=1e-14 on the 200 points            error 3.2e+00   5.93 s
       eta=1e-16 on the 200 points            error 3.2e+00   5.84 s
     freealg not timed: capped: eta=1e-14 on all 4000 points did not return within 60 s, killed
     rmtheory  wall 51.3 [50.1–65.7] ms    CPU 51.3 [50.1–65.7] ms    error 8.9e-16, |1 - mass| 0.0e+00 (cdf)
     rmtheory edges vs Silverstein-Choi: max error 1.8e-15 (1 interval(s))

  # load average at end: 1.02 1.20 1.17 (2 CPUs)

Read with it: at 8 atoms rmtheory's density has the gap (0.16999917, 0.17051045) of the
Silverstein-Choi reference (its pdf is 0 there) but its ``.support`` reports one interval; its cdf
misses 2.6e-7 of the mass. freealg's DeformedMarchenkoPastur is off by 0.08 (32 atoms) and 3.2
(128 atoms) in density at every η tried, and its 4000-point call at 128 atoms did not finish within
the cap.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import pathlib
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import mpmath as mp  # noqa: E402
import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from harness import MIN_ROUNDS, interleaved, load_line, machine_header, paired_ratios, summary  # noqa: E402

import rmtheory as rmt  # noqa: E402

SIGMA2, RATIO = 1.0, 0.5
GMP_RATIO = 0.5
MATCH = 10.0  # freealg's error within this factor of ours counts as the same accuracy
ETAS_LEVY = (2e-4, 1e-6, 1e-8, 1e-10, 1e-12, 1e-14, 1e-16)  # freealg FreeLevy's default η first
ETAS_DMP = (1e-3, 1e-6, 1e-8, 1e-10, 1e-12, 1e-14, 1e-16)  # DeformedMarchenkoPastur's default η first


# --------------------------------------------------------------------------- references

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


def gmp_reference_density(ratio, t, w, x):
    """Density of the generalized MP law at real x: the root u ∈ C⁺ of x = −1/u + c Σ wt/(1 + tu),
    followed from x + 10i down to x + 1e-16i by Newton in double, then polished at x by mpmath at 30
    digits; Im u/(cπ). Points where the root has reached the real axis (outside the support) get 0."""
    u = -1.0 / (x + 10j)
    for eta in np.geomspace(10.0, 1e-16, 120):
        z = x + 1j * eta
        for _ in range(6):
            d = 1.0 + np.outer(u, t)
            f = -1.0 / u + ratio * (d ** -1) @ (w * t) - z
            fp = 1.0 / u**2 - ratio * (d ** -2) @ (w * t * t)
            u = u - f / fp
    out = np.zeros(x.size)
    with mp.workdps(30):
        tm, wm, cm = [mp.mpf(float(v)) for v in t], [mp.mpf(float(v)) for v in w], mp.mpf(ratio)
        for i, (xi, ui) in enumerate(zip(x, u)):
            if not ui.imag > 1e-9:
                continue
            xm = mp.mpf(float(xi))
            f = lambda v, xm=xm: -1 / v + cm * mp.fsum(wk * tk / (1 + tk * v) for tk, wk in zip(tm, wm)) - xm
            df = lambda v: 1 / v**2 - cm * mp.fsum(wk * tk**2 / (1 + tk * v) ** 2 for tk, wk in zip(tm, wm))
            try:
                root = mp.findroot(f, mp.mpc(ui.real, ui.imag), solver="newton", df=df)
            except ValueError:  # not converged to 30 digits: left out of the comparison
                out[i] = np.nan
                continue
            out[i] = float(mp.im(root) / (cm * mp.pi)) if mp.im(root) > 0 else 0.0
    return out


# --------------------------------------------------------------------------- the cap and the ladder

def capped_calls(calls, cap, *, together=False):
    """Run ``[(label, fn)]`` one after another in a forked child process; each ``fn()`` returns a small
    picklable value. Returns ``([(label, seconds, value)], reason)``: ``reason`` is ``None``, or says
    which call did not return within ``cap`` seconds (all the calls within ``cap`` with
    ``together=True``; the child is then killed) or failed."""
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def child():
        for label, fn in calls:
            t0 = time.perf_counter()
            try:
                value = fn()
            except Exception as err:  # noqa: BLE001 - reported by the parent
                value = RuntimeError(f"{type(err).__name__}: {err}")
            send.send((label, time.perf_counter() - t0, value))

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    send.close()
    done, reason = [], None
    deadline = time.perf_counter() + cap
    for label, _ in calls:
        if not recv.poll(max(0.0, deadline - time.perf_counter()) if together else cap):
            reason = (f"capped: {label} did not return within {cap:.0f} s"
                      + (" (the ladder's cap)" if together else "") + ", killed")
            proc.kill()
            break
        try:
            item = recv.recv()
        except EOFError:
            reason = f"failed: the child process died during {label}"
            break
        if isinstance(item[2], Exception):
            reason = f"failed: {label}: {item[2]}"
            break
        done.append(item)
    proc.join()
    recv.close()
    return done, reason


def pick_setting(ladder, err_ours):
    """The first setting of ``[(label, seconds, error)]`` within MATCH× of our error, else the most accurate.
    Returns ``(label, error, matched)``."""
    for label, _, err in ladder:
        if matches(err, err_ours):
            return label, err, True
    label, _, err = min(ladder, key=lambda item: item[2])
    return label, err, False


def print_ladder(ladder, what):
    print(f"   freealg's ladder ({what}; seconds of one call):")
    for label, seconds, err in ladder:
        print(f"     {label:<38} error {err:.1e}   {seconds:.3g} s")


def print_timed(times, skipped, errs, extra=None):
    """Time per call of each side, its error beside it, and the paired ratios freealg / rmtheory."""
    extra = extra or {}
    for side in ("rmtheory", "freealg"):
        if side in times:
            t = times[side]
            name, scale = ("s", 1.0) if t.median >= 1.0 else ("ms", 1e3)
            wall, cpu = f"{summary(t.wall, scale)} {name}", f"{summary(t.cpu, scale)} {name}"
            print(f"   {side:<9} wall {wall:<22} CPU {cpu:<22} error {errs[side]:.1e}{extra.get(side, '')}")
        elif side in skipped:
            print(f"   {side:<9} not timed: {skipped[side]}")
    if "rmtheory" in times and "freealg" in times:
        wall = paired_ratios(times["freealg"], times["rmtheory"])
        cpu = paired_ratios(times["freealg"], times["rmtheory"], cpu=True)
        print(f"   freealg / rmtheory, paired per round: wall {summary(wall)}, CPU {summary(cpu)}"
              " (> 1: rmtheory faster)")


def matches(err_peer, err_ours) -> bool:
    """freealg's error counts as the same accuracy as ours: within MATCH× (ours floored at machine epsilon)."""
    return err_peer <= MATCH * max(err_ours, np.finfo(float).eps)


def accuracy_verdict(err_ours, err_peer):
    if matches(err_peer, err_ours):
        return f"   matched accuracy: freealg {err_peer:.1e} within {MATCH:.0f}x of rmtheory {err_ours:.1e}"
    return (f"   freealg does NOT reach rmtheory's accuracy on its ladder: best {err_peer:.1e} vs {err_ours:.1e};"
            f" timed at that best setting")


# --------------------------------------------------------------------------- cases

def case_levy(freealg, args):
    x = np.linspace(-2.0, 4.0, 2000)
    print("\nreference: mpmath cubic and discriminant (30-40 digits) ...", flush=True)
    ref = reference_density(x)
    ref_edges = reference_edges()

    def ours_law():
        return rmt.free_add(rmt.Semicircle(SIGMA2), rmt.MarchenkoPastur(RATIO))

    def density_err(d):
        return float(np.max(np.abs(np.asarray(d, dtype=float) - ref)))

    def edge_err(s):
        s = np.asarray(s, dtype=float).ravel()
        return float(np.max(np.abs(s - ref_edges))) if s.size == ref_edges.size else float("inf")

    err_ours = density_err(ours_law().pdf(x))  # also the JIT warm-up (numba compiles, or loads its cache)
    print("\n1. density, semicircle(1) ⊞ MP(0.5), 2000 points on [-2, 4] (max error vs mpmath cubic, all points)")
    contenders = {"rmtheory": lambda: np.asarray(ours_law().pdf(x))}
    eta = ETAS_LEVY[-1]
    if freealg is not None:
        def levy():
            return freealg.distributions.FreeLevy([RATIO], [1.0], lam=1.0 / RATIO, sigma=np.sqrt(SIGMA2))

        ladder, reason = capped_calls([(f"eta={e:g}" + (" (default)" if i == 0 else ""),
                                        lambda e=e: density_err(levy().density(x, eta=e)))
                                       for i, e in enumerate(ETAS_LEVY)], args.cap)
        if ladder:
            print_ladder(ladder, "max density error")
            label, err_peer, matched = pick_setting(ladder, err_ours)
            eta = ETAS_LEVY[[item[0] for item in ladder].index(label)]
            print(f"   timed: freealg at {label}")
            contenders["freealg"] = lambda: np.asarray(levy().density(x, eta=eta))
        if reason:
            print(f"   freealg ladder stopped: {reason}")
    times, skipped = interleaved(contenders, args.rounds, cap_seconds=args.cap)
    errs = {side: density_err(t.result) for side, t in times.items()}
    print_timed(times, skipped, errs)
    if "freealg" in times:
        print(accuracy_verdict(errs["rmtheory"], errs["freealg"]))

    print(f"\n2. support edges {[float(e) for e in ref_edges]} (discriminant roots, 40 digits)")
    ours_support = ours_law().support
    err_ours = edge_err(ours_support)
    contenders = {"rmtheory": lambda: ours_law().support}
    if freealg is not None:
        settings = [(2e-4, 4000), (eta, 4000), (eta, 40000)]  # its defaults, then the η of case 1, finer grid
        ladder, reason = capped_calls([(f"eta={e:g}, n_probe={n}" + (" (default)" if i == 0 else ""),
                                        lambda e=e, n=n: edge_err(levy().support(eta=e, n_probe=n)))
                                       for i, (e, n) in enumerate(settings)], args.cap)
        if ladder:
            print_ladder(ladder, "max edge error")
            label, _, _ = pick_setting(ladder, err_ours)
            e, n = settings[[item[0] for item in ladder].index(label)]
            print(f"   timed: freealg at {label} (its edges are probe-grid points: error ~ grid step)")
            contenders["freealg"] = lambda: levy().support(eta=e, n_probe=n)
        if reason:
            print(f"   freealg ladder stopped: {reason}")
    times, skipped = interleaved(contenders, args.rounds, cap_seconds=args.cap)
    errs = {side: edge_err(t.result) for side, t in times.items()}
    print_timed(times, skipped, errs)
    if "freealg" in times:
        print(accuracy_verdict(errs["rmtheory"], errs["freealg"]))


def case_gmp(freealg, args):
    print(f"\n3. generalized MP, ratio {GMP_RATIO}, population atoms t log-uniform on [0.2, 8] with Dirichlet weights"
          f"\n   (seed 128), density on 4000 points of [0, 1.05 x right edge]")
    peer_stopped = None if freealg is not None else "freealg is not installed"
    for n in args.atoms:
        peer_stopped = gmp_rung(freealg, args, n, peer_stopped)


def gmp_rung(freealg, args, n, peer_stopped):
    """Case 3 with ``n`` atoms; returns why freealg is not to be tried on larger ones (None: go on)."""
    rng = np.random.default_rng(128)
    t = np.sort(np.exp(rng.uniform(np.log(0.2), np.log(8.0), n)))
    w = rng.dirichlet(np.ones(n))
    print(f"\n   {n} atoms: references (Silverstein-Choi edges, mpmath density on 200 points) ...", flush=True)
    ref_edges = silverstein_choi_edges(GMP_RATIO, t, w)
    grid = np.linspace(0.0, ref_edges[-1] * 1.05, 4000)
    sub = slice(10, None, 20)
    ref = gmp_reference_density(GMP_RATIO, t, w, grid[sub])
    inside = ref > 1e-3
    print(f"   compared where the reference density > 1e-3: {int(inside.sum())} of {ref.size} points")

    def density_err(d, full=True):
        d = np.asarray(d, dtype=float)
        return float(np.max(np.abs((d[sub] if full else d) - ref)[inside]))

    def ours():
        law = rmt.GeneralizedMarchenkoPastur(GMP_RATIO, rmt.Atoms(t, w))
        return law, np.asarray(law.pdf(grid))

    def dmp():
        return freealg.distributions.DeformedMarchenkoPastur(t, w, c=GMP_RATIO)

    err_ours = density_err(ours()[1])
    contenders = {"rmtheory": lambda: ours()[1]}
    if peer_stopped is None:
        ladder, reason = capped_calls([(f"eta={e:g}" + (" (default)" if i == 0 else "") + " on the 200 points",
                                        lambda e=e: density_err(dmp().density(grid[sub], eta=e), full=False))
                                       for i, e in enumerate(ETAS_DMP)], args.cap, together=True)
        if ladder:
            print_ladder(ladder, "max density error where the reference > 1e-3")
        if not reason:
            label, _, _ = pick_setting(ladder, err_ours)
            eta = ETAS_DMP[[item[0] for item in ladder].index(label)]
            full, reason = capped_calls([(f"eta={eta:g} on all 4000 points",
                                          lambda: density_err(dmp().density(grid, eta=eta)))], args.cap)
            if full:
                print_ladder(full, "the same, from the 4000-point call")
        if reason:
            peer_stopped = f"{n} atoms: {reason}"
            print(f"   freealg not timed: {reason}")
        else:
            print(f"   timed: freealg at eta={eta:g} on all 4000 points")
            contenders["freealg"] = lambda: np.asarray(dmp().density(grid, eta=eta), dtype=float)
    else:
        print(f"   freealg not tried: {peer_stopped}")
    times, skipped = interleaved(contenders, args.rounds, cap_seconds=args.cap)
    errs = {side: density_err(tm.result) for side, tm in times.items()}
    law = ours()[0]
    extra = {"rmtheory": f", |1 - mass| {abs(1.0 - float(law.cdf(grid[-1]))):.1e} (cdf)"}
    if "freealg" in times:
        mass = float(np.trapezoid(times["freealg"].result, grid))
        extra["freealg"] = f", |1 - mass| {abs(1.0 - mass):.1e} (trapezoid)"
    if "freealg" in skipped and peer_stopped is None:
        peer_stopped = f"{n} atoms: {skipped['freealg']}"
    print_timed(times, skipped, errs, extra=extra)
    if "freealg" in times:
        print(accuracy_verdict(errs["rmtheory"], errs["freealg"]))
    ours_edges = np.array(law.support, dtype=float).ravel()
    if ours_edges.size == ref_edges.size:
        print(f"   rmtheory edges vs Silverstein-Choi: max error {np.max(np.abs(ours_edges - ref_edges)):.1e}"
              f" ({ref_edges.size // 2} interval(s))")
    else:
        print(f"   rmtheory edges DIFFER from Silverstein-Choi: {ours_edges.size} edges "
              f"{np.array2string(ours_edges, precision=8)}\n     vs {ref_edges.size} reference edges "
              f"{np.array2string(ref_edges, precision=8)}")
    return peer_stopped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help=f"interleaved rounds (at least {MIN_ROUNDS})")
    parser.add_argument("--cap", type=float, default=60.0,
                        help="seconds a single freealg call may take before it is killed and reported as capped")
    parser.add_argument("--atoms", type=lambda s: [int(v) for v in s.split(",")], default=[8, 32, 128],
                        help="population atom counts of case 3, increasing (a capped count stops the ladder)")
    args = parser.parse_args(argv)
    try:
        import freealg
    except ImportError:
        freealg = None
    print(machine_header("bench_free: rmtheory free probability against freealg", threads=1, rounds=args.rounds))
    print(f"# rmtheory {rmt.__version__}, freealg "
          + (freealg.__version__ if freealg is not None else "not installed (pip install freealg): ours only")
          + f", cap {args.cap:g} s per freealg call")
    case_levy(freealg, args)
    case_gmp(freealg, args)
    print()
    print(load_line("end"))


if __name__ == "__main__":
    main()
