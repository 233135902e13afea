"""Stochastic trace estimators: Hutchinson, Hutch++ and XTrace, each with a standard error.

Sources
* Hutchinson (1990), "A stochastic estimator of the trace of the influence matrix for Laplacian
  smoothing splines", Commun. Stat. Simul. Comput. 19(2): ``tr A ≈ (1/m) Σ zᵀ A z``, Rademacher z.
* Meyer, Musco, Musco & Woodruff (2021), "Hutch++: optimal stochastic trace estimation", SOSA,
  Algorithm 1: a third of the products sketch the top of the spectrum (exact trace there), the
  rest run Hutchinson on the deflated remainder; relative error O(1/m) for PSD A.
* Epperly, Tropp & Webber (2024), "XTrace: making the most of every sample in stochastic trace
  estimation", SIAM J. Matrix Anal. Appl. 45(1), Algorithm 2 with the "improved" (sphere-normalized)
  test vectors and its leave-one-out error estimate: every test vector serves both as sketch and as
  Hutchinson probe (exchangeability), which makes it exact for rank < m/2 and usually the most
  accurate of the three at equal cost.

All three spend exactly ``products`` operator products (rounded down to what the method can use)
and return :class:`TraceResult` with the estimate and its standard error.

Example (exact for a low-rank matrix once the sketch holds its range):

>>> import torch
>>> from validation.curvature import trace
>>> U = torch.linalg.qr(torch.randn(300, 5, dtype=torch.float64))[0]
>>> A = U @ torch.diag(torch.arange(1.0, 6.0, dtype=torch.float64)) @ U.T
>>> round(trace(A, method="xtrace", products=20).value, 8)
15.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from rmtheory.params import OneOf, check
from validation.curvature._linalg import as_matmat, check_int, gaussian, rademacher

__all__ = ["trace", "TraceResult"]


@dataclass(frozen=True)
class TraceResult:
    value: float
    std_error: float
    products: int
    method: str
    seed: int
    details: dict = field(default_factory=dict)

    @property
    def relative_error(self) -> float:
        """Standard error over |value|: the estimator's own error estimate."""
        return abs(self.std_error / self.value) if self.value else float("inf")


def _hutchinson(matmat64, dim, m, seed, device):
    Z = rademacher(dim, m, seed, device)
    est = (Z * matmat64(Z)).sum(0)
    err = float(est.std() / math.sqrt(m)) if m > 1 else float("nan")
    return float(est.mean()), err, m


def _hutchpp(matmat64, dim, m, seed, device):
    s = max(1, m // 3)
    g = m - 2 * s
    if g < 1:
        raise ValueError(f"products = {m} is outside the allowed range [4, inf) for hutch++")
    S = rademacher(dim, s, seed, device)
    Q = torch.linalg.qr(matmat64(S))[0]
    AQ = matmat64(Q)
    top = float(torch.sum(Q * AQ))
    G = rademacher(dim, g, seed + 1, device)
    G = G - Q @ (Q.T @ G)  # Hutchinson on (I − QQᵀ) A (I − QQᵀ)
    AG = matmat64(G)
    AG = AG - Q @ (Q.T @ AG)
    est = (G * AG).sum(0)
    err = float(est.std() / math.sqrt(g)) if g > 1 else float("nan")
    return top + float(est.mean()), err, 2 * s + g


def _xtrace(matmat64, dim, m, seed, device):
    k = m // 2
    if k < 2:
        raise ValueError(f"products = {m} is outside the allowed range [4, inf) for xtrace")
    Om = gaussian(dim, k, seed, device)
    Om = math.sqrt(dim) * Om / torch.linalg.vector_norm(Om, dim=0)  # "improved": on the sphere
    Y = matmat64(Om)
    Q, R = torch.linalg.qr(Y)
    W = Q.T @ Om
    # S: normalized columns of R^{-T}; column i spans range(Y) ⊖ range(Y_{-i}) (leave-one-out).
    S = torch.linalg.solve_triangular(R, torch.eye(k, dtype=R.dtype, device=R.device), upper=True).T
    S = S / torch.linalg.vector_norm(S, dim=0)
    dp = lambda A, B: (A * B).sum(0)  # noqa: E731 - diag(AᵀB)
    scale = (dim - k + 1) / (dim - torch.linalg.vector_norm(W, dim=0) ** 2
                             + (dp(S, W) * torch.linalg.vector_norm(S, dim=0)) ** 2)
    Z = matmat64(Q)
    H = Q.T @ Z
    HW = H @ W
    T = Z.T @ Om
    dSW, dSHS = dp(S, W), dp(S, H @ S)
    dTW, dWHW = dp(T, W), dp(W, HW)
    dSRmHW, dTmHRS = dp(S, R - HW), dp(T - H.T @ W, S)
    ests = torch.trace(H) - dSHS + (dWHW - dTW + dTmHRS * dSW + dSW ** 2 * dSHS
                                    + dSW * dSRmHW) * scale
    return float(ests.mean()), float(ests.std() / math.sqrt(k)), 2 * k


_METHODS = {"hutchinson": _hutchinson, "hutch++": _hutchpp, "xtrace": _xtrace}


def trace(op, method: str = "xtrace", products: int = 100, seed: int = 0) -> TraceResult:
    """Estimate ``tr A`` with ``products`` operator products.

    Parameters
    ----------
    op : operator or matrix (``shape``, ``dtype``, ``matmat``)
    method : {"hutchinson", "hutch++", "xtrace"}
    products : int ≥ 1 (≥ 4 for hutch++ and xtrace)
        Products to spend; XTrace uses an even number, Hutch++ ``2⌊m/3⌋ + (m − 2⌊m/3⌋)``.
    seed : int

    The standard error is the sample standard deviation of the per-probe estimates over √(count)
    (for XTrace its leave-one-out estimates, Epperly et al. §2.3).
    """
    method = check("method", method, OneOf(tuple(_METHODS)))
    matmat64, dim, device = as_matmat(op)
    products = check_int("products", products, 1 if method == "hutchinson" else 4)
    seed = check_int("seed", seed, 0)
    value, err, used = _METHODS[method](matmat64, dim, products, seed, device)
    return TraceResult(value=value, std_error=err, products=used, method=method, seed=seed,
                       details={"dim": dim})
