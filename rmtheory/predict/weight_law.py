"""The law of t = g(h), h ~ N(0, v), as a sum of uniform pieces with closed-form transforms.

The deep Jacobian needs M(y) = E[t/(y − t)] for t = f'(h)² (the law of D²), and a GLM Hessian
E[t/(1 + c t)] for t = ℓ''(h). Replacing the continuous law of t by atoms (quadrature nodes)
leaves gaps between the atoms, which show up as spurious gaps in the thin tails of the predicted
spectrum wherever the subordination point comes close to the real axis. Here the law is instead a
mixture of uniform laws on [a_j, b_j]: the h-axis (truncated at ±12√v, Gaussian mass beyond
4e-33) is cut into panels — graded geometrically toward the extrema of g, split at the kinks —
and each panel contributes the uniform law on the range of g over it, with the panel's exact
Gaussian mass (Φ differences). Panels where g is constant (relu') are atoms. The mixture is a
continuous law wherever the true one is, so no gaps are created; the density within a panel is
approximated to first order in its width (cdf error O(width²), measured against a coarser
partition by the callers). For a uniform piece, with w = b − a,

    E[t/(y − t)]   = −1 + (y/w) log((y − a)/(y − b)) = −1 + (y/w) log1p(w/(y − b)),
    E[t/(1 + ct)]  = (1/c)(1 − log((1 + cb)/(1 + ca))/(c w)),

principal logarithms: the ratio is real and negative exactly on the cut [a, b] (resp. −1/c ∈ [a, b]).

Example (relu': atoms at 0 and 1 with mass 1/2 each)::

    >>> from rmtheory.predict.weight_law import WeightLaw
    >>> law = WeightLaw.of(lambda h: (h > 0) * 1.0, 1.0, breakpoints=(0.0,))
    >>> law.atoms()
    [(0.0, 0.5), (1.0, 0.5)]
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass

import numba
import numpy as np
from scipy import special

from rmtheory.laws.base import SpectralLaw
from rmtheory.predict._deprecation import renamed_keywords

__all__ = ["WeightLaw", "UniformMixture"]


@dataclass
class WeightLaw:
    """Mixture of uniform laws on [a_j, b_j] (a_j = b_j: an atom) with masses p_j."""

    a: np.ndarray
    b: np.ndarray
    p: np.ndarray

    # ------------------------------------------------------------------ construction
    @classmethod
    def atoms_of(cls, values, masses):
        v = np.asarray(values, float)
        m = np.asarray(masses, float)
        return cls(v.copy(), v.copy(), m / m.sum())

    @classmethod
    def of(cls, g, variance: float, *, breakpoints=(), focus=None, width: float = 0.05, depth: int = 10,
           cut: float = 12.0):
        """Law of g(h), h ~ N(0, variance) (module docstring). ``width`` is the largest panel in
        units of the standard deviation, ``depth`` the levels (×√10) of grading toward ``focus``
        (default: the extrema of g found on a grid)."""
        from rmtheory.predict.activations import extrema, graded_cuts

        sd = math.sqrt(variance)
        if focus is None:
            focus = extrema(g, variance)
        cuts = graded_cuts(sd, focus, breakpoints, depth, cut)
        ends = []
        for x0, x1 in zip(cuts[:-1], cuts[1:]):
            k = max(1, int(math.ceil((x1 - x0) / (width * sd))))
            ends.extend(np.linspace(x0, x1, k + 1)[:-1].tolist())
        ends.append(cuts[-1])
        ends = np.asarray(ends)
        # exact Gaussian mass of each panel; the two tails beyond ±cut·sd join the end panels
        cdf = special.ndtr(ends / sd)
        cdf[0], cdf[-1] = 0.0, 1.0
        mass = np.diff(cdf)
        # range of g over each panel: ends, midpoint and 3 interior points (g monotone between
        # extrema, which are panel ends)
        s = np.linspace(0.0, 1.0, 5)
        pts = ends[:-1, None] + (ends[1:] - ends[:-1])[:, None] * s[None, :]
        # at a kink, evaluate just inside the panel so each side gets its own one-sided value;
        # elsewhere at the exact ends, so that adjacent pieces touch (no gap between them)
        eps = 1e-12 * sd
        kinks = np.array(sorted(float(x) for x in breakpoints)) if len(breakpoints) else np.zeros(0)
        if kinks.size:
            at_kink_left = np.isin(ends[:-1], kinks)
            at_kink_right = np.isin(ends[1:], kinks)
            pts[at_kink_left, 0] += eps
            pts[at_kink_right, -1] -= eps
        vals = np.asarray(g(pts.ravel()), float).reshape(pts.shape)
        a, b = vals.min(axis=1), vals.max(axis=1)
        keep = mass > 0
        law = cls(a[keep], b[keep], mass[keep] / mass[keep].sum())
        return law._merged_atoms()

    def _merged_atoms(self):
        """Pieces of zero width at the same value are one atom (relu' gives two)."""
        point = (self.b - self.a) <= 1e-15 * np.maximum(1.0, np.abs(self.b))
        if not point.any():
            return self
        vals, inv = np.unique(self.a[point], return_inverse=True)
        mass = np.zeros(vals.size)
        np.add.at(mass, inv, self.p[point])
        a = np.concatenate([self.a[~point], vals])
        b = np.concatenate([self.b[~point], vals])
        p = np.concatenate([self.p[~point], mass])
        return WeightLaw(a, b, p)

    # ------------------------------------------------------------------ description
    @property
    def is_atomic(self) -> bool:
        return bool(np.all(self.a == self.b))

    def atoms(self):
        point = self.a == self.b
        return sorted((float(x), float(w)) for x, w in zip(self.a[point], self.p[point]))

    def mass_at(self, x: float) -> float:
        return float(self.p[(self.a == x) & (self.b == x)].sum())

    @property
    def lower(self) -> float:
        return float(self.a.min())

    @property
    def upper(self) -> float:
        return float(self.b.max())

    def cuts(self) -> list[float]:
        """Real points where the transforms are singular: atoms, and the ends of the union of pieces."""
        pts = set(self.a[self.a == self.b].tolist())
        order = np.argsort(self.a)
        lo, hi = None, None
        for j in order:
            if self.a[j] == self.b[j]:
                continue
            if hi is None or self.a[j] > hi:
                if hi is not None:
                    pts.update({lo, hi})
                lo, hi = self.a[j], self.b[j]
            else:
                hi = max(hi, self.b[j])
        if hi is not None:
            pts.update({lo, hi})
        return sorted(float(x) for x in pts)

    def continuous_ranges(self):
        """The union of the nondegenerate pieces, as disjoint intervals."""
        out = []
        for j in np.argsort(self.a):
            if self.a[j] == self.b[j]:
                continue
            if out and self.a[j] <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], float(self.b[j])))
            else:
                out.append((float(self.a[j]), float(self.b[j])))
        return out

    def moment(self, k: int) -> float:
        a, b, p = self.a, self.b, self.p
        w = b - a
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.where(w > 0, (b ** (k + 1) - a ** (k + 1)) / ((k + 1) * np.where(w > 0, w, 1.0)), a**k)
        return float(p @ m)

    @renamed_keywords(size="n")
    def sample(self, n, rng=None):
        """``n`` independent draws of t (unsorted), with ``rng`` a seed or Generator.

        The convention of the laws of one scalar (as :class:`~rmtheory.TracyWidom`): ``sample(n)`` is
        n iid values — a :class:`~rmtheory.laws.base.SpectralLaw`'s ``sample(n)`` is instead the n
        eigenvalues of one n×n matrix. The keyword ``size=`` is deprecated.
        """
        rng = np.random.default_rng(rng)
        j = rng.choice(self.p.size, size=n, p=self.p)
        return self.a[j] + (self.b[j] - self.a[j]) * rng.random(n)

    # ------------------------------------------------------------------ transforms
    def ratio(self, y):
        """E[t/(y − t)] and its derivative in y, for complex y (broadcast over the last axis).

        Per piece, with u = y − b and ε = w/u: b/u − y w k(ε)/u², k(ε) = (ε − log1p ε)/ε²,
        which is the module's formula rearranged so that nothing cancels for |y| ≫ b − a.
        """
        y = np.asarray(y, dtype=complex)
        try:
            val, der = _ratio_kernel(y.ravel(), self.a, self.b, self.p)
        except ZeroDivisionError:
            # numba's complex division raises where NumPy gives inf/nan (y on a pole, or u⁴ underflowing
            # for pieces of width ~1e-150 from a deep saturated network); the reference path does the same
            # arithmetic with IEEE semantics, and the solver treats the non-finite points as singular
            return self._ratio_numpy(y)
        return val.reshape(y.shape), der.reshape(y.shape)

    def _ratio_numpy(self, y):
        """The plain-NumPy reference of :meth:`ratio` (the kernel is tested against it)."""
        y = np.asarray(y, dtype=complex)[..., None]
        a, b, p = self.a, self.b, self.p
        w = b - a
        with np.errstate(all="ignore"):
            u = y - b
            eps = w / u
            k, dk = _k(eps)
            val = b / u - y * w * k / u**2
            der = -b / u**2 - w * k / u**2 + 2.0 * y * w * k / u**3 + y * w * w * dk / u**4
        return (val * p).sum(-1), (der * p).sum(-1)

    def glm(self, c):
        """E[t/(1 + c t)] and its derivative in c, for complex c.

        Per piece, with D = 1 + c a and ε = c w/D: a/D + w k(ε)/D² (no cancellation as c → 0).
        """
        c = np.asarray(c, dtype=complex)[..., None]
        a, b, p = self.a, self.b, self.p
        w = b - a
        with np.errstate(all="ignore"):
            D = 1.0 + c * a
            eps = c * w / D
            k, dk = _k(eps)
            val = a / D + w * k / D**2
            der = -a * a / D**2 + w * w * dk / D**4 - 2.0 * w * k * a / D**3
        return (val * p).sum(-1), (der * p).sum(-1)


_SERIES = np.array([(-1.0) ** j / (j + 2) for j in range(14)])       # k(ε) = Σ (−1)^j ε^j/(j + 2)


def _k(eps):
    """k(ε) = (ε − log1p ε)/ε² and k'(ε), by the series for |ε| < 0.05 (14 terms: < 1e-18)."""
    eps = np.asarray(eps, dtype=complex)
    small = np.abs(eps) < 0.05
    with np.errstate(all="ignore"):
        e = np.where(small, 1.0, eps)
        k_closed = (e - np.log1p(e)) / (e * e)
        dk_closed = 1.0 / (e * (1.0 + e)) - 2.0 * k_closed / e
    es = np.where(small, eps, 0.0)
    k_series = np.zeros_like(es)
    dk_series = np.zeros_like(es)
    for j in range(_SERIES.size - 1, -1, -1):
        k_series = k_series * es + _SERIES[j]
    for j in range(_SERIES.size - 1, 0, -1):
        dk_series = dk_series * es + j * _SERIES[j]
    return np.where(small, k_series, k_closed), np.where(small, dk_series, dk_closed)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _ratio_kernel(y, a, b, p):  # pragma: no cover - compiled
    """E[t/(y − t)] and its y-derivative per point: :meth:`WeightLaw._ratio_numpy`, one pass."""
    n, m = y.size, a.size
    val = np.zeros(n, dtype=np.complex128)
    der = np.zeros(n, dtype=np.complex128)
    for i in range(n):
        yi = y[i]
        sv = 0j
        sd = 0j
        for j in range(m):
            w = b[j] - a[j]
            u = yi - b[j]
            if w == 0.0:
                sv += p[j] * (b[j] / u)
                sd += p[j] * (-b[j] / (u * u))
                continue
            e = w / u
            if abs(e) < 0.05:
                k = 0j
                for q in range(_SERIES.size - 1, -1, -1):
                    k = k * e + _SERIES[q]
                dk = 0j
                for q in range(_SERIES.size - 1, 0, -1):
                    dk = dk * e + q * _SERIES[q]
            else:
                k = (e - cmath.log(1.0 + e)) / (e * e)
                dk = 1.0 / (e * (1.0 + e)) - 2.0 * k / e
            u2 = u * u
            sv += p[j] * (b[j] / u - yi * w * k / u2)
            sd += p[j] * (-b[j] / u2 - w * k / u2 + 2.0 * yi * w * k / (u2 * u) + yi * w * w * dk / (u2 * u2))
        val[i] = sv
        der[i] = sd
    return val, der


class UniformMixture(SpectralLaw):
    """A :class:`WeightLaw` scaled by ``scale`` as a :class:`~rmtheory.laws.base.SpectralLaw`: pdf,
    cdf, Stieltjes transform and moments in closed form, per uniform piece (1/w)·log((b − z)/(a − z)).
    Its ``sample(n)`` is the spectrum of the n×n diagonal matrix scale·diag(t_1, …, t_n), that is n
    iid draws of scale·t: here the two meanings of ``sample`` coincide.

    Example (one uniform piece on [0, 2], scaled by 1.5: uniform on [0, 3])::

        >>> from rmtheory.predict.weight_law import WeightLaw, UniformMixture
        >>> law = UniformMixture(WeightLaw(*(np.array(v) for v in ([0.0], [2.0], [1.0]))), scale=1.5)
        >>> law.support, float(law.cdf(1.5)), float(law.moment(1))
        ([(0.0, 3.0)], 0.5, 1.5)
    """

    name = "uniform_mixture"
    summary = "mixture of uniform laws and atoms (the law of a discretized weight t)"
    parameters = ()

    def __init__(self, tlaw, scale=1.0, label=None):
        self.tlaw, self.c = tlaw, float(scale)
        self._label = label or f"{tlaw.p.size} pieces"
        cont = tlaw.a < tlaw.b
        self._a, self._b, self._p = tlaw.a[cont] * self.c, tlaw.b[cont] * self.c, tlaw.p[cont]

    @property
    def params(self):
        return {"scale": self.c, "t": self._label}

    def expression(self):
        return f"uniform_mixture(scale={self.c:.17g}, t={self._label})"

    def _support(self):
        return [(a * self.c, b * self.c) for a, b in self.tlaw.continuous_ranges()]

    def _atoms(self):
        return [(x * self.c, w) for x, w in self.tlaw.atoms()]

    def _pdf(self, x):
        x = np.asarray(x, float)[..., None]
        inside = (x >= self._a) & (x <= self._b)
        return (inside * self._p / (self._b - self._a)).sum(-1)

    def _cdf(self, x):
        x = np.asarray(x, float)
        frac = np.clip((x[..., None] - self._a) / (self._b - self._a), 0.0, 1.0)
        out = (frac * self._p).sum(-1)
        for loc, w in self._atoms():
            out = out + w * (x >= loc)
        return np.minimum(out, 1.0)

    def _stieltjes(self, z):
        z = np.asarray(z, complex)[..., None]
        w = self._b - self._a
        out = (self._p * np.log((self._b - z) / (self._a - z)) / w).sum(-1)
        for loc, m in self._atoms():
            out = out + m / (loc - z[..., 0])
        return out

    def _moment(self, k):
        return self.c**k * self.tlaw.moment(k) if k > 0 else 1.0

    def _sample(self, n, rng):
        return self.c * self.tlaw.sample(n, rng)

