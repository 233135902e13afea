"""The linear-operator interface of the curvature engine, and a dense matrix as an operator.

Pattern: curvlinops (``curvlinops/_torch_base.py``): a curvature matrix is a linear operator whose
one routine is the block product ``matmat(V)`` (V of shape dim × k). The model operators
(:mod:`.operators`) subclass :class:`CurvatureOperator`; the algorithms wrap a plain matrix in
:class:`MatrixOperator` (:mod:`._linalg`), which is why both live here, below the two.
"""

from __future__ import annotations

import numpy as np
import torch

from rmtheory.params import ParameterError

__all__ = ["CurvatureOperator", "MatrixOperator"]


class CurvatureOperator:
    """A symmetric linear operator on flat vectors: ``shape``, ``dtype``, ``device``, ``matmat``.

    Subclasses implement ``_matmat(V)`` for a tensor ``V`` (dim × k) already of the operator's dtype
    and device. ``matmat`` and ``matvec`` accept tensors or NumPy arrays and return the same kind.
    """

    shape: tuple
    dtype: torch.dtype
    device: torch.device

    def _matmat(self, V: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def matmat(self, V):
        """``A @ V`` for a block ``V`` of shape (dim, k)."""
        as_numpy = isinstance(V, np.ndarray)
        T = torch.as_tensor(V)
        if T.ndim != 2 or T.shape[0] != self.shape[1]:
            raise ParameterError("V.shape", tuple(T.shape), f"({self.shape[1]}, k)")
        if T.shape[1] == 0:
            out = torch.zeros(self.shape[0], 0, dtype=self.dtype, device=self.device)
        else:
            out = self._matmat(T.to(device=self.device, dtype=self.dtype))
        return out.cpu().numpy() if as_numpy else out

    def matvec(self, v):
        """``A @ v`` for a vector of shape (dim,)."""
        as_numpy = isinstance(v, np.ndarray)
        t = torch.as_tensor(v)
        if t.ndim != 1 or t.shape[0] != self.shape[1]:
            raise ParameterError("v.shape", tuple(t.shape), f"({self.shape[1]},)")
        out = self.matmat(t[:, None])[:, 0]
        return out.cpu().numpy() if as_numpy else out

    def __matmul__(self, V):
        return self.matvec(V) if getattr(V, "ndim", 2) == 1 else self.matmat(V)

    def to_scipy(self):
        """A ``scipy.sparse.linalg.LinearOperator`` (NumPy in and out, symmetric)."""
        from scipy.sparse.linalg import LinearOperator

        np_dtype = torch.empty(0, dtype=self.dtype).numpy().dtype

        def mm(X):
            X = np.asarray(X)
            return self.matmat(np.ascontiguousarray(X.reshape(self.shape[1], -1), dtype=np_dtype))

        def mv(x):
            return mm(np.asarray(x).reshape(-1, 1))[:, 0]

        return LinearOperator(self.shape, matvec=mv, rmatvec=mv, matmat=mm, rmatmat=mm,
                              dtype=np_dtype)

    def __repr__(self):
        return f"{type(self).__name__}(shape={self.shape}, dtype={self.dtype}, device={self.device})"


class MatrixOperator(CurvatureOperator):
    """A dense symmetric matrix as an operator: for tests, and to run the algorithms on a matrix.

    >>> import torch
    >>> from validation.curvature import MatrixOperator
    >>> MatrixOperator(torch.diag(torch.tensor([1.0, 2.0]))).matvec(torch.ones(2))
    tensor([1., 2.])
    """

    def __init__(self, A):
        A = torch.as_tensor(A)
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise ParameterError("A.shape", tuple(A.shape), "a square matrix (n, n)")
        self.A = A
        self.shape = tuple(A.shape)
        self.dtype = A.dtype
        self.device = A.device

    def _matmat(self, V):
        return self.A @ V
