"""Two-layer NTK Gram (= P × the Gauss-Newton matrix at initialization, MSE): the law against
Monte Carlo of the linear-plus-noise model it solves (KS), against the exact NTK Gram of real
networks (KS where P < d; the O(n^-1/2) convergence where P > d), closed-form reductions, exact
moments against the density, and the closed-form NTK Gram against a finite-difference Jacobian."""

from __future__ import annotations

import math

import numpy as np
import pytest

import rmtheory as rmt
import rmtheory.predict as P
from rmtheory.predict import ntk
from rmtheory.stats import ks_test


def linear_plus_noise_eigs(n0, n1, n, q, rng):
    """Eigenvalues of K̃ = Φ̃Φ̃ᵀ/n1 + ζ XXᵀ/n0 + κ I, Φ̃ = √ζ XWᵀ/√n0 + √(η − ζ) Z (the model the law solves)."""
    x = rng.standard_normal((n, n0))
    w = rng.standard_normal((n1, n0))
    f = math.sqrt(q["zeta"]) * x @ w.T / math.sqrt(n0) + math.sqrt(q["eta"] - q["zeta"]) * rng.standard_normal((n, n1))
    return np.linalg.eigvalsh(f @ f.T / n1 + q["zeta"] * x @ x.T / n0 + q["kappa"] * np.eye(n))


def exact_ntk_eigs(n0, n1, n, act, rng, readout="gaussian", reps=1, sigma_w=1.0):
    out = []
    for _ in range(reps):
        x = rng.standard_normal((n, n0))
        w = rng.standard_normal((n1, n0))
        a = rng.standard_normal(n1) if readout == "gaussian" else rng.choice([-1.0, 1.0], n1)
        out.append(np.linalg.eigvalsh(ntk.ntk_gram_matrix(x, w, a, act, sigma_w)))
    return out


@pytest.mark.parametrize("n0, n1, n, act", [
    (200, 300, 400, "tanh"),    # P > d: a second small component near κ
    (200, 400, 300, "relu"),
    (200, 100, 300, "tanh"),    # ψ = n0/n1 > 1
    (150, 300, 600, "erf"),     # P > n0 + n1: an atom at κ
    (400, 300, 200, "tanh"),    # P < d: the usual NTK regime
])
def test_law_matches_the_linear_plus_noise_model(n0, n1, n, act):
    p = P.two_layer_ntk_gram(n0, n1, n, act)
    lam = np.concatenate([linear_plus_noise_eigs(n0, n1, n, p.quantities, np.random.default_rng(s)) for s in (1, 2)])
    res = ks_test(lam, p.law, atom_tolerance=1e-9)
    assert not res.rejects(0.01), (res.statistic, res.pvalue)
    assert p.law.support[0][0] >= p.quantities["kappa"] - 1e-12          # K ≥ κ I
    if n > n0 + n1:
        ((loc, mass),) = p.law.atoms
        assert loc == pytest.approx(p.quantities["kappa"]) and mass == pytest.approx(1 - (n0 + n1) / n)


@pytest.mark.parametrize("act, sigma_w", [("tanh", 1.0), ("relu", 1.0), ("erf", 1.5)])
def test_exact_ntk_gram_where_P_is_below_d(act, sigma_w):
    # the usual NTK regime (P < d): the first-layer block's neglected fluctuation is small against
    # the bulk and the real networks' NTK Gram passes KS at n ~ 200-400
    n0, n1, n = 400, 600, 200
    p = P.two_layer_ntk_gram(n0, n1, n, act, sigma_w=sigma_w)
    eigs = exact_ntk_eigs(n0, n1, n, act, np.random.default_rng(7), reps=2, sigma_w=sigma_w)
    if p.outliers:
        (out,) = p.outliers
        top = np.array([e[-1] for e in eigs])
        # leading order P (E σ)²; the O(1) corrections are below the bulk's width
        assert np.all(np.abs(top - out.location) < p.edges[-1][1]), (top, out.location)
        eigs = [e[:-1] for e in eigs]
    res = ks_test(np.concatenate(eigs), p.law)
    assert not res.rejects(0.01), (res.statistic, res.pvalue)


def test_exact_ntk_gram_converges_like_n_to_the_minus_half_where_P_exceeds_d():
    # P > d: a cluster of P − d eigenvalues near κ, which the first-layer fluctuation (operator norm
    # O(n^-1/2), neglected by the theory) smears; the KS distance must fall like n^-1/2 (ratio 2 for
    # n ×4), not stall as it would if a block of the NTK were mis-modelled
    def distance(n, reps):
        eigs = exact_ntk_eigs(3 * n // 4, 3 * n // 4, n, "tanh", np.random.default_rng(n), readout="rademacher",
                              reps=reps)
        return ks_test(np.concatenate(eigs), P.two_layer_ntk_gram(3 * n // 4, 3 * n // 4, n, "tanh").law).statistic
    small, large = distance(200, 4), distance(800, 1)
    assert small / large > 1.5, (small, large)
    assert large < 0.05


def test_ntk_gram_matrix_is_J_J_transpose():
    """The closed-form blocks equal J Jᵀ with J from central differences of f in (a, w)."""
    rng = np.random.default_rng(3)
    n0, n1, n, sw = 3, 4, 5, 1.3
    x, w, a = rng.standard_normal((n, n0)), rng.standard_normal((n1, n0)), rng.standard_normal(n1)

    def f(theta):
        aa, ww = theta[:n1], theta[n1:].reshape(n1, n0)
        return np.tanh(sw * x @ ww.T / math.sqrt(n0)) @ aa / math.sqrt(n1)

    theta = np.concatenate([a, w.ravel()])
    h = 1e-6
    jac = np.stack([(f(theta + h * e) - f(theta - h * e)) / (2 * h) for e in np.eye(theta.size)], axis=1)
    # gradients in the standardized weights w (NTK parametrization): the closed form with σ_w
    np.testing.assert_allclose(ntk.ntk_gram_matrix(x, w, a, "tanh", sw), jac @ jac.T, rtol=1e-8, atol=1e-10)


def test_zeta_zero_is_a_shifted_marchenko_pastur():
    law = P.two_layer_ntk_law(d_over_P=0.5, d_over_width=0.8, eta=1.3, zeta=0.0, kappa=0.2)
    assert isinstance(law, rmt.AffineImage) and law.shift == 0.2
    assert law.law.expression() == rmt.MarchenkoPastur(1.6, 1.3).expression()     # P/n1 = ψ/φ
    near = P.two_layer_ntk_law(d_over_P=0.5, d_over_width=0.8, eta=1.3, zeta=1e-6, kappa=0.2)
    x = np.linspace(0.3, 3.7, 25)
    np.testing.assert_allclose(near.cdf(x), law.cdf(x), atol=1e-4)


@pytest.mark.parametrize("phi, psi", [(2.0, 0.5), (2.0, 1.5)])
def test_linear_activation_is_a_generalized_marchenko_pastur_law(phi, psi):
    # σ(x) = x: K = X̃ (ζ WᵀW/n1 + ζ I) X̃ᵀ/n0, whose n0×n0 companion is MP(φ, 1/φ) ⊠ ζ(MP(ψ) + 1);
    # for P < n0 (φ > 1) K is its companion, cdf_K = φ (cdf − (1 − 1/φ))
    law = P.two_layer_ntk_law(d_over_P=phi, d_over_width=psi, eta=1.0, zeta=1.0, kappa=0.0)
    ref = rmt.free_mul(rmt.MarchenkoPastur(phi, 1.0 / phi), rmt.AffineImage(rmt.MarchenkoPastur(psi), 1.0, 1.0))
    x = np.linspace(0.05, 1.1 * law.support[-1][1], 30)
    np.testing.assert_allclose(law.cdf(x), phi * (ref.cdf(x) - (1 - 1 / phi)), atol=1e-8)
    assert law.support[0][0] == pytest.approx(ref.support[0][0], rel=1e-10)
    assert law.support[-1][1] == pytest.approx(ref.support[-1][1], rel=1e-10)
    p = P.two_layer_ntk_gram(100, 50, 200, "linear")                 # P > d: rank d, an atom at κ = 0
    assert p.quantities["kappa"] == pytest.approx(0.0, abs=1e-12) and p.quantities["eta"] == pytest.approx(1.0)
    assert p.law.atoms == [(pytest.approx(0.0, abs=1e-12), pytest.approx(0.5))]


@pytest.mark.parametrize("phi, psi, eta, zeta, kappa", [(0.5, 0.75, 0.39, 0.37, 0.1), (1.5, 2.0, 1.0, 0.3, 0.5)])
def test_exact_moments_equal_the_density_integral(phi, psi, eta, zeta, kappa):
    """Moments by free cumulants of the population (exact rationals) against ∫ x^k ρ(x) dx of the
    solver's density (the two paths share nothing but the model)."""
    law = P.two_layer_ntk_law(d_over_P=phi, d_over_width=psi, eta=eta, zeta=zeta, kappa=kappa)
    exact = [float(m) for m in law.exact_moments(4)]
    # Gauss-Legendre in θ with x = a + (b − a)(1 − cos θ)/2: the square-root edges become smooth
    theta, weight = np.polynomial.legendre.leggauss(600)
    theta = 0.5 * np.pi * (theta + 1.0)
    numeric = np.zeros(4)
    for loc, mass in law.atoms:
        numeric += mass * loc ** np.arange(1, 5)
    for a, b in law.support:
        x = a + 0.5 * (b - a) * (1.0 - np.cos(theta))
        dens = law.pdf(x) * 0.5 * (b - a) * np.sin(theta) * 0.5 * np.pi * weight
        numeric += [np.sum(dens * x**k) for k in range(1, 5)]
    np.testing.assert_allclose(numeric, exact, rtol=1e-7)
    assert exact[0] == pytest.approx(eta + zeta + kappa, rel=1e-12)    # tr K/P = η + ζ E s + κ


def test_ggn_door_is_the_ntk_and_block_readout_the_random_features():
    p = P.ggn(width=300, depth=1, d=200, P=400, activation="tanh")
    assert p.law.expression() == P.two_layer_ntk_gram(200, 300, 400, "tanh").law.expression()
    assert p.dimension == 400 and "NTK Gram" in p.matrix
    r = P.ggn(width=300, depth=1, d=200, P=400, activation="tanh", block="readout")
    assert r.law.expression() == P.random_features_gram(200, 300, 400, "tanh").law.expression()


@pytest.mark.parametrize("kwargs, words", [
    (dict(outputs=2), "outputs"),
    (dict(weights="orthogonal"), "weights"),
    (dict(sigma_b=0.1), "sigma_b"),
    (dict(block="first"), "block"),
    (dict(block="readout", loss="cross_entropy"), "block"),
])
def test_ggn_door_refuses_what_the_theory_does_not_cover(kwargs, words):
    with pytest.raises(rmt.ParameterError, match=words):
        P.ggn(width=30, depth=1, d=20, P=40, **kwargs)


@pytest.mark.parametrize("kwargs, name", [
    (dict(d_over_P=-1.0, d_over_width=1.0, eta=1.0, zeta=0.5, kappa=0.1), "d_over_P"),
    (dict(d_over_P=1.0, d_over_width=-1.0, eta=1.0, zeta=0.5, kappa=0.1), "d_over_width"),
    (dict(d_over_P=1.0, d_over_width=1.0, eta=1.0, zeta=1.5, kappa=0.1), "zeta"),
    (dict(d_over_P=1.0, d_over_width=1.0, eta=1.0, zeta=0.5, kappa=-0.1), "kappa"),
])
def test_law_parameters_are_checked(kwargs, name):
    with pytest.raises(rmt.ParameterError, match=name):
        P.two_layer_ntk_law(**kwargs)


# ----------------------------------------------------------------------- properties over random parameters
def _random_parameters(count=15, seed=20201):
    """Seeded draws (the same in every run and context): φ, ψ log-uniform on [0.2, 3], η on [0.2, 2],
    ζ/η on [0.05, 0.99] or exactly 1 (linear), κ = 0 or uniform on [0.01, 1]."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        phi, psi = np.exp(rng.uniform(np.log(0.2), np.log(3.0), 2))
        share = 1.0 if rng.random() < 0.2 else rng.uniform(0.05, 0.99)
        kappa = 0.0 if rng.random() < 0.3 else rng.uniform(0.01, 1.0)
        out.append((float(phi), float(psi), float(rng.uniform(0.2, 2.0)), share, kappa))
    return out


@pytest.mark.parametrize("phi, psi, eta, share, kappa", _random_parameters())
def test_law_properties_hold_over_random_parameters(phi, psi, eta, share, kappa):
    """Mass one, spectrum above κ, the atom at κ exactly when P > n0 + n1, and the first two
    moments of the density equal the exact ones to the law's own stated tolerance. Left out:
    0.99 < ζ/η < 1 − 1e-12 (a nearly linear activation), where a component of width ~ (η − ζ) sits
    near κ and its edges can fall below the solver's resolution, and φ within ~1e-4 of 1 for a
    linear activation (a hard edge at κ about to form); the cdf then raises instead of guessing."""
    law = P.two_layer_ntk_law(d_over_P=phi, d_over_width=psi, eta=eta, zeta=share * eta, kappa=kappa)
    atom_mass = sum(m for _, m in law.atoms)
    expected_atom = max(0.0, 1.0 - phi * (1.0 + 1.0 / psi)) if share < 1 else max(0.0, 1.0 - phi)
    assert atom_mass == pytest.approx(expected_atom, abs=1e-12)
    assert law.support[0][0] >= kappa - 1e-12 * (1 + kappa)
    assert float(law.cdf(law.support[-1][1] * (1 + 1e-9) + 1e-12)) == pytest.approx(1.0, abs=1e-8)
    theta, weight = np.polynomial.legendre.leggauss(400)
    theta = 0.5 * np.pi * (theta + 1.0)
    numeric = np.array([atom_mass * kappa, atom_mass * kappa**2])
    for a, b in law.support:
        x = a + 0.5 * (b - a) * (1.0 - np.cos(theta))
        dens = law.pdf(x) * 0.5 * (b - a) * np.sin(theta) * 0.5 * np.pi * weight
        numeric += [np.sum(dens * x), np.sum(dens * x**2)]
    exact = np.array([float(m) for m in law.exact_moments(2)])
    # near a cusp (density almost vanishing inside the support) the law states a looser tolerance,
    # and the Gauss-Legendre check above is no better there
    np.testing.assert_allclose(numeric, exact, rtol=max(1e-6, 50 * law.numerical_tolerance))
