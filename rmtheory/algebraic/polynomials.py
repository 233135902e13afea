"""The polynomial P(g, z) of an algebraic law, and of ⊞ / ⊠ of algebraic laws by resultants.

A law is *algebraic* when its Stieltjes transform g(z) = ∫ρ(x)/(x − z) dx (library sign, Im g > 0
for Im z > 0) satisfies a polynomial equation P(g(z), z) = 0. The base cases are written down:

* Semicircle(σ², c):        σ² g² + (z − c) g + 1 = 0                  (Wigner 1958)
* MarchenkoPastur(c, σ²):   c σ² z g² + (z − σ²(1 − c)) g + 1 = 0        (Marchenko & Pastur 1967)
* Atoms(x_i, w_i):          g Π_i (x_i − z) − Σ_i w_i Π_{j≠i} (x_j − z) = 0  (g = Σ w_i/(x_i − z))

and free convolutions follow by elimination (Rao & Edelman 2008, "The polynomial method for random
matrices", Found. Comput. Math. 8: bivariate polynomials and their elimination by resultants;
Nica & Speicher 2006 for the R- and S-transforms). With the Cauchy transform G = −g:

* ⊞: the R-transform satisfies G(R(w) + 1/w) = w and R_{a⊞b} = R_a + R_b. At a common value w = G
  write z_a = R_a(w) + 1/w, z_b = R_b(w) + 1/w; then P_a(−w, z_a) = 0, P_b(−w, z_b) = 0 and
  z = z_a + z_b − 1/w. Eliminating y = z_a:  Res_y(P_a(−w, y), P_b(−w, z − y + 1/w)).
* ⊠: with the moment series M(z) = zG(z) − 1 = Σ_k m_k z^{−k} and S(m) = (1 + m)/(m M^{⟨−1⟩}(m)),
  S_{a⊠b} = S_a S_b reads M_{a⊠b}^{⟨−1⟩}(m) = M_a^{⟨−1⟩}(m) M_b^{⟨−1⟩}(m) · m/(1 + m). At a common
  value m write G = (1 + m)/z; with Q(m, y) = numerator of P(−(1 + m)/y, y):
  Res_y(Q_b(m, y), Q_a(m, z(1 + m)/(m y))), then m = zG − 1 = −zg − 1.

A resultant vanishes on the law's branch but usually carries other factors (powers of w, m, 1 + m,
and whole spurious sheets). It is factored over ℚ and the irreducible factor kept is the one the
law's *numeric* Stieltjes transform satisfies at random complex points — the sympy result is never
trusted unchecked. The result is a primitive integer polynomial in (g, z), cached per law.

Parameters enter as exact rationals: each float becomes the simplest rational (smallest
denominator, by continued fractions) that rounds to the same double (:func:`rational`), so exact
binary floats (0.5, 0.25, 3.0) stay exact, 0.1 becomes 1/10, and nothing grows 17-digit
coefficients. The polynomial is then that of parameters within half an ulp of the floats given.

Example::

    >>> import rmtheory as rmt
    >>> from rmtheory.algebraic import polynomial
    >>> polynomial(rmt.Semicircle(1.0)).as_expr()
    g**2 + g*z + 1
    >>> polynomial(rmt.MarchenkoPastur(0.5)).as_expr()   # (1/2) z g² + (z − 1/2) g + 1, times 2
    g**2*z + 2*g*z - g + 2
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Callable

import numpy as np
import sympy

from rmtheory.params import ParameterError, SolverError

__all__ = ["g", "z", "polynomial", "rational", "register", "NotAlgebraicError", "residual"]

#: the symbols of every polynomial returned here: P(g, z), g the Stieltjes transform (library sign)
g, z = sympy.symbols("g z")
_w, _y, _m = sympy.symbols("w y m")

# relative residual a factor must reach at the numeric Stieltjes transform to be accepted, and the
# one every other factor must stay above (the engine is accurate to ~1e-13 off the real axis)
_ACCEPT = 1e-8
_REJECT = 1e-4


class NotAlgebraicError(ParameterError):
    """The law has no polynomial equation here (e.g. Tracy-Widom, or an unregistered law)."""


# ----------------------------------------------------------------- exact parameters
def rational(x) -> sympy.Rational:
    """The simplest rational that rounds to the same double as ``x`` (smallest denominator among the
    continued-fraction convergents of the float's exact binary value).

    Example::

        >>> rational(0.5), rational(0.1), rational(1 / 3), rational(2.0**-40)
        (1/2, 1/10, 1/3, 1/1099511627776)
    """
    value = float(x)
    if not np.isfinite(value):
        raise ParameterError("parameter", x, "a finite real")
    exact = Fraction(value)
    # convergents p_k/q_k of the continued fraction of the exact binary value
    p0, q0, p1, q1 = 0, 1, 1, 0
    num, den = exact.numerator, exact.denominator
    while den:
        a, rem = divmod(num, den)
        p0, q0, p1, q1 = p1, q1, a * p1 + p0, a * q1 + q0
        if float(Fraction(p1, q1)) == value:
            return sympy.Rational(p1, q1)
        num, den = den, rem
    return sympy.Rational(exact.numerator, exact.denominator)


# ----------------------------------------------------------------- registry of base laws
_BUILDERS: dict[type, Callable] = {}


def register(cls):
    """Decorator: ``@register(LawClass)`` on a function law → sympy expression in (g, z).

    The expression need not be primitive or irreducible; :func:`polynomial` normalizes and checks it.
    """
    def deco(fn):
        _BUILDERS[cls] = fn
        return fn
    return deco


def _builder(law):
    for cls in type(law).__mro__:
        if cls in _BUILDERS:
            return _BUILDERS[cls]
    return None


def _register_builtin():
    from rmtheory.free.atoms import Atoms
    from rmtheory.free.convolution import FreeAdditiveConvolution, FreeMultiplicativeConvolution
    from rmtheory.laws.marchenko_pastur import MarchenkoPastur
    from rmtheory.laws.semicircle import Semicircle

    @register(Semicircle)
    def _semicircle(law):
        v, c = rational(law.variance), rational(law.center)
        return v * g**2 + (z - c) * g + 1

    @register(MarchenkoPastur)
    def _marchenko_pastur(law):
        c, v = rational(law.ratio), rational(law.variance)
        return c * v * z * g**2 + (z - v * (1 - c)) * g + 1

    @register(Atoms)
    def _atoms(law):
        locs = [rational(x) for x in law.locations]
        wts = [rational(w) for w in law.weights]
        total = sum(wts)  # normalized float weights may miss 1 by an ulp: renormalize exactly
        wts = [w / total for w in wts]
        factors = [x - z for x in locs]
        full = sympy.Mul(*factors)
        rest = sum(w * sympy.Mul(*(factors[:i] + factors[i + 1:])) for i, w in enumerate(wts))
        return g * full - rest

    @register(FreeAdditiveConvolution)
    def _free_add(law):
        return free_add_resultant(polynomial(law.left), polynomial(law.right))

    @register(FreeMultiplicativeConvolution)
    def _free_mul(law):
        return free_mul_resultant(polynomial(law.left), polynomial(law.right))


# ----------------------------------------------------------------- resultants (Rao-Edelman 2008)
def _numerator(expr) -> sympy.Expr:
    return sympy.numer(sympy.together(expr))


def free_add_resultant(pa, pb) -> sympy.Expr:
    """Res_y(P_a(−w, y), P_b(−w, z − y + 1/w)) with w = −g: a multiple of P_{a⊞b} (see module doc)."""
    ea = sympy.Poly(pa, g, z).as_expr().subs({g: -_w, z: _y}, simultaneous=True)
    eb = _numerator(sympy.Poly(pb, g, z).as_expr().subs({g: -_w, z: z - _y + 1 / _w}, simultaneous=True))
    res = sympy.resultant(sympy.expand(ea), sympy.expand(eb), _y)
    return sympy.expand(res.subs(_w, -g))


def free_mul_resultant(pa, pb) -> sympy.Expr:
    """Res_y(Q_b(m, y), Q_a(m, z(1 + m)/(m y))) with m = −zg − 1: a multiple of P_{a⊠b}."""
    def q(p, arg):
        return _numerator(sympy.Poly(p, g, z).as_expr().subs({g: -(1 + _m) / arg, z: arg}, simultaneous=True))

    qb = sympy.expand(q(pb, _y))
    qa = _numerator(q(pa, z * (1 + _m) / (_m * _y)))
    res = sympy.resultant(qb, sympy.expand(qa), _y)
    return _numerator(sympy.expand(res.subs(_m, -z * g - 1)))


# ----------------------------------------------------------------- numeric check and selection
def _probe_points(law, count: int, seed: int) -> np.ndarray:
    """Random complex points around the law's hull, Im z between 2 % and 100 % of its span."""
    solver = getattr(law, "solver", None)  # free convolutions: the cheap hull, not the support scan
    lo, hi = solver.hull if solver is not None else law._hull()
    span = max(hi - lo, 1e-3 * max(1.0, abs(lo), abs(hi)), 1e-12)
    rng = np.random.default_rng(seed)
    re = 0.5 * (lo + hi) + span * rng.uniform(-1.5, 1.5, count)
    im = span * rng.uniform(0.02, 1.0, count)
    return re + 1j * im


def residual(poly, law, points) -> np.ndarray:
    """|P(g(z), z)| / Σ|c_ij g^i z^j| at ``points``, g from the law's numeric Stieltjes transform.

    The denominator is the size of the terms, so the residual is a relative error independent of
    how the polynomial is scaled; a polynomial the law satisfies gives rounding level (≲ 1e-12).
    """
    poly = sympy.Poly(poly, g, z)
    pts = np.asarray(points, dtype=complex).ravel()
    gv = np.asarray(law.stieltjes(pts), dtype=complex).ravel()
    num = np.zeros(pts.shape, dtype=complex)
    den = np.zeros(pts.shape)
    terms = poly.terms()
    scale = max(abs(c) for _, c in terms)  # big integer coefficients: scale before going to floats
    for (i, j), c in terms:
        term = float(sympy.Rational(c) / scale) * gv**i * pts**j
        num += term
        den += np.abs(term)
    return np.abs(num) / np.where(den > 0, den, 1.0)


def _normalize(expr) -> sympy.Poly:
    poly = sympy.Poly(expr, g, z, domain="QQ")
    _, poly = poly.clear_denoms(convert=True)
    poly = poly.primitive()[1]
    if poly.LC() < 0:
        poly = -poly
    return poly


def _select_factor(expr, law) -> sympy.Poly:
    """The irreducible factor of ``expr`` that the law's Stieltjes transform satisfies."""
    _, factors = sympy.factor_list(sympy.Poly(expr, g, z, domain="QQ"))
    candidates = [f for f, _ in factors if f.degree(g) > 0]
    if not candidates:
        raise SolverError(f"{law.expression()}: the elimination gave no polynomial in g (degenerate resultant)")
    points = _probe_points(law, 6, seed=20080101)
    scores = [float(np.max(residual(f, law, points))) for f in candidates]
    order = np.argsort(scores)
    best = candidates[order[0]]
    if scores[order[0]] > _ACCEPT or (len(order) > 1 and scores[order[1]] < _REJECT):
        raise SolverError(
            f"{law.expression()}: no single factor of the eliminated polynomial matches the numeric "
            f"Stieltjes transform (relative residuals {sorted(scores)}); the law may not be algebraic "
            f"in this form, or the numeric solver is inaccurate here")
    return _normalize(best.as_expr())


# ----------------------------------------------------------------- public entry point
def polynomial(law) -> sympy.Poly:
    """The irreducible polynomial P(g, z) ∈ ℤ[g, z] with P(law.stieltjes(z), z) = 0.

    Covers :class:`~rmtheory.Semicircle`, :class:`~rmtheory.MarchenkoPastur`,
    :class:`~rmtheory.Atoms` / :class:`~rmtheory.EmpiricalLaw` and ``free_add`` / ``free_mul`` of
    laws it covers (recursively). Raises :class:`NotAlgebraicError` (a ``ParameterError`` naming
    ``law``) for other laws. Every polynomial is checked against the law's numeric Stieltjes
    transform at random complex points before it is returned.

    Example::

        >>> import rmtheory as rmt
        >>> from rmtheory.algebraic import polynomial
        >>> law = rmt.free_add(rmt.Semicircle(1.0), rmt.Semicircle(1.0))
        >>> polynomial(law).as_expr()   # the semicircle of variance 2
        2*g**2 + g*z + 1
    """
    from rmtheory.laws.base import SpectralLaw

    if not isinstance(law, SpectralLaw):
        raise ParameterError("law", law, "a SpectralLaw (e.g. rmt.Semicircle())")
    return _polynomial_cached(law)


@functools.lru_cache(maxsize=256)
def _polynomial_cached(law) -> sympy.Poly:
    if not _BUILDERS:
        _register_builtin()
    build = _builder(law)
    if build is None:
        raise NotAlgebraicError(
            "law", law, "an algebraic law: Semicircle, MarchenkoPastur, Atoms, EmpiricalLaw, or "
            "free_add/free_mul of algebraic laws",
            f"{type(law).__name__} has no polynomial equation for its Stieltjes transform")
    return _select_factor(build(law), law)
