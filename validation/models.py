"""Models of the validation experiments, with the initializations the theory assumes.

* :func:`mlp` — fully connected network, ``depth`` hidden layers of ``width`` units, weights
  W_l ~ N(0, σ_w²/fan_in) (Gaussian) or σ_w × a Haar-orthogonal matrix (orthogonal), biases
  N(0, σ_b²): the mean-field initialization of Poole et al. (2016) and Schoenholz et al. (2017),
  under which Pennington, Schoenholz & Ganguli (2017, 2018) predict the Jacobian spectrum.
* :func:`cnn` — a small convolutional network (two conv layers, global average pooling, a linear
  head) for images.
* :func:`resnet` — a small residual network of fully connected or convolutional blocks
  ``x + f(x)``, with or without BatchNorm (He et al. 2016; Ioffe & Szegedy 2015).
* :class:`RandomFeatures` — y = a·f(W x/√d)/√N with W fixed (Rahimi & Recht 2007): only the readout
  trains; its Gram matrix is the object of Pennington & Worah (2017).
* :func:`logistic_regression` — a linear layer (softmax or sigmoid is in the loss).

All models are ``torch.nn.Module`` in float64 by default (spectra to 1e-12); ``seed`` makes the
initialization reproducible independently of the global torch RNG.

Example:

>>> from validation.models import mlp
>>> net = mlp(d_in=4, width=8, depth=2, d_out=3, seed=0)
>>> sum(p.numel() for p in net.parameters())   # (4+1)·8 + (8+1)·8 + (8+1)·3
139
"""

from __future__ import annotations

import math

import torch
from torch import nn

from rmtheory.params import Integer, OneOf, ParameterError, Real, check

__all__ = ["ACTIVATIONS", "activation", "mlp", "cnn", "convnet", "resnet", "RandomFeatures",
           "logistic_regression", "num_parameters", "HalfMSELoss", "loss_function"]


class _Erf(nn.Module):
    def forward(self, x):
        return torch.erf(x)


class _Abs(nn.Module):
    def forward(self, x):
        return torch.abs(x)


class _Centered(nn.Module):
    """f(x) − E f(z), z ~ N(0, q): the centring Pennington & Worah (2017) assume (E f = 0)."""

    def __init__(self, inner: nn.Module, mean: float):
        super().__init__()
        self.inner, self.mean = inner, float(mean)

    def forward(self, x):
        return self.inner(x) - self.mean


ACTIVATIONS = {
    "linear": nn.Identity, "relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "erf": _Erf,
    "sigmoid": nn.Sigmoid, "softplus": nn.Softplus, "hard_tanh": nn.Hardtanh, "abs": _Abs,
    "leaky_relu": lambda: nn.LeakyReLU(0.01), "selu": nn.SELU,
}
#: E f(z) for z ~ N(0, 1), for the centred variants "relu_centered" etc. (closed forms, or a fine
#: trapezoid rule where none is simple). The names are those of
#: rmtheory.predict.activation_moments, whose "_centered" subtracts E f at the variance where the
#: moments are taken: the same as here when that variance is 1 (random features with σ_w = σ_x = 1).
_MEANS = {"relu": 1.0 / math.sqrt(2 * math.pi), "abs": math.sqrt(2 / math.pi), "sigmoid": 0.5,
          "leaky_relu": 0.99 / math.sqrt(2 * math.pi)}


def _gaussian_mean(name: str) -> float:
    if name in _MEANS:
        return _MEANS[name]
    import numpy as np

    # A fine trapezoid rule: exact enough (error ~1e-10) across kinks such as selu's at 0, where
    # Gauss-Hermite converges only algebraically.
    x = np.linspace(-12.0, 12.0, 240_001)
    f = ACTIVATIONS[name]()
    vals = f(torch.as_tensor(x, dtype=torch.float64)).numpy()
    return float(np.trapezoid(vals * np.exp(-0.5 * x * x), x) / np.sqrt(2 * np.pi))


def activation(name: str) -> nn.Module:
    """The activation module for a name (``relu``, ``tanh``, …, or ``NAME_centered``: E f(z) = 0
    for z ~ N(0, 1))."""
    allowed = tuple(ACTIVATIONS) + tuple(f"{k}_centered" for k in ACTIVATIONS)
    name = check("activation", name, OneOf(allowed))
    if name.endswith("_centered"):
        base = name[: -len("_centered")]
        return _Centered(ACTIVATIONS[base](), _gaussian_mean(base))
    return ACTIVATIONS[name]()


def _generator(seed):
    return torch.Generator().manual_seed(check("seed", seed, Integer(0, None)))


def _orthogonal(rows: int, cols: int, gen: torch.Generator) -> torch.Tensor:
    """A Haar-distributed matrix with orthonormal rows or columns: QR of a Gaussian matrix with the
    signs of R's diagonal absorbed (Mezzadri 2007, "How to generate random matrices from the
    classical compact groups"), so the law is exactly Haar rather than QR-biased."""
    big, small = max(rows, cols), min(rows, cols)
    A = torch.randn(big, small, generator=gen, dtype=torch.float64)
    Q, R = torch.linalg.qr(A)
    Q = Q * torch.sign(torch.diagonal(R))[None, :]
    return Q if rows >= cols else Q.T


def _init_linear(layer: nn.Linear, sigma_w: float, sigma_b: float, weights: str, gen) -> None:
    fan_out, fan_in = layer.weight.shape
    with torch.no_grad():
        if weights == "gaussian":
            W = torch.randn(fan_out, fan_in, generator=gen, dtype=torch.float64) * (sigma_w / math.sqrt(fan_in))
        else:
            # σ_w × orthogonal: W Wᵀ = σ_w² I on a square layer. A widening layer (orthonormal
            # columns) is scaled by √(fan_out/fan_in) so every row has the squared norm σ_w² that a
            # Gaussian row has on average: the same pre-activation variance σ_w² |x|²/fan_in.
            W = sigma_w * math.sqrt(max(1.0, fan_out / fan_in)) * _orthogonal(fan_out, fan_in, gen)
        layer.weight.copy_(W)
        if layer.bias is not None:
            layer.bias.copy_(torch.randn(fan_out, generator=gen, dtype=torch.float64) * sigma_b)


def mlp(d_in: int, width: int, depth: int, d_out: int, activation_name: str = "tanh", *,
        sigma_w: float = 1.0, sigma_b: float = 0.0, weights: str = "gaussian", bias: bool = True,
        readout_sigma: float | None = None, seed: int = 0, dtype=torch.float64) -> nn.Sequential:
    """An MLP with ``depth`` hidden layers: Linear(d_in, width), f, …, Linear(width, d_out).

    The readout uses ``readout_sigma`` (default σ_w) with the same weight distribution.
    """
    d_in = check("d_in", d_in, Integer(1, None))
    width = check("width", width, Integer(1, None))
    depth = check("depth", depth, Integer(1, None))
    d_out = check("d_out", d_out, Integer(1, None))
    sigma_w = check("sigma_w", sigma_w, Real(0, None, low_open=True))
    sigma_b = check("sigma_b", sigma_b, Real(0, None))
    weights = check("weights", weights, OneOf(("gaussian", "orthogonal")))
    gen = _generator(seed)
    sizes = [d_in] + [width] * depth + [d_out]
    layers = []
    for i in range(len(sizes) - 1):
        lin = nn.Linear(sizes[i], sizes[i + 1], bias=bias).to(torch.float64)
        last = i == len(sizes) - 2
        _init_linear(lin, readout_sigma if (last and readout_sigma is not None) else sigma_w,
                     sigma_b, weights, gen)
        layers.append(lin)
        if not last:
            layers.append(activation(activation_name))
    return nn.Sequential(*layers).to(dtype)


def cnn(in_channels: int, num_classes: int, channels: int = 8, activation_name: str = "relu", *,
        seed: int = 0, dtype=torch.float64) -> nn.Sequential:
    """conv3×3(channels) → f → conv3×3(channels) → f → global average pool → linear(num_classes).

    Takes images (B, in_channels, H, W); PyTorch's default (Kaiming-uniform) initialization, seeded.
    """
    in_channels = check("in_channels", in_channels, Integer(1, None))
    num_classes = check("num_classes", num_classes, Integer(1, None))
    channels = check("channels", channels, Integer(1, None))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check("seed", seed, Integer(0, None)))
        net = nn.Sequential(
            nn.Conv2d(in_channels, channels, 3, padding=1), activation(activation_name),
            nn.Conv2d(channels, channels, 3, padding=1), activation(activation_name),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
    return net.to(dtype)


def convnet(in_channels: int, num_classes: int, channels: tuple = (32, 64), hidden: int = 320,
            image_size: int = 28, activation_name: str = "relu", *, seed: int = 0,
            dtype=torch.float64) -> nn.Sequential:
    """A LeNet-style classifier: [conv3×3 → f → maxpool 2×2] per entry of ``channels`` → flatten →
    linear(``hidden``) → f → linear(num_classes).

    The measurement-scale CNN: with the defaults on 28×28 Fashion-MNIST images it has 1,025,866
    parameters (the dense layer on the 64 × 7 × 7 feature map holds 98 % of them; the convolutions
    hold most of the arithmetic). PyTorch's default initialization, seeded.

    >>> from validation.models import convnet, num_parameters
    >>> num_parameters(convnet(1, 10))
    1025866
    """
    in_channels = check("in_channels", in_channels, Integer(1, None))
    num_classes = check("num_classes", num_classes, Integer(1, None))
    hidden = check("hidden", hidden, Integer(1, None))
    image_size = check("image_size", image_size, Integer(1, None))
    if not channels or any(not isinstance(c, int) or c < 1 for c in channels):
        raise ParameterError("channels", channels, "a non-empty tuple of positive integers")
    side = image_size
    for _ in channels:
        side //= 2
    if side < 1:
        raise ParameterError("image_size", image_size, f">= {2 ** len(channels)}",
                             f"{len(channels)} max-pooling stages halve it {len(channels)} times")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check("seed", seed, Integer(0, None)))
        layers, c_in = [], in_channels
        for c in channels:
            layers += [nn.Conv2d(c_in, c, 3, padding=1), activation(activation_name), nn.MaxPool2d(2)]
            c_in = c
        layers += [nn.Flatten(), nn.Linear(c_in * side * side, hidden), activation(activation_name),
                   nn.Linear(hidden, num_classes)]
        net = nn.Sequential(*layers)
    return net.to(dtype)


class _Block(nn.Module):
    """x + g(x), g = Linear/Conv → [BN] → f → Linear/Conv → [BN]."""

    def __init__(self, make, width: int, act: str, batchnorm: bool, conv: bool):
        super().__init__()
        norm = (nn.BatchNorm2d if conv else nn.BatchNorm1d) if batchnorm else None
        parts = [make()]
        if norm:
            parts.append(norm(width))
        parts += [activation(act), make()]
        if norm:
            parts.append(norm(width))
        self.body = nn.Sequential(*parts)

    def forward(self, x):
        return x + self.body(x)


def resnet(d_in: int, width: int, blocks: int, d_out: int, activation_name: str = "relu", *,
           batchnorm: bool = True, image_channels: int | None = None, seed: int = 0,
           dtype=torch.float64) -> nn.Sequential:
    """A small residual network: stem → ``blocks`` residual blocks → head.

    Fully connected by default (input vectors of size ``d_in``); with ``image_channels`` the stem and
    blocks are 3×3 convolutions with ``width`` channels and the head pools globally.
    """
    width = check("width", width, Integer(1, None))
    blocks = check("blocks", blocks, Integer(0, None))
    d_out = check("d_out", d_out, Integer(1, None))
    conv = image_channels is not None
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check("seed", seed, Integer(0, None)))
        if conv:
            make = lambda: nn.Conv2d(width, width, 3, padding=1)  # noqa: E731
            stem = nn.Conv2d(check("image_channels", image_channels, Integer(1, None)), width, 3, padding=1)
            head = [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, d_out)]
        else:
            make = lambda: nn.Linear(width, width)  # noqa: E731
            stem = nn.Linear(check("d_in", d_in, Integer(1, None)), width)
            head = [nn.Linear(width, d_out)]
        layers = [stem, activation(activation_name)]
        layers += [_Block(make, width, activation_name, batchnorm, conv) for _ in range(blocks)]
        net = nn.Sequential(*layers, *head)
    return net.to(dtype)


class RandomFeatures(nn.Module):
    """f(x) = a · φ(W x / √d) / √N with a fixed random W (N × d, iid N(0, 1)) and a trainable readout.

    ``train_first_layer=True`` makes W a parameter too: the two-layer network in the NTK
    parametrization, whose GGN at initialization :func:`rmtheory.predict.ggn` predicts.

    ``features(X)`` returns the feature matrix Φ = φ(X Wᵀ/√d) (P × N), whose Gram matrix ΦΦᵀ/N or
    ΦᵀΦ/P is what Pennington & Worah (2017) describe.
    """

    def __init__(self, d: int, width: int, d_out: int = 1, activation_name: str = "tanh", *,
                 seed: int = 0, dtype=torch.float64, train_first_layer: bool = False):
        super().__init__()
        self.d = check("d", d, Integer(1, None))
        self.width = check("width", width, Integer(1, None))
        gen = _generator(seed)
        W = torch.randn(width, d, generator=gen, dtype=torch.float64).to(dtype)
        if train_first_layer:
            # the two-layer network in the NTK parametrization (Jacot et al. 2018): W trains too,
            # its gradients taken in the standardized weights
            self.W = nn.Parameter(W)
        else:
            self.register_buffer("W", W)
        self.act = activation(activation_name)
        self.readout = nn.Linear(width, check("d_out", d_out, Integer(1, None)), bias=False).to(dtype)
        with torch.no_grad():
            self.readout.weight.copy_(torch.randn(d_out, width, generator=gen, dtype=torch.float64))

    def features(self, X: torch.Tensor) -> torch.Tensor:
        return self.act(X @ self.W.T / math.sqrt(self.d))

    def forward(self, X):
        return self.readout(self.features(X)) / math.sqrt(self.width)


def logistic_regression(d: int, num_classes: int = 2, bias: bool = False, *, seed: int = 0,
                        init_std: float = 0.0, dtype=torch.float64) -> nn.Linear:
    """A linear layer: one logit for two classes (sigmoid/BCE loss), C logits otherwise (softmax)."""
    d = check("d", d, Integer(1, None))
    num_classes = check("num_classes", num_classes, Integer(2, None))
    out = 1 if num_classes == 2 else num_classes
    layer = nn.Linear(d, out, bias=bias).to(torch.float64)
    gen = _generator(seed)
    with torch.no_grad():
        layer.weight.copy_(torch.randn(out, d, generator=gen, dtype=torch.float64) * init_std / math.sqrt(d))
        if layer.bias is not None:
            layer.bias.zero_()
    return layer.to(dtype)


def num_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class HalfMSELoss(nn.Module):
    """L = (1/2P) Σ_i ‖f(x_i) − y_i‖²: the normalization under which the least-squares Hessian is
    exactly XᵀX/P (and the Gauss-Newton matrix JᵀJ/P)."""

    reduction = "mean"

    def forward(self, out, target):
        if target.ndim == out.ndim - 1:
            target = target[..., None]
        return 0.5 * ((out - target) ** 2).sum(dim=-1).mean()


class _BCEOneLogit(nn.Module):
    """Binary cross-entropy on one logit with 0/1 integer labels (mean over samples)."""

    reduction = "mean"

    def forward(self, out, target):
        return nn.functional.binary_cross_entropy_with_logits(out.reshape(-1), target.to(out.dtype))


def loss_function(name: str) -> nn.Module:
    """``"mse"`` (:class:`HalfMSELoss`), ``"cross_entropy"`` (softmax) or ``"bce"`` (one logit)."""
    name = check("loss", name, OneOf(("mse", "cross_entropy", "bce")))
    if name == "mse":
        return HalfMSELoss()
    if name == "bce":
        return _BCEOneLogit()
    return nn.CrossEntropyLoss()
