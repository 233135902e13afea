"""Finite-n largest-eigenvalue laws: the Tracy-Widom prediction against Monte-Carlo (KS tests).

Each check samples λ_max of independent finite matrices (tridiagonal Dumitriu-Edelman models, and
the dense GOE for one case) and runs a one-sample KS test against ``edge.largest_eigenvalue``, at
alpha 0.01 with one redraw before failing. Teeth: the leading-order constants (μ = 2, σ = n^{-2/3})
at small n are rejected by a sample the second-order constants accept.
"""

import math

import numpy as np
import pytest

import rmtheory as rmt
from rmtheory import edge, ensembles
from rmtheory.params import ParameterError
from rmtheory.stats import ks_test


def _passes(law, draws_fn):
    result = ks_test(draws_fn(np.random.default_rng(1)), law)
    if result.rejects(0.01):  # one redraw before failing
        result = ks_test(draws_fn(np.random.default_rng(2)), law)
    return result


@pytest.mark.parametrize("ensemble, n, p", [
    ("goe", 200, None), ("gue", 100, None), ("gse", 100, None),
    ("wishart_real", 200, 50), ("wishart_real", 40, 160),
    ("wishart_complex", 200, 50), ("wishart_complex", 60, 60),
])
def test_sampled_largest_eigenvalue_follows_the_prediction(ensemble, n, p):
    law = edge.largest_eigenvalue(ensemble, n, p)
    result = _passes(law, lambda rng: law.sample(2000, rng=rng))
    assert not result.rejects(0.01), result
    # teeth: shifting by 0.2 σ is seen
    lam = law.sample(2000, rng=np.random.default_rng(3))
    assert ks_test(lam + 0.2 * law.std(), law).rejects(0.01)


def test_dense_goe_agrees_with_the_prediction():
    n = 60
    law = edge.largest_eigenvalue("goe", n)
    rng = np.random.default_rng(5)
    lam = np.array([np.linalg.eigvalsh(ensembles.goe(n, rng=rng))[-1] for _ in range(1500)])
    assert not ks_test(lam, law).rejects(0.01)


@pytest.mark.parametrize("complex_", [False, True])
def test_dense_wishart_agrees_with_the_prediction_and_the_bidiagonal_sampler(complex_):
    p, n = 30, 90
    law = edge.largest_eigenvalue("wishart_complex" if complex_ else "wishart_real", n, p)
    rng = np.random.default_rng(6)
    dense = np.array([np.linalg.eigvalsh(ensembles.wishart(p, n, rng=rng, complex=complex_))[-1]
                      for _ in range(1200)])
    assert not ks_test(dense, law).rejects(0.01)
    tri = edge.beta_laguerre_largest(p, n, 2 if complex_ else 1, size=1200, rng=rng)
    from rmtheory.stats import ks_two_sample
    assert not ks_two_sample(dense, tri).rejects(0.01)


def test_second_order_constants_beat_the_leading_order_at_small_n():
    # GOE n = 20: the leading order is off by ≈ −0.5 n^{-1/3} ≈ −0.18 in TW units
    n, draws = 20, 4000
    lam = edge.beta_hermite_largest(n, 1, size=draws, rng=np.random.default_rng(7))
    assert not ks_test(lam, edge.largest_eigenvalue("goe", n)).rejects(0.01)
    assert ks_test(lam, edge.largest_eigenvalue("goe", n, order=1)).rejects(0.01)


def test_constants():
    # Wigner: n' = n + 1/2 − 1/β; leading order is (2, n^{-2/3})
    assert edge.wigner_edge(100, 2) == pytest.approx((2.0, 100 ** (-2 / 3)), rel=1e-15)
    assert edge.wigner_edge(100, 1, order=1) == pytest.approx((2.0, 100 ** (-2 / 3)), rel=1e-15)
    mu, sigma = edge.wigner_edge(100, 1)
    assert mu == pytest.approx(2 * math.sqrt(99.5 / 100)) and sigma == pytest.approx(99.5 ** (-1 / 6) / 10)
    # Johnstone 2001 (order 1, real): ((√(n−1) + √p)², (√(n−1) + √p)(1/√(n−1) + 1/√p)^{1/3}) / n
    p, n = 30, 90
    r = math.sqrt(n - 1) + math.sqrt(p)
    assert edge.wishart_edge(p, n, 1, order=1) == pytest.approx(
        (r * r / n, r * (1 / math.sqrt(n - 1) + 1 / math.sqrt(p)) ** (1 / 3) / n), rel=1e-15)
    # XXᵀ/n (p×n) and XᵀX/p share the nonzero spectrum: the constants must agree after rescaling
    for beta in (1, 2):
        a, b = edge.wishart_edge(p, n, beta), edge.wishart_edge(n, p, beta)
        assert a[0] * n == pytest.approx(b[0] * p, rel=1e-14) and a[1] * n == pytest.approx(b[1] * p, rel=1e-14)
    # the limit: λ_max → (1 + √(p/n))², the Marchenko-Pastur edge
    mu, _ = edge.wishart_edge(10**6, 4 * 10**6, 1)
    assert mu == pytest.approx(rmt.MarchenkoPastur(0.25).support[-1][1], rel=1e-6)


def test_law_interface_is_an_affine_tracy_widom():
    law = edge.largest_eigenvalue("gse", 50)
    tw = rmt.TracyWidom(4, scaling="ensemble")
    x = law.center + law.scale * np.array([-3.0, -2.0, 0.5])
    assert np.allclose(law.cdf(x), tw.cdf([-3.0, -2.0, 0.5]), rtol=1e-13, atol=0)
    assert np.allclose(law.pdf(x), np.asarray(tw.pdf([-3.0, -2.0, 0.5])) / law.scale, rtol=1e-13, atol=0)
    assert law.mean() == pytest.approx(law.center + law.scale * tw.mean(), rel=1e-15)
    assert float(law.moment(2)) == pytest.approx(law.var() + law.mean() ** 2, rel=1e-12)
    assert float(law.ppf(0.3)) == pytest.approx(law.center + law.scale * float(tw.ppf(0.3)), rel=1e-15)
    assert law.expression() == "lambda_max(gse, n=50)"


def test_bad_input_is_refused_where_it_enters():
    with pytest.raises(ParameterError, match=r"ensemble = 'goo' is outside the allowed range"):
        edge.largest_eigenvalue("goo", 10)
    with pytest.raises(ParameterError, match=r"n = 0 is outside the allowed range \[1, inf\]"):
        edge.largest_eigenvalue("gue", 0)
    with pytest.raises(ValueError, match="p is required"):
        edge.largest_eigenvalue("wishart_real", 10)
    with pytest.raises(ValueError, match="no second dimension"):
        edge.largest_eigenvalue("goe", 10, 5)
    with pytest.raises(ParameterError, match=r"beta = 4 is outside the allowed range \{1, 2\}"):
        edge.wishart_edge(5, 10, 4)
