"""E_∞ and the bottom energies E_k: exact E_∞, roots to 1e-12 by two routes, and published values."""

import math

import mpmath
import pytest
import sympy

from rmtheory.kacrice import SphericalSpinGlass, ThresholdTable, symbolic
from rmtheory.kacrice import closed_form as cf


@pytest.mark.parametrize("p", [2, 3, 4, 10])
def test_e_inf_is_exactly_2_sqrt_p_minus_1_over_p(p):
    exact = 2 * sympy.sqrt(sympy.Rational(p - 1, p))
    # derived twice in sympy (Hessian edge at zero; Kac-Rice shift at the GOE edge)
    assert sympy.simplify(symbolic.e_inf_from_hessian(p) - exact) == 0
    assert sympy.simplify(symbolic.e_inf_from_covariance(p) - exact) == 0
    with mpmath.workdps(50):
        assert abs(SphericalSpinGlass(p).energy_threshold(dps=50) - sympy.N(exact, 50)) < mpmath.mpf(10) ** -48
    assert SphericalSpinGlass(p).energy_threshold() == pytest.approx(float(exact), rel=1e-15)


def test_e_inf_symbolic_in_p():
    e = 2 * sympy.sqrt((symbolic.p - 1) / symbolic.p)
    assert sympy.simplify(symbolic.e_inf_from_hessian() - e) == 0
    assert sympy.simplify(symbolic.e_inf_from_covariance() - e) == 0


@pytest.mark.slow
@pytest.mark.parametrize("p", [3, 4])
def test_thresholds_by_closed_form_and_integral_agree_to_1e12(p):
    m = SphericalSpinGlass(p)
    closed = m.energy_thresholds(5, method="closed")
    integral = m.energy_thresholds(5, method="integral", dps=20)
    assert len(closed) == len(integral) == 5
    assert abs(closed.e_inf - integral.e_inf) < 1e-15
    assert max(abs(a - b) for a, b in zip(closed.e_k, integral.e_k)) < 1e-12
    # each E_k is a zero of Θ_k (high-precision closed form), and they are layered E_0 > ... > E_∞
    for k, e in enumerate(closed.e_k):
        assert abs(cf.theta_k(-e, p, k, dps=40)) < 1e-14
    assert list(closed.e_k) == sorted(closed.e_k, reverse=True)
    assert closed.e_k[-1] > closed.e_inf


def test_published_ground_state_of_the_3_spin():
    # ABC 2013, Section 2: −E_0 ≈ −1.657 for p = 3, the 1RSB ground-state energy of the physics literature
    assert SphericalSpinGlass(3).energy_thresholds(1)[0] == pytest.approx(1.657, abs=5e-4)


def test_e_k_approach_e_inf_at_the_predicted_rate():
    """E_k − E_∞ ≈ (A/((k+1)b))^{2/3} for large k.

    Near −E_∞, Θ_k(−E_∞ − δ) ≈ A − (k+1) b δ^{3/2} with A = ½ln(p−1) − (p−2)/p and, from
    I_1'(u) = −2√(u² − E_∞²)/E_∞², b = 4√(2E_∞)/(3E_∞²); the neglected linear term is relatively
    O(δ), so the ratio below tends to 1 from beneath.
    """
    p = 3
    table = SphericalSpinGlass(p).energy_thresholds(100)
    e = table.e_inf
    a, b = 0.5 * math.log(p - 1) - (p - 2) / p, 4 * math.sqrt(2 * e) / (3 * e * e)
    ratio = [(table.e_k[k] - e) * ((k + 1) * b / a) ** (2 / 3) for k in (0, 9, 39, 99)]
    assert all(x < y < 1 for x, y in zip(ratio, ratio[1:]))
    assert ratio[-1] > 0.9
    assert all(x > y > e for x, y in zip(table.e_k, table.e_k[1:]))


def test_p2_thresholds_collapse_to_e_inf():
    t = SphericalSpinGlass(2).energy_thresholds(3)
    assert t.e_k == (math.sqrt(2),) * 3 or max(abs(e - math.sqrt(2)) for e in t.e_k) < 1e-15
    assert t.notes


@pytest.mark.slow
def test_mixed_thresholds_are_zeros_of_the_integral_route():
    m = SphericalSpinGlass(mixture={3: 0.5, 4: 0.5})
    t = m.energy_thresholds(2, dps=15)
    for k, e in enumerate(t.e_k):
        assert abs(float(m.complexity(-e, k, dps=20))) < 1e-13
    assert t.e_k[0] > t.e_k[1] > t.e_inf


def test_table_formats():
    t = SphericalSpinGlass(3).energy_thresholds(2)
    assert isinstance(t, ThresholdTable)
    d = t.as_dict()
    assert d["k"] == [0, 1] and d["E_inf"] == t.e_inf and d["E_k"] == list(t.e_k)
    text = str(t)
    assert "E_inf" in text and "E_1" in text and f"{-t.e_k[0]:.15f}" in text
    assert [r[0] for r in t.rows()] == ["E_inf", "E_0", "E_1"]
    assert len(SphericalSpinGlass(3).energy_thresholds(0)) == 0
