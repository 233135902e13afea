"""Closed-form complexity of the pure spherical p-spin glass (Auffinger, Ben Arous & Černý 2013).

Source: A. Auffinger, G. Ben Arous, J. Černý, "Random matrices and complexity of spin glasses",
Comm. Pure Appl. Math. 66 (2013) 165–201 (arXiv:1003.1129), Section 2:

* threshold energy  E_∞ = 2 √((p−1)/p)
* Legendre-type function, for u ≤ −E_∞,
      I_1(u) = −(u/E_∞²) √(u² − E_∞²) − ln(−u + √(u² − E_∞²)) + ln E_∞
* index-k complexity (Theorem 2.5), for critical values below Nu:
      Θ_{k,p}(u) = ½ ln(p−1) − (p−2)/(4(p−1)) u² − (k+1) I_1(u)   if u ≤ −E_∞,
                 = ½ ln(p−1) − (p−2)/p                            if u ≥ −E_∞;
* total complexity (Theorem 2.8):
      Θ_p(u) = ½ ln(p−1) − (p−2)/(4(p−1)) u² − I_1(u)   if u ≤ −E_∞,
             = ½ ln(p−1) − (p−2)/(4(p−1)) u²            if −E_∞ ≤ u ≤ 0,
             = ½ ln(p−1)                                if u ≥ 0.

Θ is the *cumulative* complexity, lim (1/N) ln E Crt_N((−∞, u]) with u the energy per spin
H_N/N (minima at negative u). The *local* complexity (the exponential density of critical values at
u, ``cumulative=False``) is the expression before the supremum over v ≤ u is taken: for the total
count it is even in u, ½ ln(p−1) − (p−2)/(4(p−1)) u² − I_1(−|u|); for index k it is the first line
of Θ_{k,p} when u ≤ −E_∞ and −∞ above (a finite index at such energies costs e^{−cN²}).

Every function evaluates one scalar formula either in floats (``dps=None``) or in mpmath at
``dps`` digits (scoped with ``mpmath.workdps``), so the same lines give the fast path and a
high-precision reference.

Example::

    >>> from rmtheory.kacrice import closed_form as cf
    >>> round(cf.e_inf(3), 12)                 # 2·√(2/3)
    1.632993161855
    >>> round(float(cf.theta(10.0, 3)), 12)    # ½ ln 2: every critical point counted
    0.34657359028
    >>> round(float(cf.theta_k(-1.7, 3, 0)), 6)  # minima below −1.7: exponentially rare
    -0.030446
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

__all__ = ["e_inf", "i1", "theta", "theta_k", "complexity"]


def _ns(dps):
    """The scalar namespace of a precision: ``math`` for floats, ``mpmath`` for mp numbers."""
    return math if dps is None else mpmath


def _num(x, dps):
    return float(x) if dps is None else mpmath.mpf(x)


def _e_inf(p, m):
    p = _num(p, None if m is math else 0)
    return 2 * m.sqrt((p - 1) / p)


def e_inf(p, dps=None):
    """E_∞ = 2√((p−1)/p) (ABC Section 2); an mpf at ``dps`` digits when ``dps`` is given."""
    if dps is None:
        return 2.0 * math.sqrt((p - 1) / p)
    with mpmath.workdps(dps):
        return +_e_inf(mpmath.mpf(p), mpmath)


def _i1(u, e, m):
    """I_1(u) for u ≤ −E_∞ (0 at u = −E_∞); callers never pass u > −E_∞."""
    r = m.sqrt(max(u * u - e * e, 0))
    return -(u / (e * e)) * r - m.log(-u + r) + m.log(e)


def i1(u, p, dps=None):
    """ABC's I_1(u) (Section 2), defined for u ≤ −E_∞; NaN (or mpmath nan) above."""
    if dps is None:
        e = e_inf(p)
        return _i1(float(u), e, math) if u <= -e else math.nan
    with mpmath.workdps(dps):
        u, e = mpmath.mpf(u), e_inf(p, dps)
        return +_i1(u, e, mpmath) if u <= -e else mpmath.nan


def _theta_scalar(u, p, k, cumulative, m):
    """One closed-form value; ``k = None`` is the total count. u, p already in m's number type."""
    e = 2 * m.sqrt((p - 1) / p)
    base = m.log(p - 1) / 2
    quad = (p - 2) / (4 * (p - 1))
    if k is None:
        if cumulative:
            if u <= -e:
                return base - quad * u * u - _i1(u, e, m)
            if u <= 0:
                return base - quad * u * u
            return base
        a = -abs(u)
        return base - quad * u * u - (_i1(a, e, m) if a <= -e else 0)
    if u <= -e:
        return base - quad * u * u - (k + 1) * _i1(u, e, m)
    if cumulative:
        return base - (p - 2) / p
    return -m.inf


def complexity(u, p, index=None, cumulative=True, dps=None):
    """Θ_p(u) (``index=None``) or Θ_{k,p}(u) (``index=k``) of the pure p-spin model.

    ``u`` may be an array (float path only); parameters are assumed validated (the public entry
    point is :meth:`rmtheory.kacrice.SphericalSpinGlass.complexity`).
    """
    if dps is None:
        p = float(p)
        f = np.vectorize(lambda x: _theta_scalar(float(x), p, index, cumulative, math), otypes=[float])
        out = f(np.asarray(u, dtype=float))
        return out[()] if out.ndim == 0 else out
    with mpmath.workdps(dps):
        return +_theta_scalar(mpmath.mpf(u), mpmath.mpf(p), index, cumulative, mpmath)


def theta(u, p, cumulative=True, dps=None):
    """Total complexity Θ_p(u), ABC Theorem 2.8."""
    return complexity(u, p, None, cumulative, dps)


def theta_k(u, p, k, cumulative=True, dps=None):
    """Index-k complexity Θ_{k,p}(u), ABC Theorem 2.5."""
    return complexity(u, p, k, cumulative, dps)
