"""CurvatureLR: the rates it sets, and the stability theory behind η = c/λ_max on a quadratic."""

import math

import numpy as np
import pytest
import torch

from rmtheory.params import ParameterError
from validation.dynamics import CurvatureLR, CurvatureTracker


class _Quadratic(torch.nn.Module):
    """f(θ) = ½ θᵀ A θ, as a model whose "output" is the loss itself."""

    def __init__(self, eigs, seed=0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        Q = torch.linalg.qr(torch.randn(len(eigs), len(eigs), dtype=torch.float64, generator=g))[0]
        self.register_buffer("A", Q @ torch.diag(torch.as_tensor(eigs, dtype=torch.float64)) @ Q.T)
        self.theta = torch.nn.Parameter(torch.randn(len(eigs), dtype=torch.float64, generator=g))

    def forward(self, x):
        return 0.5 * self.theta @ self.A @ self.theta + 0 * x.sum()


def _loss(out, _target):
    return out


def _run(c, rule="inverse", steps=60, eigs=(10.0, 3.0, 1.0, 0.5), lr=1e-3):
    model = _Quadratic(eigs)
    X, y = torch.zeros(1, 1, dtype=torch.float64), torch.zeros(1)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    tracker = CurvatureTracker(model, _loss, (X, y), every=1, tol=1e-10)
    sched = CurvatureLR(opt, tracker, rule=rule, c=c)
    losses = []
    for step in range(steps):
        opt.zero_grad()
        loss = _loss(model(X), y)
        losses.append(float(loss.detach()))
        tracker.backward(loss, step)
        opt.step()
        sched.step()
    return np.array(losses), tracker, opt


@pytest.mark.parametrize("c", [0.5, 1.0, 1.9])
def test_c_below_two_is_stable_on_a_quadratic(c):
    """η λ_max = c < 2: every mode contracts by |1 − η λ_i| < 1, so the loss never rises."""
    losses, tracker, opt = _run(c)
    assert np.all(np.diff(losses) <= 1e-12) and losses[-1] < 0.05 * losses[0]
    assert abs(opt.param_groups[0]["lr"] * 10.0 - c) < 1e-6


def test_c_above_two_diverges_on_a_quadratic():
    losses, _, _ = _run(2.2, steps=40)
    assert losses[-1] > 10 * losses[0]         # the top mode grows by |1 − 2.2| = 1.2 a step


def test_inverse_sqrt_starts_at_the_initial_rate_and_scales_with_the_root():
    _, tracker, opt = _run(None, rule="inverse_sqrt", steps=2, lr=0.02)
    lam0, lam = tracker.records[0]["lambda_max"], tracker.records[-1]["lambda_max"]
    assert abs(lam - 10.0) < 1e-6
    # c fixed so that η₀ = 0.02 at λ₀; then η = η₀ √(λ₀/λ)
    assert abs(opt.param_groups[0]["lr"] - 0.02 * math.sqrt(lam0 / lam)) < 1e-15
    sched = CurvatureLR(opt, tracker, rule="inverse_sqrt", c=0.3)
    tracker.records.append({"lambda_max": 4.0})
    sched.step()
    assert abs(opt.param_groups[0]["lr"] - 0.3 / math.sqrt(4.0)) < 1e-12


def test_clipping_and_a_non_positive_curvature_keep_the_rate():
    model = torch.nn.Linear(2, 1).double()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    tracker = CurvatureTracker(model, torch.nn.MSELoss(), (torch.zeros(3, 2, dtype=torch.float64),
                                                           torch.zeros(3, 1, dtype=torch.float64)))
    sched = CurvatureLR(opt, tracker, c=1.0, max_lr=0.5)
    tracker.records.append({"lambda_max": 0.1})
    sched.step()
    assert opt.param_groups[0]["lr"] == 0.5
    tracker.records.append({"lambda_max": -1.0})
    sched.step()
    assert opt.param_groups[0]["lr"] == 0.5


@pytest.mark.parametrize("kw, name", [({"rule": "linear"}, "rule"), ({"c": 0.0}, "c"),
                                      ({"min_lr": 1.0, "max_lr": 0.5}, "max_lr")])
def test_bad_settings_name_the_parameter(kw, name):
    model = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    tracker = CurvatureTracker(model, torch.nn.MSELoss(), (torch.zeros(3, 2), torch.zeros(3, 1)))
    with pytest.raises(ParameterError, match=name):
        CurvatureLR(opt, tracker, **kw)
