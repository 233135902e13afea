"""Experiments where the theory is exact at small size pass; every experiment declares its
parameters; records are tidy."""

import numpy as np
import pytest

from validation.experiments import REGISTRY, Task, execute
from validation.experiments.base import Check


def _run(name, seed=0, workdir=None, **params):
    exp = REGISTRY[name]
    return execute(Task(name, exp.resolve(params), seed), workdir=workdir, threads=1)


def test_registry_numbers_and_docs():
    numbers = sorted(e.number for e in REGISTRY.values() if e.number)
    assert numbers == list(range(1, 14))
    for exp in REGISTRY.values():
        module = __import__(exp.run.__module__, fromlist=["_"])
        assert module.__doc__ and "Check" in module.__doc__ or exp.number == 0, exp.name
        assert exp.tests and exp.title


def test_check_bounds():
    assert Check("c", "s", 0.5, low=0.1).passed and not Check("c", "s", 0.05, low=0.1).passed
    assert Check("c", "s", 1.0, low=0, high=1).threshold == "in [0, 1]"
    assert not Check("c", "s", float("nan"), high=1).passed


def test_least_squares_identity_passes_mp():
    rec = _run("least_squares_mp", d=60, P=240, train_steps=3)
    assert rec.status == "pass", rec.checks
    assert rec.prediction["law"].startswith("mp(")
    rows = rec.rows()
    assert [r["check"] for r in rows] == ["bulk", "upper edge"]
    assert rows[0]["figure"] and rows[1]["figure"] is None


def test_tracy_widom_passes_and_is_seeded():
    a, b = _run("tracy_widom", p=15, n=30, samples=300), _run("tracy_widom", p=15, n=30, samples=300)
    assert a.status == "pass"
    assert a.measured == b.measured


def test_ntk_ggn_autodiff_gram_and_the_engine_agree_and_the_checks_have_power():
    rec = _run("ntk_ggn", d=120, width=120, P=60, activation="relu")
    assert rec.status in ("pass", "fail"), rec.error
    checks = {r["check"]: r for r in rec.rows()}
    # the calibrated bulk check judges the law, not the run's luck: close in KS (the O(n^-1/2) remainder
    # the law neglects, e11's docstring), every ±5 %/±10 % control rejected
    assert checks["bulk"]["value"] < 0.1
    assert rec.measured["power"] == 1.0
    assert set(checks) == {"bulk", "upper edge", "outlier 1", "measurement"}
    assert checks["measurement"]["value"] < 1e-12
    assert rec.measured["parameters"] == 120 * 121
    assert 0.3 < rec.measured["first_layer_trace_share"] < 0.7      # the block the readout-only theory missed


def test_unknown_parameter_is_refused():
    from rmtheory import ParameterError

    with pytest.raises(ParameterError, match="tracy_widom.q"):
        REGISTRY["tracy_widom"].resolve({"q": 1})


def test_missing_dataset_is_skipped_with_the_install_hint(tmp_path, monkeypatch):
    monkeypatch.setenv("RMTHEORY_FASHION_MNIST", str(tmp_path))
    rec = _run("level_spacing", dataset="fashion_mnist", n=50, steps=1)
    assert rec.status == "skipped" and "apt-get install dataset-fashion-mnist" in rec.error


def test_spacing_ratio_standard_error_by_batch_means():
    from validation.experiments.e06_level_spacing import batch_means_se

    x = np.random.default_rng(0).random(20_000)
    assert batch_means_se(x) == pytest.approx(np.sqrt(1 / 12 / 20_000), rel=0.1)
