"""Outliers of finite-rank perturbations (the BBP transition) and their eigenvector overlaps.

Benaych-Georges & Nadakuditi (2011), "The eigenvalues and eigenvectors of finite, low rank
perturbations of large random matrices", Adv. Math. 227, 494–521 (BGN below). With
G(z) = ∫ dμ(t)/(z − t) the Cauchy transform (G = −g, g the library's Stieltjes transform) and
T(z) = ∫ t/(z − t) dμ(t) = z G(z) − 1 the T-transform:

* ``kind="additive"``: X + Σ_i θ_i v_i v_iᵀ, X symmetric with spectral law μ, the v_i orthonormal
  and X or the v_i orthogonally invariant. An eigenvalue ρ outside the spectrum of μ separates
  exactly where G(ρ) = 1/θ_i (BGN §2, additive model), and the unit eigenvector u of ρ has
  |⟨u, v_i⟩|² → −1/(θ_i² G'(ρ)) (BGN Thm 2.3; G' < 0 off the support, so this is positive).
* ``kind="multiplicative"``: S = Σ^{1/2} X Σ^{1/2} with Σ = I + Σ_i θ_i v_i v_iᵀ, θ_i > −1, X ≥ 0 with
  law μ on [0, ∞) (the spiked covariance model, and W^{1/2} Σ W^{1/2}, which has the same
  eigenvalues). Outliers solve T(ρ) = 1/θ_i (BGN §2, multiplicative model X(I + P), which has the
  eigenvalues of S).
  For the overlap of the unit eigenvector u of S with v_i: with w = Σ^{1/2} u,
  (ρ − X) w = ρ θ/(1 + θ) ⟨v, w⟩ v, so w ∝ (ρ − X)^{−1} v; ⟨v, (ρ − X)^{−k} v⟩ → G(ρ), −G'(ρ) for
  k = 1, 2 and ‖u‖² = wᵀ Σ^{−1} w give
      |⟨u, v_i⟩|² → −(1 + θ_i) / (θ_i² ρ T'(ρ)),
  which is Paul's (2007, Statist. Sinica 17) (1 − c/θ²)/(1 + c/θ) for white Wishart. This
  overlap is derived here for the symmetric S (not taken from BGN) and is tested against Paul's
  formula, against inverse-function closed forms on MP ⊠ MP, and by Monte-Carlo.

Both transforms are strictly decreasing on every gap of the spectrum (G' = −∫dμ/(x − t)² < 0,
T' = −∫ t dμ/(x − t)² < 0 for μ on [0, ∞)), so each spike has at most one outlier per gap: one
beyond the outer edge on the side of its sign (the BBP outlier, which exists iff |θ| exceeds the
threshold θ_c = 1/G(edge), resp. 1/T(edge)), and possibly others inside gaps between support
intervals or atoms. The location is found by bracketing root-finding on the monotone transform
(evaluated through ``law.stieltjes``, so any law works, including free convolutions), and G' by the
trapezoid rule for Cauchy's integral on a circle around ρ that stays in the gap.

Example (a Wigner matrix of variance 1 plus θ = 2 v vᵀ: outlier at θ + 1/θ, overlap 1 − 1/θ²)::

    >>> import rmtheory as rmt
    >>> out, = rmt.spiked_outliers(rmt.Semicircle(1.0), [2.0])
    >>> out.separated, round(out.location, 12), round(out.overlap, 12), round(out.threshold, 12)
    (True, 2.5, 0.75, 1.0)
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from rmtheory.free.subordination import SolverError
from rmtheory.laws.base import SpectralLaw
from rmtheory.params import ParameterError

__all__ = ["spiked_outliers", "SpikeOutliers", "Outlier"]

KINDS = ("additive", "multiplicative")


@dataclass(frozen=True)
class Outlier:
    """One outlier eigenvalue: its limit, the squared overlap of its eigenvector with the spike
    direction, and the gap of the spectrum (ends may be ±inf) it lies in."""

    location: float
    overlap: float
    gap: tuple[float, float]


@dataclass(frozen=True)
class SpikeOutliers:
    """What one spike θ does to the spectrum.

    ``separated``, ``location``, ``overlap`` and ``threshold`` describe the BBP outlier beyond the
    outer edge on the side of θ's sign (right edge for θ > 0, left edge for θ < 0): it exists iff θ
    is beyond ``threshold`` (θ > θ_c > 0, resp. θ < θ_c < 0; θ_c = 0 when the transform diverges at
    that edge, e.g. at an atom). Below threshold ``location`` is None and ``overlap`` is 0 (the
    eigenvector delocalizes). A law whose spectrum has gaps can also have outliers inside them,
    listed in ``gap_outliers``; ``locations`` gives all of them, sorted.
    """

    theta: float
    kind: str
    separated: bool
    location: float | None
    threshold: float
    overlap: float
    gap_outliers: tuple[Outlier, ...] = ()

    @property
    def locations(self) -> list[float]:
        found = [o.location for o in self.gap_outliers]
        if self.location is not None:
            found.append(self.location)
        return sorted(found)


# ----------------------------------------------------------------- input checks
def _check_spikes(spikes, kind):
    values = [spikes] if isinstance(spikes, numbers.Real) else spikes
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        arr = None
    allowed = "a non-empty list of finite nonzero reals"
    if (arr is None or arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr == 0)
            or any(isinstance(v, (bool, np.bool_)) for v in np.asarray(values, dtype=object).ravel())):
        raise ParameterError("spikes", spikes, allowed)
    if kind == "multiplicative" and np.any(arr <= -1):
        raise ParameterError("spikes", spikes, allowed + " above -1",
                             "kind='multiplicative' needs I + θ v vᵀ positive definite")
    return arr


def _check(law, spikes, kind):
    if not isinstance(law, SpectralLaw):
        raise ParameterError("law", law, "a SpectralLaw (e.g. rmt.Semicircle(), rmt.free_add(...))")
    if kind not in KINDS:
        raise ParameterError("kind", kind, "{'additive', 'multiplicative'}")
    lo, hi = law._hull()
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ParameterError("law", law.expression(), "a law with compact support (an eigenvalue law)")
    if kind == "multiplicative" and lo < 0:
        raise ParameterError("law", law.expression(), "a law supported on [0, inf) for kind='multiplicative'",
                             "S = Σ^{1/2} X Σ^{1/2} needs X ≥ 0")
    return _check_spikes(spikes, kind)


# ----------------------------------------------------------------- the transforms on the real line
class _Transform:
    """G (additive) or T (multiplicative) of ``law`` on the real line off its spectrum."""

    def __init__(self, law, kind):
        self.law, self.kind = law, kind
        atoms = law.atoms
        self.mass_at_zero = sum(w for x, w in atoms if x == 0.0)
        # the spectrum's components: support intervals and atoms (the atom at 0 is invisible to T)
        parts = [(float(a), float(b)) for a, b in law.support]
        parts += [(float(x), float(x)) for x, _ in atoms if not (kind == "multiplicative" and x == 0.0)]
        parts.sort()
        merged = []
        for a, b in parts:
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        self.components = merged
        self.atom_points = sorted(float(x) for x, _ in atoms)
        self.singular = sorted({p for c in merged for p in c} | set(self.atom_points))
        lo, hi = law._hull()
        self.scale = max(abs(lo), abs(hi), hi - lo, 1e-300)

    def cauchy(self, x):
        return -float(np.real(self.law.stieltjes(float(x))))

    def __call__(self, x):
        if self.kind == "additive":
            return self.cauchy(x)
        if x == 0.0 and self.mass_at_zero > 0:
            return self.mass_at_zero - 1.0  # T(0) = −μ((0, ∞)): the atom at 0 carries t = 0
        return x * self.cauchy(x) - 1.0

    def safe(self, x):
        """F(x), or NaN where it is infinite or the solver fails (e.g. exactly at a hard edge)."""
        try:
            with np.errstate(all="ignore"):
                value = self(x)
        except SolverError:
            return math.nan
        return value if math.isfinite(value) else math.nan

    def derivative(self, x):
        """F'(x) by Cauchy's formula on a circle of half the distance to the spectrum (64 nodes:
        the trapezoid rule on a circle converges like 2^{−64} here)."""
        distance = min(abs(x - p) for p in self.singular)
        radius = 0.5 * distance
        phase = np.exp(2j * np.pi * np.arange(64) / 64)
        ring = x + radius * phase
        cauchy = -np.asarray(self.law.stieltjes(ring), dtype=complex)
        dG = float(np.real(np.mean(cauchy / phase) / radius))
        if self.kind == "additive":
            return dG
        return self.cauchy(x) + x * dG  # T' = G + x G'

    #: distances (× scale) from an edge at which its one-sided limit is extrapolated
    EDGE_STEPS = (1e-12, 1e-10, 1e-8)

    def edge_value(self, edge, side):
        """lim F(x) as x → ``edge`` from the gap on ``side`` (+1: from the right), ±inf if F diverges.

        At a square-root edge F(edge + side·h) = F₀ + C√h + O(h), so F₀ is the value at √h = 0 of the
        quadratic in √h through h = (1e-12, 1e-10, 1e-8)·scale. Against the exact double root of
        the algebraic polynomial at the exact edge this is good to ~1e-9 on the free convolutions
        of the tests (the value at the numerically found edge itself was off by up to 6e-8).
        F diverges at atoms and at hard edges (density ~ |x − edge|^{−α}); there its increments
        grow as h shrinks instead of falling tenfold, which decides divergence. Where F evaluated
        exactly at the edge agrees with the limit to 1e-10, that value is kept (exact for
        closed-form laws).
        """
        if edge in self.atom_points and not (self.kind == "multiplicative" and edge == 0.0):
            return side * math.inf  # G ~ w/(x − x₀) beside an atom
        steps = [h * self.scale for h in self.EDGE_STEPS]
        f1, f2, f3 = (self.safe(edge + side * h) for h in steps)
        if not all(math.isfinite(v) for v in (f1, f2, f3)):
            raise SolverError(f"{self.law.expression()}: the transform could not be evaluated beside the "
                              f"edge {edge!r}, so the outliers beyond it cannot be located")
        # F decreases across a gap: it tends to +inf at the gap's left end, −inf at its right end
        if abs(f1 - f2) > 0.5 * abs(f2 - f3) and abs(f1 - f2) > 1e-12 * (abs(f1) + 1.0 / self.scale):
            return side * math.inf
        r1, r2, r3 = (math.sqrt(h) for h in steps)
        limit = (f1 * r2 * r3 / ((r1 - r2) * (r1 - r3)) + f2 * r1 * r3 / ((r2 - r1) * (r2 - r3))
                 + f3 * r1 * r2 / ((r3 - r1) * (r3 - r2)))
        exact = self.safe(edge)
        if math.isfinite(exact) and abs(exact - limit) <= 1e-10 * (abs(limit) + 1.0 / self.scale):
            return exact
        return limit


# ----------------------------------------------------------------- solving F(ρ) = 1/θ in one gap
def _near(F, end, direction, target, sign):
    """A point just beside a singular ``end`` (atom or divergent edge), on the gap side
    ``direction``, where sign(F − target) = ``sign``; F → ±inf there, so it exists."""
    offset = 1e-9 * F.scale
    for _ in range(40):
        x = end + direction * offset
        if x == end:
            break
        value = F.safe(x) - target
        if math.isfinite(value) and value * sign > 0:
            return x
        offset *= 0.05
    return None


def _far(F, end, direction, target, sign):
    """A point beyond the outer ``end`` (direction +1: to the right) with sign(F − target) = ``sign``;
    F → 0 at infinity and the caller checked that target lies between F(end) and 0."""
    step = max(abs(1.0 / target), 1.0) * F.scale
    for _ in range(200):
        x = end + direction * step
        if (F(x) - target) * sign > 0:
            return x
        step *= 2.0
    return None


def _beside(F, end, direction, target, sign):
    """A bracket end next to a finite edge: the edge moved by the smallest extrapolation step into
    the gap (F exactly at a numerically found edge may be off the branch, or fail at a hard edge)."""
    x = end + direction * F.EDGE_STEPS[0] * F.scale
    value = F.safe(x) - target
    return x if value * sign > 0 else None


def _solve_in_gap(F, lo, hi, target):
    """ρ in the gap (lo, hi) (ends may be ±inf) with F(ρ) = target, or None; F decreases there.

    Roots within 1e-12·scale of an edge (θ within ~1e-6 of its threshold) are returned as the
    point at that distance: closer than that the outlier is not resolved from the edge.
    """
    f_lo = F.edge_value(lo, +1) if math.isfinite(lo) else 0.0
    f_hi = F.edge_value(hi, -1) if math.isfinite(hi) else 0.0
    if not f_hi < target < f_lo:
        return None
    if not math.isfinite(lo):
        a = _far(F, hi, -1, target, +1)
    elif math.isfinite(f_lo):
        a = _beside(F, lo, +1, target, +1)
        if a is None:
            return lo + F.EDGE_STEPS[0] * F.scale
    else:
        a = _near(F, lo, +1, target, +1)
    if not math.isfinite(hi):
        b = _far(F, lo, +1, target, -1)
    elif math.isfinite(f_hi):
        b = _beside(F, hi, -1, target, -1)
        if b is None:
            return hi - F.EDGE_STEPS[0] * F.scale
    else:
        b = _near(F, hi, -1, target, -1)
    if a is None or b is None:
        return None
    return optimize.brentq(lambda x: F(x) - target, a, b, xtol=1e-15 * F.scale,
                           rtol=4 * np.finfo(float).eps, maxiter=400)


def _overlap(F, rho, theta):
    d = F.derivative(rho)
    if F.kind == "additive":
        return -1.0 / (theta * theta * d)                  # BGN Thm 2.3
    return -(1.0 + theta) / (theta * theta * rho * d)      # derived in the module docstring


# ----------------------------------------------------------------- public entry point
def spiked_outliers(law, spikes, kind: str = "additive") -> list[SpikeOutliers]:
    """Outliers of a finite-rank perturbation of a matrix with spectral law ``law``, one record per spike.

    ``kind="additive"``: X + Σ θ_i v_i v_iᵀ; ``kind="multiplicative"``: Σ^{1/2} X Σ^{1/2} with
    Σ = I + Σ θ_i v_i v_iᵀ (θ_i > −1, ``law`` on [0, ∞)). Spikes are the nonzero θ_i (orthonormal
    v_i); repeated values are repeated outliers. See the module docstring for the formulas
    (Benaych-Georges & Nadakuditi 2011) and :class:`SpikeOutliers` for the record.

    Example (spiked covariance, Baik-Ben Arous-Péché: MP(ratio c), population spike 1 + θ,
    outlier (1 + θ)(1 + c/θ) when θ > √c)::

        >>> import rmtheory as rmt
        >>> above, below = rmt.spiked_outliers(rmt.MarchenkoPastur(0.25), [1.0, 0.25], kind="multiplicative")
        >>> round(above.location, 12), round(above.threshold, 12), below.separated
        (2.5, 0.5, False)
    """
    thetas = _check(law, spikes, kind)
    F = _Transform(law, kind)
    comps = F.components
    if not comps:
        raise ParameterError("law", law.expression(), "a law with a nonempty spectrum")
    lower, upper = comps[0][0], comps[-1][1]
    gaps = [(comps[k][1], comps[k + 1][0]) for k in range(len(comps) - 1)]
    right_edge_value = F.edge_value(upper, +1)
    left_edge_value = F.edge_value(lower, -1)
    records = []
    for theta in thetas:
        theta = float(theta)
        target = 1.0 / theta
        if theta > 0:
            threshold = 1.0 / right_edge_value if math.isfinite(right_edge_value) else 0.0
            outer = (upper, math.inf)
        else:
            threshold = 1.0 / left_edge_value if math.isfinite(left_edge_value) else -0.0
            outer = (-math.inf, lower)
        rho = _solve_in_gap(F, *outer, target)
        inner = []
        for gap in gaps:
            r = _solve_in_gap(F, *gap, target)
            if r is not None:
                inner.append(Outlier(float(r), float(_overlap(F, r, theta)), gap))
        records.append(SpikeOutliers(
            theta=theta, kind=kind, separated=rho is not None,
            location=None if rho is None else float(rho), threshold=float(threshold),
            overlap=0.0 if rho is None else float(_overlap(F, rho, theta)),
            gap_outliers=tuple(inner)))
    return records
