"""Kernel polynomial method (KPM): the spectral density from Chebyshev moments with Jackson damping.

Source: Lin, Saad & Yang (2016), "Approximating spectral densities of large matrices", SIAM Review
58(1), §3.1 (Chebyshev expansion, eqs. 3.1-3.6: moments ``μ_k = (1/n) tr T_k(Ã)`` estimated with
random vectors) and §3.1.1 (Jackson damping factors, eq. 3.9); Weiße, Wellein, Alvermann & Fehske
(2006), "The kernel polynomial method", Rev. Mod. Phys. 78, eqs. (71)-(72) (Jackson kernel) and
(34) (two moments per product: ``μ_{2k} = 2⟨T_k, T_k⟩ − μ_0``, ``μ_{2k+1} = 2⟨T_{k+1}, T_k⟩ − μ_1``).

The operator is mapped to ``Ã = (A − c)/h`` with spectrum inside [−1, 1]: ``c, h`` from spectral
bounds, which by default come from 30 Lanczos steps (extreme Ritz values widened by their Ritz
residuals and then by ``pad`` of the width, so the interval holds the spectrum). A degree-``M``
expansion costs ``⌈M/2⌉ + 1`` block products of ``probes`` columns.

Jackson damping makes the approximation a positive density (no Gibbs oscillation) whose resolution
is about ``π h / M``; the density is that of the Jackson-smoothed measure, so compare it with exact
eigenvalues smoothed by the same kernel (:meth:`KPMResult.smooth_exact`).

Example (the density integrates to one):

>>> import numpy as np, torch
>>> from validation.curvature import kpm
>>> res = kpm(torch.diag(torch.linspace(-1, 1, 200, dtype=torch.float64)), degree=40, probes=4)
>>> grid = np.linspace(res.bounds[0], res.bounds[1], 4001)
>>> round(float(np.trapezoid(res.density(grid), grid)), 2)
1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from rmtheory.params import Real, check
from validation.curvature._linalg import as_matmat, check_int, rademacher
from validation.curvature.lanczos import LanczosProcess

__all__ = ["kpm", "KPMResult", "jackson", "spectral_bounds"]


def jackson(degree: int) -> np.ndarray:
    """Jackson damping factors ``g_0..g_M`` (Weiße et al. 2006, eq. 71)."""
    M = degree
    k = np.arange(M + 1)
    a = math.pi / (M + 1)
    return ((M - k + 1) * np.cos(a * k) + np.sin(a * k) / math.tan(a)) / (M + 1)


def spectral_bounds(op, steps: int = 30, seed: int = 0, pad: float = 0.01):
    """An interval ``(a, b)`` holding the spectrum: extreme Ritz values of ``steps`` Lanczos steps,
    widened by their Ritz residuals and by ``pad`` of the width."""
    matmat64, dim, device = as_matmat(op)
    steps = min(check_int("steps", steps, 1), dim)
    proc = LanczosProcess(matmat64, rademacher(dim, 1, seed, device), restart_seed=seed + 1)
    for _ in range(steps):
        proc.step()
    theta, Y, beta_m = proc.ritz(0)
    r = np.abs(beta_m * Y[-1, :])
    lo, hi = theta[0] - r[0], theta[-1] + r[-1]
    width = max(hi - lo, 1e-12 * max(abs(lo), abs(hi), 1.0))
    return float(lo - pad * width), float(hi + pad * width), proc.products


@dataclass(frozen=True)
class KPMResult:
    """Damped Chebyshev moments on ``bounds`` and the density they define."""

    moments: np.ndarray        # μ_k, k = 0..degree (probe averages, undamped)
    moment_errors: np.ndarray  # standard error of each μ_k over probes
    bounds: tuple
    degree: int
    probes: int
    seed: int
    products: int
    details: dict = field(default_factory=dict)

    @property
    def damping(self) -> np.ndarray:
        return jackson(self.degree)

    def _t(self, x):
        a, b = self.bounds
        return (2 * np.asarray(x, dtype=float) - (a + b)) / (b - a)

    def density(self, grid) -> np.ndarray:
        """The Jackson-damped Chebyshev density on ``grid`` (zero outside ``bounds``)."""
        t = self._t(grid)
        inside = np.abs(t) < 1
        tt = np.clip(t, -1 + 1e-15, 1 - 1e-15)
        c = self.damping * self.moments
        c[1:] *= 2
        series = np.polynomial.chebyshev.chebval(tt, c)
        h = (self.bounds[1] - self.bounds[0]) / 2
        out = series / (math.pi * np.sqrt(1 - tt * tt)) / h
        return np.where(inside, out, 0.0)

    def smooth_exact(self, eigenvalues, grid) -> np.ndarray:
        """Exact eigenvalues smoothed by the same Jackson-Chebyshev kernel on the same grid: the
        fair reference for :meth:`density`."""
        t = np.clip(self._t(np.asarray(eigenvalues, dtype=float)), -1, 1)
        k = np.arange(self.degree + 1)
        mu = np.cos(np.outer(k, np.arccos(t))).mean(axis=1)
        ref = KPMResult(mu, np.zeros_like(mu), self.bounds, self.degree, 1, 0, 0)
        return ref.density(grid)

    def trace(self):
        """``(tr A, standard error)`` from μ_0 and μ_1: ``n (c + h μ_1)``."""
        a, b = self.bounds
        n = self.details["dim"]
        c, h = (a + b) / 2, (b - a) / 2
        return float(n * (c * self.moments[0] + h * self.moments[1])), float(n * h * self.moment_errors[1])


def kpm(op, degree: int = 200, probes: int = 10, seed: int = 0, bounds=None) -> KPMResult:
    """Kernel polynomial method with Jackson damping.

    Parameters
    ----------
    op : operator or matrix (``shape``, ``dtype``, ``matmat``)
    degree : int ≥ 2
        Chebyshev degree M; resolution ≈ π·(b − a)/(2M).
    probes : int ≥ 1
        Rademacher vectors (unit norm), run as one block.
    seed : int
    bounds : (a, b), optional
        An interval holding the spectrum; default from :func:`spectral_bounds`.

    Products: ``⌈degree/2⌉ + 1`` blocks of ``probes`` (+ 30 single products for the bounds).
    """
    matmat64, dim, device = as_matmat(op)
    degree = check_int("degree", degree, 2)
    probes = check_int("probes", probes, 1)
    seed = check_int("seed", seed, 0)
    extra = 0
    if bounds is None:
        a, b, extra = spectral_bounds(op, seed=seed + 7)
    else:
        if len(bounds) != 2:
            raise ValueError(f"bounds = {bounds!r} is outside the allowed range (a, b) with a < b")
        a = check("bounds[0]", bounds[0], Real())
        b = check("bounds[1]", bounds[1], Real(a, None, low_open=True))
    c, h = (a + b) / 2, (b - a) / 2

    def apply(X):
        return (matmat64(X) - c * X) / h

    V = rademacher(dim, probes, seed, device) / math.sqrt(dim)  # unit norm: μ_0 = 1
    M = degree
    mu = torch.zeros(M + 1, probes, dtype=torch.float64, device=device)
    t0, t1 = V, apply(V)
    mu[0] = (V * V).sum(0)
    mu[1] = (V * t1).sum(0)
    products = 2 * probes
    # T_{k+1} = 2 Ã T_k − T_{k−1}; each new T_{k} yields μ_{2k} and μ_{2k−1}.
    k = 1
    while 2 * k < M + 1:
        mu[2 * k] = 2 * (t1 * t1).sum(0) - mu[0]
        if 2 * k + 1 <= M:
            t2 = 2 * apply(t1) - t0
            products += probes
            mu[2 * k + 1] = 2 * (t2 * t1).sum(0) - mu[1]
            t0, t1 = t1, t2
        k += 1
    mu = mu.cpu().numpy()
    # The doubling formulas scale each probe's moments consistently; with ‖v‖ = 1 they estimate
    # (1/n) tr T_k(Ã).
    means = mu.mean(axis=1)
    errs = mu.std(axis=1, ddof=1) / math.sqrt(probes) if probes > 1 else np.full(M + 1, np.nan)
    return KPMResult(moments=means, moment_errors=errs, bounds=(float(a), float(b)), degree=M,
                     probes=probes, seed=seed, products=products + extra, details={"dim": dim})
