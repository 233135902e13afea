"""A diverged training is not a measurement: every experiment that trains stops at a diverged
training and its run is recorded as ``diverged`` — never pass, fail or error — with no check; the
runner also catches a divergence an experiment went past."""

import doctest
import inspect
import math
import re
import sys

import pytest

import validation.curvature
import validation.train
from validation.experiments import REGISTRY, Check, Outcome, Task, execute
from validation.experiments import base as experiments_base
from validation.experiments.base import Param
from validation.train import TrainConfig, TrainResult

#: small, fast parameters of every experiment that trains
TRAINING = {
    "least_squares_mp": dict(d=10, P=40, train_steps=5),
    "random_features_gram": dict(n0=10, n1=20, m=40, train_steps=5),
    "logistic_hessian": dict(at="trained", d=10, P=40, train_steps=5),
    "level_spacing": dict(dataset="digits", n=50, width=4, steps=5),
    "class_outliers": dict(dataset="digits", n=40, width=4, steps=5),
    "training_density": dict(dataset="digits", n=30, width=4, steps=5, early_step=2),
    "edge_of_stability": dict(n=30, width=4, steps=20, lrs=[0.5]),
    "geometry": dict(n=30, n_test=20, width=4, steps=20, checkpoints=2),
}
#: experiments whose measurement includes the divergence rate (each training's divergence is counted)
DIVERGENCE_IS_OUTCOME = {"curvature_lr": dict(n=30, n_test=20, width=4, budget=20, lrs=[0.5], cs=[1.0], seeds=1)}


def _module_source(exp) -> str:
    return inspect.getsource(sys.modules[exp.run.__module__])


def _trains(exp) -> bool:
    src = _module_source(exp)
    return "validation.train" in src or "_training" in src


def test_the_list_of_training_experiments_is_complete():
    assert {name for name, exp in REGISTRY.items() if _trains(exp)} == set(TRAINING) | set(DIVERGENCE_IS_OUTCOME)


@pytest.mark.parametrize("name", sorted({e.run.__module__ for e in REGISTRY.values()}))
def test_no_experiment_calls_train_directly(name):
    """Experiments train through _training.fit / train_mlp, which stop at a divergence."""
    src = inspect.getsource(sys.modules[name])
    assert not re.search(r"(?<![\w.])train\(", src), f"{name} calls validation.train.train directly"


def _diverged_result(config):
    return TrainResult("diverged", 3, 0.69, 0.69, history=[(0, 0.69), (3, 0.7), (4, math.inf)],
                       message="full loss inf at step 4 (initial 0.69); parameters restored to the "
                               "last checked finite state (step 3)",
                       diverged_step=4, diverged_loss=math.inf)


@pytest.mark.parametrize("name", sorted(TRAINING))
def test_a_diverged_training_is_recorded_as_diverged(name, monkeypatch, tmp_path):
    calls = []

    def fake_train(model, data, config=None, *, checkpoint_dir=None, **ride_along):
        assert isinstance(config, TrainConfig) and set(ride_along) <= {"tracker", "scheduler", "stop"}
        calls.append(config)
        return _diverged_result(config)

    def measured_after_divergence(*args, **kwargs):
        raise AssertionError("measured after a diverged training")

    monkeypatch.setattr(validation.train, "train", fake_train)
    for tool in ("hessian", "ggn", "exact_matrix", "exact_hessian", "lanczos", "slq"):
        monkeypatch.setattr(validation.curvature, tool, measured_after_divergence)
    exp = REGISTRY[name]
    rec = execute(Task(name, exp.resolve(TRAINING[name]), 0), workdir=tmp_path, threads=1)
    assert len(calls) == 1
    assert rec.status == "diverged", (rec.status, rec.error, rec.traceback)
    assert rec.checks == [] and rec.figure is None
    assert rec.measured["train_status"] == "diverged"
    assert rec.measured["train_diverged_step"] == 4 and rec.measured["train_diverged_loss"] == "inf"
    assert rec.measured["train_restored_step"] == 3
    assert re.match(r"^(training|training of the readout|training of the 1-hidden-layer MLP|"
                    r"training at η = [\d.]+|sgd training at η = [\d.]+) diverged at step 4", rec.error), rec.error
    [row] = rec.rows()
    assert row["status"] == "diverged" and row["check"] is None and row["passed"] is None


def _ignoring_experiment(monkeypatch, then):
    """Register an experiment that trains with validation.train.train directly, ignores the result
    and then does ``then`` ("pass": returns a passing check, "raise": raises)."""
    import torch

    def run(ctx, p):
        X = torch.randn(32, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
        model = torch.nn.Linear(3, 1).double()
        validation.train.train(model, (X, X.sum(dim=1, keepdim=True)),
                               TrainConfig(lr=1e3, steps=50, loss="mse"))
        if then == "raise":
            raise RuntimeError("something broke after the training")
        return Outcome([Check("at the restored weights", "anything", 0.0, high=1.0)])

    monkeypatch.setitem(REGISTRY, "ignores_divergence",
                        experiments_base.Experiment("ignores_divergence", 0, "test", run,
                                                    {"x": Param(0)}, "nothing"))


@pytest.mark.parametrize("then", ["pass", "raise"])
def test_a_divergence_the_experiment_went_past_is_still_diverged(then, monkeypatch):
    _ignoring_experiment(monkeypatch, then)
    rec = execute(Task("ignores_divergence", {"x": 0}, 0), threads=1)
    assert rec.status == "diverged" and rec.checks == []
    assert rec.measured["train_status"] == "diverged" and rec.measured["train_diverged_step"] >= 1
    assert "did not stop at the divergence" in rec.note
    assert ("ending error: RuntimeError" if then == "raise" else "ending pass") in rec.note


def test_base_docstring_examples():
    result = doctest.testmod(experiments_base, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("name", sorted(DIVERGENCE_IS_OUTCOME))
def test_a_counted_divergence_is_an_outcome_not_a_lost_run(name, monkeypatch):
    """Where the divergence rate is what is measured, every training that diverged is counted as
    diverged and nothing is measured on its restored state; the run keeps its check (here: a c/λ_max
    rule with c < 2 that diverged fails the stability check)."""
    calls = []

    def fake_train(model, data, config=None, *, checkpoint_dir=None, **ride_along):
        calls.append(config)
        return _diverged_result(config)

    monkeypatch.setattr(validation.train, "train", fake_train)
    exp = REGISTRY[name]
    rec = execute(Task(name, exp.resolve(DIVERGENCE_IS_OUTCOME[name]), 0), threads=1)
    assert len(calls) == 4                      # one setting × one seed × four methods
    assert rec.status == "fail", (rec.status, rec.error)
    summary = rec.measured["summary"]
    assert all(s["divergence_rate"] == 1.0 and s["test_accuracy"] is None for s in summary.values())
    assert all(r["final_loss"] is None and r["test_accuracy"] is None for r in rec.measured["runs"])
