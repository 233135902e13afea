"""Spacing ratios of eigenvalue sequences and their reference values.

r_i = min(s_i, s_{i+1}) / max(s_i, s_{i+1}) with s_i = λ_{i+1} − λ_i for sorted λ; the ratio needs no
unfolding (Oganesyan & Huse 2007, PRB 75, 155111).

References (Atas, Bogomolny, Giraud & Roux 2013, PRL 110, 084101):

* **Surmise** (3×3 Wigner-like computation, their Eq. 7): for r̃ = s_{i+1}/s_i on [0, ∞),
  P_β(r̃) = (1/Z_β) (r̃ + r̃²)^β / (1 + r̃ + r̃²)^{1 + 3β/2}, Z_1 = 8/27, Z_2 = 4π/(81√3),
  Z_4 = 4π/(729√3). The min/max ratio r on [0, 1] has density 2 P_β(r). Mean of r:
  β=1: 4 − 2√3, β=2: 2√3/π − 1/2, β=4: 32√3/(15π) − 1/2.
* **Large-n** values of ⟨r⟩ from their numerics (Table 1): GOE 0.5307, GUE 0.5996, GSE 0.6744,
  each ±0.0001. These, not the surmise, are what a large matrix's bulk gives.
* **Poisson** (independent levels): P(r) = 2/(1 + r)² on [0, 1], ⟨r⟩ = 2 ln 2 − 1 (exact).
"""

from __future__ import annotations

import math

import numpy as np

from rmtheory.params import OneOf, check

__all__ = ["spacing_ratios", "spacing_ratio_mean", "spacing_ratio_density", "SPACING_RATIO_MEAN"]

_ENSEMBLE = OneOf(("poisson", "goe", "gue", "gse"))
_BETA = {"goe": 1, "gue": 2, "gse": 4}
_Z = {1: 8.0 / 27.0, 2: 4.0 * math.pi / (81.0 * math.sqrt(3.0)), 4: 4.0 * math.pi / (729.0 * math.sqrt(3.0))}

#: ⟨r⟩ references: {"surmise": {...}, "large_n": {...}}; Poisson is exact in both.
SPACING_RATIO_MEAN = {
    "surmise": {
        "poisson": 2.0 * math.log(2.0) - 1.0,
        "goe": 4.0 - 2.0 * math.sqrt(3.0),
        "gue": 2.0 * math.sqrt(3.0) / math.pi - 0.5,
        "gse": 32.0 * math.sqrt(3.0) / (15.0 * math.pi) - 0.5,
    },
    "large_n": {  # Atas et al. 2013, Table 1 (numerical, ±1e-4)
        "poisson": 2.0 * math.log(2.0) - 1.0,
        "goe": 0.5307,
        "gue": 0.5996,
        "gse": 0.6744,
    },
}


def spacing_ratios(eigenvalues) -> np.ndarray:
    """r_i = min(s_i, s_{i+1})/max(s_i, s_{i+1}) for the sorted eigenvalues (length n − 2).

    Pairs of zero spacings (exact degeneracies) give NaN and are dropped.

    Example::

        >>> spacing_ratios([0.0, 1.0, 3.0, 4.0]).tolist()
        [0.5, 0.5]
    """
    lam = np.sort(np.asarray(eigenvalues, dtype=float).ravel())
    if lam.size < 3:
        raise ValueError(f"eigenvalues has {lam.size} values; spacing ratios need at least 3")
    s = np.diff(lam)
    lo, hi = np.minimum(s[:-1], s[1:]), np.maximum(s[:-1], s[1:])
    with np.errstate(invalid="ignore", divide="ignore"):
        r = lo / hi
    return r[np.isfinite(r)]


def spacing_ratio_mean(eigenvalues) -> tuple[float, float]:
    """⟨r⟩ and its standard error (ratios treated as independent; neighbours are weakly correlated)."""
    r = spacing_ratios(eigenvalues)
    return float(r.mean()), float(r.std(ddof=1) / math.sqrt(r.size)) if r.size > 1 else float("nan")


def spacing_ratio_density(r, ensemble: str):
    """Density of the min/max ratio r ∈ [0, 1]: Poisson exact, GOE/GUE/GSE by the Atas surmise."""
    ensemble = check("ensemble", ensemble, _ENSEMBLE)
    r = np.asarray(r, dtype=float)
    inside = (r >= 0) & (r <= 1)
    if ensemble == "poisson":
        out = 2.0 / (1.0 + r) ** 2
    else:
        beta = _BETA[ensemble]
        out = 2.0 * (r + r * r) ** beta / (1.0 + r + r * r) ** (1.0 + 1.5 * beta) / _Z[beta]
    out = np.where(inside, out, 0.0)
    return out[()] if out.ndim == 0 else out
