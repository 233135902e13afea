"""The law of scale·X + shift for X of a given law: exact, with no solver.

Free convolution with a point mass is affine (Nica & Speicher 2006, Lecture 12: R_{δ_c}(w) = c,
so δ_c ⊞ μ is μ shifted by c; Lecture 14: S_{δ_c} = 1/c, so δ_c ⊠ μ is μ scaled by c). The
subordination equations are degenerate there (one subordination function is free), so
the free convolutions evaluate such a pair through this law instead of the solver.

Example::

    >>> import rmtheory as rmt
    >>> law = rmt.AffineImage(rmt.MarchenkoPastur(0.5), scale=2.0)
    >>> law
    (atoms([2]) * mp(ratio=0.5, variance=1))
    >>> float(law.cdf(2.0)) == float(rmt.MarchenkoPastur(0.5).cdf(1.0))
    True
    >>> float(rmt.free_mul(rmt.Atoms([2.0]), rmt.MarchenkoPastur(0.5)).cdf(2.0)) == float(law.cdf(2.0))
    True
"""

from __future__ import annotations

import math

import numpy as np

from rmtheory.laws.base import SpectralLaw, _fmt_number, exact_number
from rmtheory.params import LOCATION, MAGNITUDE, ParameterError, check

__all__ = ["AffineImage"]


class AffineImage(SpectralLaw):
    """Law of ``scale · X + shift`` with X ~ ``law`` (``scale`` ≠ 0; any sign)."""

    name = "affine"

    def __init__(self, law, scale: float = 1.0, shift: float = 0.0):
        if not isinstance(law, SpectralLaw):
            raise ParameterError("law", law, "a SpectralLaw")
        self.law = law
        self.scale = check("scale", scale, LOCATION)
        self.shift = check("shift", shift, LOCATION)
        if abs(self.scale) < 1.0 / MAGNITUDE:
            raise ParameterError("scale", scale, "1e-100 ≤ |scale| ≤ 1e+100 (scale 0 is the atom δ_shift)")

    @property
    def numerical_tolerance(self) -> float:
        """The solved law's own tolerance (an affine map is exact); AttributeError for a closed form,
        so ``getattr(law, "numerical_tolerance", None)`` reads the same through the image."""
        return self.law.numerical_tolerance

    @property
    def model_sample(self):
        """The image of the law's own matrix model (see e.g.
        :meth:`rmtheory.predict.input_output_jacobian.DeepJacobian.model_sample`); AttributeError where
        the law's ``sample`` already is its model, so ``getattr(law, "model_sample", None)`` reads the
        same through the image."""
        inner = self.law.model_sample
        return lambda n, rng=None: np.sort(self._forward(inner(n, rng)))

    @property
    def params(self):
        return {"law": self.law, "scale": self.scale, "shift": self.shift}

    def expression(self) -> str:
        # in the grammar's own terms (free convolution with point masses), so it parses back
        inner = self.law.expression()
        if self.scale != 1.0:
            inner = f"(atoms([{_fmt_number(self.scale)}]) * {inner})"
        if self.shift != 0.0:
            inner = f"(atoms([{_fmt_number(self.shift)}]) + {inner})"
        return inner

    def _forward(self, x):
        return self.scale * np.asarray(x, dtype=float) + self.shift

    def _back(self, y):
        return (np.asarray(y) - self.shift) / self.scale

    def _support(self):
        out = [tuple(sorted((float(self._forward(a)), float(self._forward(b))))) for a, b in self.law.support]
        return sorted(out)

    def _atoms(self):
        return sorted((float(self._forward(x)), w) for x, w in self.law.atoms)

    def _pdf(self, x):
        return np.asarray(self.law.pdf(self._back(x)), dtype=float) / abs(self.scale)

    def _continuous_below(self, x):
        """P(cX + s ≤ x) of the continuous part alone, through the inner law's cdf or sf.

        The inner atoms are taken out where the inner law counts them (``loc ≤ u`` for cdf, ``loc > u``
        for sf), so the continuous part never depends on how x maps back onto an atom's location.
        """
        u = np.asarray(self._back(x), dtype=float)
        if self.scale > 0:
            out = np.asarray(self.law.cdf(u), dtype=float).copy()
            for loc, w in self.law.atoms:
                out = out - np.where(loc <= u, w, 0.0)
        else:  # P(cX + s ≤ x) = P(X ≥ u) for c < 0
            out = np.asarray(self.law.sf(u), dtype=float).copy()
            for loc, w in self.law.atoms:
                out = out - np.where(loc > u, w, 0.0)
        return np.maximum(out, 0.0)

    def _continuous_above(self, x):
        u = np.asarray(self._back(x), dtype=float)
        if self.scale > 0:
            out = np.asarray(self.law.sf(u), dtype=float).copy()
            for loc, w in self.law.atoms:
                out = out - np.where(loc > u, w, 0.0)
        else:
            out = np.asarray(self.law.cdf(u), dtype=float).copy()
            for loc, w in self.law.atoms:
                out = out - np.where(loc <= u, w, 0.0)
        return np.maximum(out, 0.0)

    # The atoms are added at their image locations as ``atoms`` reports them: mapping x back
    # (x − s)/c and comparing with the inner location loses the jump when the round trip is not
    # exact (3·0.7 = 2.0999999999999996, and (2.0999999999999996)/3 < 0.7).
    def _cdf(self, x):
        out = self._continuous_below(x)
        for y, w in self.atoms:
            out = out + np.where(x >= y, w, 0.0)
        return out

    def _sf(self, x):
        # through the inner law's sf/cdf, not 1 − cdf, to keep relative accuracy in the tails
        out = self._continuous_above(x)
        for y, w in self.atoms:
            out = out + np.where(x < y, w, 0.0)
        return out

    def _ppf(self, q):
        if self.scale > 0:
            return self._forward(self.law.ppf(q))
        return super()._ppf(q)

    def _moment(self, k: int) -> float:
        exact = self.exact_moments(k)
        return float(exact[k - 1]) if k else 1.0

    def exact_moments(self, order: int) -> list:
        """Binomial expansion of E(cX + s)^k over the inner law's exact moments."""
        from fractions import Fraction

        inner = [Fraction(1)] + list(self.law.exact_moments(order))
        c, s = exact_number(self.scale), exact_number(self.shift)
        return [sum(math.comb(k, j) * c**j * s ** (k - j) * inner[j] for j in range(k + 1))
                for k in range(1, order + 1)]

    def _stieltjes(self, z):
        # g_Y(z) = E 1/(cX + s − z) = g_X((z − s)/c) / c; for c < 0 the argument is in the lower
        # half-plane, where g_X is the conjugate of its upper-half-plane value
        u = (np.asarray(z, dtype=complex) - self.shift) / self.scale
        if self.scale > 0:
            return np.asarray(self.law.stieltjes(u), dtype=complex) / self.scale
        return np.conj(np.asarray(self.law.stieltjes(np.conj(u)), dtype=complex)) / self.scale

    def _stieltjes_derivative(self, z):
        u = (np.asarray(z, dtype=complex) - self.shift) / self.scale
        if self.scale > 0:
            return np.asarray(self.law.stieltjes_derivative(u), dtype=complex) / self.scale**2
        return np.conj(np.asarray(self.law.stieltjes_derivative(np.conj(u)), dtype=complex)) / self.scale**2

    def _sample(self, n, rng):
        return np.sort(self._forward(self.law.sample(n, rng=rng)))
