"""Scaling with N, L, d, P and the Tracy-Widom law of λ_max at finite size."""

from __future__ import annotations

import math

import numpy as np
import pytest

import rmtheory as rmt
import rmtheory.predict as rp
from rmtheory.stats import ks_test


def johnstone_leading(p, n):
    """Johnstone (2001) Thm 1.1 at leading order, (n', p') = (n, p), for X Xᵀ/n."""
    root = math.sqrt(n) + math.sqrt(p)
    return root**2 / n, root * (1 / math.sqrt(n) + 1 / math.sqrt(p)) ** (1 / 3) / n


@pytest.mark.parametrize("p, n", [(100, 400), (300, 600), (200, 250)])
def test_tracy_widom_scale_is_johnstones_leading_order_for_mp(p, n):
    mu, sigma = johnstone_leading(p, n)
    tw = rp.tracy_widom_edge(rmt.MarchenkoPastur(p / n), p)
    assert tw.shift == pytest.approx(mu, rel=1e-12)
    assert tw.scale == pytest.approx(sigma, rel=1e-6)


def test_tracy_widom_semicircle_and_goe_monte_carlo():
    n = 200
    tw = rp.tracy_widom_edge(rmt.Semicircle(1.0), n)
    assert tw.shift == pytest.approx(2.0, rel=1e-12) and tw.scale == pytest.approx(n ** (-2 / 3), rel=1e-6)
    rng = np.random.default_rng(1994)
    top = []
    for _ in range(150):
        a = rng.standard_normal((n, n))
        top.append(np.linalg.eigvalsh((a + a.T) / math.sqrt(2 * n))[-1])
    res = ks_test(np.array(top), tw)          # leading-order centring errs by ~0.1 TW units at n = 200
    assert not res.rejects(0.01), (res.statistic, res.pvalue)


def test_no_soft_edge_raises():
    with pytest.raises(rp.NoTheoryError, match="law"):
        rp.tracy_widom_edge(rmt.Atoms([1.0, 2.0]), 100)


def test_prediction_largest_eigenvalue_uses_the_bulk_edge():
    p = rp.least_squares_hessian(200, 800)
    tw = p.largest_eigenvalue(200)
    mu, sigma = johnstone_leading(200, 800)
    assert tw.shift == pytest.approx(mu) and tw.scale == pytest.approx(sigma, rel=1e-6)


def test_trace_and_edge_scaling_in_depth():
    s = rp.scaling(rp.jacobian, "depth", [1, 2, 4], activation="relu", sigma_w=1.2)
    chi = 1.2**2 / 2
    np.testing.assert_allclose(s["trace"], [chi, chi**2, chi**4], rtol=1e-12)
    np.testing.assert_allclose(s["exponents"]["trace"], [math.log(chi) / math.log(2), 2 * math.log(chi) / math.log(2)],
                               rtol=1e-10)                    # d log χ^L / d log L between L = 1, 2, 4
    lin = rp.scaling(rp.jacobian, "depth", [1, 2, 3], activation="linear")
    fc = [(L + 1) ** (L + 1) / L**L for L in (1, 2, 3)]                      # Fuss-Catalan edges
    np.testing.assert_allclose(lin["upper_edge"], fc, rtol=1e-10)
    np.testing.assert_allclose(lin["exponents"]["upper_edge"], np.diff(np.log(fc)) / np.diff(np.log([1, 2, 3])),
                               rtol=1e-9)


def test_fluctuation_exponent_of_the_jacobian():
    # D_l² constant (linear): Tracy-Widom; data-dependent D_l²: the CLT of its empirical law dominates
    assert rp.deep_jacobian(2, "linear").scaling["lambda_max_fluctuation"]["exponent"] == pytest.approx(-2 / 3)
    relu = rp.deep_jacobian(2, "relu").scaling
    assert relu["lambda_max_fluctuation"]["exponent"] == -0.5
    assert relu["lambda_max_fluctuation_given_D"]["exponent"] == pytest.approx(-2 / 3)


def test_finite_width_lambda_max_of_a_linear_network_monte_carlo():
    # product of 3 Ginibre matrices at N = 200: λ_max sits (A N)^{-2/3}|E TW₁| ≈ 0.5 below the limit edge
    # 256/27; 30 networks put the sample mean within 3 standard errors of the Tracy-Widom mean
    N, L = 200, 3
    q = rp.deep_jacobian(L, "linear", width=N).quantities
    rng = np.random.default_rng(11)
    top = []
    for _ in range(30):
        J = np.eye(N)
        for _ in range(L):
            J = rng.standard_normal((N, N)) @ J / math.sqrt(N)
        top.append(np.linalg.svd(J, compute_uv=False)[0] ** 2)
    top = np.array(top)
    se = top.std(ddof=1) / math.sqrt(top.size)
    assert abs(top.mean() - q["lambda_max_tracy_widom_mean"]) < 3 * se
    assert abs(top.mean() - q["lambda_max"]) > 3 * se                 # the N → ∞ edge alone is off
    assert top.std(ddof=1) == pytest.approx(q["lambda_max_tracy_widom_std"], rel=0.35)
