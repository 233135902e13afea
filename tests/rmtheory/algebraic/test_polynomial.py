"""rmtheory.algebraic.polynomial: known quadratics, hand-derived cubics, and P(g(z), z) ≈ 0 at random
complex points with g from the numeric free-probability engine (an independent computation)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import rmtheory as rmt
from rmtheory.algebraic import NotAlgebraicError, g, polynomial, rational, residual, z
from rmtheory.laws.base import SpectralLaw
from rmtheory.params import ParameterError


def proportional(p, expr) -> bool:
    """p ∝ expr as polynomials in (g, z) (exact arithmetic)."""
    q = sympy.Poly(sympy.expand(expr), g, z)
    p = sympy.Poly(p, g, z)
    return (p * q.LC() - q * p.LC()).is_zero


def random_points(law, count=12, seed=7):
    """Complex points around the law's hull (a different seed from the one polynomial() checks at)."""
    solver = getattr(law, "solver", None)  # a convolution's hull without its (slow when nested) support scan
    lo, hi = solver.hull if solver is not None else law._hull()
    span = hi - lo
    rng = np.random.default_rng(seed)
    return 0.5 * (lo + hi) + span * (rng.uniform(-1.2, 1.2, count) + 1j * rng.uniform(0.01, 0.8, count))


# ----------------------------------------------------------------- closed-form laws
@pytest.mark.parametrize("law, expected", [
    (rmt.Semicircle(1.0), g**2 + z * g + 1),
    # σ² g² + (z − c) g + 1 with σ² = 1/4, c = 1, times 4
    (rmt.Semicircle(0.25, center=1.0), g**2 + 4 * (z - 1) * g + 4),
    # c σ² z g² + (z − σ²(1 − c)) g + 1 with c = 1/2, σ² = 1, times 2
    (rmt.MarchenkoPastur(0.5), z * g**2 + (2 * z - 1) * g + 2),
    # c = 4, σ² = 1/10: (2/5) z g² + (z + 3/10) g + 1, times 10
    (rmt.MarchenkoPastur(4.0, variance=0.1), 4 * z * g**2 + (10 * z + 3) * g + 10),
])
def test_known_quadratics(law, expected):
    p = polynomial(law)
    assert p.as_expr() == sympy.expand(expected)
    assert p.domain == sympy.ZZ
    assert law.polynomial() == p  # the SpectralLaw method delegates


def test_atoms_polynomial_is_the_partial_fraction():
    law = rmt.Atoms([1.0, 2.0, 5.0], [1, 2, 3])
    # g = Σ w_i/(x_i − z) with w = (1/6, 1/3, 1/2), cleared of denominators (times 6)
    hand = (6 * g * (1 - z) * (2 - z) * (5 - z)
            - ((2 - z) * (5 - z) + 2 * (1 - z) * (5 - z) + 3 * (1 - z) * (2 - z)))
    assert proportional(polynomial(law), hand)
    assert np.max(residual(polynomial(law), law, random_points(law))) < 1e-13


def test_rational_is_the_simplest_rational_rounding_to_the_float():
    assert rational(0.5) == sympy.Rational(1, 2)
    assert rational(0.1) == sympy.Rational(1, 10)
    assert rational(1 / 3) == sympy.Rational(1, 3)
    assert rational(3.0) == 3
    assert rational(-2.0**-40) == -sympy.Rational(1, 2**40)
    rng = np.random.default_rng(0)
    points = [rng.standard_normal(300), rng.standard_normal(300) * 1e6, 10.0 ** rng.uniform(-300, 300, 100)]
    for x in np.concatenate(points):
        q = rational(x)
        assert float(q) == x
        assert q.q <= sympy.Rational(float(x)).q  # never worse than the exact binary value
    with pytest.raises(ParameterError):
        rational(float("nan"))


# ----------------------------------------------------------------- free convolutions
SC, MP, AT = rmt.Semicircle, rmt.MarchenkoPastur, rmt.Atoms

CONVOLUTIONS = {
    "semicircle+mp": lambda: rmt.free_add(SC(1.0), MP(0.5)),
    "semicircle+mp(var)": lambda: rmt.free_add(SC(0.5), MP(0.25, variance=2.0)),
    "mp*mp": lambda: rmt.free_mul(MP(0.5), MP(0.25)),
    "mp*mp(fuss-catalan)": lambda: rmt.free_mul(MP(1.0), MP(1.0)),
    "atoms+semicircle": lambda: rmt.free_add(AT([-3.0, 3.0]), SC(1.0)),
    "mp*atoms": lambda: rmt.free_mul(MP(0.5), AT([1.0, 10.0])),
    "atoms*mp (operands swapped)": lambda: rmt.free_mul(AT([1.0, 10.0], [0.3, 0.7]), MP(2.0)),
    "shifted semicircle+atoms": lambda: rmt.free_add(SC(0.25, center=1.0), AT([0.0, 1.0, 3.0], [0.2, 0.3, 0.5])),
    "(semicircle+mp)+semicircle": lambda: rmt.free_add(rmt.free_add(SC(1.0), MP(0.5)), SC(0.5)),
}


@pytest.mark.parametrize("name", sorted(CONVOLUTIONS))
def test_engine_satisfies_the_polynomial(name):
    law = CONVOLUTIONS[name]()
    p = polynomial(law)
    points = random_points(law, seed=11)
    assert np.max(residual(p, law, points)) < 1e-10
    # the check has teeth: the same points fail the polynomial of a different law
    other = polynomial(SC(1.0)) if name != "semicircle+mp" else polynomial(MP(0.5))
    assert np.min(residual(other, law, points)) > 1e-4
    assert sympy.Poly(p.as_expr(), g, z).is_irreducible


def test_semicircle_plus_mp_is_the_hand_derived_cubic():
    # R-transforms (Cauchy G = −g): R_sc(w) = σ² w, R_mp(w) = s²/(1 − c s² w) (free cumulants
    # κ_n = s^{2n} c^{n−1}); z = R(G) + 1/G gives (zG − σ²G² − 1)(1 − c s² G) = s² G, i.e. in g:
    # (σ² g² + z g + 1)(1 + c s² g) − s² g = 0.
    for var, c, s2 in [(1, sympy.Rational(1, 2), 1), (sympy.Rational(1, 2), sympy.Rational(1, 4), 2)]:
        law = rmt.free_add(SC(float(var)), MP(float(c), variance=float(s2)))
        assert proportional(polynomial(law), (var * g**2 + z * g + 1) * (1 + c * s2 * g) - s2 * g)


def test_mp_times_mp_is_the_hand_derived_cubic():
    # S_mp(m) = 1/(s²(1 + c m)); S_{a⊠b} = S_a S_b and z = (1 + m)/(m S(m)) with m = zG − 1 = −zg − 1:
    # m z = s1² s2² (1 + m)(1 + c1 m)(1 + c2 m).
    c1, c2, s2 = sympy.Rational(1, 2), sympy.Rational(1, 4), 3
    law = rmt.free_mul(MP(float(c1)), MP(float(c2), variance=float(s2)))
    m = -z * g - 1
    hand = m * z - s2 * (1 + m) * (1 + c1 * m) * (1 + c2 * m)
    # both terms carry the factor z (1 + m = −zg), which is not part of the law's equation
    assert proportional(polynomial(law), sympy.cancel(hand / z))


def test_semicircles_add_exactly():
    assert polynomial(rmt.free_add(SC(1.0), SC(1.0))) == polynomial(SC(2.0))
    # ⊠ with δ_1 is the identity
    assert polynomial(rmt.free_mul(MP(0.5), AT([1.0]))) == polynomial(MP(0.5))


# ----------------------------------------------------------------- refusals
class _Opaque(SpectralLaw):
    name = "opaque"

    def _support(self):
        return [(0.0, 1.0)]

    def _pdf(self, x):
        return np.ones_like(x)


def test_non_algebraic_laws_are_refused_with_the_parameter_named():
    with pytest.raises(NotAlgebraicError, match="law = "):
        polynomial(_Opaque())
    with pytest.raises(NotAlgebraicError):
        _Opaque().polynomial()
    with pytest.raises(NotAlgebraicError):   # a convolution with a non-algebraic operand
        polynomial(rmt.free_add(_Opaque(), SC(1.0)))
    with pytest.raises(ParameterError, match="law = "):
        polynomial("semicircle(1)")
    assert issubclass(NotAlgebraicError, ParameterError)


def test_tracy_widom_is_not_algebraic():
    tracy_widom = getattr(rmt, "TracyWidom", None)
    if tracy_widom is None:
        pytest.skip("rmtheory.TracyWidom is not part of this build")
    with pytest.raises(NotAlgebraicError, match="TracyWidom"):
        tracy_widom(1).polynomial()
