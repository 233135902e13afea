"""Theory before training (rmtheory.predict.before_training) against independent references: the
critical line by a Gauss-Hermite mean-field iteration written here, the GGN's λ_max against the exact
Gauss-Newton matrix of numpy networks, and the stable step against full-batch GD on those networks."""

import math

import numpy as np
import pytest

import rmtheory as rmt
from rmtheory.params import NoTheoryError

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(120)


def _gauss(f, variance):
    return float(np.sum(_WEIGHTS * f(math.sqrt(variance) * _NODES)) / math.sqrt(2 * math.pi))


def _chi_by_iteration(sigma_w, sigma_b):
    """q* as the root of the tanh length map q = σ_w² E tanh²(√q z) + σ_b² (brentq, not the library's
    iteration), then χ = σ_w² E sech⁴(√q* z)."""
    from scipy.optimize import brentq

    q = brentq(lambda q: sigma_w**2 * _gauss(lambda u: np.tanh(u) ** 2, q) + sigma_b**2 - q,
               sigma_b**2, 50.0, xtol=1e-15, rtol=1e-14)
    return sigma_w**2 * _gauss(lambda u: np.cosh(u) ** -4, q)


def test_the_critical_line_has_chi_one():
    assert rmt.predict.critical_sigma_w("relu") == pytest.approx(math.sqrt(2), rel=1e-12)
    assert rmt.predict.critical_sigma_w("tanh") == 1.0
    assert rmt.predict.critical_sigma_w("erf") == pytest.approx(math.sqrt(math.pi) / 2, rel=1e-12)
    for sigma_b in (0.05, 0.3):
        sw = rmt.predict.critical_sigma_w("tanh", sigma_b)
        assert _chi_by_iteration(sw, sigma_b) == pytest.approx(1.0, abs=1e-7)
        # and 1 % off the line is measurably off χ = 1 (ordered below, chaotic above)
        assert _chi_by_iteration(0.99 * sw, sigma_b) < 1 - 1e-4 < 1 + 1e-4 < _chi_by_iteration(1.01 * sw, sigma_b)
    with pytest.raises(NoTheoryError, match="sigma_b"):
        rmt.predict.critical_sigma_w("relu", 0.1)


def _network(d, width, P, act, sigma_w, seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((P, d)), rng.standard_normal((width, d)), rng.standard_normal(width),
            rng.standard_normal(P))


def _loss_and_gradient(X, W, a, y, act, sigma_w):
    """Half-MSE of f(x) = a·φ(σ_w W x/√d)/√N and its gradient in (a, W) (the NTK parametrization)."""
    P, d = X.shape
    width = W.shape[0]
    u = sigma_w * X @ W.T / math.sqrt(d)
    phi, dphi = act(u), act.derivative(u)
    r = phi @ a / math.sqrt(width) - y
    grad_a = phi.T @ r / (P * math.sqrt(width))
    grad_w = ((r[:, None] * dphi * a).T @ X) * sigma_w / (P * math.sqrt(width * d))
    return 0.5 * np.mean(r**2), grad_a, grad_w, (phi, dphi, u)


def _ggn_lambda_max(X, W, a, act, sigma_w):
    P, d = X.shape
    width = W.shape[0]
    u = sigma_w * X @ W.T / math.sqrt(d)
    jac_a = act(u) / math.sqrt(width)
    jac_w = ((a * act.derivative(u))[:, :, None] * X[:, None, :] * sigma_w / math.sqrt(width * d)).reshape(P, -1)
    jac = np.concatenate([jac_a, jac_w], axis=1)
    return float(np.linalg.eigvalsh(jac @ jac.T / P)[-1])         # nonzero spectrum of G = JᵀJ/P


def _losses(X, W, a, y, act, sigma_w, eta, steps):
    out = []
    for _ in range(steps):
        loss, ga, gw, _ = _loss_and_gradient(X, W, a, y, act, sigma_w)
        out.append(loss)
        a, W = a - eta * ga, W - eta * gw
    return np.array(out)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_ggn_lambda_max_and_the_stable_step_on_real_networks(activation):
    d, width, P = 60, 100, 150
    advice = rmt.predict.advise(width=width, depth=1, d=d, P=P, activation=activation)
    act = rmt.predict.activation(activation)
    sw = advice.parameters["sigma_w"]
    measured = [_ggn_lambda_max(*_network(d, width, P, act, sw, seed)[:3], act, sw) for seed in range(3)]
    # the N, d, P → ∞ value against finite networks: within the law's O(n^(-1/2)) smear (measured
    # 9-10 % at this size), far from the wrong conversions (λ_max(K) without 1/P, or halved)
    assert np.mean(measured) == pytest.approx(advice.lambda_max_ggn, rel=0.15)
    assert advice.ggn_lambda_max_source == ("outlier" if activation == "relu" else "bulk edge")
    for seed in range(2):
        X, W, a, y = _network(d, width, P, act, sw, seed)
        # well below 2/λ_max: every one of the first 15 GD steps lowers the loss
        calm = _losses(X, W, a, y, act, sw, 0.7 * advice.stable_step, 15)
        assert np.all(np.diff(calm) < 0)
        # well above: the top mode grows by |1 − ηλ| > 1 per step and the loss turns up within 15
        wild = _losses(X, W, a, y, act, sw, 1.6 * advice.stable_step, 15)
        assert np.max(wild[1:] / np.minimum.accumulate(wild)[:-1]) > 1.1


def test_advise_refuses_where_no_theory_applies():
    with pytest.raises(NoTheoryError, match="depth"):
        rmt.predict.advise(width=30, depth=2, d=20, P=40)
    with pytest.raises(NoTheoryError, match="sigma_b"):
        rmt.predict.advise(width=30, depth=1, d=20, P=40, activation="tanh", sigma_b=0.1)
    with pytest.raises(NoTheoryError, match="missing: P"):
        rmt.predict.advise(width=30, depth=1, d=20)


def test_advice_carries_its_sources_and_a_band_from_the_residual_part():
    a = rmt.predict.advise(width=200, depth=1, d=100, P=300, activation="tanh", sigma_w=1.2)
    assert a.parameters["sigma_w"] == 1.2 and a.sigma_w_critical == 1.0 and a.chi > 1.0     # chaotic side
    lo, hi = a.stable_step_band
    assert lo < hi == a.stable_step == pytest.approx(2 / a.lambda_max_ggn)
    assert lo == pytest.approx(2 / (a.lambda_max_ggn + a.residual_radius))
    out = a.to_dict()
    assert set(out) == {"parameters", "critical_initialization", "ggn_at_init", "stable_step", "assumptions"}
    assert "Poole" in out["critical_initialization"]["source"] and "NTK" in out["ggn_at_init"]["source"]


def test_a_given_sigma_w_is_advised_where_the_critical_line_is_absent():
    # GELU at σ_b = 0: its length map diverges before χ reaches 1, so no critical σ_w (and the
    # odd-φ shortcut σ_w = 1/φ'(0) = 2 would be wrong: q* is not 0 there)
    with pytest.raises(NoTheoryError, match="gelu"):
        rmt.predict.critical_sigma_w("gelu")
    with pytest.raises(NoTheoryError, match="gelu"):
        rmt.predict.advise(width=30, depth=1, d=20, P=40, activation="gelu")
    a = rmt.predict.advise(width=30, depth=1, d=20, P=40, activation="gelu", sigma_w=1.0)
    assert math.isnan(a.sigma_w_critical) and a.assumptions[0].startswith("no critical initialization")
    assert a.stable_step == pytest.approx(2 / a.lambda_max_ggn)
    # an unbounded φ: the bracket's top is lowered until the length map settles, and a refusal names it
    with pytest.raises(NoTheoryError, match="softplus"):
        rmt.predict.critical_sigma_w("softplus")
