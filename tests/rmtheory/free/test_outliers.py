"""rmtheory.spiked_outliers: closed forms (BBP for Wigner and spiked covariance, exact finite-n
rank-one updates of a diagonal matrix), Monte-Carlo at n = 1000, and input validation.

Monte-Carlo tolerances. An outlier eigenvalue and its eigenvector overlap fluctuate on the scale
n^{−1/2} (Gaussian limits: Capitaine, Donati-Martin & Féral 2009 for deformed Wigner; Bai & Yao 2008
and Paul 2007 for spiked covariance); the O(1/n) bias is far smaller. The standard deviations at the
sizes used here were measured over seeds 0..11 with the scenario functions of this file
(``python tests/rmtheory/free/test_outliers.py`` reruns that study) and each tolerance is 5 of them:

    scenario                               sd(location)  sd(overlap)
    Wigner σ²=1, θ=+2 (top), n=1000           0.035         0.015
    Wigner σ²=1, θ=−3 (bottom), n=1000        0.038         0.0056
    white spiked covariance c=½, θ=2, p=1000  0.051         0.012
    (atoms ±3) ⊞ semicircle(1), θ=3, outer    0.069         0.027
    same, outlier in the gap                  0.046         0.028
    MP(½) ⊠ atoms(½, 3/2) spiked, θ=3         0.21          0.020

Each test also checks that its tolerance could fail: the prediction is farther than the tolerance
from the bulk edge (where the top eigenvalue would sit without a BBP transition).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import linalg

import rmtheory as rmt
from rmtheory import ParameterError

SC, MP, AT = rmt.Semicircle, rmt.MarchenkoPastur, rmt.Atoms


# ----------------------------------------------------------------- closed forms
@pytest.mark.parametrize("var, center", [(1.0, 0.0), (0.25, 1.5)])
@pytest.mark.parametrize("theta", [0.3, 0.9, 1.5, 3.0, -0.7, -2.0])
def test_wigner_rank_one(var, center, theta):
    # G(z) = (w − √(w² − 4σ²))/(2σ²), w = z − c; G(ρ) = 1/θ gives ρ = c + θ + σ²/θ for |θ| > σ, and
    # G'(ρ) = 1/(σ² − θ²), so |⟨u, v⟩|² = −1/(θ² G') = 1 − σ²/θ² (BGN 2011, §3.1)
    (out,) = rmt.spiked_outliers(SC(var, center=center), [theta])
    sigma = math.sqrt(var)
    assert out.threshold == pytest.approx(math.copysign(sigma, theta), abs=1e-12)
    assert out.separated == (abs(theta) > sigma)
    if out.separated:
        assert out.location == pytest.approx(center + theta + var / theta, abs=1e-12)
        assert out.overlap == pytest.approx(1 - var / theta**2, abs=1e-10)
    else:
        assert out.location is None and out.overlap == 0.0
    assert out.gap_outliers == ()


@pytest.mark.parametrize("c, s2", [(0.5, 1.0), (0.25, 2.0), (4.0, 1.0)])
@pytest.mark.parametrize("theta", [0.3, 0.8, 2.0, 5.0, -0.3, -0.9])
def test_spiked_covariance_bbp(c, s2, theta):
    # Baik-Ben Arous-Péché (2005), Paul (2007): S = Σ^{1/2} W Σ^{1/2}, W of law MP(c, s²), Σ = I + θvvᵀ:
    # outlier s²(1 + θ)(1 + c/θ) iff |θ| > √c (in the library's MP convention c = p/n), overlap
    # (1 − c/θ²)/(1 + c/θ). With c > 1 no θ > −1 reaches −√c: no outlier below.
    (out,) = rmt.spiked_outliers(MP(c, variance=s2), [theta], kind="multiplicative")
    assert out.separated == (abs(theta) > math.sqrt(c))
    if theta > 0:
        assert out.threshold == pytest.approx(math.sqrt(c), rel=1e-7)
    if out.separated:
        assert out.location == pytest.approx(s2 * (1 + theta) * (1 + c / theta), rel=1e-12)
        assert out.overlap == pytest.approx((1 - c / theta**2) / (1 + c / theta), abs=1e-10)


def test_spiked_covariance_threshold_below():
    # for θ < 0 the threshold is −√c (c < 1); for c = 4 it is −2, out of reach of θ > −1
    assert rmt.spiked_outliers(MP(0.25), [-0.1], kind="multiplicative")[0].threshold == pytest.approx(-0.5, rel=1e-7)
    assert rmt.spiked_outliers(MP(4.0), [-0.5], kind="multiplicative")[0].threshold == pytest.approx(-2.0, rel=1e-7)


@pytest.mark.parametrize("c", [0.25, 0.5, 1.0])
@pytest.mark.parametrize("theta", [2.0, 5.0, -1.0])
def test_additive_spike_on_marchenko_pastur(c, theta):
    # c z g² + (z − (1 − c)) g + 1 = 0 at g = −G = −1/θ is linear in z: ρ = θ(θ + 1 − c)/(θ − c),
    # valid where it lies beyond the edge on θ's side; the threshold is √c(1 + √c) above, and
    # 1 − c − √c(1 − √c)... below, which for c = 1 is 0 (G diverges at the hard edge 0).
    (out,) = rmt.spiked_outliers(MP(c), [theta])
    upper_threshold = math.sqrt(c) * (1 + math.sqrt(c))
    if theta > 0:
        assert out.threshold == pytest.approx(upper_threshold, rel=1e-7)
        assert out.separated == (theta > upper_threshold)
    if out.separated:
        assert out.location == pytest.approx(theta * (theta + 1 - c) / (theta - c), rel=1e-12)
    if c == 1.0 and theta < 0:
        assert out.separated and out.threshold == 0.0


@pytest.mark.parametrize("theta", [0.4, 3.0, -2.0])
def test_rank_one_update_of_a_diagonal_matrix_is_exact_at_finite_n(theta):
    # D = diag(0 × m, 1 × m) + θ v vᵀ with v_i² = 1/n: the secular equation Σ v_i²/(z − d_i) = 1/θ is
    # G(z) = 1/θ with G = ½/z + ½/(z − 1) exactly, so the eigenvalues that leave the two degenerate
    # clusters are the roots of z² − (1 + θ) z + θ/2 = 0 — one outside, one in the gap (0, 1) —
    # and the overlaps are exact too.
    law = AT([0.0, 1.0])
    (out,) = rmt.spiked_outliers(law, [theta])
    m = 20
    d = np.repeat([0.0, 1.0], m)
    v = np.full(2 * m, 1 / math.sqrt(2 * m))
    w, u = linalg.eigh(np.diag(d) + theta * np.outer(v, v))
    moved = [k for k in range(2 * m) if min(abs(w[k]), abs(w[k] - 1)) > 1e-9]
    assert len(moved) == 2
    roots = sorted([((1 + theta) - math.sqrt(1 + theta**2)) / 2, ((1 + theta) + math.sqrt(1 + theta**2)) / 2])
    np.testing.assert_allclose(sorted(w[moved]), roots, atol=1e-12)
    assert out.threshold == 0.0 and out.separated
    outer = roots[1] if theta > 0 else roots[0]
    inner = roots[0] if theta > 0 else roots[1]
    assert out.location == pytest.approx(outer, abs=1e-12)
    (gap,) = out.gap_outliers
    assert gap.location == pytest.approx(inner, abs=1e-12) and gap.gap == (0.0, 1.0)
    np.testing.assert_allclose(out.locations, sorted(roots), atol=1e-12)
    for rho, overlap in [(out.location, out.overlap), (gap.location, gap.overlap)]:
        k = int(np.argmin(np.abs(w - rho)))
        assert overlap == pytest.approx((u[:, k] @ v) ** 2, abs=1e-10)


def test_several_spikes_and_repeats():
    outs = rmt.spiked_outliers(SC(1.0), [2.0, 0.5, 2.0, -4.0])
    assert [o.theta for o in outs] == [2.0, 0.5, 2.0, -4.0]
    assert [o.separated for o in outs] == [True, False, True, True]
    assert outs[0] == outs[2]
    assert outs[3].location == pytest.approx(-4.25, abs=1e-12)
    assert rmt.spiked_outliers(SC(1.0), 2.0)[0].location == pytest.approx(2.5, abs=1e-12)  # a scalar spike


def _critical_points(poly):
    """Real roots of a numpy polynomial (coefficients highest first)."""
    return sorted(r.real for r in np.roots(poly) if abs(r.imag) < 1e-9)


@pytest.mark.parametrize("theta", [1.0, 2.0, 4.0, -1.5, -3.0])
def test_spike_on_semicircle_plus_mp_by_the_inverse_function(theta):
    # σ² sc ⊞ MP(c, s²) has the inverse z(G) = σ²G + s²/(1 − c s² G) + 1/G (R-transform + 1/G), so
    # G(ρ) = 1/θ is ρ = z(1/θ) on the physical branch, i.e. for 1/θ between 0 and the critical
    # point G* of z (nearest 0 on θ's side); the threshold is 1/G*, and G'(ρ) = 1/z'(1/θ) gives
    # the overlap −z'(1/θ)/θ². No engine call enters these numbers.
    var, c, s2 = 1.0, 0.5, 1.0
    a = c * s2
    law = rmt.free_add(SC(var), MP(c, variance=s2))
    (out,) = rmt.spiked_outliers(law, [theta])
    # z'(G) = 0 ⇔ σ²G²(1 − aG)² + c s⁴ G² − (1 − aG)² = 0
    one_minus = [a * a, -2 * a, 1]
    crit = _critical_points(np.polysub(np.polyadd(np.polymul([var, 0, 0], one_minus), [c * s2 * s2, 0, 0]),
                                       one_minus))
    g_star = min(g for g in crit if 0 < g < 1 / a) if theta > 0 else max(g for g in crit if g < 0)
    assert out.threshold == pytest.approx(1 / g_star, rel=1e-8)
    assert out.separated == (abs(theta) > abs(1 / g_star))
    if out.separated:
        G = 1 / theta
        z_of = var * G + s2 / (1 - a * G) + 1 / G
        dz = var + c * s2 * s2 / (1 - a * G) ** 2 - 1 / G**2
        assert out.location == pytest.approx(z_of, abs=1e-12)
        assert out.overlap == pytest.approx(-dz / theta**2, abs=1e-9)


@pytest.mark.parametrize("theta", [0.5, 2.0, -0.8])
def test_spike_on_mp_times_mp_by_the_inverse_function(theta):
    # For X of law MP(c1) ⊠ MP(c2, s²), T(z) = zG − 1 is the moment series m, whose inverse is
    # z(m) = s²(1 + m)(1 + c1 m)(1 + c2 m)/m (S-transforms). T(ρ) = 1/θ is ρ = z(1/θ) on the physical
    # branch (1/θ between 0 and the critical point m* > 0, or between −1 and m* < −1); the threshold
    # is 1/m*, and T'(ρ) = 1/z'(1/θ) gives the overlap −(1 + θ) z'(1/θ)/(θ² ρ).
    c1, c2, s2 = 0.5, 0.25, 1.0
    law = rmt.free_mul(MP(c1), MP(c2, variance=s2))
    (out,) = rmt.spiked_outliers(law, [theta], kind="multiplicative")
    p = np.polymul(np.polymul([1, 1], [c1, 1]), [s2 * c2, s2])
    crit = _critical_points(np.polysub(np.polymul([1, 0], np.polyder(p)), p))   # m p' − p = 0
    m_star = min(m for m in crit if m > 0) if theta > 0 else max(m for m in crit if m < -1)
    assert out.threshold == pytest.approx(1 / m_star, rel=1e-8)
    assert out.separated == ((theta > 1 / m_star) if theta > 0 else (theta < 1 / m_star))
    if out.separated:
        m = 1 / theta
        rho = np.polyval(p, m) / m
        dz = (m * np.polyval(np.polyder(p), m) - np.polyval(p, m)) / m**2
        assert out.location == pytest.approx(rho, rel=1e-12)
        assert out.overlap == pytest.approx(-(1 + theta) * dz / (theta**2 * rho), abs=1e-9)


# ----------------------------------------------------------------- Monte-Carlo scenarios
def _goe(n, rng):
    a = rng.standard_normal((n, n))
    return (a + a.T) / math.sqrt(2 * n)  # off-diagonal variance 1/n: semicircle of variance 1


def _unit(n, rng):
    v = rng.standard_normal(n)
    return v / np.linalg.norm(v)


def _top(m, k=0):
    """(eigenvalue, eigenvector) number k from the top (k = −1: the bottom one), by a subset eigh."""
    n = m.shape[0]
    idx = n - 1 - k if k >= 0 else 0
    w, u = linalg.eigh(m, subset_by_index=[idx, idx])
    return w[0], u[:, 0]


def wigner_two_spikes(rng, n=1000):
    """GOE + 2 e1e1ᵀ − 3 e2e2ᵀ (GOE is invariant, so coordinate spikes are generic)."""
    m = _goe(n, rng)
    m[0, 0] += 2.0
    m[1, 1] -= 3.0
    top, u_top = _top(m)
    bottom, u_bottom = _top(m, -1)
    return top, u_top[0] ** 2, bottom, u_bottom[1] ** 2


def white_spiked_covariance(rng, p=1000, c=0.5, theta=2.0):
    """S = Σ^{1/2} (X Xᵀ/n) Σ^{1/2}, Σ = I + θ e1e1ᵀ: scale the first row of X by √(1 + θ)."""
    n = int(p / c)
    x = rng.standard_normal((p, n))
    x[0] *= math.sqrt(1 + theta)
    top, u = _top(x @ x.T / n)
    return top, u[0] ** 2


def deformed_wigner_spike(rng, n=1000, theta=3.0):
    """diag(±3) + GOE + θ v vᵀ, v uniform on the sphere: the law (atoms ±3) ⊞ semicircle(1)."""
    v = _unit(n, rng)
    m = np.diag(np.repeat([-3.0, 3.0], n // 2)) + _goe(n, rng) + theta * np.outer(v, v)
    top, u = _top(m)
    w_gap, u_gap = linalg.eigh(m, subset_by_value=(-1.6, 1.6))
    return top, (u @ v) ** 2, w_gap, (u_gap.T @ v) ** 2


def generalized_mp_spike(rng, p=1000, c=0.5, theta=3.0):
    """Σ^{1/2} X Σ^{1/2}, X = D^{1/2} (Z Zᵀ/n) D^{1/2}, D = diag(½, 3/2), Σ = I + θ v vᵀ, v uniform."""
    n = int(p / c)
    y = rng.standard_normal((p, n)) * np.sqrt(np.repeat([0.5, 1.5], p // 2))[:, None]
    v = _unit(p, rng)
    y += (math.sqrt(1 + theta) - 1) * np.outer(v, v @ y)  # Σ^{1/2} = I + (√(1+θ) − 1) v vᵀ
    top, u = _top(y @ y.T / n)
    return top, (u @ v) ** 2


def test_monte_carlo_wigner_two_spikes():
    top, ov_top, bottom, ov_bottom = wigner_two_spikes(np.random.default_rng(2024))
    plus, minus = rmt.spiked_outliers(SC(1.0), [2.0, -3.0])
    assert abs(top - plus.location) < 5 * 0.035 < plus.location - 2.0
    assert abs(ov_top - plus.overlap) < 5 * 0.015
    assert abs(bottom - minus.location) < 5 * 0.038 < -2.0 - minus.location
    assert abs(ov_bottom - minus.overlap) < 5 * 0.0056


def test_monte_carlo_white_spiked_covariance():
    top, overlap = white_spiked_covariance(np.random.default_rng(2024))
    (out,) = rmt.spiked_outliers(MP(0.5), [2.0], kind="multiplicative")
    assert abs(top - out.location) < 5 * 0.051 < out.location - MP(0.5).support[0][1]
    assert abs(overlap - out.overlap) < 5 * 0.012


def test_monte_carlo_deformed_wigner_outer_and_gap_outliers():
    law = rmt.free_add(AT([-3.0, 3.0]), SC(1.0))   # two intervals, no closed form for the outlier
    top, overlap, w_gap, ov_gap = deformed_wigner_spike(np.random.default_rng(2024))
    (out,) = rmt.spiked_outliers(law, [3.0])
    assert abs(top - out.location) < 5 * 0.069 < out.location - law.support[-1][1]
    assert abs(overlap - out.overlap) < 5 * 0.027
    (gap,) = out.gap_outliers
    assert w_gap.size == 1  # exactly one eigenvalue inside the gap
    assert abs(w_gap[0] - gap.location) < 5 * 0.046
    assert abs(ov_gap[0] - gap.overlap) < 5 * 0.028 < gap.overlap


def test_monte_carlo_spike_on_generalized_mp():
    law = rmt.free_mul(MP(0.5), AT([0.5, 1.5]))
    top, overlap = generalized_mp_spike(np.random.default_rng(2024))
    (out,) = rmt.spiked_outliers(law, [3.0], kind="multiplicative")
    assert abs(top - out.location) < 5 * 0.21 < out.location - law.support[-1][1]
    assert abs(overlap - out.overlap) < 5 * 0.020 < out.overlap


# ----------------------------------------------------------------- input validation
@pytest.mark.parametrize("spikes", [[], [0.0], [float("nan")], [math.inf], "abc", [[1.0, 2.0]], [True], None])
def test_bad_spikes_are_refused(spikes):
    with pytest.raises(ParameterError, match="spikes"):
        rmt.spiked_outliers(SC(1.0), spikes)


def test_bad_inputs_are_refused_with_the_parameter_named():
    with pytest.raises(ParameterError, match="kind"):
        rmt.spiked_outliers(SC(1.0), [2.0], kind="sideways")
    with pytest.raises(ParameterError, match="spikes"):   # I + θvvᵀ must stay positive definite
        rmt.spiked_outliers(MP(0.5), [-1.0], kind="multiplicative")
    with pytest.raises(ParameterError, match="law"):      # X ≥ 0 for the multiplicative model
        rmt.spiked_outliers(SC(1.0), [2.0], kind="multiplicative")
    with pytest.raises(ParameterError, match="law"):
        rmt.spiked_outliers("semicircle", [2.0])


if __name__ == "__main__":  # the fluctuation study behind the tolerances (seeds 0..11)
    for scenario in (wigner_two_spikes, white_spiked_covariance, deformed_wigner_spike, generalized_mp_spike):
        runs = [scenario(np.random.default_rng(seed)) for seed in range(12)]
        columns = [np.concatenate([np.atleast_1d(r[k]) for r in runs]) for k in range(len(runs[0]))]
        print(scenario.__name__, ["%.3g ± %.2g" % (c.mean(), c.std()) for c in columns])
