"""The shared spectral checks with thresholds calibrated at the run's size (issue 13, items 1-2):
they pass the prediction's own model, reject a prediction 10 % off that the iid KS p-value passes,
and state their controls and power."""

from __future__ import annotations

import numpy as np
import pytest

import rmtheory as rmt
from validation.experiments import _compare

ALPHA, DRAWS = 0.05, 200   # level × draws = 10 null values beyond the threshold; a fast test


@pytest.fixture(scope="module")
def measured():
    return rmt.MarchenkoPastur(0.5).sample(200, rng=5)


def _by_name(checks):
    return {c.name: c for c in checks}


def test_the_models_own_matrix_passes_and_the_controls_are_rejected(measured):
    law = rmt.MarchenkoPastur(0.5)
    checks, _, info = _compare.spectral_checks(measured, None, ALPHA, law=law, draws=DRAWS)
    checks = _by_name(checks)
    assert checks["bulk"].passed and checks["upper edge"].passed
    assert checks["bulk"].high < 0.05 < 1.36 / np.sqrt(200)          # calibrated ≪ the iid 5 % threshold
    assert info["calibration"]["ks"]["draws"] == DRAWS
    assert "parametric bootstrap" in info["calibration"]["ks"]["method"]
    assert [c["control"] for c in info["controls"]] == [f"law × {s:g}" for s in _compare.CONTROL_SCALES]
    assert info["power"] == 1.0                                      # ±5 % and ±10 % all resolved at n = 200


def test_a_prediction_ten_percent_off_fails_where_the_iid_p_value_passes(measured):
    wrong = rmt.AffineImage(rmt.MarchenkoPastur(0.5), 1.1)
    checks, _, info = _compare.spectral_checks(measured, None, ALPHA, law=wrong, draws=DRAWS)
    assert not _by_name(checks)["bulk"].passed
    assert info["ks_iid_pvalue"] > ALPHA          # the uncalibrated test would have passed it
    old, _, _ = _compare.spectral_checks(measured, None, ALPHA, law=wrong, calibrated=False)
    assert _by_name(old)["bulk"].passed


def test_pooled_matrices_are_calibrated_as_pooled():
    law = rmt.MarchenkoPastur(0.5)
    rng = np.random.default_rng(3)
    lam = np.concatenate([law.sample(100, rng=rng) for _ in range(2)])
    checks, _, info = _compare.spectral_checks(lam, None, ALPHA, n=100, law=law, matrices=2, draws=DRAWS)
    assert all(c.passed for c in checks)
    assert info["calibration"]["ks"]["n"] == 200


def test_resolved_law_compares_a_deep_product_above_the_float_floor():
    """A deep ReLU product (L = 20) puts a fifth of its continuous mass below 10⁻¹⁶ × its edge, and
    more below the KS test's default atom snapping (10⁻⁹ × the spread), which merges it with the
    kernel; above a fixed floor the model's own spectra match the law, and the resolved law is the
    law with its mass below the floor moved onto 0."""
    from rmtheory.predict.deep_product_law import GaussianProductLaw

    law = GaussianProductLaw(20, 0.5, 1.0, 2.0)
    resolved = _compare.ResolvedLaw(law, 1e-16 * law.upper_edge)
    assert resolved.atoms[0] == (0.0, pytest.approx(float(law.cdf(resolved.floor)), abs=1e-15))
    assert resolved.atoms[0][1] > 0.55                  # the kernel 0.5 and ~0.1 of continuous mass
    x = np.array([1e-3, 1.0, 50.0])
    assert np.allclose(resolved.cdf(x), law.cdf(x), atol=1e-15)
    assert list(resolved.resolve([1e-40, 1.0])) == [0.0, 1.0]
    rng = np.random.default_rng(0)
    lam = np.concatenate([law.model_sample(100, rng) for _ in range(4)])
    assert rmt.stats.ks_test(resolved.resolve(lam), resolved).statistic < 0.05
    assert rmt.stats.ks_test(lam, law).statistic > 0.1       # the snapping merges the tiny eigenvalues
