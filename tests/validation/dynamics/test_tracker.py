"""The training-time tracker: its products against the curvature operators, its λ_max within its
stated error of the exact spectrum along a real training, Adam's preconditioned sharpness against
the matrix built by hand, the estimators it reports against exact values, and its records."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from rmtheory.params import ParameterError
from validation.curvature import exact_hessian, hessian
from validation.dynamics import CurvatureTracker, DifferenceHessian, LiveHessian
from validation.models import mlp
from validation.train import TrainConfig, train


def _setup(seed=0, n=80, d=5, width=12, classes=3):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, dtype=torch.float64, generator=g)
    y = torch.randint(0, classes, (n,), generator=g)
    return mlp(d, width, 1, classes, "tanh", seed=seed), torch.nn.CrossEntropyLoss(), X, y


def _exact_eigs(model, loss_fn, X, y):
    return torch.linalg.eigvalsh(exact_hessian(model, loss_fn, (X, y))).numpy()


def test_live_products_equal_the_curvature_operators():
    model, loss_fn, X, y = _setup()
    params = [p for p in model.parameters()]
    op = LiveHessian(loss_fn(model(X), y), params)
    ref = hessian(model, loss_fn, (X, y))
    V = torch.randn(op.shape[0], 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(op.matmat(V), ref.matmat(V), rtol=1e-10, atol=1e-12)
    assert torch.allclose(op.gradient, ref.gradient(), rtol=1e-12, atol=1e-14)


def test_difference_products_are_close_and_restore_the_parameters_bit_for_bit():
    model, loss_fn, X, y = _setup()
    params = [p for p in model.parameters()]
    before = [p.detach().clone() for p in params]
    grads = torch.autograd.grad(loss_fn(model(X), y), params)
    op = DifferenceHessian(lambda: loss_fn(model(X), y), params, grads)
    V = torch.randn(op.shape[0], 2, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    exact = hessian(model, loss_fn, (X, y)).matmat(V)
    err = torch.linalg.vector_norm(op.matmat(V) - exact) / torch.linalg.vector_norm(exact)
    assert err < 1e-6            # √u for float64 is 1.5e-8; the truncation term is the larger
    assert all(torch.equal(a, b.detach()) for a, b in zip(before, params))


def test_tracked_lambda_max_is_within_its_stated_error_along_a_training():
    """At every measurement of a real full-batch training the reported λ_max lies within its Ritz
    residual of an eigenvalue of the exact Hessian, never above λ_max, and once tracking has
    converged within 1e-3 of λ_max itself."""
    model, loss_fn, X, y = _setup(n=60)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    tracker = CurvatureTracker(model, loss_fn, (X, y), every=5, optimizer=opt)
    for step in range(60):
        opt.zero_grad()
        tracker.backward(loss_fn(model(X), y), step)
        if step % 5 == 0:
            row = tracker.records[-1]
            eigs = _exact_eigs(model, loss_fn, X, y)
            lam, err = row["lambda_max"], row["lambda_max_error"]
            assert np.min(np.abs(eigs - lam)) <= err + 1e-7 * abs(lam), (step, lam, err)
            assert lam <= eigs[-1] + 1e-7 * abs(eigs[-1])
        opt.step()
    assert not any(r["lambda_max_verified"] for r in tracker.records)   # no run to tol was asked for
    late = tracker.records[-3:]
    eigs = _exact_eigs(model, loss_fn, X, y)
    assert all(r["lambda_max_products"] <= 2 for r in late)            # tracking: at most two products
    assert abs(late[-1]["lambda_max"] - eigs[-1]) / eigs[-1] < 5e-2    # a step behind the last update


def test_tracking_converges_on_a_fixed_model():
    model, loss_fn, X, y = _setup(seed=3)
    tracker = CurvatureTracker(model, loss_fn, (X, y), every=1)
    for step in range(25):
        row = tracker.measure(step)
    top = _exact_eigs(model, loss_fn, X, y)[-1]
    assert abs(row["lambda_max"] - top) <= 1e-3 * top
    assert row["lambda_max_products"] == 1 and not row["exact_products"]


def test_adam_preconditioned_sharpness_matches_the_matrix_built_by_hand():
    """λ_max(P⁻¹H) with P = diag(√v̂ + ε) from Adam's own state (Cohen et al. 2022)."""
    model, loss_fn, X, y = _setup(seed=4, n=50, width=8)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, betas=(0.9, 0.99))
    tracker = CurvatureTracker(model, loss_fn, (X, y), every=1, optimizer=opt, verify_every=1)
    for step in range(6):
        opt.zero_grad()
        tracker.backward(loss_fn(model(X), y), step)
        if step == 5:
            H = exact_hessian(model, loss_fn, (X, y))
            v = torch.cat([opt.state[p]["exp_avg_sq"].reshape(-1) for p in model.parameters()])
            t = float(opt.state[next(iter(model.parameters()))]["step"])
            P = v / (1 - 0.99 ** t)
            P = P.sqrt() + 1e-8
            # P⁻¹H is similar to P^{-1/2} H P^{-1/2}: its eigenvalues, from the non-symmetric product
            expected = float(np.max(np.linalg.eigvals((H / P[:, None]).numpy()).real))
            row = tracker.records[-1]
            assert abs(row["preconditioned_sharpness"] - expected) <= 1e-6 * expected
        opt.step()
    assert math.isnan(tracker.series("preconditioned_sharpness")[0])   # no Adam state before its first step


def test_spectral_estimates_against_exact_values():
    model, loss_fn, X, y = _setup(seed=5, n=100, width=10)
    tracker = CurvatureTracker(model, loss_fn, (X, y), every=1, top_k=4, top_k_every=1, trace_every=1,
                               trace_products=60, spectrum_every=1, slq_steps=30, slq_probes=8)
    row = tracker.measure(0)
    eigs = _exact_eigs(model, loss_fn, X, y)
    assert np.all(np.abs(np.array(row["top_eigenvalues"]) - eigs[::-1][:4]) <= np.array(row["top_eigenvalue_errors"]))
    assert abs(row["trace"] - eigs.sum()) <= 4 * row["trace_error"] + 1e-8
    assert 0 <= row["ga_4"] <= 1
    pr = eigs.sum() ** 2 / np.sum(eigs ** 2)
    assert abs(row["participation_ratio"] - pr) <= 0.3 * pr       # SLQ's second moment with 8 probes
    assert row["lambda_max_verified"]


def test_backward_gives_the_optimizer_the_same_gradient():
    model, loss_fn, X, y = _setup(seed=6)
    twin, _, _, _ = _setup(seed=6)
    tracker = CurvatureTracker(model, loss_fn, (X, y), every=1)
    tracker.backward(loss_fn(model(X), y), 0)                    # exact graph (first measurement)
    loss_fn(twin(X), y).backward()
    for a, b in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(a.grad, b.grad, rtol=1e-12, atol=1e-15)
    for p in model.parameters():
        p.grad = None
    tracker.backward(loss_fn(model(X), y), 1)                    # difference products (tracking)
    for a, b in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(a.grad, b.grad, rtol=1e-12, atol=1e-15)


def test_train_with_tracker_scheduler_and_stop(tmp_path):
    from validation.dynamics import CurvatureLR

    model, loss_fn, X, y = _setup(seed=7)
    tracker = CurvatureTracker(model, loss_fn, (X, y), every=10)
    res = train(model, (X, y), TrainConfig(optimizer="sgd", momentum=0.0, lr=1e-3, steps=35),
                tracker=tracker, scheduler=lambda opt: CurvatureLR(opt, tracker, c=1.0),
                stop=lambda step: "enough" if step >= 30 else None)
    assert res.status == "stopped" and res.steps == 30 and res.message == "enough"
    assert [r["step"] for r in tracker.records] == [0, 10, 20, 30]
    # a row's lr is the rate in use up to it: 1/λ_max of the measurement before (c = 1)
    for before, row in zip(tracker.records, tracker.records[1:]):
        assert abs(row["lr"] * before["lambda_max"] - 1.0) < 1e-12
    path = tracker.to_parquet(tmp_path / "track" / "records.parquet")
    back = pd.read_parquet(path)
    assert list(back["step"]) == [0, 10, 20, 30]
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


def test_minibatch_training_measures_on_its_own_graph():
    model, loss_fn, X, y = _setup(seed=8)
    tracker = CurvatureTracker(model, loss_fn, (X, y), every=5, shared_graph=False)
    train(model, (X, y), TrainConfig(lr=0.05, steps=10, batch_size=16), tracker=tracker)
    assert [r["step"] for r in tracker.records] == [0, 5, 10]
    assert tracker.records[-1]["train_accuracy"] is not None
    row = tracker.records[-1]
    eigs = _exact_eigs(model, loss_fn, X, y)
    assert np.min(np.abs(eigs - row["lambda_max"])) <= row["lambda_max_error"] + 1e-7


@pytest.mark.parametrize("name, value", [("every", 0), ("tol", 1.5), ("track_tol", 0), ("products", "fast"),
                                         ("trace_products", 2)])
def test_bad_settings_name_the_parameter(name, value):
    model, loss_fn, X, y = _setup()
    with pytest.raises(ParameterError, match=name):
        CurvatureTracker(model, loss_fn, (X, y), **{name: value})


def test_progress_bar_counts_steps_and_closes(capsys):
    model, loss_fn, X, y = _setup(seed=9)
    tracker = CurvatureTracker(model, loss_fn, (X, y), every=2, progress=4)
    for step in range(4):
        model.zero_grad()
        tracker.backward(loss_fn(model(X), y), step)
    assert tracker._bar.n == 4
    tracker.close()
    assert tracker._bar is None


def test_an_interrupted_parquet_write_keeps_the_old_file(tmp_path, monkeypatch):
    model, loss_fn, X, y = _setup(seed=10)
    tracker = CurvatureTracker(model, loss_fn, (X, y))
    tracker.measure(0)
    path = tracker.to_parquet(tmp_path / "r.parquet")
    tracker.measure(1)

    def broken(self, target, **kw):
        open(target, "wb").write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(KeyboardInterrupt):
        tracker.to_parquet(path)
    monkeypatch.undo()
    assert list(pd.read_parquet(path)["step"]) == [0]
    assert [p.name for p in tmp_path.iterdir()] == ["r.parquet"]
