"""Hessians of least squares, logistic and softmax regression on Gaussian data: Monte-Carlo KS
against numpy Hessians, closed forms (isotropic → MP, w = 0 → MP(γ, σ²/4), softmax Kronecker)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

import rmtheory as rmt
import rmtheory.predict as P
from rmtheory.params import ParameterError
from rmtheory.stats import ks_test


def test_least_squares_isotropic_is_mp():
    p = P.least_squares_hessian(200, 800)
    assert p.law.expression() == rmt.MarchenkoPastur(0.25).expression()


def test_least_squares_monte_carlo_with_population():
    d, n = 300, 900
    pop = rmt.Atoms([1.0, 4.0], [0.5, 0.5])
    p = P.least_squares_hessian(d, n, covariance=pop)
    rng = np.random.default_rng(1995)
    scales = np.sqrt(np.repeat([1.0, 4.0], d // 2))
    X = rng.standard_normal((n, d)) * scales
    res = ks_test(np.linalg.eigvalsh(X.T @ X / n), p.law)
    assert not res.rejects(0.01), (res.statistic, res.pvalue)


@pytest.mark.parametrize("norm", [2.0, 5.0])
def test_logistic_monte_carlo(norm):
    d, n = 200, 800
    p = P.logistic_hessian(d, n, norm)
    rng = np.random.default_rng(2021)
    w = rng.standard_normal(d)
    w *= norm / np.linalg.norm(w)
    X = rng.standard_normal((n, d))
    s = X @ w
    tau = special.expit(s) * special.expit(-s)
    lam = np.linalg.eigvalsh((X * tau[:, None]).T @ X / n)
    lower = sorted(o.location for o in p.outliers if o.location < p.edges[0][0])
    upper = sorted((o.location for o in p.outliers if o.location > p.edges[-1][1]), reverse=True)
    # an outlier fluctuates O(P^{-1/2}) around its limit: 4/√P relative at P = 800 is ≥ 3σ
    np.testing.assert_allclose(lam[:len(lower)], lower, rtol=4 / np.sqrt(n))
    np.testing.assert_allclose(lam[::-1][:len(upper)], upper, rtol=4 / np.sqrt(n))
    res = ks_test(lam[len(lower): lam.size - len(upper)], p.law)
    assert not res.rejects(0.01), (res.statistic, res.pvalue)
    # the count itself: ‖w‖ = 5 separates the lower outlier of the w direction, ‖w‖ = 2 does not —
    # and then no measured eigenvalue sits beyond the bulk (edge fluctuations O(n^{-2/3}) ≪ 4/√n)
    assert len(lower) + len(upper) == {2.0: 0, 5.0: 1}[norm]
    bulk = lam[len(lower): lam.size - len(upper)]
    assert bulk[0] > p.edges[0][0] * (1 - 4 / np.sqrt(n)) and bulk[-1] < p.edges[-1][1] * (1 + 4 / np.sqrt(n))


def test_logistic_at_zero_weights_is_mp_quarter():
    p = P.logistic_hessian(100, 400, 0.0, variance=2.0)
    assert p.law.expression() == rmt.MarchenkoPastur(0.25, variance=0.5).expression()


def test_softmax_at_zero_is_kronecker_monte_carlo():
    d, n, C = 100, 400, 3
    p = P.softmax_hessian(d, n, C, covariance=rmt.Atoms([1.0], [1.0]))
    rng = np.random.default_rng(3)
    X = rng.standard_normal((n, d))
    A = (np.eye(C) - np.ones((C, C)) / C) / C
    lam = np.linalg.eigvalsh(np.kron(A, X.T @ X / n))
    assert p.dimension == C * d
    res = ks_test(lam, p.law)
    assert not res.rejects(0.01), (res.statistic, res.pvalue)


@pytest.mark.parametrize("fn, args, name", [
    (P.least_squares_hessian, (0, 10), "d"), (P.least_squares_hessian, (10, -5), "P"),
    (P.logistic_hessian, (10, 100, -1.0), "weight_norm"), (P.softmax_hessian, (10, 100, 1), "classes"),
])
def test_bad_input_names_the_parameter(fn, args, name):
    with pytest.raises(ParameterError) as err:
        fn(*args)
    assert err.value.name == name


def test_logistic_outside_the_theory_raises_no_theory():
    with pytest.raises(P.NoTheoryError, match="d/P"):
        P.logistic_hessian(200, 100, 1.0)
