"""Curvature-aware step sizes as a torch learning-rate scheduler.

:class:`CurvatureLR` sets every parameter group's learning rate from the latest λ_max a
:class:`~validation.dynamics.CurvatureTracker` measured:

* ``rule="inverse"``: η_t = c / λ_max(θ_t). Gradient descent on a quadratic is stable iff η λ_max < 2
  (the classical bound; Cohen et al. 2021, "Gradient descent on neural networks typically occurs at
  the edge of stability", ICLR, §2), so c < 2 keeps every step inside it; c = 1 is the step that
  removes the top direction's error in one step.
* ``rule="inverse_sqrt"``: η_t = c / √λ_max(θ_t) — the research proposal's η ∝ 1/√λ_max, a milder
  reaction to curvature.

``c`` may be given, or (``c=None``) fixed from the first measurement so that the first step equals
the optimizer's initial learning rate (``c = η₀ λ₀`` or ``η₀ √λ₀``). The rate is clipped to
``[min_lr, max_lr]`` (``max_lr=None``: no cap); a non-positive λ_max (a saddle region) leaves it
unchanged. The scheduler listens to the tracker: a measurement sets the rate at once (the next
optimizer step uses it); ``scheduler.step()`` between measurements keeps it.

Example:

>>> import torch
>>> from validation.dynamics import CurvatureTracker, CurvatureLR
>>> model = torch.nn.Linear(3, 1).double()
>>> X = torch.eye(3, dtype=torch.float64) * torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64)
>>> y = torch.zeros(3, 1, dtype=torch.float64)
>>> loss_fn = lambda out, t: 0.5 * ((out - t) ** 2).sum()     # Hessian: diag(1, 4, 9) and the bias
>>> opt = torch.optim.SGD(model.parameters(), lr=0.01)
>>> tracker = CurvatureTracker(model, loss_fn, train=(X, y), every=1, optimizer=opt)
>>> sched = CurvatureLR(opt, tracker, rule="inverse", c=1.0)
>>> opt.zero_grad(); tracker.backward(loss_fn(model(X), y), 0)   # measures λ_max, sets η = 1/λ_max
>>> lam = tracker.records[-1]["lambda_max"]
>>> round(opt.param_groups[0]["lr"] * lam, 12)
1.0
>>> opt.step(); sched.step()                                        # no new measurement: η kept
>>> round(opt.param_groups[0]["lr"] * lam, 12)
1.0
"""

from __future__ import annotations

import math

import torch

from rmtheory.params import OneOf, ParameterError, Real, check

__all__ = ["CurvatureLR"]


class CurvatureLR(torch.optim.lr_scheduler.LRScheduler):
    """η_t = c/λ_max(θ_t) (``rule="inverse"``) or c/√λ_max(θ_t) (``"inverse_sqrt"``); see the module."""

    def __init__(self, optimizer, tracker, rule: str = "inverse", c: float | None = 1.0,
                 min_lr: float = 0.0, max_lr: float | None = None, last_epoch: int = -1):
        self.tracker = tracker
        self.rule = check("rule", rule, OneOf(("inverse", "inverse_sqrt")))
        self.c = None if c is None else check("c", c, Real(0, None, low_open=True))
        self.min_lr = check("min_lr", min_lr, Real(0, None))
        self.max_lr = math.inf if max_lr is None else check("max_lr", max_lr, Real(0, None, low_open=True))
        if self.max_lr < self.min_lr:
            raise ParameterError("max_lr", max_lr, f"a value ≥ min_lr = {min_lr}")
        self._seen = 0
        super().__init__(optimizer, last_epoch)
        # A measurement made in the training loop's backward (before the optimizer's step) sets the
        # rate at once, so the step that follows already uses the new curvature.
        tracker.listeners.append(self._on_measurement)

    def _on_measurement(self, row) -> None:
        lrs = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = list(lrs)

    def _curvature(self, lam: float) -> float:
        return lam if self.rule == "inverse" else math.sqrt(lam)

    def get_lr(self):
        current = [g["lr"] for g in self.optimizer.param_groups]
        records = getattr(self.tracker, "records", [])
        if len(records) == self._seen:
            return current                    # no new measurement: keep the rate
        self._seen = len(records)
        lam = records[-1].get("lambda_max")
        if lam is None or not math.isfinite(lam) or lam <= 0:
            return current
        if self.c is None:                   # first measurement: η₀ at λ₀
            self.c = current[0] * self._curvature(lam)
        eta = min(self.max_lr, max(self.min_lr, self.c / self._curvature(lam)))
        return [eta for _ in current]
