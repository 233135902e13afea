"""Training with checkpoints: SGD with momentum or Adam, seeded, divergence detected and recorded.

``train(model, data, config)`` runs ``config.steps`` optimizer steps on a fixed dataset (full batch
when ``batch_size`` is None, else seeded mini-batches drawn without replacement each epoch) and
returns a :class:`TrainResult` whose ``status`` is one of

* ``"converged"`` — the full-dataset loss fell below ``config.tol`` (checked every ``eval_every`` steps);
* ``"max_steps"`` — the step budget ran out first (the usual case for classification);
* ``"stopped"`` — the caller's ``stop(step)`` asked to end (e.g. a budget counted in gradients);
* ``"diverged"`` — the loss became NaN/inf or exceeded ``divergence_factor`` × its initial value;
  training stops there, the step and loss are recorded (``diverged_step``, ``diverged_loss``), and
  the parameters go back to the last checked finite state (``steps`` is that state's step; the
  final checkpoint holds it), so a divergence is a result, not a crash. That state is *not* a
  trained network (it may be the initialization itself): nothing may be measured on it as if it
  were. The experiments stop there (:func:`validation.experiments.base.stop_if_diverged`), and a
  suite records such a run with the status ``diverged`` (:mod:`validation.experiments.runs`).

Every :class:`TrainResult` that :func:`train` returns is also handed to the collectors opened by
:func:`observe` in the same thread (or asyncio context): that is how a suite's runner sees a
training that diverged inside an experiment even if the experiment did not stop on it.

Checkpoints (``checkpoint_dir`` given): ``init.pt`` before the first step, ``early.pt`` after
``config.early_step`` steps, ``final.pt`` at the end; each holds the model's ``state_dict``, the step
and the full-dataset loss. Writes are atomic (a temporary file in the same directory, flushed and
fsynced, then ``os.replace``), so a run killed at any moment leaves either the old file or the new
one, never a truncated one.

Optimizers: SGD with heavy-ball momentum (Polyak 1964; PyTorch's formulation v ← μv + g,
θ ← θ − ηv; ``momentum = 0`` is plain gradient descent) and Adam (Kingma & Ba 2015, with
β₁ = ``momentum``, β₂ = ``beta2``). A :class:`validation.dynamics.CurvatureTracker` and a learning-rate
scheduler can ride along (:func:`train`).

Example:

>>> import numpy as np, torch
>>> from validation.models import mlp, loss_function
>>> from validation.train import TrainConfig, train
>>> X, y = torch.randn(64, 3, dtype=torch.float64), torch.randn(64, 1, dtype=torch.float64)
>>> res = train(mlp(3, 8, 1, 1, seed=0), (X, y), TrainConfig(steps=50, lr=0.1, loss="mse"))
>>> res.status, res.steps, bool(res.final_loss < res.initial_loss)
('max_steps', 50, True)
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import pathlib
from dataclasses import asdict, dataclass, field

import torch

from rmtheory.params import Integer, OneOf, Real, check
from validation.models import loss_function

__all__ = ["TrainConfig", "TrainResult", "train", "observe", "atomic_save", "load_checkpoint"]


@dataclass
class TrainConfig:
    optimizer: str = "sgd"          # "sgd" (momentum) or "adam"
    lr: float = 0.05
    momentum: float = 0.9           # SGD's heavy-ball μ; Adam's β₁
    beta2: float = 0.999            # Adam's β₂
    weight_decay: float = 0.0
    steps: int = 1000
    batch_size: int | None = None   # None: full batch
    loss: str = "cross_entropy"     # "mse", "cross_entropy", "bce"
    seed: int = 0                   # mini-batch order
    early_step: int = 10            # the "early training" checkpoint
    tol: float = 0.0                # stop when the full-dataset loss < tol (0: never)
    eval_every: int = 10
    divergence_factor: float = 1e6

    def __post_init__(self):
        self.optimizer = check("optimizer", self.optimizer, OneOf(("sgd", "adam")))
        self.lr = check("lr", self.lr, Real(0, None, low_open=True))
        self.momentum = check("momentum", self.momentum, Real(0, 1, high_open=True))
        self.beta2 = check("beta2", self.beta2, Real(0, 1, high_open=True))
        self.weight_decay = check("weight_decay", self.weight_decay, Real(0, None))
        self.steps = check("steps", self.steps, Integer(0, None))
        if self.batch_size is not None:
            self.batch_size = check("batch_size", self.batch_size, Integer(1, None))
        self.loss = check("loss", self.loss, OneOf(("mse", "cross_entropy", "bce")))
        self.seed = check("seed", self.seed, Integer(0, None))
        self.early_step = check("early_step", self.early_step, Integer(0, None))
        self.tol = check("tol", self.tol, Real(0, None))
        self.eval_every = check("eval_every", self.eval_every, Integer(1, None))
        self.divergence_factor = check("divergence_factor", self.divergence_factor, Real(1, None))


@dataclass
class TrainResult:
    status: str                     # "converged", "max_steps", "stopped" or "diverged"
    steps: int                      # optimizer steps taken (diverged: the step of the restored state)
    initial_loss: float
    final_loss: float               # loss of the parameters left in the model
    history: list = field(default_factory=list)      # [(step, full-dataset loss)]
    checkpoints: dict = field(default_factory=dict)  # name -> path
    message: str = ""
    diverged_step: int | None = None     # diverged: the step whose loss was not finite / too large
    diverged_loss: float | None = None   # diverged: that loss (mini-batch or full-dataset)
    #: set by an experiment whose measurement is the divergence itself (a step-size comparison's
    #: divergence rate): the runner then does not treat this training as a failed measurement
    divergence_is_outcome: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def atomic_save(obj, path) -> pathlib.Path:
    """``torch.save`` to ``path`` atomically (:func:`validation.atomic.replace_atomic`)."""
    from validation.atomic import replace_atomic

    return replace_atomic(path, lambda tmp: torch.save(obj, tmp))


def load_checkpoint(model: torch.nn.Module, path) -> dict:
    """Load a checkpoint written by :func:`train` into ``model``; returns its metadata."""
    payload = torch.load(path, map_location=next(model.parameters()).device, weights_only=True)
    model.load_state_dict(payload["state_dict"])
    return {k: v for k, v in payload.items() if k != "state_dict"}


_OBSERVERS: contextvars.ContextVar[tuple] = contextvars.ContextVar("validation_train_observers",
                                                                  default=())


@contextlib.contextmanager
def observe():
    """Collect every :class:`TrainResult` returned by :func:`train` inside the ``with`` block (same
    thread or asyncio context), in order; nested blocks each see the trainings made inside them.

    >>> import torch
    >>> from validation.models import mlp
    >>> X, y = torch.randn(16, 2, dtype=torch.float64), torch.randn(16, 1, dtype=torch.float64)
    >>> with observe() as seen:
    ...     _ = train(mlp(2, 4, 1, 1, seed=0), (X, y), TrainConfig(steps=3, loss="mse"))
    >>> [r.status for r in seen]
    ['max_steps']
    """
    results: list = []
    token = _OBSERVERS.set(_OBSERVERS.get() + (results,))
    try:
        yield results
    finally:
        _OBSERVERS.reset(token)


def _full_loss(model, loss_fn, X, y) -> float:
    with torch.no_grad():
        return float(loss_fn(model(X), y))


def train(model: torch.nn.Module, data, config: TrainConfig | None = None, *,
          checkpoint_dir=None, tracker=None, scheduler=None, stop=None) -> TrainResult:
    """Train ``model`` in place on ``data = (X, y)`` (tensors on the model's device); see the module doc.

    ``tracker`` (a :class:`validation.dynamics.CurvatureTracker` on this model) measures every
    ``tracker.every`` steps, at the parameters before the step (``step`` = steps taken so far), and
    once more after the last step; full-batch training shares its gradient graph with it.
    ``scheduler(optimizer)`` builds a learning-rate scheduler for the optimizer this function creates
    (e.g. ``lambda opt: CurvatureLR(opt, tracker)``); its ``step()`` runs after every optimizer step.
    ``stop(step)``, checked after every step, ends the training with status ``"stopped"`` when it
    returns a reason (a budget spent, say).
    """
    result = _train(model, data, config or TrainConfig(), checkpoint_dir, tracker, scheduler, stop)
    for collector in _OBSERVERS.get():
        collector.append(result)
    return result


def _train(model, data, config: TrainConfig, checkpoint_dir, tracker=None, make_scheduler=None,
           stop=None) -> TrainResult:
    X, y = data
    loss_fn = loss_function(config.loss)
    params = [p for p in model.parameters() if p.requires_grad]
    if config.optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=config.lr, momentum=config.momentum,
                              weight_decay=config.weight_decay)
    else:
        opt = torch.optim.Adam(params, lr=config.lr, betas=(config.momentum, config.beta2),
                               weight_decay=config.weight_decay)
    if tracker is not None:
        tracker.optimizer = opt
    scheduler = None if make_scheduler is None else make_scheduler(opt)
    gen = torch.Generator().manual_seed(config.seed)
    P = X.shape[0]
    ckdir = None if checkpoint_dir is None else pathlib.Path(checkpoint_dir)
    checkpoints: dict[str, str] = {}

    def save(name, step, loss):
        if ckdir is not None:
            state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
            checkpoints[name] = str(atomic_save({"state_dict": state, "step": step, "loss": loss},
                                                ckdir / f"{name}.pt"))

    model.train()
    initial = _full_loss(model, loss_fn, X, y)
    history = [(0, initial)]
    save("init", 0, initial)
    if not math.isfinite(initial):
        return TrainResult("diverged", 0, initial, initial, history, checkpoints,
                           f"the loss at initialization is not finite ({initial})",
                           diverged_step=0, diverged_loss=initial)
    last_good = {k: v.detach().clone() for k, v in model.state_dict().items()}
    status, message, step, order, cursor, good_step = "max_steps", "", 0, None, 0, 0
    bad_step, bad_loss = None, None
    for step in range(1, config.steps + 1):
        if config.batch_size is None or config.batch_size >= P:
            xb, yb = X, y
        else:
            if order is None or cursor + config.batch_size > P:
                order, cursor = torch.randperm(P, generator=gen).to(X.device), 0
            idx = order[cursor: cursor + config.batch_size]
            cursor += config.batch_size
            xb, yb = X[idx], y[idx]
        opt.zero_grad(set_to_none=True)
        output = model(xb)
        loss = loss_fn(output, yb)
        value = float(loss.detach())
        if not math.isfinite(value) or value > config.divergence_factor * max(initial, 1e-12):
            model.load_state_dict(last_good)
            status, bad_step, bad_loss = "diverged", step, value
            message = (f"mini-batch loss {value:.4g} at step {step} (initial {initial:.4g}); "
                       f"parameters restored to the last checked finite state (step {good_step})")
            step = good_step
            break
        if tracker is not None and xb is X and tracker.shared_graph:
            tracker.backward(loss, step - 1, output)
        else:
            loss.backward()
            if tracker is not None and tracker.due(step - 1):
                tracker.measure(step - 1)
        opt.step()
        if scheduler is not None:
            scheduler.step()
        if step % config.eval_every == 0 or step == config.steps or step == config.early_step:
            full = _full_loss(model, loss_fn, X, y)
            if not math.isfinite(full) or full > config.divergence_factor * max(initial, 1e-12):
                model.load_state_dict(last_good)
                status, bad_step, bad_loss = "diverged", step, full
                message = (f"full loss {full:.4g} at step {step} (initial {initial:.4g}); parameters "
                           f"restored to the last checked finite state (step {good_step})")
                history.append((step, full))
                step = good_step
                break
            history.append((step, full))
            last_good = {k: v.detach().clone() for k, v in model.state_dict().items()}
            good_step = step
            if step == config.early_step:
                save("early", step, full)
            if config.tol > 0 and full < config.tol:
                status = "converged"
                message = f"loss {full:.4g} < tol {config.tol:g} at step {step}"
                break
        reason = None if stop is None else stop(step)
        if reason:
            status, message = "stopped", str(reason)
            if history[-1][0] != step:
                history.append((step, _full_loss(model, loss_fn, X, y)))
            break
    final = _full_loss(model, loss_fn, X, y)
    if tracker is not None and status != "diverged" and step > 0 and tracker.due(step):
        tracker.measure(step)
    if "early" not in checkpoints and ckdir is not None:
        # stopped before the early step: the early checkpoint is the last state reached
        save("early", step, final)
    save("final", step, final)
    model.eval()
    return TrainResult(status, step, initial, final, history, checkpoints, message,
                       diverged_step=bad_step, diverged_loss=bad_loss)
