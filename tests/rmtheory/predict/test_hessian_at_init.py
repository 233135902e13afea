"""The Hessian of a two-layer network at initialization (rmtheory.predict.hessian_at_init) against
independent references: the free sum of two semicircles (a semicircle of the summed variance, closed
form), and the residual part's second moment against a Monte Carlo of the exact R of numpy networks."""

import math

import numpy as np
import pytest

import rmtheory as rmt
from rmtheory.predict.hessian_at_init import _free_sum_with_semicircle, _Tabulated, residual_second_moment


def test_semicircle_plus_free_semicircle_is_the_semicircle_of_the_summed_variance():
    # free additive convolution of semicircles adds variances (Voiculescu): an exact reference; and an
    # atom at 0 (g = −1/ω) plus the semicircle is the semicircle itself
    x = np.linspace(-3.0, 3.0, 301)
    for g_law, tau, total in ((lambda w: np.asarray(rmt.Semicircle(1.0).stieltjes(w), complex), 0.5, 1.5),
                              (lambda w: -1.0 / w, 0.7, 0.7)):
        pieces = _free_sum_with_semicircle(g_law, tau, [(-4.0, 4.0)])
        exact = rmt.Semicircle(total)
        # the density at the solver's nodes is exact to the subordination solver's residual
        assert max(np.max(np.abs(p - exact.pdf(xs))) for xs, p in pieces) < 1e-7
        # the tabulated cdf (trapezoid rule) within the tolerance it states
        table = _Tabulated(pieces, "test")
        assert np.max(np.abs(table.cdf(x) - exact.cdf(x))) <= table.numerical_tolerance


def _exact_residual_second_moment(activation, d, width, P, sigma_w, target_variance, rng):
    """(1/n) tr R² of one network, R = (1/P) Σ_i r_i ∇²f(x_i) by its blocks (module docstring):
    a-w entries σ'(u_ij) σ_w x_ik/√(dN), w-w blocks a_j σ''(u_ij) σ_w² x_i x_iᵀ/(d√N)."""
    act = rmt.predict.activation(activation)
    X = rng.standard_normal((P, d))
    W = rng.standard_normal((width, d))
    a = rng.standard_normal(width)
    u = sigma_w * X @ W.T / math.sqrt(d)                        # P × N
    f = act(u) @ a / math.sqrt(width)
    r = f - rng.standard_normal(P) * math.sqrt(target_variance)
    d1 = act.derivative(u)
    # autograd's σ'' of a piecewise-linear activation is 0 (no δ), as in the module's convention
    d2 = (0.0 * u if act.piecewise_constant_derivative
          else (act.derivative(u + 1e-5) - act.derivative(u - 1e-5)) / 2e-5)
    aw = (r[:, None] * d1).T @ X * sigma_w / (P * math.sqrt(d * width))       # N × d
    gram2 = (X @ X.T) ** 2
    rs = r[:, None] * d2                                                       # P × N
    ww = np.einsum("ij,ik,kj->j", rs, gram2, rs) * (a * sigma_w**2 / (d * math.sqrt(width) * P)) ** 2
    n = width * (d + 1)
    return (2.0 * np.sum(aw**2) + np.sum(ww)) / n


@pytest.mark.parametrize("activation,sigma_w,target_variance,d,P", [
    ("tanh", 1.0, 1.0, 40, 120),          # P/d = 3: the cross-sample terms are 60 % of the total
    ("tanh", 1.5, 0.3, 40, 10),           # P/d = 1/4: the same-sample terms dominate
    ("gelu", 1.0, 1.0, 40, 120),          # E σ ≠ 0, E σ'' ≠ 0: every cross-sample term is present
    ("relu", 2**0.5, 1.0, 40, 120),       # E σ'' = δ in the cross terms (Stein), 0 in the w-w block
])
def test_residual_second_moment_matches_the_exact_residual_hessian(activation, sigma_w, target_variance, d, P):
    width = 200
    rng = np.random.default_rng(7)
    draws = np.array([_exact_residual_second_moment(activation, d, width, P, sigma_w, target_variance, rng)
                      for _ in range(30)])
    parts = residual_second_moment(activation, d, width, P, sigma_w=sigma_w, target_variance=target_variance)
    predicted = parts["second_moment"]
    se = draws.std(ddof=1) / math.sqrt(draws.size)
    # first order in the input overlap ρ ~ 1/√d (the next term is O(1/d) relative): 3 se + 2.5/d
    tolerance = 3 * se + 2.5 / d * predicted
    assert abs(draws.mean() - predicted) < tolerance
    if P > d:
        # and the nearby wrong formula, residuals uncorrelated across samples, is rejected
        assert abs(draws.mean() - parts["same_sample"]) > tolerance


def test_the_door_answers_with_the_free_sum_and_a_mass_that_closes():
    p = rmt.predict.hessian(width=30, depth=1, d=20, P=100, activation="tanh")
    q = p.quantities
    assert q["n"] == 630 and q["mass_defect"] < 1e-3
    assert float(p.law.cdf(p.law.support[-1][1])) == pytest.approx(1.0, abs=1e-9)
    lo = p.law.support[0][0]
    assert lo < 0 < p.lambda_max     # R spreads the Gauss-Newton atom at 0 to both sides
    # the semicircle of R around G's null space: its radius is 2σ_R
    assert -lo == pytest.approx(q["residual_semicircle_radius"], rel=0.2)
    with pytest.raises(rmt.NoTheoryError, match="P ≤ n"):
        rmt.predict.hessian(width=2, depth=1, d=3, P=100, activation="tanh")
