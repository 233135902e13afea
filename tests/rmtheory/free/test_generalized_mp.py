"""Generalized Marchenko-Pastur with many population atoms (8, 32, 128, 1024).

Reference edges come from an independent route — Silverstein & Choi (1995, Thms 4.1–4.2): the
complement of the support is {x(m) : m real, x'(m) > 0} with
x(m) = −1/m + ratio·Σ w_i t_i/(1 + t_i m), so the edges are the critical values of x(m). They are
found here by sign changes of x'(m) on each interval between consecutive poles {0, −1/t_i},
sampled densely near the poles, and brentq — no subordination, no root selection.
"""

import numpy as np
import pytest
from scipy.optimize import brentq

import rmtheory as rmt
from rmtheory.stats import ks_test


def silverstein_choi_edges(ratio, t, w):
    t, w = np.asarray(t, float), np.asarray(w, float)

    def dx(m):
        m = np.asarray(m, float)[..., None]
        return (1.0 / m[..., 0] ** 2) - ratio * np.sum(w * t**2 / (1.0 + t * m) ** 2, axis=-1)

    def x(m):
        return -1.0 / m + ratio * np.sum(w * t / (1.0 + t * m))

    poles = np.unique(np.concatenate([[0.0], -1.0 / t]))
    edges = []
    pieces = [(-np.inf, poles[0])] + list(zip(poles[:-1], poles[1:])) + [(poles[-1], np.inf)]
    for lo, hi in pieces:
        if np.isinf(lo):
            grid = hi - np.geomspace(1e-12, 1e8, 4000)[::-1] * (1 + abs(hi))
        elif np.isinf(hi):
            grid = lo + np.geomspace(1e-12, 1e8, 4000) * (1 + abs(lo))
        else:
            u = np.linspace(0, 1, 4001)[1:-1]
            # dense at both poles: a symmetric graded map
            grid = lo + (hi - lo) * (0.5 - 0.5 * np.cos(np.pi * u)) ** 1
            grid = np.concatenate([lo + (hi - lo) * np.geomspace(1e-14, 1e-3, 200), grid,
                                   hi - (hi - lo) * np.geomspace(1e-14, 1e-3, 200)[::-1]])
        grid = np.unique(grid[(grid > lo) & (grid < hi) & (grid != 0)])
        values = dx(grid)
        finite = np.isfinite(values)
        grid, values = grid[finite], values[finite]
        for i in np.flatnonzero(np.sign(values[1:]) * np.sign(values[:-1]) < 0):
            root = brentq(lambda m: float(dx(np.array([m]))[0]), grid[i], grid[i + 1], xtol=1e-300, rtol=1e-15)
            edges.append(x(root))
    return np.sort(edges)


def population(k, seed):
    rng = np.random.default_rng(seed)
    t = np.sort(np.exp(rng.uniform(np.log(0.2), np.log(8.0), k)))
    w = rng.dirichlet(np.ones(k))
    return t, w


@pytest.mark.parametrize("atoms, ratio", [(8, 0.05), (32, 0.3), (128, 0.5), (1024, 0.2)])
def test_edges_mass_and_monte_carlo_with_many_atoms(atoms, ratio):
    t, w = population(atoms, seed=atoms)
    law = rmt.GeneralizedMarchenkoPastur(ratio, rmt.Atoms(t, w))
    reference = silverstein_choi_edges(ratio, t, w)
    edges = np.array([e for interval in law.support for e in interval])
    assert edges.size == reference.size, (law.support, reference)
    assert np.allclose(edges, reference, rtol=1e-10, atol=1e-12)
    # total mass 1 (the peer's wrong root gives 1.33 at 32 atoms and 16.7 at 128)
    assert float(law.cdf(edges[-1])) == pytest.approx(1.0, abs=1e-10)
    assert float(law.moment(1)) == pytest.approx(float(np.dot(w, t)), rel=1e-12)
    # Monte-Carlo: eigenvalues of (1/N) Σ^{1/2} X Xᵀ Σ^{1/2} with the population as Σ's spectrum
    lam = law.sample(2000, rng=np.random.default_rng(atoms))
    assert not ks_test(lam, law).rejects(0.01)


def test_a_gap_narrower_than_the_scan_spacing_is_found():
    # 8 atoms, ratio 0.5: a gap of 5.1e-4 at 0.17 in a support of width 10.5 sat between two scan
    # points (spacing 0.02) and was reported as one interval; the mass check cannot see a missing gap
    t, w = population(8, seed=128)
    law = rmt.GeneralizedMarchenkoPastur(0.5, rmt.Atoms(t, w))
    reference = silverstein_choi_edges(0.5, t, w)
    assert reference.size == 4 and reference[2] - reference[1] < 1e-3
    edges = np.array([e for interval in law.support for e in interval])
    assert edges.size == 4 and np.allclose(edges, reference, rtol=1e-10, atol=1e-12)
    assert float(law.pdf(0.5 * (reference[1] + reference[2]))) == 0.0


def test_gmp_equals_mp_for_a_single_atom():
    law = rmt.GeneralizedMarchenkoPastur(0.5, rmt.Atoms([2.0]))
    x = np.linspace(0.1, 6.0, 41)
    assert np.allclose(law.pdf(x), rmt.MarchenkoPastur(0.5, variance=2.0).pdf(x), atol=1e-12)


def test_gmp_with_ratio_above_one_has_the_rank_atom():
    law = rmt.GeneralizedMarchenkoPastur(4.0, rmt.Atoms([1.0, 3.0]))
    assert law.atoms == [(0.0, pytest.approx(0.75))]
    assert float(law.cdf(law.support[-1][1])) == pytest.approx(1.0, abs=1e-10)


def test_gmp_refuses_bad_input():
    with pytest.raises(rmt.ParameterError, match="population"):
        rmt.GeneralizedMarchenkoPastur(0.5, rmt.Semicircle())
    with pytest.raises(rmt.ParameterError, match="ratio = -1"):
        rmt.GeneralizedMarchenkoPastur(-1, rmt.Atoms([1.0]))


def test_a_single_population_value_is_marchenko_pastur_exactly():
    """Σ = c·I: gmp(ratio, δ_c) = MP(ratio, c), through the exact point-mass path (the
    subordination equations are degenerate for a point mass)."""
    law = rmt.GeneralizedMarchenkoPastur(0.5, rmt.Atoms([2.0]))
    ref = rmt.MarchenkoPastur(0.5, variance=2.0)
    x = np.linspace(0.0, 6.5, 53)
    assert np.allclose(law.support, ref.support, rtol=1e-15, atol=0)
    assert np.allclose(law.pdf(x), ref.pdf(x), rtol=1e-13, atol=1e-14)
    assert np.allclose(law.cdf(x), ref.cdf(x), rtol=1e-13, atol=1e-14)
    z = x + 0.01j
    assert np.allclose(law.stieltjes(z), ref.stieltjes(z), rtol=1e-13)
