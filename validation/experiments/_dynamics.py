"""Shared pieces of the training-dynamics experiments (edge of stability, curvature-aware step sizes,
geometry): a train/test split by name, a model by name, the loss targets, and the stability
thresholds of each optimizer.

Thresholds (the largest sharpness at which the optimizer's linearized dynamics on a quadratic is
stable; Cohen et al. 2021, ICLR, §2 and App. for heavy-ball; Cohen et al. 2022, "Adaptive gradient
methods at the edge of stability", §3 for Adam's preconditioned sharpness λ_max(P⁻¹H)):

* gradient descent: 2/η;
* heavy-ball momentum β (PyTorch's v ← βv + g, θ ← θ − ηv): (2 + 2β)/η;
* Adam with β₁ (frozen preconditioner): (2 + 2β₁)/((1 − β₁)η), on the preconditioned sharpness.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["split", "build_model", "targets", "stability_threshold", "optimizer_config", "network_params",
           "OPTIMIZERS", "MODELS"]

OPTIMIZERS = ("gd", "momentum", "adam")
MODELS = ("mlp", "cnn")


def network_params(width: int) -> dict:
    """The declared parameters every dynamics experiment shares: the data set and the network
    (``width`` is the default hidden width, or the CNN's channels)."""
    from rmtheory.params import Integer, OneOf
    from validation.experiments.base import ACTIVATION, Param

    return {"dataset": Param("digits", OneOf(("digits", "fashion_mnist")), "dataset"),
            "model": Param("mlp", OneOf(MODELS), "mlp or the small cnn"),
            "width": Param(width, Integer(1, None), "hidden width (cnn: channels)"),
            "depth": Param(2, Integer(1, 20), "hidden layers (mlp)"),
            "activation": Param("tanh", ACTIVATION, "activation")}


def split(dataset: str, n: int, n_test: int, seed: int):
    """(train, test) Datasets: ``n + n_test`` class-stratified samples of ``dataset`` (digits,
    fashion_mnist at 7 × 7), shuffled with ``seed`` and cut in two."""
    from validation.data.dataset import Dataset
    from validation.experiments._training import load_dataset

    data = load_dataset(dataset, n + n_test, seed)
    order = np.random.default_rng(seed).permutation(data.num_samples)
    a, b = order[:n], order[n:]
    make = lambda idx: Dataset(data.X[idx], data.y[idx], data.name, data.num_classes, dict(data.info))  # noqa: E731
    return make(a), make(b)


def build_model(kind: str, data, width: int, depth: int, activation: str, seed: int, device="cpu"):
    """``"mlp"``: :func:`validation.models.mlp` (depth hidden layers of ``width``); ``"cnn"``: the
    small CNN of :func:`validation.models.cnn` with ``width`` channels, on the inputs reshaped to
    square single-channel images."""
    import torch

    from validation.models import cnn, mlp

    if kind == "mlp":
        return mlp(data.dim, width, depth, data.num_classes, activation, seed=seed).to(device)
    side = math.isqrt(data.dim)
    if side * side != data.dim:
        raise ValueError(f"model = 'cnn' needs square images; the inputs have {data.dim} features")
    return torch.nn.Sequential(torch.nn.Unflatten(1, (1, side, side)),
                               cnn(1, data.num_classes, width, activation, seed=seed)).to(device)


def targets(data, loss: str, device="cpu"):
    """(X, y) tensors; for the MSE loss the labels become one-hot rows (Cohen et al.'s MSE setting)."""
    import torch

    X, y = data.tensors(device=device)
    if loss == "mse":
        y = torch.nn.functional.one_hot(y, data.num_classes).to(X.dtype)
    return X, y


def stability_threshold(optimizer: str, lr: float, beta: float) -> float:
    """The sharpness at which the optimizer's step becomes unstable (module docstring)."""
    if optimizer == "gd":
        return 2.0 / lr
    if optimizer == "momentum":
        return (2.0 + 2.0 * beta) / lr
    return (2.0 + 2.0 * beta) / ((1.0 - beta) * lr)


def optimizer_config(optimizer: str, beta: float) -> dict:
    """TrainConfig's optimizer and momentum for a name."""
    return {"gd": {"optimizer": "sgd", "momentum": 0.0}, "momentum": {"optimizer": "sgd", "momentum": beta},
            "adam": {"optimizer": "adam", "momentum": beta}}[optimizer]
