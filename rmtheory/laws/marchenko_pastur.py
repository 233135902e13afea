"""The Marchenko-Pastur law.

Convention (the field uses several; this is the one everywhere in rmtheory): the limit spectrum of
W = (1/n) X Xᵀ, X of size p×n with iid entries of variance σ², as p, n → ∞ with ratio = p/n.
Marchenko & Pastur (1967), Math. USSR Sb. 1, 457:

    ρ(x) = √((b − x)(x − a)) / (2π σ² · ratio · x)  on [a, b],  a, b = σ² (1 ∓ √ratio)²,

plus an atom of mass 1 − 1/ratio at 0 when ratio > 1 (W has rank n < p). The Stieltjes transform
solves ratio·σ²·z·g² + (z − σ²(1 − ratio))·g + 1 = 0, and the moments are Narayana polynomials,
E X^k = σ^{2k} Σ_{j=1}^{k} N(k, j) ratio^{j−1} with N(k, j) = binom(k, j) binom(k, j−1)/k.

Users coming from the other convention (the law of (1/p) XᵀX, or "λ = n/p") convert with
``MarchenkoPastur(ratio=1/λ, variance=σ²/λ)`` for the companion n×n matrix restricted to its
nonzero eigenvalues, or simply construct the law of the matrix they actually have.
"""

from __future__ import annotations

from math import comb

import numpy as np

from rmtheory import ensembles
from rmtheory.laws.base import SpectralLaw, stable_quadratic_root
from rmtheory.params import RATIO, SCALE, Parameter

__all__ = ["MarchenkoPastur"]


def narayana(k: int, j: int) -> int:
    return comb(k, j) * comb(k, j - 1) // k


class MarchenkoPastur(SpectralLaw):
    """Marchenko-Pastur law of (1/n) X Xᵀ, X p×n, ``ratio = p/n``, entries of variance ``variance``.

    Example::

        >>> import rmtheory as rmt
        >>> law = rmt.MarchenkoPastur(ratio=4.0)
        >>> law.support, law.atoms
        ([(1.0, 9.0)], [(0.0, 0.75)])
        >>> float(law.moment(2))   # σ⁴ (1 + ratio)
        5.0
    """

    name = "mp"
    summary = "Marchenko-Pastur: limit spectrum of (1/n) X Xᵀ, X p×n, ratio = p/n"
    parameters = (
        Parameter("ratio", RATIO, None, "p/n, rows over columns of X"),
        Parameter("variance", SCALE, 1.0, "variance σ² of the entries of X"),
    )

    def __init__(self, ratio: float, variance: float = 1.0):
        self._set_parameters(ratio=ratio, variance=variance)
        root = np.sqrt(self.ratio)
        self.lower_edge = self.variance * (1.0 - root) ** 2
        self.upper_edge = self.variance * (1.0 + root) ** 2

    def _support(self):
        return [(self.lower_edge, self.upper_edge)]

    def _atoms(self):
        return [(0.0, 1.0 - 1.0 / self.ratio)] if self.ratio > 1 else []

    def _pdf(self, x):
        a, b = self.lower_edge, self.upper_edge
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.sqrt(np.maximum((b - x) * (x - a), 0.0)) / (2 * np.pi * self.variance * self.ratio * x)
        return np.where(x > 0, out, 0.0 if self.ratio != 1 else np.inf)

    def _continuous_cdf(self, x):
        """∫_a^x ρ in closed form, arranged so that no step cancels.

        With m = (a + b)/2, h = (b − a)/2, x = m + h·u, s = √(1 − u²) and R = (b − x)(x − a):
        ∫√R/t dt = √R + m·θ₁ − √(ab)·θ₂ with θ₁ = arcsin u and θ₂ = arcsin((m x − ab)/(h x)).
        Written naively the two arcsines are O(1) and nearly equal when the ratio is small, so their
        difference (the O(ratio) answer) would lose digits. Here m x − ab = h(h + m u) and
        m − √(ab) = h²/(m + √(ab)) are formed from small quantities, and θ₁ − θ₂ comes from one
        atan2 of the difference formula, leaving an absolute error of order 1e-16/√ratio.
        """
        a, b = self.lower_edge, self.upper_edge
        m, h = 0.5 * (a + b), 0.5 * (b - a)
        sqrt_ab = np.sqrt(a * b)
        d = h * h / (m + sqrt_ab)  # m − √(ab)
        u = np.clip((x - m) / h, -1.0, 1.0)
        # 1 ± u and h + m·u from the distances to the edges, not from u: near the hard edge of
        # ratio = 1 (a = 0) u rounds to −1 for x ≲ 1e-16, and atan2(0, 0) then put θ₂ on the wrong
        # branch (cdf 0.5 at x = 1e-17)
        above, below = np.maximum(x - a, 0.0), np.maximum(b - x, 0.0)
        s = np.sqrt(above * below) / h
        hmu = m * above / h - a  # h + m·u = (m x − ab)/h
        hud = h * (x + sqrt_ab) / (m + sqrt_ab)  # h + u·d
        # θ₂ + π/2 by the quarter-turn identity atan2(y, x) + π/2 = atan2(x, −y) (x ≥ 0): it is
        # small near the lower edge and adding π/2 would leave an absolute error of 1e-16
        theta2_up = np.arctan2(sqrt_ab * s, -hmu)
        delta = np.arctan2(-s * hud, sqrt_ab * s * s + u * hmu)  # θ₁ − θ₂
        # the antiderivative at a is −(π/2)(m − √ab); d·(θ₂ + π/2) collects that constant
        if sqrt_ab < 0.5 * m:
            # ratio near 1 (a hard or nearly hard lower edge): m(θ₁ + π/2) − √(ab)(θ₂ + π/2) has no
            # cancellation, and θ₁ + π/2 = 2 arcsin √((x − a)/(b − a)) keeps its relative accuracy
            # where δ + (θ₂ + π/2) would cancel (−π + π at the hard edge)
            # (and π − 2 arcsin √((b − x)/(b − a)) on the upper half, where arcsin √(1 − ε) would
            # amplify the rounding of 1 − ε by 1/√ε: the cdf stepped back by 1e-9 near b)
            theta1_up = np.where(
                above <= below,
                2.0 * np.arcsin(np.sqrt(np.minimum(above / (2.0 * h), 1.0))),
                np.pi - 2.0 * np.arcsin(np.sqrt(np.minimum(below / (2.0 * h), 1.0))))
            inner = h * s + m * theta1_up - sqrt_ab * theta2_up
        else:
            inner = h * s + m * delta + d * theta2_up
        inner = inner / (2 * np.pi * self.variance * self.ratio)
        # exact values outside (a, b), where the formula would leave rounding residue
        return np.where(x <= a, 0.0, np.where(x >= b, min(1.0, 1.0 / self.ratio), inner))

    def _cdf(self, x):
        out = self._continuous_cdf(x)
        if self.ratio > 1:
            out = out + np.where(x >= 0, 1.0 - 1.0 / self.ratio, 0.0)
        return out

    def _sf(self, x):
        cont_mass = min(1.0, 1.0 / self.ratio)
        out = cont_mass - self._continuous_cdf(x)
        if self.ratio > 1:
            out = out + np.where(x < 0, 1.0 - 1.0 / self.ratio, 0.0)
        return out

    def _moment(self, k):
        if k == 0:
            return 1.0
        c = self.ratio
        return float(self.variance**k * sum(narayana(k, j) * c ** (j - 1) for j in range(1, k + 1)))

    def exact_moments(self, order):
        from fractions import Fraction

        c, v = Fraction(self.ratio), Fraction(self.variance)
        return [v**k * sum(narayana(k, j) * c ** (j - 1) for j in range(1, k + 1)) for k in range(1, order + 1)]

    def _stieltjes(self, z):
        s2, c = self.variance, self.ratio
        # √((z − a)(z − b)) as a product of principal roots: ~ z at infinity, cut on [a, b]
        root = np.sqrt(z - self.lower_edge) * np.sqrt(z - self.upper_edge)
        # at z = 0 the conjugate form gives E[1/X] = 1/(σ²(1 − ratio)) for ratio < 1, a pole otherwise
        return stable_quadratic_root(c * s2 * z, z - s2 * (1 - c), root)

    def _stieltjes_derivative(self, z):
        # differentiate c σ² z g² + (z − σ²(1 − c)) g + 1 = 0: g' = −(c σ² g² + g)/root
        s2, c = self.variance, self.ratio
        g = self._stieltjes(z)
        root = np.sqrt(z - self.lower_edge) * np.sqrt(z - self.upper_edge)
        return -(c * s2 * g * g + g) / root

    def _sample(self, n, rng):
        columns = max(1, int(round(n / self.ratio)))
        return self.variance * ensembles.beta_laguerre_eigenvalues(n, columns, beta=1.0, rng=rng)
