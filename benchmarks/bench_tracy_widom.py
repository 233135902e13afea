"""Tracy-Widom: accuracy and speed of ``rmtheory.TracyWidom`` against the ``tracywidom`` package.

One run, same process, same reference. For β = 1, 2, 4 it prints, for ours and for the peer
(PyPI ``tracywidom``, import name ``TracyWidom``, tables of Bejan's TWinSplus interpolated, plus
tail asymptotics), and the ratio peer/ours:

  (a) max |cdf error| on a grid of [−8, 6] and max relative pdf error there,
  (b) relative error of the left tail cdf at x = −8, −7, −6 and of the right tail sf = 1 − cdf at
      x = 4, 5, 6, 7, 8 (the peer has no sf; 1 − cdf is what it offers),
  (c) time of one vectorized cdf call on 10⁵ points and of 10³ scalar calls (medians of repeats).

The reference is ``TracyWidom(beta, method="painleve")``: the Hastings-McLeod solution integrated
at 20+ significant digits in mpmath, independent of the Chebyshev tables of the fast path (and
tested in tests/rmtheory/laws/test_tracy_widom.py against Bornemann's Fredholm determinant in
mpmath). Convention: the peer's β = 4 is the TW-1996 scaling (its mean is −2.3068), the default
``TracyWidom(4)`` here; that is what it is compared with.

Usage::

    pip install -e ".[bench]"        # installs tracywidom
    python benchmarks/bench_tracy_widom.py [--repeats 5] [--grid 141]

The reference on the grid costs a few seconds per β (mpmath); the peer is optional: without it
only our numbers are printed.

Measured (tracywidom 0.4.0; timings on 2 shared cores, load ≈ 4-6, so only ratios within the run
mean anything):

    β   max|Δcdf| ours / peer   rel pdf err      left-tail rel cdf   right-tail rel sf    time 1e5 pts   1e3 scalar
  1  1.1e-16 / 4.0e-5  2.1e-14 / 4.5e-2  1.1e-14 / 8.8e-3  ≤1e-16 / 4.4e-2  peer 2.4× faster  ours 7.9× faster
  2  2.2e-16 / 4.3e-5  5.0e-14 / 5.4e-1  1.4e-14 / 1.4e-2  3.7e-15 / 7.0e-1  peer 2.4× faster  ours 5.7× faster
  4  2.2e-16 / 3.7e-4  2.8e-14 / 1.0  2.1e-14 / 1.0  1.4e-14 / 1.0  peer 2.0× faster  ours 5.9× faster

(the peer's β = 4 returns 0 in the far tails, hence relative errors of 1).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import rmtheory as rmt


def _median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats (median), default 5")
    parser.add_argument("--grid", type=int, default=141, help="grid points on [-8, 6], default 141")
    args = parser.parse_args(argv)
    print(f"load average at start: {os.getloadavg()}")
    grid = np.linspace(-8.0, 6.0, args.grid)
    left = np.array([-8.0, -7.0, -6.0])
    right = np.array([4.0, 5.0, 6.0, 7.0, 8.0])
    big = np.linspace(-8.0, 6.0, 10**5)
    rows = []
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
        t_ours_vec = _median_time(lambda ours=ours: ours.cdf(big), args.repeats)
        t_ours_sc = _median_time(lambda ours=ours: [ours.cdf(float(v)) for v in big[:1000]], args.repeats)
        if peer is not None:
            e_peer = errors(np.asarray(peer.cdf(grid)), np.asarray(peer.pdf(grid)),
                            np.asarray(peer.cdf(left)), 1.0 - np.asarray(peer.cdf(right)))
            t_peer_vec = _median_time(lambda peer=peer: peer.cdf(big), args.repeats)
            t_peer_sc = _median_time(lambda peer=peer: [peer.cdf(float(v)) for v in big[:1000]], args.repeats)
        else:
            e_peer, t_peer_vec, t_peer_sc = None, None, None
        print(f"\nbeta = {beta} (Tracy-Widom 1994/96 scaling; reference: Painlevé II in mpmath, "
              f"{t_ref:.1f} s)")
        print(f"  {'quantity':<34}{'ours':>11}{'peer':>11}{'peer/ours':>11}")
        for key in ("cdf abs", "pdf rel", "left cdf rel", "right sf rel"):
            label = {"cdf abs": "max |cdf error| on [-8, 6]", "pdf rel": "max rel pdf error on [-8, 6]",
                     "left cdf rel": "rel cdf error at x = -8, -7, -6",
                     "right sf rel": "rel sf error at x = 4..8"}[key]
            p = None if e_peer is None else e_peer[key]
            print(f"  {label:<34}{e_ours[key]:11.2e}{'' if p is None else f'{p:11.2e}':>11}"
                  f"{_fmt_ratio(p, max(e_ours[key], 1e-17)):>11}")
        for label, a, b in (("time, cdf of 1e5 points [s]", t_ours_vec, t_peer_vec),
                            ("time, 1e3 scalar cdf calls [s]", t_ours_sc, t_peer_sc)):
            print(f"  {label:<34}{a:11.3g}{'' if b is None else f'{b:11.3g}':>11}{_fmt_ratio(b, a):>11}")
        rows.append((beta, e_ours, e_peer))
    if _peer(2) is None:
        print("\n(peer not installed: pip install tracywidom)")
    print(f"\nload average at end: {os.getloadavg()}")
    print("error ratios are floored at 1e-17 for ours; ratio > 1 means the peer is less accurate/slower")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
