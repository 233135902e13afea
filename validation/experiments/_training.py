"""Shared pieces of the experiments that train a network: data by name, model, train with checkpoints."""

from __future__ import annotations

from validation.train import TrainConfig, train

__all__ = ["load_dataset", "train_mlp"]


def load_dataset(name: str, n: int | None, seed: int, downsample: int = 4, path=None):
    """``"digits"`` (scikit-learn) or ``"fashion_mnist"`` (Debian package files; ``downsample``
    averages pixel blocks: 4 gives 7×7 = 49 inputs)."""
    from validation.data import digits, fashion_mnist

    if name == "digits":
        return digits(n=n, seed=seed)
    if name == "fashion_mnist":
        return fashion_mnist(path=path, n=n, downsample=downsample, seed=seed)
    raise ValueError(f"dataset = {name!r} is not one of 'digits', 'fashion_mnist'")


def train_mlp(ctx, data, width, depth, activation="tanh", *, optimizer="sgd", lr=0.1, steps=500,
              batch_size=None, loss="cross_entropy", early_step=20, sigma_w=1.0, sigma_b=0.0):
    """An MLP on ``data`` (a Dataset), trained on ``ctx.device`` with checkpoints in ``ctx.workdir``."""
    from validation.models import mlp

    X, y = data.tensors(device=ctx.device)
    d_out = data.num_classes if loss == "cross_entropy" else y.shape[1] if y.ndim > 1 else 1
    model = mlp(data.dim, width, depth, d_out, activation, sigma_w=sigma_w, sigma_b=sigma_b,
                seed=ctx.seed).to(ctx.device)
    cfg = TrainConfig(optimizer=optimizer, lr=lr, momentum=0.9, steps=steps, batch_size=batch_size,
                      loss=loss, seed=ctx.seed, early_step=min(early_step, steps))
    result = train(model, (X, y), cfg, checkpoint_dir=ctx.workdir)
    return model, (X, y), result
