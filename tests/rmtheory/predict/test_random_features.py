"""Pennington-Worah random-features Gram matrix: Monte-Carlo KS against numpy Y Yᵀ/m, and the
closed-form reductions (ζ = 0 → Marchenko-Pastur, linear activation → MP ⊠ MP)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

import rmtheory as rmt
import rmtheory.predict as P
from rmtheory.params import ParameterError
from rmtheory.stats import ks_test


def gram_eigs(n0, n1, m, f, rng):
    W = rng.standard_normal((n1, n0))
    X = rng.standard_normal((n0, m))
    Y = f(W @ X / math.sqrt(n0))
    return np.linalg.eigvalsh(Y @ Y.T / m)


@pytest.mark.parametrize("name, f", [("tanh", np.tanh), ("erf", special.erf)])
def test_monte_carlo_ks_centred(name, f):
    n0, n1, m = 200, 300, 400
    p = P.random_features_gram(n0, n1, m, name)
    lam = gram_eigs(n0, n1, m, f, np.random.default_rng(2017))
    res = ks_test(lam, p.law)
    assert not res.rejects(0.01), (res.statistic, res.pvalue)
    assert p.outliers == ()


def test_monte_carlo_relu_outlier_and_bulk():
    n0, n1, m = 200, 300, 400
    p = P.random_features_gram(n0, n1, m, "relu")
    lam = gram_eigs(n0, n1, m, lambda x: np.maximum(x, 0.0), np.random.default_rng(5))
    (out,) = p.outliers
    # leading order n1 (E f)² = 300/(2π) ≈ 47.7; the O(1) corrections are ≤ the bulk's upper edge (~2)
    assert abs(lam[-1] - out.location) < 2 * p.edges[-1][1]
    assert not ks_test(lam[:-1], p.law).rejects(0.01)


def test_zeta_zero_is_marchenko_pastur_and_continuous_there():
    law = P.random_features_law(d_over_P=0.5, d_over_width=0.8, eta=1.3, zeta=0.0)
    assert isinstance(law, rmt.MarchenkoPastur) and law.expression() == rmt.MarchenkoPastur(0.625, 1.3).expression()
    near = P.random_features_law(d_over_P=0.5, d_over_width=0.8, eta=1.3, zeta=1e-6)
    x = np.linspace(0.1, 3.5, 25)
    np.testing.assert_allclose(near.cdf(x), law.cdf(x), atol=1e-4)


def test_an_even_activation_whose_quadrature_zeta_is_rounding_gets_the_marchenko_pastur_law():
    # (E f')² of |x| − E|x| comes out of quadrature as ~1e-35, not 0: it used to reach the solver and fail
    p = P.random_features_gram(100, 200, 400, "abs_centered")
    assert isinstance(p.law, rmt.MarchenkoPastur)
    x = np.linspace(0.01, 1.2, 30)      # Var(|z|) = 1 − 2/π, ratio width/P
    np.testing.assert_allclose(p.law.cdf(x), rmt.MarchenkoPastur(200 / 400, 1 - 2 / np.pi).cdf(x), atol=1e-12)


def test_a_law_with_few_input_dimensions_samples_a_matrix_of_its_own_rank():
    # d/width = 0.002: 300 features see n0 = 1 input; ReLU of that rank-one matrix has rank 2, so
    # sampling through the activation gave 297 zero eigenvalues where the law has mass 0.782 at 0
    law = rmt.predict.gram(width=500, depth=1, d=1, P=109, activation="relu", sigma_w=3.0).law
    zero_mass = dict(law.atoms)[0.0]
    lam = law.sample(300, rng=12345)
    assert abs(np.mean(np.abs(lam) < 1e-9) - zero_mass) < 0.03


def test_linear_activation_is_mp_times_mp():
    p = P.random_features_gram(150, 100, 300, "linear")            # η = ζ = 1: MP(n1/m) ⊠ MP(n1/n0)
    ref = rmt.free_mul(rmt.MarchenkoPastur(100 / 300), rmt.MarchenkoPastur(100 / 150))
    x = np.linspace(0.05, 4.0, 30)
    np.testing.assert_allclose(p.law.cdf(x), ref.cdf(x), atol=1e-8)


def test_samples_side_is_the_companion():
    f = P.random_features_gram(100, 200, 400, "tanh")
    s = P.random_features_gram(100, 200, 400, "tanh", side="samples")
    assert s.dimension == 400 and s.atoms == [(0.0, 0.5)]
    assert float(s.law.moment(1)) == pytest.approx(0.5 * float(f.law.moment(1)), rel=1e-12)


@pytest.mark.parametrize("args, kwargs, name", [
    ((0, 10, 10), {}, "d"), ((10, -1, 10), {}, "width"), ((10, 10, 0), {}, "P"),
    ((10, 10, 10), {"side": "both"}, "side"), ((10, 10, 10), {"sigma_w": 0.0}, "sigma_w"),
])
def test_bad_input_names_the_parameter(args, kwargs, name):
    with pytest.raises(ParameterError) as err:
        P.random_features_gram(*args, **kwargs)
    assert err.value.name == name


def test_unknown_activation():
    with pytest.raises(ParameterError, match="activation"):
        P.random_features_gram(10, 10, 10, "swishy")


def test_the_laws_own_sample_is_of_the_centred_features():
    # relu is not centred: its E f gives an outlier near n1 (E f)² that the bulk law does not hold,
    # so law.sample must not produce it (was: max 32 against an edge of 2.06)
    p = P.random_features_gram(200, 300, 400, "relu")
    lam = p.law.sample(300, rng=np.random.default_rng(0))
    edge = max(b for _, b in p.law.support)
    assert lam.max() < 1.1 * edge
    assert rmt.stats.ks_test(lam, p.law).pvalue > 0.01


# ---------------------------------------------------------------------------------------------------
# scale: ReLU is positively homogeneous, so σ_w → s σ_w scales every eigenvalue by s² exactly. The
# solver is tuned to laws of order one (relu at σ_w = 1e4 and 1e-10 failed to certify); outside
# UNIT_BAND the law is solved at η = 1 and scaled back, and must agree with the scaled unit law.


@pytest.mark.parametrize("door", ["gram", "ggn"])
@pytest.mark.parametrize("s", [1e-30, 1e-6, 3e2, 1e4, 1e30])
def test_relu_predictions_scale_exactly_with_sigma_w(door, s):
    kwargs = dict(width=30, d=20, P=40, activation="relu")
    if door == "ggn":
        kwargs["depth"] = 1
    unit = getattr(rmt.predict, door)(**kwargs, sigma_w=1.0)
    scaled = getattr(rmt.predict, door)(**kwargs, sigma_w=s)
    for (a, b), (c, d) in zip(unit.law.support, scaled.law.support, strict=True):
        assert c == pytest.approx(s * s * a, rel=1e-9) and d == pytest.approx(s * s * b, rel=1e-9)
    x = np.linspace(*unit.law.support[0], 9)
    np.testing.assert_allclose(scaled.law.cdf(s * s * x), unit.law.cdf(x), atol=1e-8)
    assert scaled.law.moment(2) == pytest.approx(s**4 * unit.law.moment(2), rel=1e-9)
    assert scaled.tolerance <= 1e-6


def test_scales_whose_moments_leave_floating_point_are_refused():
    for sigma_w in (1e-60, 1e60, 1e308):
        with pytest.raises(ParameterError, match=r"sigma_w \* sigma_x"):
            rmt.predict.gram(width=30, d=20, P=40, sigma_w=sigma_w)


def test_a_nearly_linear_activation_keeps_the_linear_models_atom():
    """tanh at σ_w = 1e-6 is linear to 1e-12: ζ = η within rounding, so the features have rank d and
    M has the atom 1 − d/width at 0, as for the linear activation (it failed to resolve before)."""
    p = rmt.predict.gram(width=30, d=20, P=40, activation="tanh", sigma_w=1e-6)
    linear = rmt.predict.gram(width=30, d=20, P=40, activation="linear", sigma_w=1e-6)
    assert p.law.atoms[0][1] == pytest.approx(1 - 20 / 30, abs=1e-12)
    np.testing.assert_allclose(p.law.support, linear.law.support, rtol=1e-6)


def test_model_sample_reads_through_the_unit_scale_image():
    """A law solved at unit scale keeps its own matrix model: the same draws, scaled by s² exactly
    (ReLU is positively homogeneous), so calibrated checks never fall back to the real activation."""
    unit = rmt.predict.gram(width=30, d=20, P=40, activation="relu", sigma_w=1.0).law
    scaled = rmt.predict.gram(width=30, d=20, P=40, activation="relu", sigma_w=1e4).law
    assert isinstance(scaled, rmt.AffineImage)
    np.testing.assert_allclose(scaled.model_sample(40, rng=0), 1e8 * unit.model_sample(40, rng=0), rtol=1e-9)
    assert getattr(rmt.AffineImage(rmt.MarchenkoPastur(0.5), 2.0), "model_sample", None) is None
