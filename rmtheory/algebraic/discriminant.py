"""Support edges of an algebraic law: real roots of the discriminant of P(g, z) in g.

At an edge of the support two branches of the algebraic function g(z) meet (a square-root branch
point), so P(·, z) has a double root there: the edge is a real root of the discriminant
Disc_g P(z) (Rao & Edelman 2008; the same criterion as dz/dg = 0 on the inverse function). A
hard edge where g blows up is a real root of the leading coefficient of P in g instead, so both
are candidates.

Not every candidate is an edge: branch points of the other sheets and double roots away from the
physical branch are spurious. A candidate r is kept when the density is zero on one side of it and
positive on the other, decided from the root structure of P at r ± δ at 40 digits: of the roots of
P(·, r ± δ) the physical one is the root nearest the law's numeric boundary value g(r ± δ + i0),
and the density there is positive exactly when that root is non-real. The numeric transform only
*picks* a root (the roots are ~√δ apart near a simple edge); whether it is real is decided at high
precision. No density is thresholded.

Candidates are isolated exactly (sympy's real-root isolation on the irreducible factors of the
discriminant, rational endpoints) and refined with mpmath Newton steps inside ``workdps``, so
``edges(law, dps)`` is correct to ``dps`` digits and the 15/30/60-digit answers agree.

Example::

    >>> import rmtheory as rmt
    >>> from rmtheory.algebraic import edges, support
    >>> [str(e) for e in edges(rmt.Semicircle(1.0), dps=20)]
    ['-2.0', '2.0']
    >>> law = rmt.free_mul(rmt.MarchenkoPastur(1.0), rmt.MarchenkoPastur(1.0))  # Fuss-Catalan, L = 2
    >>> [float(e) for e in edges(law)]   # hard edge 0 and 27/4
    [0.0, 6.75]
"""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import sympy

from rmtheory.algebraic.polynomials import g, polynomial, z
from rmtheory.params import Integer, SolverError, check

__all__ = ["discriminant", "edges", "support"]

# precision of the side classification (independent of the requested dps)
_CLASSIFY_DPS = 40


def discriminant(law) -> sympy.Poly:
    """Disc_g P(z) of the law's polynomial, a primitive integer polynomial in z.

    Example::

        >>> import rmtheory as rmt
        >>> discriminant(rmt.Semicircle(1.0)).as_expr()   # z² − 4: edges ±2
        z**2 - 4
    """
    return _discriminant(polynomial(law))


@functools.lru_cache(maxsize=256)
def _discriminant(poly: sympy.Poly) -> sympy.Poly:
    disc = sympy.Poly(sympy.discriminant(poly.as_expr(), g), z)
    if disc.is_zero:
        raise SolverError(f"the polynomial {poly.as_expr()} has a zero discriminant (not square-free in g)")
    disc = disc.primitive()[1]
    return -disc if disc.LC() < 0 else disc


@functools.lru_cache(maxsize=256)
def _isolated_roots(poly: sympy.Poly):
    """Real roots of Disc_g P and of the leading coefficient of P in g, as (factor, a, b) with
    rational a ≤ b isolating a simple root of the irreducible factor."""
    lead = sympy.Poly(sympy.Poly(poly.as_expr(), g).LC(), z)
    factors = {}
    for source in (_discriminant(poly), lead):
        if source.degree() < 1:
            continue
        for f, _ in source.factor_list()[1]:
            if f.degree() >= 1:
                f = f.primitive()[1]
                factors[f.as_expr()] = f
    roots = []
    for f in factors.values():
        for (a, b), _ in f.intervals():
            roots.append((f, sympy.Rational(a), sympy.Rational(b)))
    roots.sort(key=lambda r: float(r[1] + r[2]) / 2)
    return tuple(roots)


def _physical_root(coeffs_at, x: mpmath.mpf, law):
    """The root of P(·, x) nearest the law's numeric boundary value g(x + i0)."""
    coeffs = coeffs_at(x)
    while coeffs and coeffs[0] == 0:  # leading coefficient vanishing exactly at x
        coeffs = coeffs[1:]
    try:
        roots = mpmath.polyroots(coeffs, maxsteps=400, extraprec=2 * _CLASSIFY_DPS)
    except mpmath.libmp.NoConvergence as exc:
        raise SolverError(f"{law.expression()}: the roots of its polynomial at x = {float(x)!r} did not "
                          f"converge ({exc}), so that point cannot be classified") from exc
    target = complex(law.stieltjes(float(x)))
    if not np.isfinite(target):
        target = complex(law.stieltjes(complex(float(x), 1e-12 * max(1.0, abs(float(x))))))
    return min(roots, key=lambda r: abs(complex(r) - target))


def _classified(law):
    """Candidates as (factor, a, b, approx, left_density_positive, right_density_positive)."""
    poly = polynomial(law)
    roots = _isolated_roots(poly)
    if not roots:
        return []
    approx = [float(f.refine_root(a, b, eps=sympy.Rational(1, 10**18), check_sqf=False)[0]) if a != b else float(a)
              for f, a, b in roots]
    scale = max([abs(r) for r in approx] + [max(approx) - min(approx), 1e-12])
    pg = sympy.Poly(poly.as_expr(), g)
    coeff_polys = [sympy.Poly(c, z) for c in pg.all_coeffs()]
    out = []
    with mpmath.workdps(_CLASSIFY_DPS):
        coeff_lists = [[mpmath.mpf(int(c)) for c in cp.all_coeffs()] for cp in coeff_polys]

        def coeffs_at(x):
            return [mpmath.polyval(cl, x) for cl in coeff_lists]

        for k, ((f, a, b), r) in enumerate(zip(roots, approx)):
            neighbours = [abs(r - s) for j, s in enumerate(approx) if j != k and abs(r - s) > 0]
            delta = min([1e-7 * scale] + [0.25 * d for d in neighbours])
            sides = []
            for sign in (-1, 1):
                x = mpmath.mpf(r) + sign * mpmath.mpf(delta)
                root = _physical_root(coeffs_at, x, law)
                sides.append(bool(mpmath.im(root) > mpmath.mpf(10) ** (-_CLASSIFY_DPS // 2) * (1 + abs(root))))
            out.append((f, a, b, r, sides[0], sides[1]))
    return out


def _refine(f: sympy.Poly, a, b, dps: int) -> mpmath.mpf:
    """The root of the irreducible f in [a, b] to ``dps`` digits (exact isolation, mpmath Newton).

    A linear factor has its rational root exactly; a higher-degree irreducible factor has only
    simple irrational roots, so Newton from inside a 1e-15-wide isolating interval converges
    quadratically (bisection on the sign change is the fallback).
    """
    if f.degree() == 1:
        c1, c0 = (sympy.Rational(c) for c in f.all_coeffs())
        root = -c0 / c1
        with mpmath.workdps(dps):
            return mpmath.mpf(root.p) / root.q
    width = sympy.Rational(1, 10**15) * max(1, abs(a), abs(b))
    a, b = f.refine_root(a, b, eps=width, check_sqf=False)
    coeffs = [int(c) for c in f.all_coeffs()]
    with mpmath.workdps(dps + 15):
        lo = mpmath.mpf(sympy.Rational(a).p) / sympy.Rational(a).q
        hi = mpmath.mpf(sympy.Rational(b).p) / sympy.Rational(b).q

        def fn(t):
            return mpmath.polyval(coeffs, t)

        try:
            root = mpmath.findroot(fn, (lo + hi) / 2, solver="newton")
            slack = hi - lo
            if not lo - slack <= root <= hi + slack:
                raise ValueError("Newton left the isolating interval")
        except (ValueError, ZeroDivisionError):
            root = mpmath.findroot(fn, (lo, hi), solver="illinois")
    with mpmath.workdps(dps):
        return +root


def _edges_with_sides(law, dps):
    dps = check("dps", dps, Integer(15, 100000))
    found = []
    for f, a, b, _, left_pos, right_pos in _classified(law):
        if left_pos != right_pos:
            found.append((_refine(f, a, b, dps), right_pos))
    found.sort(key=lambda e: e[0])
    return found


def edges(law, dps: int = 50) -> list:
    """Sorted support edges of an algebraic law as ``mpmath.mpf`` correct to ``dps`` digits.

    Example::

        >>> import rmtheory as rmt
        >>> law = rmt.free_add(rmt.Atoms([-3.0, 3.0]), rmt.Semicircle(1.0))   # two intervals
        >>> [round(float(e), 10) for e in edges(law, dps=30)]
        [-4.4887394194, -1.6803096879, 1.6803096879, 4.4887394194]
    """
    return [e for e, _ in _edges_with_sides(law, dps)]


def support(law, dps: int = 50) -> list:
    """Support intervals ``[(a, b), ...]`` (``mpmath.mpf`` ends) from :func:`edges`.

    Each edge knows which side carries density, so edges pair up as (left edge, right edge).
    """
    found = _edges_with_sides(law, dps)
    intervals = []
    for k in range(0, len(found), 2):
        pair = found[k:k + 2]
        if len(pair) != 2 or not pair[0][1] or pair[1][1]:
            raise SolverError(f"{law.expression()}: the discriminant edges {[float(e) for e, _ in found]} "
                              f"do not pair into intervals")
        intervals.append((pair[0][0], pair[1][0]))
    return intervals
