"""The closed-form deep Gaussian product law (rmtheory.predict.deep_product_law) against independent
references: the Marchenko-Pastur closed form, the quadrature solver where it resolves, exact moments
from free cumulants, the Fuss-Catalan edge, and Monte Carlo of the product model."""

import math

import numpy as np
import pytest

import rmtheory as rmt
from rmtheory.predict.deep_product_law import GaussianProductLaw


def test_one_linear_layer_is_marchenko_pastur():
    law, mp = GaussianProductLaw(1, 1.0, 1.0, 1.0), rmt.MarchenkoPastur(1.0)
    x = np.linspace(0.01, 3.99, 41)
    assert np.max(np.abs(law.cdf(x) - mp.cdf(x))) < 1e-12
    assert np.max(np.abs(law.pdf(x) - mp.pdf(x))) < 1e-10


@pytest.mark.parametrize("depth", [2, 5])
def test_agrees_with_the_quadrature_solver_where_it_resolves(depth):
    old = rmt.predict.input_output_jacobian.DeepJacobian(
        depth, rmt.predict.input_output_jacobian._derivative_law(rmt.predict.activation("relu"), math.nan),
        sigma_w=2 ** 0.5)
    new = GaussianProductLaw(depth, 0.5, 1.0, 2.0)
    x = np.linspace(1e-3, 0.999 * new.upper_edge, 60)
    assert np.max(np.abs(new.cdf(x) - old.cdf(x))) < 1e-8
    assert new.upper_edge == pytest.approx(old.support[-1][1], rel=1e-12)


@pytest.mark.parametrize("depth", [1, 3, 10])
def test_fuss_catalan_edge_of_a_linear_product(depth):
    assert GaussianProductLaw(depth, 1.0, 1.0, 1.0).upper_edge == pytest.approx(
        (depth + 1) ** (depth + 1) / depth**depth, rel=1e-12)


@pytest.mark.parametrize("depth,p", [(40, 0.5), (100, 0.5), (30, 1.0)])
def test_deep_laws_carry_mass_one_and_the_exact_moments(depth, p):
    """χ = σ_w² p c = 1: E x = 1 and E x² from the free cumulants; the curve's cdf gives them by
    ∫ x^k dF = ∫ k x^{k−1} P(X > x) dx on a log grid (no use of the curve's density)."""
    law = GaussianProductLaw(depth, p, 1.0, 1.0 / p)
    assert float(law.cdf(0.0)) == pytest.approx(1 - p, abs=1e-15)
    assert float(law.cdf(law.upper_edge)) == 1.0
    t = np.linspace(-1500.0, law.log_top, 400_001)
    x = np.exp(t)
    sf = np.asarray(law.sf(x))
    assert np.all(np.diff(sf) <= 1e-13)
    exact = law.exact_moments(2)
    for k in (1, 2):
        assert np.trapezoid(k * x**k * sf, t) == pytest.approx(float(exact[k - 1]), rel=1e-5)


def test_product_model_spectrum_matches_at_depth_over_width_one_fifth():
    """Monte Carlo of the model (ReLU masks iid, Gaussian W) at N = 100, L = 20: the fractions of
    eigenvalues above 10⁻³ and 1 match the law within 4 binomial standard errors."""
    law = GaussianProductLaw(20, 0.5, 1.0, 2.0)
    rng = np.random.default_rng(3)
    lam = np.concatenate([law.model_sample(100, rng) for _ in range(8)])
    for cut in (1e-3, 1.0):
        predicted = float(law.sf(cut))
        se = math.sqrt(predicted * (1 - predicted) / lam.size)
        assert abs(np.mean(lam > cut) - predicted) < 4 * se + 0.01


def test_deep_jacobian_door_uses_it_at_any_depth():
    p = rmt.predict.jacobian(width=200, depth=40, activation="relu", sigma_w=2 ** 0.5)
    assert isinstance(p.law, GaussianProductLaw) and p.tolerance <= 1e-9
    assert p.atoms == [(0.0, 0.5)] and float(p.law.cdf(p.lambda_max)) == 1.0
    q = p.quantities
    assert q["depth_over_width"] == 0.2 and q["hanin_nica_kappa"] == pytest.approx(5.0)
    # finite width: the classical location lies well below the N → ∞ edge; within the crossover it
    # answers, and no Monte Carlo is paid for
    assert q["lambda_max_classical"] < 0.6 * p.lambda_max
    assert "lambda_max_at_width" not in q
    assert any("finite width N = 200" in a for a in p.assumptions)


def test_beyond_the_crossover_the_regime_says_so():
    p = rmt.predict.jacobian(width=100, depth=50, activation="tanh")          # q* = 0: linear product
    assert p.quantities["hanin_nica_kappa"] == pytest.approx(2.0)
    q = p.quantities
    assert "beyond the crossover" in q["regime"]
    # the finite-N model's λ_max: its median well below the N → ∞ edge, its log-normal band wide
    # enough to reach past it (measured: median 48.4, band [19.0, 176] against the edge 137)
    lo, hi = q["lambda_max_at_width_band"]
    assert lo < q["lambda_max_at_width"] < 0.6 * p.lambda_max < hi < 3 * p.lambda_max
    assert q["lambda_max_at_width_draws"] >= 30


@pytest.mark.parametrize("depth,p,c,sigma_w2", [(1, 1.0, 1.0, 1.0), (3, 0.5, 1.0, 2.0), (4, 0.3, 1.7, 0.9)])
def test_closed_form_moments_equal_the_free_cumulant_recursion(depth, p, c, sigma_w2):
    from rmtheory.predict.input_output_jacobian import DeepJacobian
    from rmtheory.predict.weight_law import WeightLaw

    tlaw = WeightLaw.atoms_of([0.0, c] if p < 1 else [c], [1 - p, p] if p < 1 else [1.0])
    recursion = DeepJacobian(depth, tlaw, sigma_w=sigma_w2**0.5).exact_moments(5)
    closed = GaussianProductLaw(depth, p, c, sigma_w2).exact_moments(5)
    assert [float(m) for m in closed] == pytest.approx([float(m) for m in recursion], rel=1e-12)
    if depth == 1:
        assert closed == [1, 2, 5, 14, 42]          # Catalan: MP at ratio 1


def test_stieltjes_off_the_axis_matches_quadrature_and_is_herglotz_at_depth_40():
    from rmtheory.laws.base import SpectralLaw

    law = GaussianProductLaw(3, 0.5, 1.0, 2.0)
    z = np.array([1 + 1j, 5 + 0.1j, -1 + 0.5j, 30 + 2j, 2 - 0.3j])
    direct = SpectralLaw._stieltjes(law, z)          # the base class's quadrature of ρ/(x − z)
    assert np.allclose(law.stieltjes(z), direct, rtol=1e-7, atol=1e-9)
    deep = GaussianProductLaw(40, 0.5, 1.0, 2.0)
    rng = np.random.default_rng(3)
    z = rng.uniform(-5, 1.2 * deep.upper_edge, 40) + 1j * 10 ** rng.uniform(-4, 2, 40)
    g = np.asarray(deep.stieltjes(z))
    assert np.all(g.imag > 0)
    # large |z|: g ≈ −1/z − μ₁/z²
    big = 1e6 * deep.upper_edge * (1 + 1j)
    assert complex(deep.stieltjes(big)) == pytest.approx(-1 / big - 1.0 / big**2, rel=1e-9)
