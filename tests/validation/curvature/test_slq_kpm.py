"""SLQ and KPM: quadrature exactness, normalization, and the fixture's exact spectra."""

import numpy as np
import pytest
import torch
from scipy.stats import wasserstein_distance

from rmtheory.params import ParameterError
from validation.curvature import gaussian_density, hessian, kpm, slq

from .conftest import digits_fixture


def spd(n=200, seed=0):
    g = torch.Generator().manual_seed(seed)
    Q = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=torch.float64))[0]
    lam = torch.linspace(-1, 3, n, dtype=torch.float64) ** 3
    return Q @ torch.diag(lam) @ Q.T, lam.numpy()


def test_slq_gauss_quadrature_matches_moments_exactly():
    # m Lanczos steps give a Gauss rule exact for polynomials of degree ≤ 2m − 1: vᵀ A^p v.
    A, lam = spd()
    m = 6
    res = slq(A, steps=m, probes=3, seed=4)
    from validation.curvature._linalg import rademacher
    V = rademacher(200, 3, 4, torch.device("cpu"))
    V = V / torch.linalg.vector_norm(V, dim=0)
    for p in range(2 * m):
        ref = (V * (torch.linalg.matrix_power(A, p) @ V)).sum(0).numpy()
        got = np.sum(res.weights * res.nodes ** p, axis=1)
        assert np.allclose(got, ref, rtol=1e-9, atol=1e-9), p


def test_slq_density_integrates_to_one_and_trace():
    A, lam = spd()
    res = slq(A, steps=30, probes=8)
    grid = np.linspace(lam.min() - 3, lam.max() + 3, 20001)
    for width in ("auto", 0.1):
        assert np.trapezoid(res.density(grid, width=width), grid) == pytest.approx(1, abs=1e-6)
    t, err = res.trace()
    assert abs(t - lam.sum()) < 4 * err + 1e-9
    assert res.products == 240


def test_kpm_moments_exact_for_diagonal_matrix():
    # Rademacher probes of norm 1 give vᵀ f(D) v = (1/n) tr f(D) exactly for diagonal D, so the
    # KPM density must equal the exact eigenvalues smoothed by the same Jackson kernel.
    lam = np.sort(np.random.default_rng(0).standard_normal(300))
    res = kpm(torch.diag(torch.as_tensor(lam)), degree=60, probes=3)
    grid = np.linspace(*res.bounds, 2001)
    assert np.allclose(res.density(grid), res.smooth_exact(lam, grid), atol=1e-10)
    assert np.trapezoid(res.density(grid), grid) == pytest.approx(1, abs=2e-3)
    assert res.trace()[0] == pytest.approx(lam.sum(), abs=1e-9)


def test_bad_arguments():
    A, _ = spd(20)
    with pytest.raises(ParameterError, match=r"steps = 0 is outside the allowed range \[1, 20\]"):
        slq(A, steps=0)
    with pytest.raises(ParameterError, match=r"probes = 0"):
        slq(A, steps=3, probes=0)
    with pytest.raises(ParameterError, match=r"degree = 1"):
        kpm(A, degree=1)
    with pytest.raises(ParameterError, match=r"bounds\[1\] = -5"):
        kpm(A, bounds=(0, -5))
    with pytest.raises(ParameterError, match=r"width = -1"):
        slq(A, steps=3).density(np.zeros(3), width=-1.0)


# -- the fixture's small MLP: exact Hessian spectrum (3,466 eigenvalues) ---------------------------

@pytest.fixture(scope="module")
def small_mlp():
    model, X, y, exact = digits_fixture("small")
    return hessian(model, torch.nn.CrossEntropyLoss(), (X, y)), exact["eigs"]


@pytest.mark.slow
def test_slq_matches_exact_spectrum_same_kernel(small_mlp):
    H, eigs = small_mlp
    res = slq(H, steps=60, probes=6, seed=0)
    span = eigs.max() - eigs.min()
    grid = np.linspace(eigs.min() - 0.05 * span, eigs.max() + 0.05 * span, 6001)
    sigma = 0.01 * span
    est = res.density(grid, width=sigma)
    ref = gaussian_density(eigs, np.full(eigs.size, 1 / eigs.size), grid, sigma)
    # The same kernel on the same grid: distances between the smoothed measures.
    l1 = np.trapezoid(np.abs(est - ref), grid)
    w1 = wasserstein_distance(grid, grid, est, ref) / span
    assert l1 < 0.05 and w1 < 1e-3, (l1, w1)
    # The adaptive smoothing does not degrade the raw quadrature's W1 to the exact spectrum.
    raw = wasserstein_distance(res.flat_nodes, eigs, res.flat_weights)
    smooth = wasserstein_distance(grid, eigs, res.density(grid))
    assert smooth <= 1.1 * raw, (smooth, raw)
    assert res.trace()[0] == pytest.approx(eigs.sum(), rel=0.05)


@pytest.mark.slow
def test_kpm_matches_exact_spectrum_same_kernel(small_mlp):
    H, eigs = small_mlp
    res = kpm(H, degree=100, probes=6, seed=0)
    assert res.bounds[0] <= eigs.min() and res.bounds[1] >= eigs.max()
    grid = np.linspace(*res.bounds, 8001)
    est, ref = res.density(grid), res.smooth_exact(eigs, grid)
    span = eigs.max() - eigs.min()
    w1 = wasserstein_distance(grid, grid, np.clip(est, 0, None), np.clip(ref, 0, None)) / span
    assert w1 < 2e-3, w1
