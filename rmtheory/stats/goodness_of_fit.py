"""Kolmogorov-Smirnov and Wasserstein-1 comparisons of eigenvalues with a law or with each other.

Atoms. For a law with atoms the cdf F jumps; the KS statistic here is the exact supremum
sup_x |F_n(x) − F(x)|, evaluated at every sample point from both sides (F_n(x⁻) against F(x⁻)),
so a jump is never mistaken for a discrepancy. The p-value uses the Kolmogorov distribution of
the continuous case, which is conservative when F has atoms (Noether 1963, "Note on the
Kolmogorov statistic in the discrete case"): it never rejects more often than alpha.

Eigenvalues of one random matrix are not independent (they repel), so the KS p-value is a
statement about iid samples; eigenvalue samples pass more easily than iid ones in the bulk.
The result says so in ``details``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as _st

from rmtheory.params import Integer, ParameterError, Real, check

__all__ = ["TestResult", "ks_test", "ks_two_sample", "wasserstein1", "wasserstein1_two_sample"]


@dataclass(frozen=True)
class TestResult:
    """A statistic with its p-value (or NaN where none exists), sample size and method.

    A result is not a verdict: :meth:`rejects` judges it at a significance level the caller chooses.
    (In this project ``passed`` is always a verdict already judged against a stated threshold, a
    boolean attribute, as on :class:`validation.experiments.base.Check`; ``passed(alpha)`` here is a
    deprecated alias of ``not rejects(alpha)``.)
    """

    __test__ = False  # not a pytest class

    statistic: float
    pvalue: float
    sample_size: int
    method: str
    details: dict = field(default_factory=dict)

    def rejects(self, alpha: float = 0.01) -> bool:
        """True when the null hypothesis (the sample follows the law, or both samples one law) is
        rejected at significance level ``alpha``: p-value < alpha.

        A result without a p-value (Wasserstein-1) raises ValueError: it is judged against a
        threshold on its statistic, not at a level.
        """
        alpha = check("alpha", alpha, Real(0, 1, low_open=True, high_open=True))
        if math.isnan(self.pvalue):
            raise ValueError(f"{self.method} has no p-value to judge at alpha = {alpha!r}; compare its "
                             f"statistic ({self.statistic!r}) with a threshold instead")
        return bool(self.pvalue < alpha)

    def passed(self, alpha: float = 0.01) -> bool:
        """Deprecated alias of ``not rejects(alpha)`` (kept for one release): ``passed`` names a
        boolean verdict elsewhere in the project, never a method taking a level."""
        warnings.warn("TestResult.passed(alpha) is deprecated; use not TestResult.rejects(alpha) (the old name "
                      "is kept for one release)", DeprecationWarning, stacklevel=2)
        alpha = check("alpha", alpha, Real(0, 1, low_open=True, high_open=True))
        return bool(self.pvalue >= alpha)


def _clean(sample, name="eigenvalues") -> np.ndarray:
    x = np.asarray(sample, dtype=float).ravel()
    if x.size == 0:
        raise ParameterError(name, "[]", "at least one value")
    if not np.all(np.isfinite(x)):
        bad = x[~np.isfinite(x)][0]
        raise ParameterError(name, f"[... {bad} ...]", "finite values only (remove NaN/inf first)")
    return np.sort(x)


def _cdf_left(law, x: np.ndarray, cdf_right=None) -> np.ndarray:
    """F(x⁻) = F(x) minus the atoms sitting exactly at x (``cdf_right``: F(x), if already computed)."""
    out = np.array(law.cdf(x) if cdf_right is None else cdf_right, dtype=float)
    for loc, mass in law.atoms:
        out[x == loc] -= mass
    return out


def _snap_to_atoms(x: np.ndarray, law, tolerance) -> np.ndarray:
    """Measured eigenvalues within ``tolerance`` of an atom are that atom (rounding of a computed
    spectrum puts a rank deficiency at ±1e-15, not at 0). Default tolerance: the law's own
    ``atom_tolerance`` where it states one (a law whose continuous part reaches far below the
    spread's 1e-9, like a deep product's), else 1e-9 × the spread."""
    if not law.atoms:
        return x
    if tolerance is None:
        tolerance = getattr(law, "atom_tolerance", None)
    if tolerance is None:
        tolerance = 1e-9 * max(float(np.ptp(x)), float(np.max(np.abs(x))), 1e-300)
    x = x.copy()
    for loc, _ in law.atoms:
        x[np.abs(x - loc) <= tolerance] = loc
    return np.sort(x)


def ks_test(eigenvalues, law, *, atom_tolerance=None) -> TestResult:
    """One-sample KS test of ``eigenvalues`` against ``law`` (atoms handled exactly).

    Values within ``atom_tolerance`` of an atom of the law count as sitting on it (default
    1e-9 × the spread of the sample), so numerically computed zero eigenvalues match an atom at 0.

    Example::

        >>> import rmtheory as rmt
        >>> lam = rmt.MarchenkoPastur(0.5).sample(1000, rng=1)
        >>> ks_test(lam, rmt.MarchenkoPastur(0.5)).rejects(0.01)
        False
    """
    x = _snap_to_atoms(_clean(eigenvalues), law, atom_tolerance)
    n = x.size
    cdf_right = np.asarray(law.cdf(x), dtype=float)
    cdf_left = _cdf_left(law, x, cdf_right)
    # empirical cdf after (right) and before (left) each order statistic; ties share one jump
    right = np.searchsorted(x, x, side="right") / n
    left = np.searchsorted(x, x, side="left") / n
    d_plus = float(np.max(right - cdf_right))
    d_minus = float(np.max(cdf_left - left))
    d = max(d_plus, d_minus, 0.0)
    pvalue = float(_st.kstwo.sf(d, n))
    return TestResult(d, pvalue, n, "one-sample Kolmogorov-Smirnov",
                      {"d_plus": d_plus, "d_minus": d_minus, "has_atoms": bool(law.atoms),
                       "pvalue_note": "Kolmogorov distribution (exact for iid samples of a continuous "
                                      "law, conservative with atoms)"})


def ks_two_sample(a, b) -> TestResult:
    """Two-sample KS test (exact p-value for small samples, asymptotic otherwise; scipy)."""
    x, y = _clean(a, "a"), _clean(b, "b")
    res = _st.ks_2samp(x, y)
    return TestResult(float(res.statistic), float(res.pvalue), int(min(x.size, y.size)),
                      "two-sample Kolmogorov-Smirnov", {"n_a": int(x.size), "n_b": int(y.size)})


def wasserstein1(eigenvalues, law, *, grid_points: int = 20001, tail: float = 1e-12) -> TestResult:
    """W1(empirical, law) = ∫ |F_n(x) − F(x)| dx, by Simpson's rule on kink-free pieces.

    Nodes: ``grid_points`` evenly spaced points over the law's hull (the ``tail`` and 1 − ``tail``
    quantiles for unbounded laws), every sample point and atom (where F_n or F jumps), and every
    crossing point Q(i/n) (where |F_n − F| has a kink). Between nodes the integrand is smooth, so
    Simpson's rule converges as h⁴ instead of the trapezoid's h²; the test suite checks the result
    against adaptive quadrature to 1e-8 relative. No p-value (``pvalue`` is NaN).
    """
    grid_points = check("grid_points", grid_points, Integer(100, 10**8))
    x = _clean(eigenvalues)
    n = x.size
    lo, hi = law._hull()
    if not np.isfinite(lo):
        lo = float(law.ppf(tail))
    if not np.isfinite(hi):
        hi = float(law.ppf(1 - tail))
    lo, hi = min(lo, x[0]), max(hi, x[-1])
    crossings = np.asarray(law.ppf(np.arange(1, n) / n), dtype=float).ravel()
    atoms = [loc for loc, _ in law.atoms if lo <= loc <= hi]
    nodes = np.unique(np.concatenate([np.linspace(lo, hi, grid_points), x, atoms,
                                      crossings[(crossings > lo) & (crossings < hi)]]))
    left, right = nodes[:-1], nodes[1:]
    fn = np.searchsorted(x, left, side="right") / n  # F_n is constant on [t_i, t_{i+1})
    f_left = np.asarray(law.cdf(left), dtype=float)
    f_mid = np.asarray(law.cdf(0.5 * (left + right)), dtype=float)
    f_right = _cdf_left(law, right)  # F just before the next node (excludes an atom there)
    integrand = np.abs(fn - f_left) + 4.0 * np.abs(fn - f_mid) + np.abs(fn - f_right)
    distance = float(np.sum(integrand * (right - left)) / 6.0)
    return TestResult(distance, float("nan"), n, "Wasserstein-1 to law",
                      {"nodes": int(nodes.size), "range": (float(lo), float(hi)), "rule": "Simpson"})


def wasserstein1_two_sample(a, b, weights_a=None, weights_b=None) -> TestResult:
    """W1 between two (optionally weighted) samples, exact (scipy.stats.wasserstein_distance)."""
    x, y = np.asarray(a, float).ravel(), np.asarray(b, float).ravel()
    _clean(x, "a"), _clean(y, "b")
    d = _st.wasserstein_distance(x, y, weights_a, weights_b)
    return TestResult(float(d), float("nan"), int(min(x.size, y.size)), "Wasserstein-1 two-sample",
                      {"n_a": int(x.size), "n_b": int(y.size)})
