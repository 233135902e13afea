"""Shared pieces of the experiments that train a network: data by name, model, train with checkpoints.

Every experiment trains through :func:`fit` (or :func:`train_mlp`, which uses it): a training that
diverged stops the run with :class:`~validation.experiments.base.TrainingDiverged` before anything
is measured, and the run is recorded as ``diverged`` (:mod:`.base`, :mod:`.runs`). Nothing here
retries with another learning rate or measures the state :func:`validation.train.train` restored
after a divergence (the last finite one, possibly the initialization).
"""

from __future__ import annotations

import validation.train as _train
from validation.experiments.base import stop_if_diverged
from validation.train import TrainConfig

__all__ = ["load_dataset", "fit", "train_mlp"]


def load_dataset(name: str, n: int | None, seed: int, downsample: int = 4, path=None):
    """``"digits"`` (scikit-learn) or ``"fashion_mnist"`` (Debian package files; ``downsample``
    averages pixel blocks: 4 gives 7×7 = 49 inputs)."""
    from validation.data import digits, fashion_mnist

    if name == "digits":
        return digits(n=n, seed=seed)
    if name == "fashion_mnist":
        return fashion_mnist(path=path, n=n, downsample=downsample, seed=seed)
    raise ValueError(f"dataset = {name!r} is not one of 'digits', 'fashion_mnist'")


def fit(ctx, model, data, config: TrainConfig, what: str = "training", *, tracker=None, scheduler=None,
        stop=None, allow_divergence: bool = False):
    """Train ``model`` in place on ``data = (X, y)`` with ``config`` (checkpoints in ``ctx.workdir``;
    ``tracker``, ``scheduler`` and ``stop`` as in :func:`validation.train.train`) and return the
    :class:`~validation.train.TrainResult`; a diverged training raises
    :class:`~validation.experiments.base.TrainingDiverged` (the run is recorded as ``diverged``)
    unless ``allow_divergence``: an experiment whose measurement *is* the divergence rate (a step-size
    comparison) counts it instead — the restored state is still never measured as a trained network."""
    # looked up at call time: validation.train.train is the one training function (tests replace it)
    extra = {k: v for k, v in (("tracker", tracker), ("scheduler", scheduler), ("stop", stop)) if v is not None}
    result = _train.train(model, data, config, checkpoint_dir=ctx.workdir, **extra)
    if allow_divergence:
        result.divergence_is_outcome = True   # the runner's watch (validation.train.observe) skips it
        return result
    return stop_if_diverged(result, what)


def train_mlp(ctx, data, width, depth, activation="tanh", *, optimizer="sgd", lr=0.1, steps=500,
              batch_size=None, loss="cross_entropy", early_step=20, sigma_w=1.0, sigma_b=0.0):
    """An MLP on ``data`` (a Dataset), trained on ``ctx.device`` with checkpoints in ``ctx.workdir``
    by :func:`fit` (so a diverged training stops the run)."""
    from validation.models import mlp

    X, y = data.tensors(device=ctx.device)
    d_out = data.num_classes if loss == "cross_entropy" else y.shape[1] if y.ndim > 1 else 1
    model = mlp(data.dim, width, depth, d_out, activation, sigma_w=sigma_w, sigma_b=sigma_b,
                seed=ctx.seed).to(ctx.device)
    cfg = TrainConfig(optimizer=optimizer, lr=lr, momentum=0.9, steps=steps, batch_size=batch_size,
                      loss=loss, seed=ctx.seed, early_step=min(early_step, steps))
    result = fit(ctx, model, (X, y), cfg, what=f"training of the {depth}-hidden-layer MLP")
    return model, (X, y), result
