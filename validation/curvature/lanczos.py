"""Lanczos with full reorthogonalization in float64; extremal eigenpairs with Ritz residuals.

Source: Lanczos (1950); the full-reorthogonalization variant and the Ritz residual bound
``‖A x − θ x‖ = β_m |e_mᵀ y|`` as in Golub & Van Loan, *Matrix Computations* (4th ed.), §10.1.4
and §10.3.1; classical Gram-Schmidt applied twice when needed (Daniel, Gragg, Kaufman & Stewart
1976, the "twice is enough" criterion with η = 1/√2).

The recurrence runs in float64 on the operator's device even for a float32 operator: only the
products are in the operator's dtype, so orthogonality is kept to ~1e-15 and the Ritz values are
as accurate as the products allow. Several independent starting vectors can run in lockstep (one
block product per step), which is what stochastic Lanczos quadrature uses.

Example (exact when the order equals the dimension):

>>> import torch
>>> from validation.curvature import lanczos
>>> A = torch.diag(torch.arange(1.0, 6.0, dtype=torch.float64))
>>> res = lanczos(A, k=2, which="largest")
>>> [round(float(v), 12) for v in res.eigenvalues]
[5.0, 4.0]
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from rmtheory.params import Integer, OneOf, ParameterError, Real, check
from validation.curvature._linalg import as_matmat, gaussian

__all__ = ["lanczos", "LanczosResult", "LanczosNotConverged", "LanczosProcess"]

_ETA = 1 / math.sqrt(2)  # DGKS: reorthogonalize again when the norm drops below η of its value


class LanczosNotConverged(RuntimeError):
    """Raised by :func:`lanczos` when ``max_steps`` is reached before the residual tolerance."""


class LanczosProcess:
    """``k`` independent Lanczos recurrences in lockstep, full reorthogonalization, float64.

    After ``run(steps)``: ``alpha`` (k, m), ``beta`` (k, m) (``beta[:, j]`` couples steps j and j+1),
    ``Q`` (k, m, dim) the orthonormal bases, ``length`` (k,) the steps each probe kept (a probe stops
    at breakdown: its Krylov space is invariant and its quadrature already exact).
    """

    def __init__(self, matmat64, V0: torch.Tensor, keep_basis: bool = True, restart_seed=None,
                 capacity: int = 0):
        self.matmat64 = matmat64
        dim, k = V0.shape
        self.dim, self.k = dim, k
        norms = torch.linalg.vector_norm(V0, dim=0)
        if torch.any(norms == 0):
            raise ParameterError("v0", "a zero starting vector", "non-zero starting vectors")
        self._q = (V0 / norms).T.contiguous()  # (k, dim)
        self._q_prev = torch.zeros_like(self._q)
        self._beta_prev = torch.zeros(k, dtype=torch.float64, device=V0.device)
        self.keep_basis = keep_basis
        # Preallocate when the number of steps is known (SLQ): growing copies the whole basis.
        self._Q = torch.empty(k, capacity, dim, dtype=torch.float64, device=V0.device)
        self.m = 0
        self.alpha_list, self.beta_list = [], []
        self.active = torch.ones(k, dtype=torch.bool, device=V0.device)
        self.length = torch.zeros(k, dtype=torch.long)
        self.restart_seed = restart_seed
        self.restarts = 0
        self.products = 0
        self.product_seconds = 0.0

    @property
    def Q(self):
        return self._Q[:, :self.m]

    @property
    def alpha(self):
        return torch.stack(self.alpha_list, 1) if self.alpha_list else torch.zeros(self.k, 0, dtype=torch.float64)

    @property
    def beta(self):
        return torch.stack(self.beta_list, 1) if self.beta_list else torch.zeros(self.k, 0, dtype=torch.float64)

    def _store(self, q):
        if self.m == self._Q.shape[1]:  # grow geometrically: no copy per step
            cap = max(8, 2 * self.m)
            new = torch.empty(self.k, cap, self.dim, dtype=torch.float64, device=q.device)
            new[:, :self.m] = self._Q[:, :self.m]
            self._Q = new
        self._Q[:, self.m] = q

    def _orthogonalize(self, w):
        """w (k, dim) minus its projection on the stored basis, classical Gram-Schmidt, twice when
        the first pass removed most of w (DGKS)."""
        Q = self.Q if self.keep_basis else self._Q[:, max(0, self.m - 2):self.m]
        if Q.shape[1] == 0:
            return w
        w = w.clone()
        for _ in range(2):
            before = torch.linalg.vector_norm(w, dim=1)
            # One matrix-vector pair per probe: batched bmm with a single column is several times
            # slower on CPU, and this loop is memory-bound (it streams the float64 basis).
            for i in range(self.k):
                w[i].addmv_(Q[i].T, Q[i] @ w[i], alpha=-1.0)
            after = torch.linalg.vector_norm(w, dim=1)
            if not torch.any(after < _ETA * before):
                break
        return w

    def step(self):
        """One Lanczos step for all active probes (one block product)."""
        q = self._q
        self._store(q)
        self.m += 1
        t0 = time.perf_counter()
        w = self.matmat64(q.T.contiguous()).T.contiguous()  # (k, dim)
        self.product_seconds += time.perf_counter() - t0
        self.products += int(self.active.sum())
        alpha = torch.einsum("kd,kd->k", q, w)
        w = w - alpha[:, None] * q - self._beta_prev[:, None] * self._q_prev
        w = self._orthogonalize(w)
        beta = torch.linalg.vector_norm(w, dim=1)
        alpha = torch.where(self.active, alpha, torch.zeros_like(alpha))
        self.length += self.active.long().cpu()
        # Breakdown: the Krylov space is invariant. Scale-aware threshold in float64.
        scale = torch.maximum(alpha.abs(), self._beta_prev).clamp_min(1e-300)
        broke = self.active & (beta <= 1e-13 * scale * math.sqrt(self.dim))
        beta = torch.where(self.active & ~broke, beta, torch.zeros_like(beta))
        self.alpha_list.append(alpha)
        self.beta_list.append(beta)
        safe = torch.where(beta > 0, beta, torch.ones_like(beta))
        q_next = w / safe[:, None]
        if torch.any(broke):
            if self.restart_seed is not None and self.m < self.dim:
                # Continue in the orthogonal complement (T becomes block diagonal): needed for an
                # eigen-solver to find more eigenvalues than one invariant subspace holds.
                self.restarts += 1
                r = gaussian(self.dim, self.k, self.restart_seed + self.restarts, q.device).T
                r = self._orthogonalize(self._orthogonalize(r))
                r = r / torch.linalg.vector_norm(r, dim=1, keepdim=True)
                q_next = torch.where(broke[:, None], r, q_next)
            else:
                self.active = self.active & ~broke
                q_next = torch.where(broke[:, None], torch.zeros_like(q_next), q_next)
        self._q_prev, self._q, self._beta_prev = q, q_next, beta
        return self

    def tridiagonal(self, i: int = 0):
        """T_m of probe i as (diagonal, off-diagonal) NumPy arrays (its own length)."""
        n = int(self.length[i])
        a = self.alpha[i, :n].cpu().numpy()
        b = self.beta[i, :max(n - 1, 0)].cpu().numpy()
        return a, b

    def ritz(self, i: int = 0):
        """Ritz values θ (ascending), the eigenvectors Y of T_m, and β_m (the residual coupling)."""
        a, b = self.tridiagonal(i)
        n = len(a)
        T = np.diag(a) + np.diag(b, 1) + np.diag(b, -1)
        # torch's LAPACK runs on torch's thread setting; NumPy's BLAS may spin up its own thread
        # pool on every call (measured 130 ms for a 100 × 100 matrix on a loaded 2-core machine).
        theta, Y = (t.numpy() for t in torch.linalg.eigh(torch.from_numpy(T)))
        beta_m = float(self.beta[i, n - 1]) if n else 0.0
        return theta, Y, beta_m


@dataclass(frozen=True)
class LanczosResult:
    """Extremal eigenpairs and how they were obtained.

    ``residuals[i]`` is the Ritz residual ``‖A x_i − θ_i x_i‖`` (for unit ``x_i``), which bounds
    the distance from ``θ_i`` to an eigenvalue of A (and ``residual²/gap`` when θ_i is separated by
    ``gap`` from the rest of the spectrum: Golub & Van Loan, Thm. 8.1.15 / Kahan-Parlett-Jiang).
    """

    eigenvalues: np.ndarray
    residuals: np.ndarray
    eigenvectors: torch.Tensor | None
    steps: int
    products: int
    converged: bool
    which: str
    tol: float
    details: dict = field(default_factory=dict)

    @property
    def error_bounds(self) -> np.ndarray:
        """|θ_i − λ| ≤ residual_i for some eigenvalue λ of A."""
        return self.residuals


_WHICH = OneOf(("largest", "smallest"))


def lanczos(op, k: int = 1, which: str = "largest", tol: float = 1e-6, *, max_steps=None,
            return_vectors: bool = False, seed: int = 0, v0=None, check_every: int = 1,
            raise_on_failure: bool = True) -> LanczosResult:
    """The ``k`` largest (or smallest) eigenvalues of a symmetric operator, with Ritz residuals.

    Parameters
    ----------
    op : operator or matrix
        Anything with ``shape``, ``dtype`` and ``matmat`` (or a square tensor/array).
    k : int in [1, dim]
    which : {"largest", "smallest"}
        Algebraically largest (top) or smallest (bottom) eigenvalues.
    tol : float in (0, 1)
        Stop when every wanted Ritz pair has ``residual ≤ tol · |θ|`` (ARPACK's relative criterion),
        or ``≤ tol · ‖T_m‖`` for θ near zero (where a relative criterion is unattainable).
    max_steps : int, optional
        Lanczos steps allowed (default ``min(dim, max(300, 20 k))``).
    return_vectors : bool
        Also return the Ritz vectors (float64, dim × k, on the operator's device).
    raise_on_failure : bool
        Raise :class:`LanczosNotConverged` (default) instead of returning ``converged=False``.

    Products: one per step; the result reports ``steps`` and ``products``.
    """
    matmat64, dim, device = as_matmat(op)
    k = check("k", k, Integer(1, dim))
    which = check("which", which, _WHICH)
    tol = check("tol", tol, Real(0, 1, low_open=True, high_open=True))
    max_steps = check("max_steps", min(dim, max(300, 20 * k)) if max_steps is None else max_steps,
                      Integer(k, dim))
    check_every = check("check_every", check_every, Integer(1, None))
    if v0 is None:
        v = gaussian(dim, 1, seed, device)
    else:
        v = torch.as_tensor(v0, dtype=torch.float64).reshape(dim, 1).to(device)
    proc = LanczosProcess(matmat64, v, keep_basis=True, restart_seed=int(seed) + 1000)
    converged = False
    theta = Y = None
    resid = None
    for step in range(1, max_steps + 1):
        proc.step()
        if step < k or (step % check_every and step != max_steps):
            continue
        theta, Y, beta_m = proc.ritz(0)
        idx = np.arange(len(theta))[::-1][:k] if which == "largest" else np.arange(len(theta))[:k]
        resid = np.abs(beta_m * Y[-1, idx])
        norm_T = float(np.max(np.abs(theta)))
        target = tol * np.maximum(np.abs(theta[idx]), 1e-3 * norm_T)
        if np.all(resid <= target) or step == dim:
            converged = True
            break
    if theta is None:
        theta, Y, beta_m = proc.ritz(0)
        idx = np.arange(len(theta))[::-1][:k] if which == "largest" else np.arange(len(theta))[:k]
        resid = np.abs(beta_m * Y[-1, idx])
    if not converged and raise_on_failure:
        raise LanczosNotConverged(
            f"lanczos: {k} {which} eigenvalue(s) not converged to tol={tol:g} in max_steps="
            f"{max_steps} (largest residual {resid.max():.3g}); increase max_steps or tol")
    vectors = None
    if return_vectors:
        Yk = torch.as_tensor(Y[:, idx], dtype=torch.float64, device=device)
        vectors = (proc.Q[0].T @ Yk)
    return LanczosResult(eigenvalues=theta[idx].copy(), residuals=resid, eigenvectors=vectors,
                         steps=proc.m, products=proc.products, converged=converged, which=which,
                         tol=tol, details={"restarts": proc.restarts, "dim": dim,
                                  "product_seconds": proc.product_seconds})
