"""validation.train: optimizers, seeds, checkpoints written atomically, divergence recorded."""

import math

import pytest
import torch

from rmtheory import ParameterError
from validation.models import mlp
from validation.train import TrainConfig, atomic_save, load_checkpoint, observe, train


@pytest.fixture
def problem():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(64, 3, generator=gen, dtype=torch.float64)
    y = torch.sin(X.sum(dim=1, keepdim=True))
    return X, y


def test_checkpoints_and_seeded_minibatches(problem, tmp_path):
    cfg = TrainConfig(optimizer="adam", lr=0.01, steps=60, batch_size=16, loss="mse", early_step=7, seed=4)
    a = train(mlp(3, 8, 1, 1, seed=0), problem, cfg, checkpoint_dir=tmp_path / "a")
    b = train(mlp(3, 8, 1, 1, seed=0), problem, cfg, checkpoint_dir=tmp_path / "b")
    assert a.status == "max_steps" and a.final_loss < a.initial_loss
    assert a.history == b.history                                  # same seed, same run
    assert set(a.checkpoints) == {"init", "early", "final"}
    model = mlp(3, 8, 1, 1, seed=5)
    assert load_checkpoint(model, a.checkpoints["early"])["step"] == 7
    assert load_checkpoint(model, a.checkpoints["init"])["loss"] == pytest.approx(a.initial_loss)
    assert not list((tmp_path / "a").glob(".*"))                   # no temporary leftovers


def test_convergence_is_detected(problem):
    res = train(mlp(3, 16, 1, 1, seed=0), problem,
                TrainConfig(lr=0.05, steps=5000, loss="mse", tol=0.05, eval_every=5))
    assert res.status == "converged" and res.final_loss < 0.05 and res.steps < 5000


def test_divergence_is_recorded_not_raised(problem, tmp_path):
    model = mlp(3, 8, 1, 1, seed=0)
    res = train(model, problem, TrainConfig(lr=50.0, steps=100, loss="mse"), checkpoint_dir=tmp_path)
    assert res.status == "diverged" and "restored" in res.message
    assert all(torch.isfinite(p).all() for p in model.parameters())
    assert math.isfinite(res.final_loss) and res.final_loss == pytest.approx(res.initial_loss)
    assert (tmp_path / "final.pt").exists()
    # where and how it diverged, as fields (not only in the message)
    assert res.diverged_step is not None and res.diverged_step > res.steps
    assert f"at step {res.diverged_step}" in res.message
    assert not math.isfinite(res.diverged_loss) or res.diverged_loss > 1e6 * res.initial_loss


def test_a_loss_not_finite_at_initialization_is_a_divergence_at_step_0(problem):
    X, y = problem
    res = train(mlp(3, 8, 1, 1, seed=0), (X, y * float("nan")), TrainConfig(steps=5, loss="mse"))
    assert res.status == "diverged" and res.diverged_step == 0 and math.isnan(res.diverged_loss)


def test_observe_collects_every_training_inside_it_only(problem):
    ok, bad = TrainConfig(lr=0.01, steps=3, loss="mse"), TrainConfig(lr=50.0, steps=100, loss="mse")
    train(mlp(3, 8, 1, 1, seed=0), problem, ok)                     # outside: not seen
    with observe() as outer:
        train(mlp(3, 8, 1, 1, seed=0), problem, ok)
        with observe() as inner:
            train(mlp(3, 8, 1, 1, seed=0), problem, bad)
    assert [r.status for r in outer] == ["max_steps", "diverged"]
    assert [r.status for r in inner] == ["diverged"]


def test_bad_config_names_the_parameter():
    with pytest.raises(ParameterError, match="optimizer"):
        TrainConfig(optimizer="lbfgs")
    with pytest.raises(ParameterError, match="lr"):
        TrainConfig(lr=0)


def test_atomic_save_failure_leaves_old_file(tmp_path):
    path = atomic_save({"a": 1}, tmp_path / "x.pt")

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        atomic_save({"a": Unpicklable()}, path)
    assert torch.load(path) == {"a": 1} and [p.name for p in tmp_path.iterdir()] == ["x.pt"]
