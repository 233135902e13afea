"""How an experiment reaches its prediction: imported by name (a rename fails at import), and a regime
the theory does not cover (NoTheoryError) recorded as ``unavailable`` with the theory's message."""

import importlib.util
import sys
import types

import pytest

import rmtheory.predict
import validation.experiments.e04_deep_jacobian as e04
from rmtheory.params import NoTheoryError
from validation.experiments import Outcome, PredictionUnavailable, Task, execute, no_theory_is_unavailable
from validation.experiments.base import REGISTRY, Experiment


def test_no_theory_becomes_unavailable_with_the_theorys_message():
    with pytest.raises(PredictionUnavailable, match=r"^rmtheory.predict.hessian: no theory for hessian .*epsilon"):
        with no_theory_is_unavailable("rmtheory.predict.hessian"):
            rmtheory.predict.hessian(width=300, depth=2, d=100, P=1000)


def test_other_failures_of_a_prediction_stay_errors():
    from rmtheory.params import ParameterError

    with pytest.raises(ParameterError) as info:        # a bad parameter is a bug of the experiment
        with no_theory_is_unavailable("rmtheory.predict.deep_jacobian"):
            rmtheory.predict.deep_jacobian(0, "tanh")
    assert not isinstance(info.value, NoTheoryError)
    with pytest.raises(ImportError):                   # so is a broken theory module
        with no_theory_is_unavailable("x"):
            raise ImportError("cannot import name 'gone'")


def test_a_run_without_theory_is_recorded_unavailable(monkeypatch):
    # a module without source: code_revision then keys the run by its parameters alone
    module = types.ModuleType("fake_experiment_without_theory")

    def run(ctx, p):
        with no_theory_is_unavailable("rmtheory.predict.fake"):
            raise NoTheoryError("depth", 7, "depth ≤ 2 for this theory")
        return Outcome()  # pragma: no cover

    run.__module__ = module.__name__
    module.run = run
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(REGISTRY, "fake_without_theory", Experiment("fake_without_theory", 0, "fake", run, {}))
    rec = execute(Task("fake_without_theory", {}, 0))
    assert rec.status == "unavailable"
    assert rec.error == "rmtheory.predict.fake: no theory for depth = 7: needs depth ≤ 2 for this theory"
    assert rec.traceback == ""


def test_a_renamed_prediction_fails_at_import(monkeypatch):
    monkeypatch.delattr(rmtheory.predict, "deep_jacobian")
    monkeypatch.setitem(REGISTRY, "deep_jacobian", REGISTRY["deep_jacobian"])  # restored if it did register
    spec = importlib.util.spec_from_file_location("e04_without_its_prediction", e04.__file__)
    with pytest.raises(ImportError, match="deep_jacobian"):
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
