"""validation.models: the initializations the theory assumes, and the identities experiments use."""

import math

import numpy as np
import pytest
import torch

from rmtheory import ParameterError
from validation.curvature import exact_matrix, hessian
from validation.models import (
    HalfMSELoss,
    RandomFeatures,
    activation,
    cnn,
    convnet,
    logistic_regression,
    mlp,
    num_parameters,
    resnet,
)


def test_orthogonal_layers_are_scaled_orthogonal():
    net = mlp(50, 50, 3, 50, "tanh", sigma_w=1.3, weights="orthogonal", seed=0)
    for layer in net[::2]:
        W = layer.weight.detach()
        torch.testing.assert_close(W @ W.T, 1.3**2 * torch.eye(50, dtype=torch.float64))
    wide = mlp(10, 40, 1, 1, weights="orthogonal", seed=0)[0].weight.detach()   # widening layer
    torch.testing.assert_close(wide.T @ wide, 4.0 * torch.eye(10, dtype=torch.float64))


def test_gaussian_layers_have_variance_sigma2_over_fan_in():
    W = mlp(400, 400, 1, 1, sigma_w=2.0, sigma_b=0.5, seed=1)[0]
    assert float(W.weight.detach().var()) == pytest.approx(4.0 / 400, rel=0.02)
    assert float(W.bias.detach().var()) == pytest.approx(0.25, rel=0.25)


def test_centered_activation_has_gaussian_mean_zero():
    # kinked activations: a fine trapezoid rule, not Gauss-Hermite (which converges slowly at a kink)
    x = np.linspace(-12, 12, 480_001)
    gauss = np.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    for name in ("relu", "softplus", "gelu", "abs", "tanh", "selu", "leaky_relu"):
        f = activation(f"{name}_centered")
        mean = float(np.trapezoid(gauss * f(torch.as_tensor(x)).numpy(), x))
        assert abs(mean) < 1e-8, name
    with pytest.raises(ParameterError, match="activation"):
        activation("swish")


def test_random_features_readout_hessian_is_the_gram_matrix():
    """The identity experiment 2 rests on: ∇²_a L = ΦᵀΦ/(P N) for L = (1/2P) Σ (f − y)²."""
    model = RandomFeatures(6, 9, 1, "tanh", seed=2)
    X = torch.randn(30, 6, dtype=torch.float64)
    y = torch.randn(30, 1, dtype=torch.float64)
    H = exact_matrix(hessian(model, HalfMSELoss(), (X, y)))
    Phi = model.features(X)
    torch.testing.assert_close(H, Phi.T @ Phi / (30 * 9))
    assert num_parameters(model) == 9           # W is a buffer, not trained


def test_other_architectures_run():
    x = torch.randn(4, 1, 8, 8, dtype=torch.float64)
    assert cnn(1, 10, channels=4)(x).shape == (4, 10)
    for bn in (True, False):
        net = resnet(5, 8, 2, 3, batchnorm=bn)
        assert net(torch.randn(6, 5, dtype=torch.float64)).shape == (6, 3)
        assert any(isinstance(m, torch.nn.BatchNorm1d) for m in net.modules()) == bn
    assert resnet(0, 4, 1, 2, image_channels=1)(x).shape == (4, 2)
    assert logistic_regression(7, 2).weight.shape == (1, 7)
    assert logistic_regression(7, 4).weight.shape == (4, 7)


def test_convnet_parameter_count_and_shapes():
    # Count by hand: conv 1→32 (288 + 32), conv 32→64 (18,432 + 64), dense 64·7·7 → 320
    # (1,003,520 + 320), dense 320 → 10 (3,200 + 10).
    net = convnet(1, 10, dtype=torch.float32)
    assert num_parameters(net) == 288 + 32 + 18_432 + 64 + 1_003_520 + 320 + 3_200 + 10
    assert net(torch.randn(3, 1, 28, 28)).shape == (3, 10)
    small = convnet(2, 4, channels=(3,), hidden=5, image_size=9)  # 9 → 4 after one pooling
    assert small(torch.randn(2, 2, 9, 9, dtype=torch.float64)).shape == (2, 4)
    assert num_parameters(small) == 2 * 3 * 9 + 3 + 3 * 4 * 4 * 5 + 5 + 5 * 4 + 4


@pytest.mark.parametrize("kwargs, name", [({"channels": ()}, "channels"), ({"channels": (0,)}, "channels"),
                                          ({"image_size": 3, "channels": (2, 2)}, "image_size"),
                                          ({"hidden": 0}, "hidden")])
def test_convnet_rejects_bad_shapes(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        convnet(1, 10, **kwargs)
