"""Geometry metrics of the research proposal (§3.4), each with its estimator's error and settings.

Every function returns a :class:`Metric` (``value``, ``error``, ``settings``). Spectral metrics
take a *spectrum*: exact eigenvalues (an array; error 0) or an :class:`~validation.curvature.SLQResult`
(its quadrature measure; error = jackknife standard error over the probes, Efron & Stein 1981).

* λ_max, λ_min — :func:`lambda_max`, :func:`lambda_min` (Lanczos; error = Ritz residual bound).
* trace — :func:`hessian_trace` (XTrace by default; error = its standard error).
* participation ratio ``PR = (Σλ)² / Σλ²`` — :func:`participation_ratio`, in [0, n] for PSD
  spectra: the number of "effective" directions.
* index (negative-eigenvalue fraction) — :func:`negative_fraction`: mass of the spectrum below
  ``−threshold``.
* bulk edges and the spectral bulk ratio ``R_bulk = (λ_max − λ⁻)/(λ⁺ − λ⁻)`` — :func:`bulk_edges`,
  :func:`bulk_ratio`. **Bulk-edge detector**: the edges are the ``tail`` and ``1 − tail`` quantiles
  of the spectral measure (default ``tail = 1e-3``): whatever lies beyond is counted as outliers.
  Quantiles need no smoothing choice and are stable under SLQ (a quantile of the quadrature
  measure moves by at most the local node spacing). Choose ``tail`` above the expected outlier mass
  (≈ number of classes / n for a classifier's Hessian: Papyan 2019, "Measurements of three-level
  hierarchical structure in the outliers in the spectrum of deepnet Hessians").
  ``R_bulk ≈ 1`` means no outlier above the bulk; ``R_bulk ≫ 1`` a top eigenvalue far outside it.
* edge sharpness — :func:`edge_sharpness`: the exponent β of ``ρ(λ) ∝ (λ⁺ − λ)^β`` below the upper
  edge, fitted on the cumulative mass ``1 − F(λ) − tail ∝ (λ⁺ − λ)^{β+1}`` over the top ``window`` of
  the bulk (β = 1/2 for the square-root edges of Marchenko-Pastur and the semicircle; larger β is
  a softer edge).
* gradient alignment ``GA_k = Σ_{i≤k} ⟨g, v_i⟩² / ‖g‖²`` — :func:`gradient_alignment` (Gur-Ari,
  Roberts & Dyer 2018, "Gradient descent happens in a tiny subspace", eq. 2).
* gradient autocorrelation between checkpoints — :func:`gradient_autocorrelation`: cosine
  similarity of full-batch gradients at lag τ.

Example:

>>> import numpy as np
>>> from validation.curvature.metrics import participation_ratio
>>> participation_ratio(np.array([1.0, 1.0, 0.0, 0.0])).value
2.0
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from rmtheory.params import Integer, Real, check

__all__ = ["Metric", "lambda_max", "lambda_min", "hessian_trace", "participation_ratio",
           "negative_fraction", "bulk_edges", "bulk_ratio", "edge_sharpness",
           "gradient_alignment", "gradient_autocorrelation", "full_gradient"]


@dataclass(frozen=True)
class Metric:
    name: str
    value: object
    error: object
    settings: dict = field(default_factory=dict)


# -- spectra: exact eigenvalues or an SLQ measure -------------------------------------------------

def _measures(spectrum):
    """[(nodes, weights)] per probe (one entry for exact eigenvalues), and the dimension."""
    from validation.curvature.slq import SLQResult

    if isinstance(spectrum, SLQResult):
        out = []
        for i in range(spectrum.probes):
            mask = spectrum.weights[i] > 0
            out.append((spectrum.nodes[i][mask], spectrum.weights[i][mask]))
        return out, spectrum.dim, {"estimator": "slq", "steps": spectrum.steps,
                                   "probes": spectrum.probes, "seed": spectrum.seed}
    lam = np.asarray(spectrum, dtype=float).ravel()
    if lam.size == 0 or not np.all(np.isfinite(lam)):
        raise ValueError("spectrum must be a non-empty array of finite eigenvalues or an SLQResult")
    return [(lam, np.full(lam.size, 1.0 / lam.size))], lam.size, {"estimator": "exact"}


def _pool(measures, drop=None):
    parts = [m for i, m in enumerate(measures) if i != drop]
    x = np.concatenate([p[0] for p in parts])
    w = np.concatenate([p[1] for p in parts]) / len(parts)
    order = np.argsort(x)
    return x[order], w[order]


def _jackknife(measures, stat):
    """Value of ``stat(nodes, weights)`` on the pooled measure and its jackknife standard error."""
    value = stat(*_pool(measures))
    p = len(measures)
    if p < 2:
        return value, (0.0 if np.ndim(value) == 0 else np.zeros_like(value))
    loo = np.array([stat(*_pool(measures, drop=i)) for i in range(p)])
    err = np.sqrt((p - 1) / p * np.sum((loo - loo.mean(axis=0)) ** 2, axis=0))
    return value, err


def _quantile(x, w, q):
    c = np.cumsum(w)
    c /= c[-1]
    return float(x[min(np.searchsorted(c, q), x.size - 1)])


def participation_ratio(spectrum) -> Metric:
    """``(Σλ)² / Σλ²`` (= ``n m₁² / m₂`` with the measure's moments)."""
    ms, n, settings = _measures(spectrum)

    def stat(x, w):
        return n * np.sum(w * x) ** 2 / np.sum(w * x * x)

    v, e = _jackknife(ms, stat)
    return Metric("participation_ratio", float(v), float(e), settings)


def negative_fraction(spectrum, threshold: float = 0.0) -> Metric:
    """Fraction of eigenvalues below ``−threshold`` (the index, normalized)."""
    threshold = check("threshold", threshold, Real(0, None))
    ms, _, settings = _measures(spectrum)
    v, e = _jackknife(ms, lambda x, w: np.sum(w[x < -threshold]))
    return Metric("negative_fraction", float(v), float(e), {**settings, "threshold": threshold})


def bulk_edges(spectrum, tail: float = 1e-3) -> Metric:
    """``(λ⁻, λ⁺)``: the ``tail`` and ``1 − tail`` quantiles of the spectral measure."""
    tail = check("tail", tail, Real(0, 0.5, low_open=True, high_open=True))
    ms, _, settings = _measures(spectrum)
    v, e = _jackknife(ms, lambda x, w: np.array([_quantile(x, w, tail), _quantile(x, w, 1 - tail)]))
    return Metric("bulk_edges", (float(v[0]), float(v[1])), (float(e[0]), float(e[1])),
                  {**settings, "detector": "quantiles", "tail": tail})


def bulk_ratio(lmax, edges) -> Metric:
    """``R_bulk = (λ_max − λ⁻)/(λ⁺ − λ⁻)``; ``lmax`` and ``edges`` as numbers or Metrics (errors
    propagated to first order)."""
    lv, le = (lmax.value, lmax.error) if isinstance(lmax, Metric) else (float(lmax), 0.0)
    (lo, hi), (elo, ehi) = (edges.value, edges.error) if isinstance(edges, Metric) else (edges, (0.0, 0.0))
    width = hi - lo
    if not width > 0:
        raise ValueError(f"edges = {(lo, hi)!r} is outside the allowed range λ⁻ < λ⁺")
    r = (lv - lo) / width
    err = np.sqrt((le / width) ** 2 + (ehi * r / width) ** 2 + (elo * (1 - r) / width) ** 2)
    return Metric("bulk_ratio", float(r), float(err), {"lambda_max": lv, "edges": (lo, hi)})


def edge_sharpness(spectrum, tail: float = 1e-3, window: float = 0.2) -> Metric:
    """Exponent β of ``ρ(λ) ∝ (λ⁺ − λ)^β`` at the upper bulk edge (see module docstring); the
    error is the least-squares standard error of the slope."""
    tail = check("tail", tail, Real(0, 0.5, low_open=True, high_open=True))
    window = check("window", window, Real(0, 1, low_open=True))
    ms, _, settings = _measures(spectrum)
    x, w = _pool(ms)
    lo, hi = _quantile(x, w, tail), _quantile(x, w, 1 - tail)
    c = np.cumsum(w) / np.sum(w)
    sel = (x < hi) & (x > hi - window * (hi - lo))
    mass_above = (1 - tail) - c[sel]
    d = hi - x[sel]
    ok = (mass_above > 0) & (d > 0)
    if np.count_nonzero(ok) < 3:
        return Metric("edge_sharpness", float("nan"), float("nan"),
                      {**settings, "reason": "fewer than 3 points below the edge"})
    X, Y = np.log(d[ok]), np.log(mass_above[ok])
    A = np.vstack([X, np.ones_like(X)]).T
    coef, res, *_ = np.linalg.lstsq(A, Y, rcond=None)
    dof = max(len(X) - 2, 1)
    s2 = float(res[0]) / dof if res.size else 0.0
    se = float(np.sqrt(s2 / np.sum((X - X.mean()) ** 2)))
    return Metric("edge_sharpness", float(coef[0] - 1), se,
                  {**settings, "edge": hi, "tail": tail, "window": window, "points": int(ok.sum())})


# -- operator metrics ------------------------------------------------------------------------------

def lambda_max(op, tol: float = 1e-6, **kwargs) -> Metric:
    """Largest eigenvalue by Lanczos; error = Ritz residual (|θ − λ| ≤ residual)."""
    from validation.curvature.lanczos import lanczos

    r = lanczos(op, k=1, which="largest", tol=tol, **kwargs)
    return Metric("lambda_max", float(r.eigenvalues[0]), float(r.residuals[0]),
                  {"tol": tol, "steps": r.steps, "products": r.products})


def lambda_min(op, tol: float = 1e-6, **kwargs) -> Metric:
    """Smallest eigenvalue by Lanczos; error = Ritz residual."""
    from validation.curvature.lanczos import lanczos

    r = lanczos(op, k=1, which="smallest", tol=tol, **kwargs)
    return Metric("lambda_min", float(r.eigenvalues[0]), float(r.residuals[0]),
                  {"tol": tol, "steps": r.steps, "products": r.products})


def hessian_trace(op, method: str = "xtrace", products: int = 200, seed: int = 0) -> Metric:
    """Trace by :func:`validation.curvature.trace`; error = its standard error."""
    from validation.curvature.trace import trace

    r = trace(op, method=method, products=products, seed=seed)
    return Metric("trace", r.value, r.std_error, {"method": method, "products": r.products, "seed": seed})


def full_gradient(model, loss_fn, data, dtype=None) -> torch.Tensor:
    """The flat gradient of the full-dataset loss (same batch weighting and eval mode as the
    operators)."""
    from validation.curvature.operators import hessian

    return hessian(model, loss_fn, data, dtype=dtype, check_loss=False, check_deterministic=False).gradient()


def gradient_alignment(gradient, eigenvectors, k=None) -> Metric:
    """``GA_k = Σ_{i≤k} ⟨g, v_i⟩² / ‖g‖²`` for orthonormal ``eigenvectors`` (dim × K, e.g. from
    ``lanczos(..., return_vectors=True)``), for every k ≤ K (``value[k−1]``) or the given ``k``.

    The error is the bound ``Σ_{i≤k} 2 sin∠(v_i, u_i)`` when a LanczosResult is passed (with
    ``sin∠ ≤ residual_i / gap_i``, Davis-Kahan, gaps between consecutive Ritz values); else None.
    """
    from validation.curvature.lanczos import LanczosResult

    err = None
    if isinstance(eigenvectors, LanczosResult):
        res = eigenvectors
        if res.eigenvectors is None:
            raise ValueError("eigenvectors: the LanczosResult has no vectors; call lanczos(..., "
                             "return_vectors=True)")
        lam = np.asarray(res.eigenvalues)
        gaps = np.abs(np.diff(lam))
        gap = np.minimum(np.r_[gaps, np.inf], np.r_[np.inf, gaps])
        gap = np.where(np.isfinite(gap), gap, np.abs(lam).max())
        sin = np.minimum(1.0, res.residuals / np.maximum(gap, 1e-300))
        err = np.minimum(1.0, np.cumsum(2 * sin))
        eigenvectors = res.eigenvectors
    V = torch.as_tensor(eigenvectors, dtype=torch.float64)
    g = torch.as_tensor(gradient, dtype=torch.float64).reshape(-1).to(V.device)
    if V.ndim != 2 or V.shape[0] != g.shape[0]:
        raise ValueError(f"eigenvectors.shape = {tuple(V.shape)} is outside the allowed range "
                         f"({g.shape[0]}, K)")
    gn2 = float(g @ g)
    if gn2 == 0:
        raise ValueError("gradient = 0 is outside the allowed range (a non-zero gradient)")
    ga = np.cumsum(((V.T @ g) ** 2).cpu().numpy()) / gn2
    if k is not None:
        k = check("k", k, Integer(1, V.shape[1]))
        return Metric("gradient_alignment", float(ga[k - 1]), None if err is None else float(err[k - 1]), {"k": k})
    return Metric("gradient_alignment", ga, err, {"k": list(range(1, len(ga) + 1))})


def gradient_autocorrelation(gradients, max_lag=None) -> Metric:
    """Cosine similarity of gradients between checkpoints.

    ``gradients``: a sequence of flat gradients (one per checkpoint, in training order). Returns
    ``value[τ]`` = mean over t of ``cos(g_t, g_{t+τ})`` for τ = 0..max_lag, ``error[τ]`` its standard
    error over the pairs, and the full cosine matrix in ``settings["matrix"]``.
    """
    G = torch.stack([torch.as_tensor(g, dtype=torch.float64).reshape(-1).cpu() for g in gradients])
    T = G.shape[0]
    if T < 2:
        raise ValueError(f"gradients: {T} checkpoint(s) is outside the allowed range [2, inf)")
    max_lag = T - 1 if max_lag is None else check("max_lag", max_lag, Integer(0, T - 1))
    norms = torch.linalg.vector_norm(G, dim=1)
    if torch.any(norms == 0):
        raise ValueError("gradients: a zero gradient has no direction (cosine undefined)")
    C = ((G @ G.T) / torch.outer(norms, norms)).numpy()
    vals, errs = [], []
    for tau in range(max_lag + 1):
        d = np.diagonal(C, offset=tau)
        vals.append(float(d.mean()))
        errs.append(float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else float("nan"))
    return Metric("gradient_autocorrelation", np.array(vals), np.array(errs),
                  {"checkpoints": T, "matrix": C})
