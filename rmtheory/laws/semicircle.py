"""Wigner's semicircle law.

ρ(x) = √(4σ² − (x − c)²) / (2πσ²) on [c − 2σ, c + 2σ]; Wigner (1958), Ann. Math. 67, 325.
Its Stieltjes transform solves σ² g² + (z − c) g + 1 = 0 (the branch with g ~ −1/z); its even
central moments are Catalan numbers, E(X − c)^{2j} = C_j σ^{2j}.
"""

from __future__ import annotations

from math import comb

import numpy as np

from rmtheory import ensembles
from rmtheory.laws.base import SpectralLaw, stable_quadratic_root
from rmtheory.params import LOCATION, SCALE, Parameter, ParameterError

__all__ = ["Semicircle"]


def catalan(j: int) -> int:
    return comb(2 * j, j) // (j + 1)


class Semicircle(SpectralLaw):
    """Semicircle law of variance ``variance`` centred at ``center`` (radius 2·√variance).

    The limiting spectrum of a Wigner matrix with E|H_ij|² = variance/n (GOE, GUE, GSE alike).

    Example::

        >>> import rmtheory as rmt
        >>> law = rmt.Semicircle(variance=0.25, center=1.0)
        >>> law.support
        [(0.0, 2.0)]
        >>> float(law.cdf(1.0))
        0.5
    """

    name = "semicircle"
    summary = "Wigner semicircle: limit spectrum of a Wigner/GOE/GUE matrix"
    parameters = (
        Parameter("variance", SCALE, 1.0, "second central moment σ² (radius 2σ)"),
        Parameter("center", LOCATION, 0.0, "centre c of the support"),
    )

    def __init__(self, variance: float = 1.0, center: float = 0.0):
        self._set_parameters(variance=variance, center=center)
        self.radius = 2.0 * np.sqrt(self.variance)
        if self.radius < 1e-8 * abs(self.center):
            # the support would collapse onto a few floats around the centre
            raise ParameterError("center", center, f"[-{1e8 * self.radius:.3g}, {1e8 * self.radius:.3g}]",
                                 "|center| ≤ 1e8 × radius, so that the support is resolved in double precision")

    def _support(self):
        return [(self.center - self.radius, self.center + self.radius)]

    def _pdf(self, x):
        u = x - self.center
        return np.sqrt(np.maximum(self.radius**2 - u * u, 0.0)) / (2.0 * np.pi * self.variance)

    def _cdf(self, x):
        u = np.clip((x - self.center) / self.radius, -1.0, 1.0)
        return 0.5 + (u * np.sqrt(1.0 - u * u) + np.arcsin(u)) / np.pi

    def _sf(self, x):
        return self._cdf(2.0 * self.center - x)  # symmetric about the centre

    def _moment(self, k):
        # E X^k = Σ_j binom(k, 2j) c^{k−2j} C_j σ^{2j}
        return float(sum(comb(k, 2 * j) * self.center ** (k - 2 * j) * catalan(j) * self.variance**j
                         for j in range(k // 2 + 1)))

    def exact_moments(self, order):
        from fractions import Fraction

        c, v = Fraction(self.center), Fraction(self.variance)
        return [sum(comb(k, 2 * j) * c ** (k - 2 * j) * catalan(j) * v**j for j in range(k // 2 + 1))
                for k in range(1, order + 1)]

    def _stieltjes(self, z):
        w = z - self.center
        root = np.sqrt(w - self.radius) * np.sqrt(w + self.radius)  # ~ w at infinity, cut on the support
        return stable_quadratic_root(self.variance, w, root)

    def _stieltjes_derivative(self, z):
        # differentiate σ²g² + w g + 1 = 0: g' = −g/(2σ²g + w) = −g/root
        w = z - self.center
        root = np.sqrt(w - self.radius) * np.sqrt(w + self.radius)
        return -self._stieltjes(z) / root

    def _sample(self, n, rng):
        lam = ensembles.beta_hermite_eigenvalues(n, beta=1.0, rng=rng)
        return self.center + np.sqrt(self.variance) * lam
