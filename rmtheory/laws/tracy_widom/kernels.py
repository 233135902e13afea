"""Compiled (numba) evaluation of the Tracy-Widom fast path: one pass from x to the requested value.

Each point goes through the formulas of the plain-NumPy reference (:func:`.interpolant.evaluate_reference`
and the public layer of :class:`.TracyWidom`), written per point, so that a call on 200 points costs
less than one NumPy call of the reference, and a scalar call gives bit for bit what the same point
gives inside a long vector:

* S_LEFT ≤ s ≤ S_FAR: the Chebyshev tables, re-expanded on sub-panels of width 1/8 as degree-11 polynomials
  in the sub-panel variable u ∈ [−1, 1] (:func:`.interpolant.fast_tables`) and evaluated by Horner;
  the Airy decay k_β (2/3) s^{3/2} added back where the tables took it out;
* s < S_LEFT: the left-tail asymptotic series (:func:`.painleve.left_series`, TW 1994 eq. (1.16)),
  the same Horner recurrences in y = x^{−3};
* s > S_FAR: the Airy-tail integrals of :func:`.interpolant.right_tail` by the same 32-point
  Gauss-Laguerre rule; every Airy argument there exceeds 30, where the scaled Airy function is its
  asymptotic series (DLMF 9.7.5), so no special-function library is needed;
* the transform from (log D, log r) to cdf, sf, their logs, pdf or log pdf, with the limits at
  ±inf and NaN passed through.

The kernel only computes; :func:`.interpolant.evaluate` and :func:`.interpolant.evaluate_law`
validate and allocate. No ``fastmath``: every operation is IEEE-rounded in the order written, and
the points of a block do not interact, so a value does not depend on the length of the call or on
how the loops are vectorized. The exception is a numba that uses Intel's SVML
(``numba.config.USING_SVML``; off unless the Intel runtime is installed, which nothing here asks
for): it may vectorize the exp and log of the last loop with its own rounding (≤ 1 ulp), and a
scalar call may then differ from an array call in the last bit.

Speed: points are taken in blocks of 64 and the Horner recurrences of a block run side by side,
so their latencies overlap; with 12 terms instead of 32 per point, the exp of the cdf costs about as
much as the polynomial (times against the ``tracywidom`` package: benchmarks/bench_tracy_widom.py).
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["LOGCDF", "CDF", "SF", "LOGSF", "LOGPDF", "PDF", "PAIR", "WHAT", "law_kernel"]

#: codes of the value computed per point (PAIR: log D into ``out``, log r into ``out2``)
LOGCDF, CDF, SF, LOGSF, LOGPDF, PDF, PAIR = range(7)
WHAT = {"logcdf": LOGCDF, "cdf": CDF, "sf": SF, "logsf": LOGSF, "logpdf": LOGPDF, "pdf": PDF}

# error_model="numpy": log(0) and overflow give −inf / inf as in the NumPy reference, not exceptions
_JIT = dict(cache=True, nogil=True, error_model="numpy")

_LOG2 = math.log(2.0)
_SQRT2 = math.sqrt(2.0)
_TWO_SQRT_PI = 2.0 * math.sqrt(math.pi)


@numba.njit(**_JIT)
def _airye_asymptotic(x, airy_u):
    """e^{ζ} Ai(x), ζ = (2/3)x^{3/2}, by DLMF 9.7.5 (x ≥ 20; as :func:`.interpolant.airye_ai` there)."""
    inv = -1.0 / ((2.0 / 3.0) * x**1.5)
    acc = 0.0
    for k in range(airy_u.size - 1, -1, -1):
        acc = acc * inv + airy_u[k]
    return acc / (_TWO_SQRT_PI * x**0.25)


@numba.njit(**_JIT)
def _left(s, beta, need_r, series, c_int, chi):
    """(log D, log r) for s < S_LEFT: :func:`.interpolant.left_tail`, the same series and truncation."""
    x = -s
    y = x**-3.0
    w = i_sum = u_sum = l_sum = 0.0
    for n in range(series.shape[1] - 1, -1, -1):  # Horner in y = x^{-3}
        w = w * y + series[0, n]
        i_sum = i_sum * y + series[1, n]
        u_sum = u_sum * y + series[2, n]
        l_sum = l_sum * y + series[3, n]
    sqx = math.sqrt(x)
    q = math.sqrt(x / 2.0) * w
    big_i = (_SQRT2 / 3.0) * x * sqx + c_int + i_sum * (x * sqx) / _SQRT2
    big_u = x * x / 4.0 + 1.0 / (8.0 * x) + 0.5 * u_sum * x * x
    big_l = -x**3 / 12.0 - math.log(x) / 8.0 + chi - 0.5 * l_sum * x**3
    if beta == 2:
        d, r = -big_l, big_u
    elif beta == 1:
        d, r = 0.5 * (big_i - big_l), 0.5 * (big_u + q)
    else:
        h = 0.5 * big_i
        d = -0.5 * big_l - (h - _LOG2 + math.log1p(math.exp(-2.0 * h)))
        r = 0.5 * big_u - 0.5 * q * math.tanh(h) if need_r else 1.0
    return math.log(d), math.log(r)


@numba.njit(**_JIT)
def _add(total, comp, term):
    """One step of Neumaier's compensated sum: (total, compensation) after adding ``term``."""
    new = total + term
    if abs(total) >= abs(term):
        comp += (total - new) + term
    else:
        comp += (term - new) + total
    return new, comp


@numba.njit(**_JIT)
def _right(s, beta, lag_t, lag_w, airy_u):
    """(log D, log r) for s > S_FAR: :func:`.interpolant.right_tail`, the same quadrature.

    The sums are compensated: for β = 4, L̃/2 − Ĩ²/8 cancels by a factor ~10³ at s = 45 (more
    further right), and a plain running sum doubled the error of the reference's BLAS dot there.
    """
    zeta = (2.0 / 3.0) * s**1.5
    i_t = u_t = l_t = 0.0
    i_c = u_c = l_c = 0.0
    for j in range(lag_t.size):
        t = lag_t[j]
        x1 = (1.5 * (zeta + t)) ** (2.0 / 3.0)
        x2 = (1.5 * (zeta + 0.5 * t)) ** (2.0 / 3.0)
        x2_minus_s = s * math.expm1((2.0 / 3.0) * math.log1p(0.5 * t / zeta))
        a1 = _airye_asymptotic(x1, airy_u)
        a2 = _airye_asymptotic(x2, airy_u)
        i_t, i_c = _add(i_t, i_c, a1 / math.sqrt(x1) * lag_w[j])
        u_t, u_c = _add(u_t, u_c, a2 * a2 / math.sqrt(x2) * lag_w[j])
        l_t, l_c = _add(l_t, l_c, a2 * a2 * x2_minus_s / math.sqrt(x2) * lag_w[j])
    i_t += i_c
    u_t = 0.5 * (u_t + u_c)
    l_t = 0.5 * (l_t + l_c)
    ai_t = _airye_asymptotic(s, airy_u)
    c = math.exp(-zeta)
    if beta == 2:
        return -2 * zeta + math.log(l_t), -2 * zeta + math.log(u_t)
    if beta == 1:
        return -zeta + math.log(0.5 * (i_t + c * l_t)), -zeta + math.log(0.5 * (ai_t + c * u_t))
    return (-2 * zeta + math.log(0.5 * l_t - 0.125 * i_t * i_t),
            -2 * zeta + math.log(0.5 * u_t - 0.25 * ai_t * i_t))


@numba.njit(**_JIT)
def _finish(what, log_d, log_r, log_scale, scale):
    """cdf, sf, ... from (log D, log r): the transforms of ``TracyWidom._evaluate_numpy``."""
    d = math.exp(log_d)
    if what == LOGCDF:
        return -d
    if what == CDF:
        return math.exp(-d)
    if what == SF:
        return -math.expm1(-d)
    if what == LOGSF:
        if log_d < -20.0:  # log sf = log D − D/2 + O(D²): finite where D = exp(log D) underflows
            return log_d - 0.5 * d
        return math.log(-math.expm1(-d))
    if what == LOGPDF:
        return log_scale + log_r - d
    return scale * math.exp(log_r - d)


#: points per block: the Horner recurrences of a block are independent chains that the processor
#: overlaps (measured: ~1.4× faster than one point after the other)
_BLOCK = 64


@numba.njit(**_JIT)
def law_kernel(x, out, out2, what, scale, log_scale, lim_lo, lim_hi,
               beta, clamp, s_left, s_far, inv_width, decay_from, decay_k, poly, series, c_int, chi, lag_t, lag_w,
               airy_u):
    """Fill ``out`` (and ``out2`` for PAIR) at s = clip(scale·x, ±clamp) for every x (1-D, any values).

    ``poly[p, f, k]``: coefficient of u^k of log D (f = 0) or log r (f = 1) on sub-panel p, whose
    variable is u = 2((s − s_left)·inv_width − p) − 1; sub-panels from ``decay_from`` on had
    decay_k·(2/3)s^{3/2} taken out. ``lim_lo``/``lim_hi``: the value at x = −inf / +inf. The
    arguments from ``beta`` on are fixed per β (:func:`.interpolant.fast_tables`).
    """
    n_sub = poly.shape[0]
    last = poly.shape[2] - 1
    need_r = what == LOGPDF or what == PDF or what == PAIR
    at = np.empty(_BLOCK, np.int64)   # the block's table points: index into x, sub-panel, u, s
    panel = np.empty(_BLOCK, np.int64)
    uu = np.empty(_BLOCK)
    ss = np.empty(_BLOCK)
    vd = np.empty(_BLOCK)
    vr = np.zeros(_BLOCK)
    for start in range(0, x.size, _BLOCK):
        m = 0
        for i in range(start, min(start + _BLOCK, x.size)):
            xi = x[i]
            if math.isnan(xi):
                out[i] = np.nan
                if what == PAIR:
                    out2[i] = np.nan
                continue
            if math.isinf(xi) and what != PAIR:
                out[i] = lim_hi if xi > 0 else lim_lo
                continue
            s = min(max(scale * xi, -clamp), clamp)
            if s < s_left or s > s_far:
                if s < s_left:
                    log_d, log_r = _left(s, beta, need_r, series, c_int, chi)
                else:
                    log_d, log_r = _right(s, beta, lag_t, lag_w, airy_u)
                if what == PAIR:
                    out[i] = log_d
                    out2[i] = log_r
                else:
                    out[i] = _finish(what, log_d, log_r, log_scale, scale)
                continue
            t = (s - s_left) * inv_width
            p = min(int(t), n_sub - 1)
            at[m] = i
            panel[m] = p
            uu[m] = 2.0 * (t - p) - 1.0
            ss[m] = s
            vd[m] = poly[p, 0, last]
            if need_r:
                vr[m] = poly[p, 1, last]
            m += 1
        for k in range(last - 1, -1, -1):
            for j in range(m):
                vd[j] = vd[j] * uu[j] + poly[panel[j], 0, k]
        if need_r:
            for k in range(last - 1, -1, -1):
                for j in range(m):
                    vr[j] = vr[j] * uu[j] + poly[panel[j], 1, k]
        for j in range(m):
            log_d, log_r = vd[j], vr[j]
            if panel[j] >= decay_from:
                decay = decay_k * (2.0 / 3.0) * ss[j] ** 1.5
                log_d -= decay
                log_r -= decay
            if what == PAIR:
                out[at[j]] = log_d
                out2[at[j]] = log_r
            else:
                out[at[j]] = _finish(what, log_d, log_r, log_scale, scale)
