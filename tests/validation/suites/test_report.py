"""The report's summary table: parameters that tell an experiment's runs apart are never cut off,
and the power column reads the records' controls."""

from __future__ import annotations

import json

from validation.suites import report


def test_the_parameters_that_vary_lead_so_a_cut_keeps_them():
    params = json.dumps({"L": 8, "N": 200, "activation": "tanh", "alpha": 0.01, "networks": 2,
                         "sigma_b": 0.05, "sigma_w": 1.05, "weights": "orthogonal"})
    assert "weights" not in report._short_params(params)             # the old cut, at 70 characters
    assert report._short_params(params, first={"L", "weights"}).startswith("L=8, weights=orthogonal, ")


def test_power_is_the_fraction_of_controls_rejected():
    controls = [{"control": "law × 0.9", "rejected": True}, {"control": "law × 1.1", "rejected": False}]
    assert report._power(json.dumps({"controls": controls})) == "1/2"
    assert report._power(json.dumps({"ks_statistic": 0.1})) == "—"
    assert report._power(None) == "—"
