"""The geometry suite's analysis: Spearman against scipy, the permutation p-value's calibration,
Benjamini-Hochberg by hand, and guidelines generated only for a planted association."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from validation.suites import geometry


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.floats(-10, 10, allow_nan=False)), min_size=3, max_size=30))
def test_spearman_equals_scipy_with_ties(pairs):
    x = np.array([a for a, _ in pairs], float)
    y = np.array([b for _, b in pairs], float)
    ours = geometry.spearman(x, y)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        assert np.isnan(ours)
    else:
        assert abs(ours - spearmanr(x, y).statistic) < 1e-12


def test_benjamini_hochberg_by_hand():
    p = np.array([0.01, 0.04, 0.03, 0.20])
    # sorted 0.01, 0.03, 0.04, 0.20 -> 0.04, 0.06→min(0.06, 0.0533), 0.0533, 0.20
    np.testing.assert_allclose(geometry._bh(p), [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.20])


def _records(n=24, seed=0):
    """Records of n fake geometry runs: `planted` at checkpoint 0 predicts test accuracy, `noise`
    predicts nothing."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        acc = rng.uniform(0.5, 1.0)
        metrics = {"planted": [acc + 0.02 * rng.standard_normal(), 0.0, 0.0], "noise": list(rng.standard_normal(3))}
        outcomes = {"steps_to_target": float(rng.integers(10, 400)), "final_train_loss": float(rng.uniform()),
                    "test_accuracy": acc, "generalization_gap": float(rng.uniform())}
        rows.append({"run_id": f"geometry-{i:04d}", "experiment": "geometry", "status": "pass",
                     "params": json.dumps({"dataset": "digits" if i % 2 else "fashion_mnist", "width": 16}),
                     "run_measured": json.dumps({"checkpoints": [0, 100, 200], "metrics": metrics,
                                                 "outcomes": outcomes})})
    return pd.DataFrame(rows)


def test_guidelines_name_the_planted_association_and_nothing_else(tmp_path):
    section = geometry.write_geometry(tmp_path, _records(), boot=300, perm=300)
    text = (tmp_path / "guidelines.md").read_text()
    lines = [ln for ln in text.splitlines() if ln.startswith("- ")]
    assert len(lines) == 1 and "`planted` at checkpoint 0 (step 0)" in lines[0] and "test_accuracy" in lines[0]
    assert "n = 24 trainings" in lines[0] and "within each dataset" in lines[0]
    table = pd.read_csv(tmp_path / "geometry_correlations.csv")
    # the checkpoint that coincides with the outcomes (the last) is not a predictor
    assert set(table["checkpoint"]) == {0, 1} and len(table) == 2 * 4 + 4  # planted@1 is constant
    assert any("Does geometry predict training?" in s for s in section)


def test_no_association_says_so(tmp_path):
    df = _records()
    m = df["run_measured"].map(json.loads)
    for d in m:
        d["metrics"].pop("planted")
    df["run_measured"] = m.map(json.dumps)
    geometry.write_geometry(tmp_path, df, boot=200, perm=200)
    assert "do not predict the outcomes" in (tmp_path / "guidelines.md").read_text()


def test_permutation_p_is_calibrated_under_independence():
    """Under independence the permutation p-value is uniform: about 5 % of independent pairs fall
    below 0.05 (binomial bound at 400 pairs)."""
    rng = np.random.default_rng(1)
    table = pd.DataFrame({**{f"m{i}@0": rng.standard_normal(20) for i in range(100)},
                          **{f"m{i}@1": np.zeros(20) for i in range(1)},
                          **{o: rng.standard_normal(20) for o in geometry.LOWER_IS_BETTER}})
    rows = geometry.correlations(table, boot=50, perm=200)
    frac = np.mean([r["p"] < 0.05 for r in rows])
    assert len(rows) == 400 and 0.02 <= frac <= 0.085


def test_no_geometry_runs_write_nothing(tmp_path):
    df = _records()
    df["experiment"] = "other"
    assert geometry.write_geometry(tmp_path, df) == []
    assert not (tmp_path / "guidelines.md").exists()


@pytest.mark.parametrize("status", ["fail", "error", "diverged"])
def test_only_passing_runs_are_analysed(status):
    df = _records()
    df.loc[:3, "status"] = status
    assert len(geometry.geometry_table(df)) == 20
