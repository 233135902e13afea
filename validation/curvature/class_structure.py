"""The class-mean Gram matrix of a classifier, measured from a model and a dataset in one call.

What :func:`rmtheory.predict.class_outliers` takes as ``class_mean_gram`` (and ``rmtheory predict
hessian/ggn --class-mean-gram FILE.npy``): the C² × C² matrix Γ_{(c,c'),(d,d')} = √(π_c π_d)
⟨δ_{c,c'}, δ_{d,d'}⟩ of the class means δ_{c,c'} = (1/P_c) Σ_{i∈c} g_{ic'} of the Gauss-Newton
factors g_{ic'} = J_iᵀ A_i^{1/2} e_{c'} (Papyan 2020, JMLR 21(252), §2-§3): for cross-entropy
A_i^{1/2} e_{c'} = √p_{ic'} (e_{c'} − p_i), for MSE A_i = I and g_{ic'} = ∇_θ f_{c'}(x_i). Its
nonzero eigenvalues are those of G_{1+2} = G_1 + G_2 (:mod:`rmtheory.predict.class_structure`), which
the tests check against the matrix formed from the gradients directly.

Cost: C² backward passes over the data of one class each (C passes over the dataset in all).

Example::

    >>> import torch
    >>> from validation.models import mlp
    >>> from validation.curvature import class_mean_gram
    >>> X = torch.randn(60, 5, dtype=torch.float64); y = torch.arange(60) % 3
    >>> G = class_mean_gram(mlp(5, 8, 1, 3, seed=0), X, y)
    >>> G.gram.shape
    (9, 9)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmtheory.params import Integer, OneOf, ParameterError, check

__all__ = ["ClassMeanGram", "class_mean_gram"]


@dataclass(frozen=True)
class ClassMeanGram:
    """``gram`` (C² × C², ordered (c, c') with c' fastest), the class frequencies π_c, the norms
    ‖δ_{c,c'}‖, and the loss the factors are of. ``np.save(path, result.gram)`` writes the file the
    CLI reads."""

    gram: np.ndarray
    frequencies: np.ndarray
    norms: np.ndarray
    loss: str

    @property
    def classes(self) -> int:
        return int(self.frequencies.size)


def class_mean_gram(model, X, y, classes: int | None = None, *, loss: str = "cross_entropy") -> ClassMeanGram:
    """Γ of the module docstring for ``model`` (C outputs) on inputs ``X`` and labels ``y`` (0 … C−1)."""
    import torch

    loss = check("loss", loss, OneOf(("cross_entropy", "mse")))
    y = torch.as_tensor(y)
    C = int(y.max().item()) + 1 if classes is None else check("classes", classes, Integer(2, None))
    params = [q for q in model.parameters() if q.requires_grad]
    with torch.no_grad():
        logits = model(X)
    if logits.ndim != 2 or logits.shape[1] != C:
        raise ParameterError("model", f"output shape {tuple(logits.shape)}", f"(samples, {C}): one output per class")
    missing = [c for c in range(C) if not bool((y == c).any())]
    if missing:
        raise ParameterError("y", f"no sample of class {missing[0]}", f"every class 0 … {C - 1} present")
    probs = torch.softmax(logits, dim=1)
    eye = torch.eye(C, dtype=logits.dtype, device=logits.device)
    means, weights = [], []
    for c in range(C):
        idx = (y == c).nonzero().flatten()
        out = model(X[idx])
        for c2 in range(C):
            if loss == "cross_entropy":
                pc = probs[idx]
                u = torch.sqrt(pc[:, c2:c2 + 1]) * (eye[c2] - pc)
            else:
                u = eye[c2].expand(len(idx), C)
            g = torch.autograd.grad((out * (u.detach() / len(idx))).sum(), params, retain_graph=c2 < C - 1)
            means.append(torch.cat([gi.reshape(-1) for gi in g]))
            weights.append(len(idx) / len(y))
    M = torch.stack(means)                                  # (C², n)
    w = torch.as_tensor(weights, dtype=M.dtype, device=M.device).sqrt()
    Mw = M * w[:, None]
    freq = np.array(weights[::C], dtype=float)
    return ClassMeanGram(gram=(Mw @ Mw.T).detach().cpu().numpy(), frequencies=freq,
                         norms=M.norm(dim=1).detach().cpu().numpy(), loss=loss)
