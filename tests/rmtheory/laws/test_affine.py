"""AffineImage: the law of c·X + s (and the exact path of free convolution with a point mass)."""

import numpy as np
import pytest

import rmtheory as rmt


def test_atoms_map_and_cdf_sf_count_them_on_the_right_side():
    # X: 0 w.p. 0.3, 1 w.p. 0.7; Y = −2X + 1: 1 w.p. 0.3, −1 w.p. 0.7 (by hand)
    law = rmt.AffineImage(rmt.Atoms([0.0, 1.0], [0.3, 0.7]), scale=-2.0, shift=1.0)
    assert law.atoms == [(-1.0, 0.7), (1.0, 0.3)]
    x = np.array([-1.5, -1.0, 0.0, 1.0, 1.5])
    assert np.allclose(law.cdf(x), [0.0, 0.7, 0.7, 1.0, 1.0], atol=1e-15)
    assert np.allclose(law.sf(x), [1.0, 0.3, 0.3, 0.0, 0.0], atol=1e-15)
    assert float(law.ppf(0.5)) == -1.0 and float(law.ppf(0.8)) == 1.0


def test_tail_keeps_relative_accuracy():
    # sf of a scaled semicircle near its edge is the inner law's sf, not 1 − cdf
    inner = rmt.Semicircle()
    law = rmt.AffineImage(inner, scale=3.0)
    x = 6.0 - 1e-9
    assert float(law.sf(x)) == pytest.approx(float(inner.sf(x / 3.0)), rel=1e-12)
    assert 0 < float(law.sf(x)) < 1e-12


def test_expression_parses_back_to_the_same_law():
    law = rmt.AffineImage(rmt.MarchenkoPastur(0.5), scale=2.5, shift=-1.0)
    again = rmt.parse_law(law.expression())
    x = np.linspace(-2, 8, 41)
    assert np.allclose(again.cdf(x), law.cdf(x), atol=1e-13)


@pytest.mark.parametrize("scale", [0.0, float("inf"), float("nan")])
def test_bad_scale_is_refused_by_name(scale):
    with pytest.raises(rmt.ParameterError, match="scale"):
        rmt.AffineImage(rmt.Semicircle(), scale=scale)


def test_point_mass_convolutions_are_exact_and_skip_the_solver():
    sc = rmt.Semicircle()
    shifted = rmt.free_add(rmt.Atoms([1.5]), sc)
    assert shifted.support == [(-0.5, 3.5)]
    assert shifted.diagnostics == {"exact_image": "(atoms([1.5]) + semicircle(variance=1, center=0))"}
    zero = rmt.free_mul(rmt.Atoms([0.0]), rmt.MarchenkoPastur(0.5))
    assert zero.atoms == [(0.0, 1.0)] and zero.support == []
    assert float(zero.cdf(0.0)) == 1.0
