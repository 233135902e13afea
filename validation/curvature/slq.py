"""Stochastic Lanczos quadrature (SLQ): the spectral density of a symmetric operator.

Source: Ghorbani, Krishnan & Xiao (2019), "An investigation into neural net optimization via
Hessian eigenvalue density", ICML, §2.1 (Algorithm 1); Golub & Meurant (2010), *Matrices, Moments
and Quadrature*, §6.2 (Gauss quadrature from the Lanczos tridiagonal matrix); Ubaru, Chen & Saad
(2017), "Fast estimation of tr(f(A)) via stochastic Lanczos quadrature", SIAM J. Matrix Anal. Appl.

For each of ``probes`` Rademacher vectors ``v`` (unit norm), ``steps`` Lanczos steps give the
tridiagonal ``T = Y diag(θ) Yᵀ``; the measure ``Σ_j Y_{0j}² δ(λ − θ_j)`` is the Gauss quadrature
rule of ``vᵀ δ(λ − A) v``, and its average over probes estimates the spectral measure
``(1/n) Σ_i δ(λ − λ_i)``. All probes run in lockstep: one block product per step.

Smoothing (``density``). A fixed Gaussian width spreads every node by the same amount and costs a
Wasserstein-1 distance of ``σ √(2/π)`` wherever the mass is, which is why wide default kernels are
10-30× worse than the raw nodes. Here each node ``θ_j`` of a probe's rule gets its own width
``σ_j = κ · s_j``, ``s_j = (θ_{j+1} − θ_{j−1})/2`` the local spacing of that rule (one-sided at its
ends, capped at ``cap`` times the rule's median spacing so isolated outliers stay sharp). The Gauss
rule with ``m`` nodes resolves the measure only up to its node spacing (it matches ``2m − 1``
moments, no more), so widths below the spacing add less than the quadrature's own resolution
error, and the curve is smooth where nodes are dense (the bulk) and sharp where they are isolated
(outliers). The default ``κ = 0.25`` was chosen on the fixture's digits-MLP Hessians (exact spectra
in ``tests/data/digits_mlps``): the smoothed density's W1 to the exact spectrum stays within a few percent
of the raw nodes' W1 (see ``benchmarks/bench_curvature.py``). ``width=<float>`` gives a fixed
Gaussian instead, to compare with exact eigenvalues smoothed by the same kernel
(:func:`gaussian_density`).

Example (a diagonal matrix; with steps = dim the quadrature is exact):

>>> import torch
>>> from validation.curvature import slq
>>> res = slq(torch.diag(torch.arange(1.0, 9.0, dtype=torch.float64)), steps=8, probes=4)
>>> round(res.trace()[0], 10)
36.0
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rmtheory.params import Real, check
from validation.curvature._linalg import as_matmat, check_int, rademacher
from validation.curvature.lanczos import LanczosProcess

__all__ = ["slq", "SLQResult", "gaussian_density"]


def gaussian_density(points, weights, grid, width) -> np.ndarray:
    """``Σ_j w_j N(x; p_j, σ_j²)`` on ``grid``; ``width`` a scalar or one σ per point."""
    points = np.asarray(points, dtype=float).ravel()
    weights = np.asarray(weights, dtype=float).ravel()
    grid = np.asarray(grid, dtype=float)
    sigma = np.broadcast_to(np.asarray(width, dtype=float), points.shape)
    if np.any(~(sigma > 0)):
        raise ValueError("width must be positive")
    out = np.zeros(grid.shape, dtype=float)
    flat = grid.ravel()
    # Chunk over points: a (grid × points) table of 10⁴ × 10³ floats at most at a time.
    chunk = max(1, 10_000_000 // max(flat.size, 1))
    acc = np.zeros(flat.size)
    for s in range(0, points.size, chunk):
        p, w, sg = points[s:s + chunk], weights[s:s + chunk], sigma[s:s + chunk]
        z = (flat[:, None] - p[None, :]) / sg[None, :]
        acc += np.exp(-0.5 * z * z) @ (w / (sg * np.sqrt(2 * np.pi)))
    out[...] = acc.reshape(grid.shape)
    return out


@dataclass(frozen=True)
class SLQResult:
    """Quadrature nodes and weights per probe, and what produced them.

    ``nodes`` and ``weights`` are (probes, steps) arrays; each row's weights sum to 1 (a probe that
    broke down early has zero-weight padding). ``dim`` is the operator's dimension.
    """

    nodes: np.ndarray
    weights: np.ndarray
    dim: int
    steps: int
    probes: int
    seed: int
    products: int
    details: dict = field(default_factory=dict)

    @property
    def flat_nodes(self) -> np.ndarray:
        """All nodes pooled (the estimated spectral measure's support)."""
        mask = self.weights > 0
        return self.nodes[mask]

    @property
    def flat_weights(self) -> np.ndarray:
        """Pooled weights, summing to 1."""
        mask = self.weights > 0
        return self.weights[mask] / self.probes

    def quadrature(self, f):
        """``tr f(A)`` estimated as ``dim · mean_probes Σ_j w_j f(θ_j)``, with its standard error
        over probes (NaN for one probe)."""
        per_probe = self.dim * np.sum(self.weights * np.where(self.weights > 0, f(self.nodes), 0.0), axis=1)
        err = per_probe.std(ddof=1) / np.sqrt(self.probes) if self.probes > 1 else float("nan")
        return float(per_probe.mean()), float(err)

    def trace(self):
        """``(tr A, standard error)``."""
        return self.quadrature(lambda x: x)

    def widths(self, kappa: float = 0.25, cap: float = 8.0) -> np.ndarray:
        """Per-node Gaussian widths ``κ · local spacing`` of each probe's rule (module docstring)."""
        kappa = check("kappa", kappa, Real(0, None, low_open=True))
        cap = check("cap", cap, Real(0, None, low_open=True))
        out = np.zeros_like(self.nodes)
        span = float(np.ptp(self.flat_nodes)) if self.flat_nodes.size > 1 else 1.0
        floor = max(span, abs(float(np.max(np.abs(self.flat_nodes)))), 1e-300) * 1e-12
        for i in range(self.probes):
            n = int(np.count_nonzero(self.weights[i] > 0))
            x = self.nodes[i, :n]
            if n == 1:
                out[i, :n] = max(span * 1e-3, floor)
                continue
            d = np.diff(x)
            s = np.empty(n)
            s[1:-1] = 0.5 * (d[1:] + d[:-1])
            s[0], s[-1] = d[0], d[-1]
            s = np.minimum(s, cap * np.median(d))
            out[i, :n] = np.maximum(kappa * s, floor)
        return out

    def density(self, grid, width="auto", kappa: float = 0.25) -> np.ndarray:
        """The smoothed spectral density on ``grid`` (integrates to 1).

        ``width="auto"``: per-node widths ``κ · local spacing`` (module docstring); a float: one
        fixed Gaussian width for every node (to compare with :func:`gaussian_density` of exact
        eigenvalues).
        """
        mask = self.weights > 0
        if isinstance(width, str):
            if width != "auto":
                raise ValueError(f"width = {width!r} is outside the allowed range 'auto' or a float > 0")
            sigma = self.widths(kappa)[mask]
        else:
            sigma = check("width", width, Real(0, None, low_open=True))
        return gaussian_density(self.nodes[mask], self.weights[mask] / self.probes, grid, sigma)


def slq(op, steps: int = 100, probes: int = 10, seed: int = 0) -> SLQResult:
    """Stochastic Lanczos quadrature with ``probes`` Rademacher vectors and ``steps`` Lanczos steps.

    Parameters
    ----------
    op : operator or matrix (``shape``, ``dtype``, ``matmat``)
    steps : int in [1, dim]
        Lanczos steps per probe (quadrature nodes per probe). Ghorbani et al. use 90.
    probes : int ≥ 1
        Independent starting vectors; run in lockstep (one block product of ``probes`` columns per
        step).
    seed : int
        Seeds the Rademacher probes (drawn on the CPU: the same on every device).

    Products: ``steps × probes`` (fewer if a probe's Krylov space becomes invariant).
    """
    matmat64, dim, device = as_matmat(op)
    steps = check_int("steps", steps, 1, dim)
    probes = check_int("probes", probes, 1)
    seed = check_int("seed", seed, 0)
    V0 = rademacher(dim, probes, seed, device)
    proc = LanczosProcess(matmat64, V0, keep_basis=True, capacity=steps)
    for _ in range(steps):
        proc.step()
        if not bool(proc.active.any()):
            break
    nodes = np.zeros((probes, steps))
    weights = np.zeros((probes, steps))
    for i in range(probes):
        theta, Y, _ = proc.ritz(i)
        n = len(theta)
        nodes[i, :n] = theta
        weights[i, :n] = Y[0, :] ** 2
        if n < steps:
            nodes[i, n:] = theta[-1]
    return SLQResult(nodes=nodes, weights=weights, dim=dim, steps=steps, probes=probes, seed=seed,
                     products=proc.products, details={"lengths": proc.length.tolist(),
                                                 "product_seconds": proc.product_seconds})
