"""Tracy-Widom: accuracy and speed of ``rmtheory.TracyWidom`` against the ``tracywidom`` package.

One run, same process, same reference. For β = 1, 2, 4 it prints, for ours and for the peer
(PyPI ``tracywidom``, import name ``TracyWidom``, tables of Bejan's TWinSplus interpolated by a
cubic spline, plus tail asymptotics), and the ratio peer/ours:

  (a) max |cdf error| on a grid of [−8, 6] and max relative pdf error there,
  (b) relative error of the left tail cdf at x = −8, −7, −6 and of the right tail sf = 1 − cdf at
      x = 4, 5, 6, 7, 8 (the peer has no sf; 1 − cdf is what it offers),
  (c) time of one vectorized cdf call and one pdf call on 200, 10³, 10⁴ and 10⁵ points (evenly
      spaced on [−8, 6]: sorted input, the peer's spline lookup is fastest on it) and of 10³ scalar
      cdf calls (uniform random on [−8, 6]).

Timing (c) goes through benchmarks/harness.py: one warm-up call per side excluded, the two sides
interleaved (ours, peer / peer, ours / …), each measurement repeating a call for ~20 ms; printed is
the median [min–max] over the rounds of the time per call and of the ratio peer/ours formed within
each round. The run ends with issue 17's acceptance lines: our cdf time over the peer's on 200 and
10⁵ points, wall and CPU time (≤ 1: ours no slower).

The reference is ``TracyWidom(beta, method="painleve")``: the Hastings-McLeod solution integrated
at 20+ significant digits in mpmath, independent of the Chebyshev tables of the fast path (and
tested in tests/rmtheory/laws/test_tracy_widom.py against Bornemann's Fredholm determinant in
mpmath). Convention: the peer's β = 4 is the TW-1996 scaling (its mean is −2.3068), the default
``TracyWidom(4)`` here; that is what it is compared with.

Usage::

    pip install -e ".[bench]"        # installs tracywidom
    python benchmarks/bench_tracy_widom.py [--rounds 7] [--grid 141]

The reference on the grid costs a few seconds per β (mpmath); the peer is optional: without it
only our numbers are printed.

Measured with ``python benchmarks/bench_tracy_widom.py`` on 2026-12-06 (7 rounds; tracywidom 0.4.0,
numba 0.68.1, numpy 2.4.6; this repository's 2-core machine, load average 0.00 at the start and 0.58
at the end). Time per call of ours and the ratio peer time / our time (> 1: ours faster), median
[min–max] over the rounds:

    β  points   cdf: ours [µs]              cdf: peer/ours      pdf: ours [µs]              pdf: peer/ours
    1  200      14 [11.9–20.7]              4.15 [2.58–6.80]    13.7 [13.2–14.4]            222 [218–327]
    1  1000     42 [40.7–72]                2.60 [2.32–3.51]    58.8 [49.4–93.7]            146 [116–214]
    1  10000    381 [366–388]               2.00 [1.98–2.02]    888 [808–924]               119 [83–130]
    1  100000   3.71e+03 [3.65e+03–3.83e+03]  2.02 [2.00–2.08]    8.41e+03 [4.87e+03–8.88e+03]  109 [93–132]
    2  200      12.6 [12.1–13.3]            4.13 [3.90–4.18]    14.2 [13.7–17.7]            228 [216–989]
    2  1000     41.3 [40.9–42.9]            2.65 [2.62–2.74]    52.2 [51–54.3]              157 [154–173]
    2  10000    382 [372–385]               2.03 [1.98–2.07]    495 [485–858]               132 [107–180]
    2  100000   3.78e+03 [3.68e+03–3.92e+03]  2.01 [1.98–2.06]    4.93e+03 [4.85e+03–8.54e+03]  133 [92–152]
    4  200      11.9 [11.7–12]              3.99 [3.97–4.06]    16.4 [14.6–24.1]            213 [153–239]
    4  1000     42.1 [41.6–43.4]            2.59 [2.53–2.64]    52.7 [52.2–55.1]            152 [145–159]
    4  10000    376 [364–404]               2.03 [1.94–2.05]    484 [464–515]               128 [125–133]
    4  100000   4.01e+03 [3.77e+03–7.88e+03]  2.05 [1.71–2.30]    4.98e+03 [4.87e+03–5.19e+03]  137 [127–181]
    1e3 scalar cdf calls, peer/ours: 7.74 [7.43–7.96] (β = 1), 7.84 [7.56–7.90] (β = 2), 7.89 [6.43–8.26] (β = 4)

(the peer's pdf is a 5-point numerical derivative of its cdf: several cdf calls, hence the ratios
in the hundreds). Accuracy in the same run, ours / peer:

    β  max|Δcdf| ours / peer   rel pdf error         left-tail rel cdf     right-tail rel sf
    1  3.33e-16 / 3.99e-05   1.79e-14 / 4.51e-02   1.42e-14 / 8.76e-03   1.78e-15 / 4.44e-02
    2  6.66e-16 / 4.29e-05   3.55e-14 / 5.35e-01   1.42e-14 / 1.37e-02   3.66e-15 / 6.99e-01
    4  3.89e-16 / 3.71e-04   4.97e-14 / 1.00e+00   4.26e-14 / 1.00e+00   1.42e-14 / 1.00e+00

(the peer's β = 4 returns 0 in the far tails, hence relative errors of 1).
"""

from __future__ import annotations

import argparse
import functools
import pathlib
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from harness import interleaved, load_line, machine_header, paired_ratios, summary  # noqa: E402

import rmtheory as rmt  # noqa: E402

SIZES = (200, 1_000, 10_000, 100_000)


def _peer(beta):
    try:
        from TracyWidom import TracyWidom as Peer
    except ImportError:
        return None
    return Peer(beta=beta)


def _fmt_ratio(peer, ours):
    if peer is None:
        return "      -"
    if ours == 0:
        return "    inf" if peer > 0 else "      1"
    return f"{peer / ours:7.2g}"


def _scalar_calls(fn, values):
    return [fn(v) for v in values]


def _us(values):
    """median [min–max] in µs, without decimals once they are in the thousands."""
    return summary(values, 1e6, ".3g" if statistics.median(values) < 1e-3 else ".0f")


def _ratio_summary(values):
    """median [min–max] of ratios, without decimals once they are in the hundreds."""
    return summary(values, spec=".2f" if statistics.median(values) < 100 else ".0f")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved timing rounds (>= 5), default 7")
    parser.add_argument("--grid", type=int, default=141, help="grid points on [-8, 6], default 141")
    args = parser.parse_args(argv)
    if args.rounds < 5:
        parser.error(f"--rounds = {args.rounds}: at least 5 rounds are needed for a median and a range")
    print(machine_header("bench_tracy_widom: rmtheory.TracyWidom against the tracywidom package", threads=None,
                         rounds=args.rounds))
    grid = np.linspace(-8.0, 6.0, args.grid)
    left = np.array([-8.0, -7.0, -6.0])
    right = np.array([4.0, 5.0, 6.0, 7.0, 8.0])
    rng = np.random.default_rng(0)
    points = {n: np.linspace(-8.0, 6.0, n) for n in SIZES}
    scalars = [float(v) for v in rng.uniform(-8.0, 6.0, 1000)]
    acceptance = []
    for beta in (1, 2, 4):
        ours = rmt.TracyWidom(beta)
        ref = rmt.TracyWidom(beta, method="painleve")
        peer = _peer(beta)
        t0 = time.perf_counter()
        ref_cdf, ref_pdf = np.asarray(ref.cdf(grid)), np.asarray(ref.pdf(grid))
        ref_left, ref_right = np.asarray(ref.cdf(left)), np.asarray(ref.sf(right))
        t_ref = time.perf_counter() - t0

        def errors(cdf, pdf, left_cdf, right_sf, ref_cdf=ref_cdf, ref_pdf=ref_pdf, ref_left=ref_left,
                   ref_right=ref_right):
            return {
                "cdf abs": float(np.max(np.abs(cdf - ref_cdf))),
                "pdf rel": float(np.max(np.abs(pdf / ref_pdf - 1))),
                "left cdf rel": float(np.max(np.abs(left_cdf / ref_left - 1))),
                "right sf rel": float(np.max(np.abs(right_sf / ref_right - 1))),
            }

        e_ours = errors(np.asarray(ours.cdf(grid)), np.asarray(ours.pdf(grid)),
                        np.asarray(ours.cdf(left)), np.asarray(ours.sf(right)))
        e_peer = None if peer is None else errors(np.asarray(peer.cdf(grid)), np.asarray(peer.pdf(grid)),
                                                  np.asarray(peer.cdf(left)), 1.0 - np.asarray(peer.cdf(right)))
        print(f"\nbeta = {beta} (Tracy-Widom 1994/96 scaling; reference: Painlevé II in mpmath, "
              f"{t_ref:.1f} s)")
        print(f"  {'accuracy':<34}{'ours':>11}{'peer':>11}{'peer/ours':>11}")
        for key in ("cdf abs", "pdf rel", "left cdf rel", "right sf rel"):
            label = {"cdf abs": "max |cdf error| on [-8, 6]", "pdf rel": "max rel pdf error on [-8, 6]",
                     "left cdf rel": "rel cdf error at x = -8, -7, -6",
                     "right sf rel": "rel sf error at x = 4..8"}[key]
            p = None if e_peer is None else e_peer[key]
            print(f"  {label:<34}{e_ours[key]:11.2e}{'' if p is None else f'{p:11.2e}':>11}"
                  f"{_fmt_ratio(p, max(e_ours[key], 1e-17)):>11}")
        print(f"  {'time per call [µs]':<24}{'ours: median [min–max]':>24}{'peer: median [min–max]':>26}"
              f"{'peer/ours: median [min–max]':>30}")
        cases = [(f"{what}, {n} points", what, points[n]) for what in ("cdf", "pdf") for n in SIZES]
        cases.append(("1e3 scalar cdf calls", "scalar", None))
        for label, what, x in cases:
            if what == "scalar":
                f_ours = functools.partial(_scalar_calls, ours.cdf, scalars)
                f_peer = None if peer is None else functools.partial(_scalar_calls, peer.cdf, scalars)
            else:
                f_ours = functools.partial(getattr(ours, what), x)
                f_peer = None if peer is None else functools.partial(getattr(peer, what), x)
            contenders = {"ours": f_ours} if f_peer is None else {"ours": f_ours, "peer": f_peer}
            times, _ = interleaved(contenders, args.rounds, min_seconds=0.02)
            t_ours = times["ours"]
            peer_col = "-" if "peer" not in times else _us(times["peer"].wall)
            ratio_col = "-" if "peer" not in times else _ratio_summary(paired_ratios(times["peer"], t_ours))
            print(f"  {label:<24}{_us(t_ours.wall):>24}  {peer_col:>24}  {ratio_col:>28}")
            if what == "cdf" and len(x) in (200, 100_000) and "peer" in times:
                acceptance.append((beta, len(x), paired_ratios(t_ours, times["peer"]),
                                   paired_ratios(t_ours, times["peer"], cpu=True)))
    if acceptance:
        print("\nissue 17's acceptance: time of our cdf call / the peer's, wall and CPU (target <= 1 for both sizes)")
        for beta, n, wall, cpu in acceptance:
            verdict = "met" if statistics.median(wall) <= 1 else "NOT met"
            print(f"  beta = {beta}, {n:>6} points: {summary(wall, spec='.3f'):<24} CPU {summary(cpu, spec='.3f'):<24}"
                  f" {verdict}")
    if _peer(2) is None:
        print("\n(peer not installed: pip install tracywidom)")
    print(load_line("end"))
    print("error ratios are floored at 1e-17 for ours; ratio > 1 means the peer is less accurate/slower")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
