"""Exact curvature matrices of small models, built in column blocks of the operator.

``exact_matrix(op)`` multiplies the operator by blocks of identity columns (``block`` at a time:
memory ``dim × block`` per product) and symmetrizes ``(M + Mᵀ)/2`` (the products are exact up to
rounding, so the antisymmetric part is rounding noise; its size is reported). ``exact_hessian``
does this for the Hessian operator of a model. The cost is ``dim`` products: meant for models up to a
few thousand parameters (the fixture's small MLP, 3,466 parameters, takes seconds).

Example:

>>> import torch
>>> from validation.curvature import exact_hessian
>>> X = torch.randn(20, 3, dtype=torch.float64); y = torch.randn(20, 1, dtype=torch.float64)
>>> H = exact_hessian(torch.nn.Linear(3, 1).double(), torch.nn.MSELoss(), (X, y))
>>> H.shape
torch.Size([4, 4])
"""

from __future__ import annotations

import torch

from validation.curvature._linalg import as_matmat, check_int

__all__ = ["exact_matrix", "exact_hessian"]


def exact_matrix(op, block: int = 256, return_asymmetry: bool = False):
    """The dense symmetric matrix of ``op`` (float64, on the operator's device)."""
    matmat64, dim, device = as_matmat(op)
    block = check_int("block", block, 1)
    M = torch.empty(dim, dim, dtype=torch.float64, device=device)
    for s in range(0, dim, block):
        e = min(dim, s + block)
        E = torch.zeros(dim, e - s, dtype=torch.float64, device=device)
        E[torch.arange(s, e, device=device), torch.arange(e - s, device=device)] = 1.0
        M[:, s:e] = matmat64(E)
    asym = float(torch.linalg.matrix_norm(M - M.T) / max(float(torch.linalg.matrix_norm(M)), 1e-300))
    M = 0.5 * (M + M.T)
    return (M, asym) if return_asymmetry else M


def exact_hessian(model, loss_fn, data, dtype=None, block: int = 256) -> torch.Tensor:
    """The full Hessian of the full-dataset loss (float64 tensor, dim × dim), built in blocks of
    ``block`` columns from the Hessian operator (:func:`validation.curvature.hessian`)."""
    from validation.curvature.operators import hessian

    return exact_matrix(hessian(model, loss_fn, data, dtype=dtype), block=block)
