"""Samplers: normalizations and the dense ↔ tridiagonal agreement (Dumitriu-Edelman 2002)."""

import numpy as np
import pytest

import rmtheory as rmt
from rmtheory import ensembles
from rmtheory.stats import ks_test, ks_two_sample


@pytest.mark.parametrize("make, quaternion", [
    (ensembles.goe, False), (ensembles.gue, False), (ensembles.gse, True)])
def test_dense_wigner_ensembles_follow_semicircle(make, quaternion):
    n = 400
    h = make(n, rng=0)
    assert np.allclose(h, h.conj().T)
    lam = ensembles.eigenvalues(h, quaternion=quaternion)
    assert lam.size == n
    # E tr H²/n = 1 + O(1/n) in this normalization (Catalan C_1)
    assert np.mean(lam**2) == pytest.approx(1.0, abs=0.02)
    assert not ks_test(lam, rmt.Semicircle()).rejects(0.01)


def test_gse_eigenvalues_come_in_kramers_pairs():
    lam = np.linalg.eigvalsh(ensembles.gse(50, rng=1))
    assert np.allclose(lam[::2], lam[1::2], atol=1e-10)


@pytest.mark.parametrize("beta, make", [(1, ensembles.goe), (2, ensembles.gue), (4, ensembles.gse)])
def test_tridiagonal_hermite_matches_dense_model_in_distribution(beta, make):
    # the largest eigenvalue is the most sensitive statistic to a wrong normalization
    n, reps = 30, 300
    rng = np.random.default_rng(beta)
    dense = [ensembles.eigenvalues(make(n, rng), quaternion=beta == 4)[-1] for _ in range(reps)]
    tri = [ensembles.beta_hermite_eigenvalues(n, beta, rng)[-1] for _ in range(reps)]
    assert ks_two_sample(dense, tri).pvalue > 0.001


@pytest.mark.parametrize("p, n", [(20, 50), (50, 20), (30, 30)])
@pytest.mark.parametrize("beta, complex_", [(1, False), (2, True)])
def test_tridiagonal_laguerre_matches_dense_wishart(p, n, beta, complex_):
    rng = np.random.default_rng(p * 7 + n + beta)
    reps = 300
    dense = np.array([np.linalg.eigvalsh(ensembles.wishart(p, n, rng, complex=complex_)) for _ in range(reps)])
    tri = np.array([ensembles.beta_laguerre_eigenvalues(p, n, beta, rng) for _ in range(reps)])
    assert tri.shape == dense.shape == (reps, p)
    assert ks_two_sample(dense[:, -1], tri[:, -1]).pvalue > 0.001
    middle = p - min(p, n) // 2  # a bulk eigenvalue of the nonzero part
    assert ks_two_sample(dense[:, middle], tri[:, middle]).pvalue > 0.001
    if p > n:  # the rank deficiency is exact
        assert np.all(tri[:, : p - n] == 0.0)


def test_laguerre_large_sample_follows_marchenko_pastur():
    lam = ensembles.beta_laguerre_eigenvalues(4000, 8000, beta=2, rng=3)
    assert not ks_test(lam, rmt.MarchenkoPastur(0.5)).rejects(0.01)
    assert np.mean(lam**2) == pytest.approx(1.5, rel=0.01)


def test_samplers_refuse_bad_sizes():
    with pytest.raises(rmt.ParameterError, match="n = 0"):
        ensembles.goe(0)
    with pytest.raises(rmt.ParameterError, match="beta = -1"):
        ensembles.beta_hermite_eigenvalues(10, beta=-1)
    with pytest.raises(rmt.ParameterError, match="p = 2.5"):
        ensembles.wishart(2.5, 3)
