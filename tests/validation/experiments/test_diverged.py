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
}


def _module_source(exp) -> str:
    return inspect.getsource(sys.modules[exp.run.__module__])


def _trains(exp) -> bool:
    src = _module_source(exp)
    return "validation.train" in src or "_training" in src


def test_the_list_of_training_experiments_is_complete():
    assert {name for name, exp in REGISTRY.items() if _trains(exp)} == set(TRAINING)


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

    def fake_train(model, data, config=None, *, checkpoint_dir=None):
        assert isinstance(config, TrainConfig)
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
    assert rec.error.startswith(("training diverged at step 4: loss inf",
                                 "training of the readout diverged at step 4",
                                 "training of the 1-hidden-layer MLP diverged at step 4"))
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
