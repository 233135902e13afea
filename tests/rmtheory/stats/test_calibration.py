"""Calibrated thresholds: right size, real power, and the Tracy-Widom scale at the edge."""

import math

import numpy as np
import pytest
from scipy import stats as st

import rmtheory as rmt
from rmtheory.params import ParameterError
from rmtheory.stats import calibration as cal_mod
from rmtheory.stats.calibration import calibrate, control_outcomes, power


def test_calibrated_threshold_has_its_stated_size():
    # fresh matrices of the model (seeds disjoint from the calibration's) are rejected at the level,
    # within a 99.9 % binomial band over 600 trials
    law = rmt.MarchenkoPastur(0.5)
    cal = calibrate(law, 150, "ks", level=0.05, draws=1000, rng=0)
    trials = 600
    rejected = sum(cal.rejects(cal.statistic_of(law.sample(150, rng=10**6 + s))) for s in range(trials))
    low, high = st.binom.ppf([0.0005, 0.9995], trials, 0.05)
    assert low <= rejected <= high


def test_eigenvalues_are_far_more_rigid_than_iid_draws():
    # the calibrated 1 % KS threshold of a Wishart spectrum is a small fraction of the iid one
    law = rmt.MarchenkoPastur(0.5)
    cal = calibrate(law, 200, "ks", level=0.01, draws=500, rng=0)
    iid = st.kstwo.isf(0.01, 200)
    assert cal.threshold < 0.3 * iid
    assert cal.threshold_interval[0] <= cal.threshold <= cal.threshold_interval[1]


def test_calibrated_check_rejects_a_ten_percent_wrong_ratio_where_the_iid_test_cannot():
    true, wrong = rmt.MarchenkoPastur(0.5), rmt.MarchenkoPastur(0.55)
    assert power(true, wrong, 200, "ks", level=0.01, draws=500, trials=40, rng=0) >= 0.95
    # the iid Kolmogorov p-value at the same level almost never sees it
    iid_rejections = sum(rmt.stats.ks_test(true.sample(200, rng=s), wrong).rejects(0.01) for s in range(40))
    assert iid_rejections <= 4


def test_power_is_the_level_against_the_true_law_itself():
    law = rmt.Semicircle(1.0)
    p = power(law, law, 100, "ks", level=0.05, draws=400, trials=300, rng=3)
    low, high = st.binom.ppf([0.0005, 0.9995], 300, 0.05) / 300
    assert low <= p <= high


def test_top_eigenvalue_band_sits_on_the_tracy_widom_scale():
    # GOE-normalized semicircle of variance 1 (edge 2): λ_max ≈ 2 + n^{-2/3} TW₁ (Tracy & Widom 1996);
    # the bootstrap band's centre and width are those of TW₁ at n = 200, within the Monte-Carlo and
    # finite-n error (TW₁ mean −1.2065, sd 1.2680; the Monte-Carlo standard error of the mean of 800
    # draws is 0.045 of the scale, so 0.2 allows it and a finite-n shift, and is 6× smaller than
    # the distance to the n → ∞ edge)
    n = 200
    cal = calibrate(rmt.Semicircle(1.0), n, "top", level=0.05, draws=800, rng=0)
    scale = n ** (-2.0 / 3.0)
    assert np.mean(cal.null) == pytest.approx(2.0 - 1.2065 * scale, abs=0.2 * scale)
    assert np.std(cal.null) == pytest.approx(1.2680 * scale, rel=0.1)
    tw = rmt.TracyWidom(1)
    expected = 2.0 + scale * np.asarray(tw.ppf([0.025, 0.975]))
    assert cal.band == pytest.approx(tuple(expected), abs=0.3 * scale)
    # the n → ∞ edge itself lies outside the band: judging λ_max against it would be wrong
    assert cal.rejects(2.0 + 2.5 * scale) and not cal.rejects(2.0 - 1.2 * scale)


def test_control_outcomes_name_which_wrong_predictions_the_data_reject():
    law = rmt.MarchenkoPastur(0.5)
    measured = law.sample(200, rng=11)
    outcomes = control_outcomes(measured, {"prediction": law, "ratio +10%": rmt.MarchenkoPastur(0.55),
                                           "ratio -10%": rmt.MarchenkoPastur(0.45),
                                           "variance +5%": rmt.MarchenkoPastur(0.5, 1.05)},
                                level=0.01, draws=500, rng=0)
    verdicts = {o.name: o.rejected for o in outcomes}
    assert verdicts == {"prediction": False, "ratio +10%": True, "ratio -10%": True, "variance +5%": True}
    for o in outcomes:
        assert o.rejected == (o.value > o.threshold)


def test_p_value_is_monte_carlo_exact_and_monotone():
    cal = calibrate(rmt.MarchenkoPastur(0.3), 60, "ks", level=0.05, draws=200, rng=0)
    assert cal.p_value(0.0) == 1.0
    assert cal.p_value(1.0) == pytest.approx(1 / 201)
    values = np.linspace(0, 0.2, 50)
    p = [cal.p_value(v) for v in values]
    assert all(a >= b for a, b in zip(p, p[1:]))
    assert cal.rejects(math.nan)


def test_calibrations_are_cached_by_their_parameters():
    cal_mod.clear_cache()
    law = rmt.MarchenkoPastur(0.4)
    first = calibrate(law, 50, "ks", level=0.05, draws=100, rng=5)
    second = calibrate(rmt.MarchenkoPastur(0.4), 50, "ks", level=0.05, draws=100, rng=5)
    assert second.null is first.null
    assert calibrate(law, 50, "ks", level=0.05, draws=100, rng=6).null is not first.null


def test_a_custom_sampler_reproduces_the_runs_shapes():
    # a P×P Gram of P samples in d dimensions, P = 80 ≠ the law's own n: the sampler states the shape
    law = rmt.MarchenkoPastur(80 / 120)

    def gram(n, rng):
        x = rng.standard_normal((n, 120))
        return np.linalg.eigvalsh(x @ x.T / 120)

    cal = calibrate(law, 80, "ks", level=0.05, draws=200, rng=0, sampler=gram, sampler_key=("gram", 80, 120))
    assert "sampler" in cal.method and cal.summary()["draws"] == 200


@pytest.mark.parametrize("kwargs, name", [
    ({"n": 1}, "n"), ({"level": 0.0}, "level"), ({"level": 0.7}, "level"), ({"draws": 5}, "draws"),
    ({"statistic": "median"}, "statistic"), ({"level": 0.01, "draws": 100}, "draws"),
])
def test_bad_parameters_are_refused_by_name(kwargs, name):
    args = {"n": 50, "statistic": "ks", "level": 0.05, "draws": 200}
    args.update(kwargs)
    with pytest.raises(ParameterError, match=name):
        calibrate(rmt.MarchenkoPastur(0.5), args.pop("n"), args.pop("statistic"), **args)
