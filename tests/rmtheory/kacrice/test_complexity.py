"""Θ and Θ_k: ABC's closed forms against the independent Kac-Rice integral, and the integral against itself.

The closed forms (rmtheory.kacrice.closed_form) transcribe ABC 2013 Thm 2.5/2.8; the integral route
(rmtheory.kacrice.kac_rice_integral) knows only ν(1), ν'(1), ν''(1) and computes semicircle
quadratures. Agreement to 1e-12 (acceptance) — in fact to ~dps digits — tests both.
"""

import math

import mpmath
import numpy as np
import pytest

from rmtheory.kacrice import SphericalSpinGlass
from rmtheory.kacrice import closed_form as cf
from rmtheory.kacrice import kac_rice_integral as kr

# energies on both sides of −E_∞ (1.633 for p=3, 1.732 for p=4), of 0, and far out
ENERGIES = [-3.0, -2.2, -1.8, -1.75, -1.7, -1.64, -1.5, -0.9, -0.2, 0.0, 0.4, 1.2, 1.9, 2.5]
INDICES = [None, 0, 1, 2, 3]


@pytest.mark.parametrize("p", [3, 4])
@pytest.mark.parametrize("index", INDICES)
@pytest.mark.parametrize("cumulative", [True, False])
def test_closed_form_and_integral_agree_to_1e12(p, index, cumulative):
    m = SphericalSpinGlass(p)
    closed = m.complexity(ENERGIES, index, cumulative=cumulative, method="closed")
    integral = m.complexity(ENERGIES, index, cumulative=cumulative, method="integral")
    finite = np.isfinite(closed)
    assert np.array_equal(finite, np.isfinite(integral))  # −inf (no such points) in the same places
    assert np.all(np.isneginf(closed[~finite]))
    assert np.max(np.abs(closed[finite] - integral[finite])) < 1e-12


@pytest.mark.parametrize("p, index, u", [(3, None, -1.8), (3, 2, -1.75), (4, 0, -2.0),
                                         (4, None, -0.5), (4, 1, 0.3), (3, None, 0.5)])
def test_integral_matches_mp_closed_form_to_its_precision(p, index, u):
    m = SphericalSpinGlass(p)
    a = m.complexity(u, index, method="integral", dps=40)
    b = m.complexity(u, index, method="closed", dps=50)
    assert abs(a - b) < mpmath.mpf(10) ** -38


@pytest.mark.slow
@pytest.mark.parametrize("model, u, index", [
    (SphericalSpinGlass(3), -1.8, None),
    (SphericalSpinGlass(4), -1.9, 2),
    (SphericalSpinGlass(3), 0.7, None),      # the sup over v ≤ u is an interior root (v = 0)
    (SphericalSpinGlass(mixture={3: 0.5, 4: 0.5}), -1.8, 0),
])
def test_precision_ladder_15_30_60(model, u, index):
    v15, v30, v60 = (model.complexity(u, index, method="integral", dps=d) for d in (15, 30, 60))
    with mpmath.workdps(70):
        assert abs(v15 - v60) < 1e-14
        assert abs(v30 - v60) < mpmath.mpf(10) ** -28


def test_float_closed_form_equals_mp_closed_form():
    u = np.linspace(-3, 3, 61)
    for p in (3, 5):
        for index in (None, 0, 4):
            fast = cf.complexity(u, p, index)
            ref = [float(cf.complexity(x, p, index, dps=40)) for x in u]
            assert np.max(np.abs(fast - np.array(ref))) < 1e-14


def _omega_reference(x):
    """Semicircle log-potential in closed form (e.g. ABC 2013 Section 3 / Anderson-Guionnet-Zeitouni):
    x²/4 − ½ on [−2, 2]; minus |x|√(x²−4)/4 − ln((|x|+√(x²−4))/2) outside."""
    x = mpmath.mpf(x)
    if abs(x) <= 2:
        return x * x / 4 - mpmath.mpf(1) / 2
    t, r = abs(x), mpmath.sqrt(x * x - 4)
    return x * x / 4 - mpmath.mpf(1) / 2 - (t * r / 4 - mpmath.log((t + r) / 2))


@pytest.mark.parametrize("x", [0, 0.3, -1.99, 2, -2, -2 - 1e-9, 2.0001, -2.7, 9.5])
def test_log_potential_quadrature(x):
    with mpmath.workdps(40):
        assert abs(kr.log_potential(x) - _omega_reference(x)) < mpmath.mpf(10) ** -35
        # its derivative by the subtracted principal-value quadrature vs differentiating the reference
        ref = mpmath.diff(_omega_reference, mpmath.mpf(x)) if abs(x) != 2 else mpmath.mpf(x) / 2
        assert abs(kr.log_potential_derivative(x) - ref) < mpmath.mpf(10) ** -25


def test_top_eigenvalue_rate_closed_form():
    # ½∫_2^t √(s²−4) ds = t√(t²−4)/4 − ln((t+√(t²−4))/2)
    with mpmath.workdps(30):
        for t in (2, 2.001, 3, 7):
            t = mpmath.mpf(t)
            r = mpmath.sqrt(t * t - 4)
            assert abs(kr.top_eigenvalue_rate(t) - (t * r / 4 - mpmath.log((t + r) / 2))) < 1e-28


# ---------------------------------------------------------------- facts from the papers
@pytest.mark.parametrize("p", [2, 3, 4, 7])
def test_all_critical_points_give_half_log_p_minus_1(p):
    m = SphericalSpinGlass(p)
    assert m.complexity(50.0) == pytest.approx(0.5 * math.log(p - 1), abs=1e-15)
    assert float(m.complexity(3.0, method="integral")) == pytest.approx(0.5 * math.log(p - 1), abs=1e-13)


@pytest.mark.parametrize("p", [3, 4, 6])
def test_index_k_saturates_above_threshold_at_ABC_value(p):
    m = SphericalSpinGlass(p)
    e = m.energy_threshold()
    for k in range(4):
        val = m.complexity([-e, -e + 0.3, 2.0], k)
        assert np.allclose(val, 0.5 * math.log(p - 1) - (p - 2) / p, atol=1e-14, rtol=0)


def test_complexity_is_continuous_and_ordered_by_index():
    m = SphericalSpinGlass(3)
    e = m.energy_threshold()
    for k in (None, 0, 3):
        left, right = m.complexity([-e - 1e-10, -e + 1e-10], k)
        assert abs(left - right) < 1e-9
    u = np.linspace(-3, -e, 40)
    rows = np.array([m.complexity(u, k) for k in range(5)])
    assert np.all(np.diff(rows, axis=0) <= 1e-15)  # more index-k constraints, fewer points
    assert np.allclose(m.complexity(u), rows[0], atol=1e-15)  # below −E_∞ minima dominate


@pytest.mark.slow
@pytest.mark.parametrize("index", [None, 1])
def test_cumulative_is_running_max_of_local(index):
    """Θ(u) = sup_{v ≤ u} local(v): checked by brute force on a grid, for a pure and a mixed model."""
    m = SphericalSpinGlass(3)
    v = np.sort(np.append(np.linspace(-3, 2, 2001), -m.energy_threshold()))  # the kink is a grid point
    local = m.complexity(v, index, cumulative=False)
    assert np.allclose(m.complexity(v, index), np.maximum.accumulate(local), atol=1e-14, rtol=0)
    if index is None:
        return  # the mixed model's total count peaks at v = 0, a smooth maximum: covered by ladder tests
    mix = SphericalSpinGlass(mixture={3: 0.5, 4: 0.5})
    # the local complexity peaks near v = −1.66 with curvature ≈ −ν''c²/α ≈ −49, so a grid of step
    # h = 0.01 misses the peak by at most ½·49·(h/2)² ≈ 6e-4
    v = np.linspace(-1.75, -1.6, 16)
    local = np.array([float(mix.complexity(x, index, cumulative=False, dps=15)) for x in v])
    cum = float(mix.complexity(-1.6, index, dps=15))
    assert cum >= local.max() - 1e-12 and cum - local.max() < 1e-3


# ---------------------------------------------------------------- mixed models
def test_one_term_mixture_is_a_rescaled_pure_model():
    # ν = w q³: H = √w H_pure, so Θ_ν(u) = Θ_3(u/√w); the integral route knows nothing of that
    w = 2.5
    m = SphericalSpinGlass(mixture={3: w})
    assert m.is_pure and m.p == 3
    for index in (None, 0, 2):
        for u in (-3.0, -2.6, -1.0, 0.5):
            ref = cf.complexity(u / math.sqrt(w), 3, index)
            assert abs(float(m.complexity(u, index, method="integral")) - ref) < 1e-12
            assert abs(m.complexity(u, index) - ref) < 1e-15


@pytest.mark.slow
@pytest.mark.parametrize("c", [4.0, 1e-100, 1e6])
def test_mixed_scaling_invariance(c):
    """ν → cν scales energies by √c and leaves Θ unchanged (H → √c H); at c = 1e-100 the variational
    problem once raised ArithmeticError (now solved at ν(1) = 1)."""
    a, b = SphericalSpinGlass(mixture={3: 0.5, 4: 0.5}), SphericalSpinGlass(mixture={3: 0.5 * c, 4: 0.5 * c})
    for index, u in [(None, -1.7), (0, -1.75), (1, -2.0)]:
        assert float(b.complexity(math.sqrt(c) * u, index)) == pytest.approx(
            float(a.complexity(u, index)), rel=1e-12, abs=1e-13)


@pytest.mark.slow
def test_mixed_total_complexity_is_half_log_ratio():
    # AB 2013: (1/N) ln E[all critical points] → ½ ln(ν''(1)/ν'(1))
    m = SphericalSpinGlass(mixture={2: 0.2, 3: 0.5, 5: 0.3})
    assert float(m.complexity(2.0)) == pytest.approx(m.total_complexity(), abs=1e-13)
    assert m.total_complexity() == pytest.approx(0.5 * math.log((0.4 + 3 + 6) / (0.4 + 1.5 + 1.5)))


@pytest.mark.slow
def test_nearly_pure_mixture_approaches_pure_model():
    pure = SphericalSpinGlass(3)
    for eps, tol in [(1e-3, 5e-3), (1e-6, 5e-6)]:
        mix = SphericalSpinGlass(mixture={3: 1.0, 4: eps})
        for index, u in [(None, -1.8), (0, -1.7), (None, -0.5)]:
            assert abs(float(mix.complexity(u, index)) - pure.complexity(u, index)) < tol


def test_mixed_threshold_matches_auffinger_ben_arous():
    # E'_∞ = (ν'' + ν'² − ν')/(ν'√ν'') at ν(1) = 1 (AB 2013), vs the integral route's own root
    m = SphericalSpinGlass(mixture={3: 0.5, 4: 0.5})
    assert m.energy_threshold() == pytest.approx((9 + 3.5**2 - 3.5) / (3.5 * 3), abs=1e-15)
    assert abs(float(kr.threshold_energy(*m.covariance, dps=30)) - m.energy_threshold()) < 1e-14


@pytest.mark.slow
def test_mixed_minima_keep_growing_above_the_threshold():
    """Unlike the pure model, a mixture's Θ_0 is not flat above −E_∞: the radial curvature fluctuates
    at the large-deviation scale (α > 0), so minima exist above the threshold at exponential order."""
    m = SphericalSpinGlass(mixture={3: 0.5, 4: 0.5})
    e = m.energy_threshold()
    below, above, far = (float(m.complexity(x, 0)) for x in (-e, -e + 0.02, 0.0))
    assert below < above and abs(far - above) < 1e-12  # peak between −E_∞ and −E_∞ + 0.02
    assert float(m.complexity(-e + 0.02, 0, cumulative=False)) > float(m.complexity(-e, 0, cumulative=False))


# ---------------------------------------------------------------------------------------------------
# far energies: u = 1e10 once ran out of bracket, u = 1e100 took minutes


def test_mixed_complexity_at_far_energies():
    """Cumulative Θ(u) above every critical value is the total complexity ½ ln(ν''/ν') (AB 2013);
    far below, the local complexity is −u²/(2ν(1)) to leading order (the Gaussian energy term)."""
    m = SphericalSpinGlass(mixture={3: 2.0, 4: 1.0})
    for u in (1e10, 1e100):
        assert float(m.complexity(u)) == pytest.approx(m.total_complexity(), rel=1e-12)
    for u in (-1e10, -1e100):
        assert float(m.complexity(u, cumulative=False)) == pytest.approx(-u * u / 6.0, rel=1e-6)
