"""The Hessian law at a critical point of energy u, and the index fraction it implies."""

import math

import numpy as np
import pytest

import rmtheory as rmt
from rmtheory.kacrice import SphericalSpinGlass
from rmtheory.kacrice import kac_rice_integral as kr
from rmtheory.params import ParameterError


@pytest.mark.parametrize("p", [3, 4])
def test_pure_law_is_shifted_semicircle_marginal_at_threshold(p):
    m = SphericalSpinGlass(p)
    e = m.energy_threshold()
    law = m.hessian_law(-1.1)
    assert isinstance(law, rmt.Semicircle)
    assert law.variance == p * (p - 1) and law.center == pytest.approx(1.1 * p, rel=1e-15)
    assert m.hessian_law(-e).support[0][0] == pytest.approx(0.0, abs=1e-14)   # marginal stability
    assert m.hessian_law(-e - 0.1).support[0][0] > 0                           # minima below
    assert m.hessian_law(-e + 0.1).support[0][0] < 0                           # saddles above


def test_index_fraction():
    m = SphericalSpinGlass(3)
    e = m.energy_threshold()
    assert m.index_fraction(0.0) == pytest.approx(0.5, abs=1e-15)
    assert m.index_fraction(-e - 1e-9) == 0.0 and m.index_fraction(e + 1e-9) == 1.0
    u = np.linspace(-e, e, 9)
    frac = [m.index_fraction(x) for x in u]
    assert np.all(np.diff(frac) > 0)
    # independent: semicircle mass below 0 by the arcsine formula, centre −3u, radius 2√6
    for x, f in zip(u, frac):
        t = np.clip(3 * x / (2 * math.sqrt(6)), -1, 1)
        assert f == pytest.approx(0.5 + (t * math.sqrt(1 - t * t) + math.asin(t)) / math.pi, abs=1e-13)


def test_finite_index_needs_energy_below_threshold():
    with pytest.raises(ParameterError, match="u = -1.0 is outside the allowed range"):
        SphericalSpinGlass(3).hessian_law(-1.0, index=0)


def test_mixed_law_is_marginal_exactly_at_the_ab_threshold():
    # independent of the shift solver: AB's E'_∞ closed form puts the left edge at 0
    m = SphericalSpinGlass(mixture={3: 0.5, 4: 0.5})
    e = m.energy_threshold()
    assert m.hessian_law(-e).support[0][0] == pytest.approx(0.0, abs=1e-12)
    assert m.hessian_law(-e - 0.05).support[0][0] > 0 > m.hessian_law(-e + 0.05).support[0][0]


def test_mixed_shift_maximises_the_inner_problem():
    """The shift returned is the maximiser of Ω(x) − ν''(x − c u)²/(2α), checked on a grid."""
    m = SphericalSpinGlass(mixture={3: 0.5, 4: 0.5})
    nu, d, dd = m.covariance
    alpha, c, u = m.alpha, d / (nu * math.sqrt(dd)), -1.2
    x_star = float(kr.typical_shift(nu, d, dd, u, dps=20))
    grid = np.linspace(x_star - 0.05, x_star + 0.05, 41)
    vals = [float(kr.log_potential(x)) - dd * (x - c * u) ** 2 / (2 * alpha) for x in grid]
    assert abs(grid[int(np.argmax(vals))] - x_star) <= 0.0025 + 1e-12
    # and it differs from the naive conditional mean c·u: the Kac-Rice weight |det| tilts it
    assert abs(x_star - c * u) > 1e-3
    law = m.hessian_law(u)
    assert law.center == pytest.approx(-math.sqrt(dd) * x_star, rel=1e-12)
