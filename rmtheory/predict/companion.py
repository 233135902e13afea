"""The law of the companion matrix: same nonzero eigenvalues, another dimension.

A B (p×p) and B A (q×q) share their nonzero eigenvalues; so do X Xᵀ and Xᵀ X, the Gauss-Newton
matrix Jᵀ J/P and the NTK Gram J Jᵀ/P. If μ is the spectral law of the p×p matrix and r = p/q, the
q×q matrix has law

    ν = r·μ + (1 − r)·δ₀,

which is a probability law when r ≤ 1, or when r > 1 and μ has mass ≥ 1 − 1/r at 0 (the p×p
matrix has rank ≤ q). Its Stieltjes transform is r·g_μ(z) − (1 − r)/z and its moments r·m_k(μ)
(k ≥ 1).

Example (X p×n with p/n = 1/2: (1/n) Xᵀ X is n×n, half of it zeros)::

    >>> import rmtheory as rmt
    >>> from rmtheory.predict.companion import Companion
    >>> law = Companion(rmt.MarchenkoPastur(0.5), 0.5)
    >>> law.atoms, law.support == rmt.MarchenkoPastur(0.5).support
    ([(0.0, 0.5)], True)
    >>> float(law.moment(1))
    0.5
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from rmtheory.free.transforms import exact_number
from rmtheory.laws.base import SpectralLaw
from rmtheory.params import ParameterError, Real, check

__all__ = ["Companion"]


class Companion(SpectralLaw):
    """Law of the q×q companion of a p×p matrix with law ``law``; ``ratio`` = p/q."""

    name = "companion"
    summary = "law of the companion matrix (same nonzero eigenvalues, dimension p/ratio)"

    def __init__(self, law, ratio: float):
        if not isinstance(law, SpectralLaw):
            raise ParameterError("law", law, "a SpectralLaw")
        self.base = law
        self.ratio = check("ratio", ratio, Real(0, None, low_open=True))
        zero = sum(w for x, w in law.atoms if x == 0.0)
        if self.ratio > 1 and zero < 1.0 - 1.0 / self.ratio - 1e-12:
            raise ParameterError("ratio", ratio, f"(0, {1.0 / (1.0 - zero):.17g}]",
                                 "the p×p law needs mass ≥ 1 − q/p at 0 for a q×q companion")

    @property
    def numerical_tolerance(self) -> float:
        """The base law's own tolerance (the companion is exact given it); AttributeError for a
        closed form, as for the base."""
        return self.base.numerical_tolerance

    @property
    def params(self):
        return {"law": self.base, "ratio": self.ratio}

    def expression(self):
        return f"companion({self.base.expression()}, ratio={self.ratio:.17g})"

    def _support(self):
        return self.base.support

    def _atoms(self):
        r = self.ratio
        out = {}
        for x, w in self.base.atoms:
            out[x] = out.get(x, 0.0) + r * w
        out[0.0] = out.get(0.0, 0.0) + (1.0 - r)
        return sorted((x, w) for x, w in out.items() if w > 1e-15)

    def _pdf(self, x):
        return self.ratio * np.asarray(self.base.pdf(x), float)

    def _cdf(self, x):
        x = np.asarray(x, float)
        return self.ratio * np.asarray(self.base.cdf(x), float) + (1.0 - self.ratio) * (x >= 0)

    def _moment(self, k):
        return 1.0 if k == 0 else self.ratio * float(self.base.moment(k))

    def exact_moments(self, order):
        r = exact_number(self.ratio)
        return [r * Fraction(m) if not isinstance(m, Fraction) else r * m for m in self.base.exact_moments(order)]

    def _stieltjes(self, z):
        z = np.asarray(z, dtype=complex)
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.ratio * np.asarray(self.base.stieltjes(z), complex) - (1.0 - self.ratio) / z

    def _stieltjes_derivative(self, z):
        z = np.asarray(z, dtype=complex)
        return self.ratio * np.asarray(self.base.stieltjes_derivative(z), complex) + (1.0 - self.ratio) / z**2

    def _sample(self, n, rng):
        p = max(1, int(round(n * self.ratio)))
        lam = self.base.sample(p, rng)
        if p >= n:  # drop p − n of the zeros (the p×p matrix has rank ≤ n)
            order = np.argsort(np.abs(lam), kind="stable")
            return np.delete(lam, order[: p - n])
        return np.concatenate([np.zeros(n - p), lam])
