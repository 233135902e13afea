"""Property tests (hypothesis) over the whole parameter domain of the closed-form laws.

Includes the corners users hit: ratio → 0 (the law collapses onto σ²), ratio = 1 (hard edge at 0 with
a 1/√x density), ratio ≫ 1 (atom of mass 1 − 1/ratio at 0).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rmtheory as rmt

ratios = st.one_of(
    st.floats(1e-6, 1e6, allow_nan=False),
    st.sampled_from([1e-9, 1e-4, 1.0, 1.0 - 1e-9, 1.0 + 1e-9, 1e4, 1e8]),
)
variances = st.floats(1e-4, 1e4, allow_nan=False)


@given(ratios, variances)
def test_mp_mass_edges_and_atom(ratio, variance):
    law = rmt.MarchenkoPastur(ratio, variance=variance)
    a, b = law.support[0]
    assert a == pytest.approx(variance * (1 - np.sqrt(ratio)) ** 2, rel=1e-12, abs=1e-300)
    atom = max(0.0, 1.0 - 1.0 / ratio)
    assert law.continuous_mass == pytest.approx(1.0 - atom, abs=1e-14)
    # cdf: 0 just below everything, the atom at 0, 1 at the upper edge
    assert float(law.cdf(-1e-300)) == 0.0
    assert float(law.cdf(0.0)) == pytest.approx(atom, abs=1e-14)
    assert float(law.cdf(b)) == pytest.approx(1.0, abs=1e-12)
    assert float(law.sf(b)) == pytest.approx(0.0, abs=1e-12)


@given(ratios, variances, st.floats(0.0, 1.0))
def test_mp_cdf_monotone_and_pdf_nonnegative(ratio, variance, u):
    law = rmt.MarchenkoPastur(ratio, variance=variance)
    a, b = law.support[0]
    x = np.sort(np.concatenate([np.linspace(a, b, 257), [a + u * (b - a)]]))
    assert np.all(np.asarray(law.pdf(x)) >= 0)
    f = np.asarray(law.cdf(x))
    assert np.all(np.diff(f) >= -1e-13)


@given(ratios, variances)
def test_mp_first_moments_match_narayana(ratio, variance):
    law = rmt.MarchenkoPastur(ratio, variance=variance)
    assert float(law.moment(1)) == pytest.approx(variance, rel=1e-14)
    assert float(law.moment(2)) == pytest.approx(variance**2 * (1 + ratio), rel=1e-14)
    assert float(law.moment(3)) == pytest.approx(variance**3 * (1 + 3 * ratio + ratio**2), rel=1e-14)
    assert law.var() == pytest.approx(variance**2 * ratio, rel=1e-6, abs=1e-300)


@given(ratios, variances, st.floats(-3, 3), st.floats(-8, 2))
def test_mp_stieltjes_solves_quadratic_with_positive_imaginary_part(ratio, variance, re, log_im):
    law = rmt.MarchenkoPastur(ratio, variance=variance)
    a, b = law.support[0]
    z = (a + b) / 2 + re * (b - a + variance) + 1j * 10**log_im * variance
    g = complex(law.stieltjes(z))
    assert g.imag > 0
    c, s2 = ratio, variance
    residual = c * s2 * z * g * g + (z - s2 * (1 - c)) * g + 1.0
    scale = abs(c * s2 * z * g * g) + abs(z * g) + abs(s2 * (1 - c) * g) + 1.0
    assert abs(residual) <= 1e-10 * scale
    # g ~ −1/z far away
    far = 1e6 * (b + variance) * (1 + 1j)
    assert complex(law.stieltjes(far)) * far == pytest.approx(-1.0, rel=1e-5)


@given(ratios, variances, st.floats(0.001, 0.999))
def test_mp_ppf_inverts_cdf(ratio, variance, q):
    law = rmt.MarchenkoPastur(ratio, variance=variance)
    x = float(law.ppf(q))
    atom = max(0.0, 1.0 - 1.0 / ratio)
    if q <= atom:  # the quantile sits on the atom
        assert x == 0.0
    else:
        assert float(law.cdf(x)) == pytest.approx(q, abs=1e-10)


@given(variances, st.floats(-1e3, 1e3), st.floats(-1.5, 1.5))
def test_semicircle_cdf_symmetry_and_edges(variance, center, u):
    law = rmt.Semicircle(variance, center)
    r = 2 * np.sqrt(variance)
    x = center + u * r
    assert float(law.cdf(x)) + float(law.cdf(2 * center - x)) == pytest.approx(1.0, abs=1e-12)
    assert float(law.cdf(center + r)) == 1.0 and float(law.cdf(center - r)) == 0.0
    assert float(law.var()) == pytest.approx(variance, rel=1e-9, abs=1e-9 * center**2)


def test_mp_ratio_to_zero_collapses_to_variance():
    law = rmt.MarchenkoPastur(1e-10, variance=2.0)
    a, b = law.support[0]
    assert a == pytest.approx(2.0, rel=1e-4) and b == pytest.approx(2.0, rel=1e-4)
    assert float(law.cdf(2.0)) == pytest.approx(0.5, abs=1e-4)


def test_mp_ratio_one_has_hard_edge_density():
    law = rmt.MarchenkoPastur(1.0)
    x = np.array([1e-8, 1e-6])
    # ρ(x) = √((4 − x) x)/(2π x) ~ 1/(π √x) at the hard edge
    assert np.allclose(law.pdf(x), np.sqrt((4 - x) * x) / (2 * np.pi * x), rtol=1e-14)
    assert law.atoms == []


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf"), "a", None, True])
def test_mp_refuses_bad_ratio(bad):
    with pytest.raises(rmt.ParameterError, match="ratio = .* is outside the allowed range"):
        rmt.MarchenkoPastur(bad)
