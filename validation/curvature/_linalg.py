"""Shared plumbing of the algorithms: run any operator on float64 torch blocks, and seeded probes.

The algorithms work on anything with ``shape``, ``dtype`` and ``matmat``: the operators of this
package, a :class:`~validation.curvature.MatrixOperator`, a ``scipy.sparse.linalg.LinearOperator``
or a NumPy/torch matrix. Their own arithmetic (Lanczos vectors, reorthogonalization, QR) is float64
on the operator's device, whatever the operator's dtype: the operator is only ever asked for
products, in its own dtype.
"""

from __future__ import annotations

import numpy as np
import torch

from rmtheory.params import Integer, ParameterError, check
from validation.curvature.linear_operator import MatrixOperator

__all__ = ["as_matmat", "rademacher", "gaussian", "check_int"]


def as_matmat(op):
    """Return ``(matmat64, dim, device)``: ``matmat64`` maps a float64 (dim, k) tensor on ``device``
    to the float64 product."""
    if isinstance(op, (np.ndarray, torch.Tensor)):
        op = MatrixOperator(op)
    shape = getattr(op, "shape", None)
    if shape is None or not hasattr(op, "matmat") or len(shape) != 2 or shape[0] != shape[1]:
        raise ParameterError("op", type(op).__name__,
                             "a square linear operator with shape, dtype and matmat (or a matrix)")
    dim = int(shape[0])
    if dim < 1:
        raise ParameterError("op.shape", tuple(shape), "a non-empty square operator")
    dev = getattr(op, "device", None)
    if isinstance(dev, torch.device):  # a torch operator: feed it tensors in its own dtype
        op_dtype = op.dtype

        def matmat64(V):
            return op.matmat(V.to(op_dtype)).to(torch.float64)

        return matmat64, dim, dev
    np_dtype = np.dtype(getattr(op, "dtype", np.float64) or np.float64)

    def matmat64_np(V):
        out = op.matmat(V.cpu().numpy().astype(np_dtype, copy=False))
        return torch.as_tensor(np.asarray(out), dtype=torch.float64).reshape(dim, -1)

    return matmat64_np, dim, torch.device("cpu")


def _generator(seed):
    return torch.Generator(device="cpu").manual_seed(int(seed))


def rademacher(dim: int, k: int, seed, device) -> torch.Tensor:
    """±1 entries, float64, reproducible across devices (drawn on the CPU)."""
    g = _generator(seed)
    return (torch.randint(0, 2, (dim, k), generator=g, dtype=torch.int8).to(torch.float64) * 2 - 1).to(device)


def gaussian(dim: int, k: int, seed, device) -> torch.Tensor:
    g = _generator(seed)
    return torch.randn(dim, k, generator=g, dtype=torch.float64).to(device)


def check_int(name, value, low, high=None):
    return check(name, value, Integer(low, high))
