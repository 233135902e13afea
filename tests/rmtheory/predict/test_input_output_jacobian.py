"""Deep input-output Jacobian (Pennington, Schoenholz & Ganguli 2017/2018): closed forms at depth 1 and
for a linear network (Fuss-Catalan), the trace identity E tr(JJᵀ)/N = χ^L, and Monte-Carlo KS against
numpy products of random Gaussian / Haar-orthogonal layers driven through a real forward pass."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import optimize, special

import rmtheory as rmt
import rmtheory.predict as P
from rmtheory.params import ParameterError
from rmtheory.stats import ks_test

# ----------------------------------------------------------------------------- independent helpers
ACT = {  # f, f' written out here, independent of rmtheory.predict.activations
    "relu": (lambda h: np.maximum(h, 0.0), lambda h: (h > 0).astype(float)),
    "hard_tanh": (lambda h: np.clip(h, -1.0, 1.0), lambda h: (np.abs(h) < 1).astype(float)),
    "tanh": (np.tanh, lambda h: 1.0 / np.cosh(h) ** 2),
    "linear": (lambda h: h, lambda h: np.ones_like(h)),
}


def haar(n, rng):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def jacobian_eigs(N, L, act, weights, sw, sb, q, rng):
    """Eigenvalues of J Jᵀ, J = D_L W_L ⋯ D_1 W_1 along one forward pass started at variance q."""
    f, df = ACT[act]
    x = rng.standard_normal(N)
    x *= math.sqrt(N * max(q - sb * sb, 0.0) / (sw * sw)) / np.linalg.norm(x)
    J = np.eye(N)
    for _ in range(L):
        W = rng.standard_normal((N, N)) * (sw / math.sqrt(N)) if weights == "gaussian" else sw * haar(N, rng)
        h = W @ x + sb * rng.standard_normal(N)
        x = f(h)
        J = df(h)[:, None] * (W @ J)
    s = np.linalg.svd(J, compute_uv=False)
    return s * s


def hard_tanh_fixed_point(sw, sb):
    """q* of hard_tanh from its closed-form second moment E clip(√q z)² = q(2Φ(a) − 1 − 2aφ(a)) + 2Φ(−a),
    a = 1/√q, solved by Brent's method (independent of the library's mean-field code)."""
    def second(q):
        a = 1.0 / math.sqrt(q)
        inner = q * (special.erf(a / math.sqrt(2)) - 2 * a * math.exp(-a * a / 2) / math.sqrt(2 * math.pi))
        return inner + special.erfc(a / math.sqrt(2))
    q = optimize.brentq(lambda q: sw * sw * second(q) + sb * sb - q, 1e-6, 100.0, xtol=1e-15)
    return q, sw * sw * special.erf(1.0 / math.sqrt(2 * q))


# ----------------------------------------------------------------------------- closed forms
def test_depth_one_relu_is_half_marchenko_pastur():
    # J Jᵀ = D W Wᵀ D with D a projection of rank N/2: its nonzero part is (σ²/N) G Gᵀ, G of size N/2 × N
    sw = 1.3
    p = P.deep_jacobian(1, "relu", sigma_w=sw)
    mp = rmt.MarchenkoPastur(0.5, variance=sw * sw)
    x = np.linspace(0.05, 5.2, 60)
    np.testing.assert_allclose(p.law.cdf(x), 0.5 + 0.5 * np.asarray(mp.cdf(x)), atol=1e-8)
    assert p.atoms == [(0.0, 0.5)]
    (a, b), = p.edges
    assert a == pytest.approx(sw * sw * (1 - math.sqrt(0.5)) ** 2, rel=1e-10)
    assert b == pytest.approx(sw * sw * (1 + math.sqrt(0.5)) ** 2, rel=1e-10)


def test_depth_one_equals_free_multiplicative_convolution():
    # depth 1, Gaussian weights: JJᵀ ~ D² ⊠ MP(1, σ_w²), with the D² law of hard_tanh' at q* (with bias)
    sw, sb = 1.2, 0.1
    q, chi = hard_tanh_fixed_point(sw, sb)
    p = P.deep_jacobian(1, "hard_tanh", sigma_w=sw, sigma_b=sb)
    assert p.quantities["q_star"] == pytest.approx(q, rel=1e-10)
    assert p.quantities["chi"] == pytest.approx(chi, rel=1e-10)
    p1 = special.erf(1.0 / math.sqrt(2 * q))                       # P(|h| < 1), t = 1 there, else 0
    engine = rmt.free_mul(rmt.Atoms([0.0, 1.0], [1 - p1, p1]), rmt.MarchenkoPastur(1.0, variance=sw * sw))
    x = np.linspace(0.02, p.lambda_max * 1.05, 40)
    np.testing.assert_allclose(p.law.cdf(x), engine.cdf(x), atol=1e-6)


@pytest.mark.parametrize("L", [2, 3])
def test_linear_gaussian_network_is_fuss_catalan(L):
    p = P.deep_jacobian(L, "linear", sigma_w=1.0)
    # moments: Fuss-Catalan numbers binom((L+1)k, k)/(Lk + 1), exactly
    moments = p.law.exact_moments(5)
    assert moments == [Fraction(math.comb((L + 1) * k, k), L * k + 1) for k in range(1, 6)]
    # edge (L+1)^{L+1}/L^L, hard edge at 0
    (a, b), = p.edges
    assert a == pytest.approx(0.0, abs=1e-12)
    assert b == pytest.approx((L + 1) ** (L + 1) / L**L, rel=1e-10)
    # density, Haagerup-Möller / Neuschel parametrization, 0 < φ < π/(L+1):
    # x = sin((L+1)φ)^{L+1}/(sin φ sin(Lφ)^L),  ρ = sin²φ sin(Lφ)^{L−1}/(π sin((L+1)φ)^L)
    phi = np.linspace(0.05, math.pi / (L + 1) - 0.05, 12)
    x = np.sin((L + 1) * phi) ** (L + 1) / (np.sin(phi) * np.sin(L * phi) ** L)
    rho = np.sin(phi) ** 2 * np.sin(L * phi) ** (L - 1) / (math.pi * np.sin((L + 1) * phi) ** L)
    np.testing.assert_allclose(p.law.pdf(x), rho, rtol=1e-8)


def test_linear_orthogonal_network_is_a_point_mass():
    p = P.deep_jacobian(3, "linear", sigma_w=1.1, weights="orthogonal")
    assert p.atoms == [(pytest.approx(1.1**6, rel=1e-12), 1.0)] and p.edges == []


@pytest.mark.parametrize("L, act, weights, sw, sb", [
    (3, "relu", "gaussian", 1.3, 0.0),
    (2, "hard_tanh", "gaussian", 1.2, 0.1),
    (3, "hard_tanh", "orthogonal", 1.2, 0.1),
    (2, "linear", "gaussian", 0.9, 0.0),
])
def test_mean_squared_singular_value_is_chi_to_the_L(L, act, weights, sw, sb):
    p = P.deep_jacobian(L, act, sigma_w=sw, sigma_b=sb, weights=weights)
    chi = {"relu": sw * sw / 2, "linear": sw * sw}.get(act) or hard_tanh_fixed_point(sw, sb)[1]
    assert p.quantities["chi"] == pytest.approx(chi, rel=1e-10)
    assert float(p.law.moment(1)) == pytest.approx(chi**L, rel=1e-12)
    assert p.quantities["mean_squared_singular_value"] == pytest.approx(chi**L, rel=1e-12)


def test_tanh_marginal_fixed_point_and_criticality():
    mf = P.mean_field("tanh", sigma_w=1.0)
    assert (mf.q_star, mf.chi, mf.critical) == (0.0, 1.0, True)
    mf = P.mean_field("tanh", sigma_w=1.5)                      # q* > 0, χ < 1 (ordered... chaotic edge)
    z, w = np.polynomial.hermite_e.hermegauss(200)
    w = w / w.sum()
    assert mf.q_star == pytest.approx(1.5**2 * float(w @ np.tanh(math.sqrt(mf.q_star) * z) ** 2), rel=1e-10)
    assert mf.chi == pytest.approx(1.5**2 * float(w @ np.cosh(math.sqrt(mf.q_star) * z) ** -4), rel=1e-10)
    assert not mf.critical


# ----------------------------------------------------------------------------- Monte Carlo
@pytest.mark.parametrize("L, act, weights, sw, sb", [
    (2, "relu", "gaussian", 2**0.5, 0.0),
    (3, "hard_tanh", "orthogonal", 1.2, 0.1),
    (2, "hard_tanh", "gaussian", 1.1, 0.05),
    (1, "tanh", "gaussian", 1.05, 0.05),         # continuous t-law (uniform pieces), ~2 s
])
def test_monte_carlo_ks_at_the_fixed_point(L, act, weights, sw, sb):
    p = P.deep_jacobian(L, act, sigma_w=sw, sigma_b=sb, weights=weights)
    q = p.quantities["q_star"]
    q = 1.0 if math.isnan(q) else q
    rng = np.random.default_rng(20170)
    lam = np.concatenate([jacobian_eigs(300, L, act, weights, sw, sb, q, rng) for _ in range(2)])
    res = ks_test(lam, p.law)
    assert not res.rejects(0.01), (res.statistic, res.pvalue)
    # the trace: the mean eigenvalue of 2 networks within 10 % of χ^L (its spread at N = 300 is a few %)
    chi_l = p.quantities["chi"] ** L
    assert abs(lam.mean() - chi_l) < 0.1 * chi_l


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, name", [
    (dict(depth=0), "depth"),
    (dict(depth=2, weights="uniform"), "weights"),
    (dict(depth=2, sigma_w=-1.0), "sigma_w"),
    (dict(depth=2, sigma_b=-0.1), "sigma_b"),
    (dict(depth=2, width=0), "width"),
])
def test_bad_input_names_the_parameter(kwargs, name):
    with pytest.raises(ParameterError) as err:
        P.deep_jacobian(activation="relu", **kwargs)
    assert err.value.name == name


def test_unknown_activation():
    with pytest.raises(ParameterError, match="activation"):
        P.deep_jacobian(2, "swishy")


def test_one_orthogonal_layer_is_the_law_of_sigma_squared_t():
    # J Jᵀ = σ_w² D² exactly: iid draws of σ_w² f'(√q* z)² (4000 of them) against the predicted cdf
    p = P.deep_jacobian(1, "tanh", sigma_w=1.05, sigma_b=0.05, weights="orthogonal")
    h = np.random.default_rng(3).standard_normal(4000) * math.sqrt(p.quantities["q_star"])
    res = ks_test(1.05**2 / np.cosh(h) ** 4, p.law)
    assert not res.rejects(0.01), (res.statistic, res.pvalue)
    assert p.tolerance < 0.02 and p.lambda_max == pytest.approx(1.05**2, rel=1e-12)


@pytest.mark.parametrize("L", [8, 12])
def test_deep_linear_network_cdf_against_the_parametrized_density(L):
    # hard edge x^{−L/(L+1)} at 0: the cdf ∫_0^x ρ, integrated in the Haagerup-Möller / Neuschel
    # parametrization (x decreases from λ₊ to 0 as φ runs over (φ₀, π/(L+1))) by adaptive quadrature
    from scipy import integrate

    p = P.deep_jacobian(L, "linear")

    def x_of(f):
        return np.sin((L + 1) * f) ** (L + 1) / (np.sin(f) * np.sin(L * f) ** L)

    def rho(f):
        return np.sin(f) ** 2 * np.sin(L * f) ** (L - 1) / (math.pi * np.sin((L + 1) * f) ** L)

    for f0 in (0.05, 0.1, 0.2):
        cdf = integrate.quad(lambda f: rho(f) * abs((x_of(f + 1e-7) - x_of(f - 1e-7)) / 2e-7), f0,
                              math.pi / (L + 1), limit=200)[0]
        assert float(p.law.cdf(x_of(f0))) == pytest.approx(cdf, abs=1e-6)


def test_a_user_function_named_like_a_builtin_is_not_taken_for_it():
    # 2x + 1 under the name "linear": q ↦ σ_w²(4q + 1) = q + 1/4 at σ_w = 1/2 has no fixed point;
    # the scale-free shortcut of the built-in linear activation must not apply to it
    def linear(x):
        return 2 * x + 1

    with pytest.raises(P.NoTheoryError, match="diverges"):
        P.mean_field(linear, sigma_w=0.5)
    assert P.mean_field("linear", sigma_w=0.5).scale_free


def test_wide_gaussian_moments_by_graded_panels():
    # tanh at x ~ N(0, v), v = 1e8: E tanh' → 2/(σ√(2π)) and E tanh'² → (4/3)/(σ√(2π)) as σ → ∞
    # (∫ sech² = 2, ∫ sech⁴ = 4/3; relative corrections O(1/σ²) = 1e-8)
    from rmtheory.predict import activation_moments

    m = activation_moments("tanh", 1e8)
    scale = 1.0 / (1e4 * np.sqrt(2 * np.pi))
    assert m.mean_prime == pytest.approx(2 * scale, rel=1e-7)
    assert m.eta_prime == pytest.approx(4 / 3 * scale, rel=1e-7)


def test_model_sample_is_the_laws_own_free_model():
    """law.model_sample draws D² iid from the derivative law, independent of W: the model whose n → ∞
    limit the law is. Its spectrum is within rigidity distance of the law (KS ≲ log n / n, far below
    the iid n^-1/2), and a law 10 % off is far from it."""
    law = rmt.predict.deep_jacobian(2, "tanh", sigma_w=1.05, sigma_b=0.05).law
    lam = law.model_sample(400, rng=1)
    assert lam.shape == (400,) and np.all(np.diff(lam) >= 0)
    assert rmt.stats.ks_test(lam, law).statistic < 0.012          # measured 0.0069-0.0075 over seeds 1-3
    assert rmt.stats.ks_test(lam / 1.1, law).statistic > 0.018    # measured 0.022-0.024
