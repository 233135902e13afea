"""Hastings-McLeod solution of Painlevé II at any precision, and its left-tail asymptotic series.

The Tracy-Widom distributions are explicit in one solution of Painlevé II (Tracy & Widom 1994,
Commun. Math. Phys. 159, eq. (1.7); 1996, Commun. Math. Phys. 177, eqs. (53)-(54)),

    q'' = s q + 2 q³,   q(s) ~ Ai(s) as s → +∞   (Hastings & McLeod 1980),

through ``I(s) = ∫_s^∞ q``, ``U(s) = ∫_s^∞ q²`` and ``L(s) = log F2(s) = −∫_s^∞ (x − s) q(x)² dx``:

    F2(s) = exp(L),   F1(s) = exp((L − I)/2),   F4(s/√2) = exp(L/2) cosh(I/2)   (TW 1996 F4).

:func:`solve` integrates the system leftwards from a point ``s0`` far right (where q = Ai to the
working precision) with a Taylor-series method in fixed-point integer arithmetic, and returns a
:class:`PIISolution` that evaluates q, q', I, L, U anywhere in its range (dense output from the
stored series). Leftward integration is unstable: an error ε at the start grows like
ε·exp((2√2/3)|s|^{3/2}) in the left region (the Hastings-McLeod solution is a separatrix between
the Ablowitz-Segur solutions, which oscillate, and solutions with poles). Two things follow, both
handled here: (i) ``s0`` must be far enough right that replacing q by Ai there (an error of relative
size Ai(s0)² in the Ablowitz-Segur parameter k) stays below the target after amplification, and
(ii) the working precision must exceed the target by log10 of the amplification. :func:`solve`
picks both from ``s_min`` and ``digits``; a precision ladder in the tests checks the choice.

:func:`left_series` is the asymptotic expansion for s → −∞ (Tracy & Widom 1994, eq. (1.16) and
Deift, Its & Krasovsky 2008 for the constant; Baik, Buckingham & DiFranco 2008, Commun. Math. Phys.
280, Thm 1.1 for the constant ½ log 2 of ∫q), with the coefficients of q generated from the
equation itself.

Example::

    >>> import mpmath
    >>> from rmtheory.laws.tracy_widom import painleve
    >>> sol = painleve.solve(s_min=-3.0, digits=20)
    >>> q, dq, I, L, U = sol.values(0.0)
    >>> with mpmath.workdps(sol.dps):
    ...     print(mpmath.nstr(mpmath.exp(L), 18))   # F2(0)
    0.969372828355262668
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import mpmath
import numpy as np

from rmtheory.params import SolverError

__all__ = ["PIISolution", "solve", "start_point", "working_digits", "hastings_mcleod", "log_pair",
           "working_precision",
           "left_series", "LEFT_CONSTANTS"]

#: exponent of the error amplification exp(AMPLIFICATION_RATE·|s|^{3/2}) for s < 0 (the rate
#: √(2|s|) of the linearized equation v'' = −2s v around q ~ √(−s/2), integrated)
AMPLIFICATION_RATE = 2.0 * math.sqrt(2.0) / 3.0


def working_digits(s_min: float, digits: int, s0: float) -> int:
    """Decimal digits to carry so that ``digits`` survive leftward integration from ``s0`` to ``s_min``.

    The arithmetic is fixed point (absolute precision), and an absolute error ε at the start, where
    q ≈ Ai(s0), is a relative error ε/Ai(s0) in the Ablowitz-Segur parameter; that relative error
    grows by exp(AMPLIFICATION_RATE·|s|^{3/2}) towards s_min. Both factors are paid in digits.
    """
    grow = AMPLIFICATION_RATE * max(-s_min, 0.0) ** 1.5 / math.log(10.0)
    tiny = (2.0 / 3.0) * s0**1.5 / math.log(10.0)  # −log10 Ai(s0), roughly
    return int(math.ceil(digits + grow + tiny + 8))


def start_point(s_min: float, digits: int) -> float:
    """A start ``s0`` with Ai(s0)²·amplification(s_min) ≤ 10^−(digits+5).

    Replacing q(s0) by Ai(s0) changes the Ablowitz-Segur parameter k = 1 by O(Ai(s0)²); the
    resulting relative error in q grows like exp(AMPLIFICATION_RATE·|s|^{3/2}) towards s_min.
    Ai(s)² ≈ exp(−(4/3)s^{3/2}), so s0^{3/2} ≥ (3/4)·(log amplification + (digits+5)·log 10).
    """
    need = AMPLIFICATION_RATE * max(-s_min, 0.0) ** 1.5 + (digits + 5) * math.log(10.0)
    return max(8.0, math.ceil((0.75 * need) ** (2.0 / 3.0)))


class PIISolution:
    """Dense output of the Hastings-McLeod solution on [s_min, s0] (see :func:`solve`)."""

    def __init__(self, steps, prec, s0, s_min, dps):
        self._steps = steps  # list of (a, a_fixed, coeffs_q, coeffs_q2, I_a, L_a, U_a)
        self._starts = [st[0] for st in steps]  # float step starts, decreasing
        self.prec, self.s0, self.s_min, self.dps = prec, s0, s_min, dps

    def values(self, s):
        """(q, q', I, L, U) at ``s`` as mpf numbers (exact to the solution's precision)."""
        s = s if isinstance(s, mpmath.mpf) else mpmath.mpf(float(s))
        if not (self.s_min - 1e-12 <= s <= self.s0):
            raise ValueError(f"s = {s} is outside the solved range [{self.s_min}, {self.s0}]")
        lo, hi = 0, len(self._starts) - 1
        while lo < hi:  # the last step whose start is ≥ s (starts decrease)
            mid = (lo + hi + 1) // 2
            if self._starts[mid] >= s:
                lo = mid
            else:
                hi = mid - 1
        step = self._steps[lo]
        state = _eval_fixed(step, _to_fixed(s, self.prec) - step[1], self.prec)
        with mpmath.workdps(self.dps):
            return tuple(mpmath.ldexp(mpmath.mpf(v), -self.prec) for v in state)


def _to_fixed(x, prec: int) -> int:
    """round(x · 2^prec) computed exactly from the binary mantissa of ``x`` (a float or mpf)."""
    sign, man, exp, _ = (x if isinstance(x, mpmath.mpf) else mpmath.mpf(float(x)))._mpf_  # exact
    man = -int(man) if sign else int(man)
    shift = exp + prec
    if shift >= 0:
        return int(man) << shift
    return (int(man) + (1 << (-shift - 1))) >> (-shift)


def _eval_fixed(step, t: int, prec: int):
    """(q, q', I, L, U) at offset ``t`` (fixed point) from the start of ``step``."""
    _, _, cq, cp, i_a, l_a, u_a = step
    p = prec
    n = len(cq)
    q = dq = 0
    int_q = int_p = int2_p = 0
    for k in range(n - 1, -1, -1):  # Horner for q, q' and the integrals of q and q²
        q = ((q * t) >> p) + cq[k]
        if k >= 1:
            dq = ((dq * t) >> p) + k * cq[k]
        int_q = ((int_q * t) >> p) + cq[k] // (k + 1)
        int_p = ((int_p * t) >> p) + cp[k] // (k + 1)
        int2_p = ((int2_p * t) >> p) + cp[k] // ((k + 1) * (k + 2))
    int_q = (int_q * t) >> p                      # Σ c_k t^{k+1}/(k+1)
    int_p = (int_p * t) >> p                      # Σ p_k t^{k+1}/(k+1)
    int2_p = (((int2_p * t) >> p) * t) >> p       # Σ p_k t^{k+2}/((k+1)(k+2))
    return q, dq, i_a - int_q, l_a + ((u_a * t) >> p) - int2_p, u_a - int_p


def _taylor(a: int, q0: int, q1: int, h: int, prec: int, tol: int, max_order: int):
    """Taylor coefficients (fixed point) of q and q² at a, up to the order where terms·|h|^k < tol."""
    one = 1 << prec
    c = [q0, q1]
    sq = [(q0 * q0) >> prec]  # coefficients of q²
    cube = []  # coefficients of q³
    habs = abs(h)
    hpow = [one, habs]
    small = 0
    n = 0
    while True:
        # (q²)_n and (q³)_n use c_0..c_n
        if n >= 1:
            sq.append(sum(c[i] * c[n - i] for i in range(n + 1)) >> prec)
        cube.append(sum(c[i] * sq[n - i] for i in range(n + 1)) >> prec)
        prev = c[n - 1] if n >= 1 else 0
        nxt = (((a * c[n]) >> prec) + prev + 2 * cube[n]) // ((n + 1) * (n + 2))
        c.append(nxt)
        hpow.append((hpow[-1] * habs) >> prec)
        term = abs((nxt * hpow[n + 2]) >> prec)
        small = small + 1 if term < tol else 0
        n += 1
        if small >= 3 or n + 2 >= max_order:
            break
    # q² coefficients up to the same order
    while len(sq) < len(c):
        m = len(sq)
        sq.append(sum(c[i] * c[m - i] for i in range(m + 1)) >> prec)
    return c, sq, small >= 3


@lru_cache(maxsize=32)
def solve(s_min: float, digits: int = 20, s0: float | None = None, step: float = 0.25) -> PIISolution:
    """Integrate Painlevé II (Hastings-McLeod) from ``s0`` down to ``s_min`` keeping ``digits`` digits.

    ``s0`` defaults to :func:`start_point`; the working precision to :func:`working_digits`.
    Results are cached per arguments. Costs about 0.3 s for s_min = −12.5, digits = 20.
    """
    if s0 is None:
        s0 = start_point(s_min, digits)
    dps = working_digits(s_min, digits, s0)
    prec = int(dps * 3.33) + 16
    # start values: 1/3 − ∫_0^{s0} Ai cancels ~(2/3)s0^{3/2}/log(10) digits, the closed forms of
    # U and L cancel ~s0^{5/2}; carry enough guard digits for both
    with mpmath.workdps(dps + int(0.3 * s0**1.5) + 20):
        x0 = mpmath.mpf(s0)
        ai, dai = mpmath.airyai(x0), mpmath.airyai(x0, derivative=1)
        int_ai = mpmath.mpf(1) / 3 - mpmath.airyai(x0, derivative=-1)   # ∫_{s0}^∞ Ai
        u0 = dai**2 - x0 * ai**2                                  # ∫_{s0}^∞ Ai²
        l0 = -(2 * x0**2 * ai**2 - 2 * x0 * dai**2 - ai * dai) / 3  # −∫_{s0}^∞ (x − s0) Ai²
        q, dq, big_i, big_l, big_u = (_to_fixed(v, prec) for v in (ai, dai, int_ai, l0, u0))
    tol = 1 << 8  # |term| < 2^(8 − prec)
    steps = []
    a = s0
    h_nominal = -abs(step)
    while a > s_min + 1e-12:
        h = max(h_nominal, s_min - a)
        fa, fh = _to_fixed(a, prec), _to_fixed(h, prec)
        for _ in range(30):
            c, sq, ok = _taylor(fa, q, dq, fh, prec, tol, max_order=4 * dps)
            if ok:
                break
            fh //= 2  # halve the step until the series converges to working precision
            h = h / 2
        else:  # pragma: no cover - would need a pole on the real axis
            raise SolverError(f"Painlevé II Taylor series did not converge at s = {a}")
        step_record = (a, fa, c, sq, big_i, big_l, big_u)
        steps.append(step_record)
        q, dq, big_i, big_l, big_u = _eval_fixed(step_record, fh, prec)  # state at a + h
        a = a + h
    return PIISolution(steps, prec, s0, s_min, dps)


def _airy_values(s, dps: int):
    """(q, q', I, L, U) with q = Ai: exact to a relative O(Ai(s)²) (used right of the start point)."""
    with mpmath.workdps(dps + int(0.3 * max(s, 0.0) ** 1.5) + 20):
        x = mpmath.mpf(s)
        ai, dai = mpmath.airyai(x), mpmath.airyai(x, derivative=1)
        int_ai = mpmath.mpf(1) / 3 - mpmath.airyai(x, derivative=-1)
        big_u = dai**2 - x * ai**2
        big_l = -(2 * x**2 * ai**2 - 2 * x * dai**2 - ai * dai) / 3
    with mpmath.workdps(dps):
        return tuple(+v for v in (ai, dai, int_ai, big_l, big_u))


def hastings_mcleod(s: float, digits: int = 20):
    """(q, q', I, L, U) at any real ``s`` to ``digits`` significant digits (the exact route).

    The values carry the working precision of the solution (``solve(...).dps`` digits); pass that
    to :func:`log_pair`, e.g. ``log_pair(beta, q, I, L, U, dps=working_precision(s))``.

    Left of the start point it integrates Painlevé II (one solution per integer s_min, cached),
    right of it q = Ai holds to the target precision and the Airy closed forms are used:
    ∫_s^∞ Ai² = Ai'² − s Ai², ∫_s^∞ (x − s) Ai² = (2s² Ai² − 2s Ai'² − Ai Ai')/3.
    Cost grows with −s (the working precision grows like 0.41|s|^{3/2} digits): ~0.3 s at s = −12.
    """
    s = float(s)
    sol = solve(float(min(math.floor(s), 0)), digits)
    if s > sol.s0:
        return _airy_values(s, sol.dps)
    return sol.values(s)


def working_precision(s: float, digits: int = 20) -> int:
    """The decimal digits carried by :func:`hastings_mcleod` at ``s``."""
    return solve(float(min(math.floor(float(s)), 0)), digits).dps


def log_pair(beta: int, q, big_i, big_l, big_u, dps: int = 60):
    """(log D_β, log r_β) in mpmath from (q, I, L, U), in the Painlevé variable s.

    D_β = −log F_β and r_β = F_β'/F_β:  D_2 = −L, r_2 = U;  D_1 = (I − L)/2, r_1 = (U + q)/2;
    D_4 = −L/2 − log cosh(I/2), r_4 = U/2 − (q/2) tanh(I/2) (F_4 here is the TW-1996 F4 at s/√2).
    β = 4 cancels to relative size ~Ai(s)² in the right tail, so this runs at ``dps`` digits (pass
    the precision of the inputs).
    """
    with mpmath.workdps(dps):
        return _log_pair(beta, q, big_i, big_l, big_u)


def _log_pair(beta, q, big_i, big_l, big_u):
    if beta == 2:
        d, r = -big_l, big_u
    elif beta == 1:
        d, r = (-big_l + big_i) / 2, (big_u + q) / 2
    else:
        # log cosh(y) = log1p(2 sinh²(y/2)): log(cosh y) would lose (cosh y − 1)/ε digits for tiny y
        d = -big_l / 2 - mpmath.log1p(2 * mpmath.sinh(big_i / 4) ** 2)
        r = big_u / 2 - q / 2 * mpmath.tanh(big_i / 2)
    return mpmath.log(d), mpmath.log(r)


# --------------------------------------------------------------------------- left-tail series
#: constants of the left tail: log F2 = −|s|³/12 − (1/8) log|s| + CHI + o(1) (Deift, Its & Krasovsky
#: 2008, Ann. Math. 168; conjectured in Tracy-Widom 1994), and ∫_s^∞ q = (√2/3)|s|^{3/2} + C_I + o(1)
#: (Baik, Buckingham & DiFranco 2008, eq. (1.9))
LEFT_CONSTANTS = {"chi": float(mpmath.diff(mpmath.zeta, -1) + mpmath.log(2) / 24),
                  "c_int": 0.5 * math.log(2.0)}


@lru_cache(maxsize=1)
def _series_coefficients(terms: int = 14):
    """b_n with q ~ √(x/2) Σ b_n x^{−3n} (x = −s) and d_n, the coefficients of (Σ b_n y^n)².

    Substituting q = √(x/2) w(x) into q'' = −x q + 2q³ gives
    Σ b_n (9n² − ¼) x^{−3n−2} = x (w³ − w), hence b_{n+1} = ((9n² − ¼) b_n − R_{n+1}) / 2 with
    R_m = (w³)_m − 3 b_m. First terms: b = 1, −1/8, −73/128, −10657/1024 (TW 1994, eq. (1.18)).
    """
    b = [Fraction(1)]
    for n in range(terms - 1):
        m = n + 1
        b_trial = b + [Fraction(0)]
        sq = [sum(b_trial[i] * b_trial[k - i] for i in range(k + 1)) for k in range(m + 1)]
        cube_m = sum(b_trial[i] * sq[m - i] for i in range(m + 1))  # (w³)_m without b_m: R_m
        b.append(((9 * n * n - Fraction(1, 4)) * b[n] - cube_m) / 2)
    d = [sum(b[i] * b[k - i] for i in range(k + 1)) for k in range(terms)]
    return b, d


def left_series(s, terms: int = 9):
    """Asymptotic (q, U, I, L) for s → −∞ as float arrays; use only for s ≤ −12 (see module doc).

    q = √(x/2) Σ b_n x^{−3n},  U = x²/4 + 1/(8x) + ½ Σ_{n≥2} d_n x^{2−3n}/(2 − 3n),
    I = (√2/3) x^{3/2} + C_I + (1/√2) Σ_{n≥1} b_n x^{3/2−3n}/(3/2 − 3n),
    L = −x³/12 − (1/8) log x + χ − ½ Σ_{n≥2} d_n x^{3−3n}/((2 − 3n)(3 − 3n)),   x = −s.
    Truncated after ``terms`` terms; at x ≥ 12 the first omitted term is below 1e-16 relative.
    """
    b, d = _series_coefficients()
    x = -np.asarray(s, dtype=float)
    y = x**-3.0
    w = np.zeros_like(x)
    i_sum = np.zeros_like(x)
    u_sum = np.zeros_like(x)
    l_sum = np.zeros_like(x)
    for n in range(terms - 1, -1, -1):  # Horner in y = x^{-3}
        w = w * y + float(b[n])
        i_sum = i_sum * y + (float(b[n]) / (1.5 - 3 * n) if n >= 1 else 0.0)
        u_sum = u_sum * y + (float(d[n]) / (2 - 3 * n) if n >= 2 else 0.0)
        l_sum = l_sum * y + (float(d[n]) / ((2 - 3 * n) * (3 - 3 * n)) if n >= 2 else 0.0)
    sqx = np.sqrt(x)
    q = np.sqrt(x / 2.0) * w
    big_i = (math.sqrt(2.0) / 3.0) * x * sqx + LEFT_CONSTANTS["c_int"] + i_sum * (x * sqx) / math.sqrt(2.0)
    big_u = x * x / 4.0 + 1.0 / (8.0 * x) + 0.5 * u_sum * x * x
    big_l = -x**3 / 12.0 - np.log(x) / 8.0 + LEFT_CONSTANTS["chi"] - 0.5 * l_sum * x**3
    return q, big_u, big_i, big_l
