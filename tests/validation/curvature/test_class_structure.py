"""validation.curvature.class_mean_gram against the matrix G_{1+2} formed from per-sample gradients."""

import numpy as np
import pytest
import torch

from rmtheory.params import ParameterError
from validation.curvature import class_mean_gram
from validation.models import mlp


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_gram_eigenvalues_are_those_of_the_class_mean_part(loss):
    torch.manual_seed(0)
    C, d = 3, 4
    model = mlp(d, 5, 1, C, seed=1)
    X = torch.randn(30, d, dtype=torch.float64)
    y = torch.tensor([0] * 12 + [1] * 10 + [2] * 8)
    result = class_mean_gram(model, X, y, loss=loss)
    params = list(model.parameters())
    deltas, weights = [], []
    for c in range(C):
        rows = (y == c).nonzero().flatten()
        for c2 in range(C):
            grads = []
            for i in rows:
                out = model(X[i:i + 1])[0]
                p = torch.softmax(out, 0).detach()
                u = torch.sqrt(p[c2]) * (torch.eye(C, dtype=X.dtype)[c2] - p) if loss == "cross_entropy" \
                    else torch.eye(C, dtype=X.dtype)[c2]
                g = torch.autograd.grad((out * u).sum(), params)
                grads.append(torch.cat([t.reshape(-1) for t in g]))
            deltas.append(torch.stack(grads).mean(0))
            weights.append(len(rows) / len(y))
    D = torch.stack(deltas).numpy()
    G12 = (D * np.array(weights)[:, None]).T @ D          # Σ π_c δ δᵀ over (c, c')
    top = np.sort(np.linalg.eigvalsh(G12))[::-1][:C * C]
    assert np.allclose(np.sort(np.linalg.eigvalsh(result.gram))[::-1], top, rtol=1e-8, atol=1e-12)
    assert result.gram.shape == (C * C, C * C) and result.classes == C


def test_a_missing_class_is_named():
    model = mlp(2, 3, 1, 3, seed=0)
    with pytest.raises(ParameterError, match="class 2"):
        class_mean_gram(model, torch.randn(4, 2, dtype=torch.float64), torch.tensor([0, 1, 0, 1]), classes=3)
