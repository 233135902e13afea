"""Nested free convolutions as one law: S- and R-transforms composed through the tree.

``free_mul(free_mul(a, b), c)`` is a ⊠ b ⊠ c, and a tree of ⊠ (or of ⊞) flattens into its list of
factors. Solving it pairwise nests one subordination solve inside every Newton step of the next,
so the cost multiplies with depth. Composing transforms instead gives one explicit equation for the
whole chain, whatever its length:

* **⊠** (all factors on [0, ∞)). S-transforms multiply, S = Π S_i (Voiculescu 1987; Nica & Speicher
  2006, Lecture 18), and with m = T(z) = z G(z) − 1 = ψ(1/z), z = (1 + m)/(m S(m)). Each factor's
  subordination point Ω_i = (1 + m)/(m S_i(m)) satisfies T_i(Ω_i) = m. If every factor has an
  explicit S-transform (Marchenko-Pastur: S(m) = 1/(σ²(1 + c m))), the unknown is u = m and
  Z(m) = (1 + m)/m · Π 1/S_i(m); if one factor A has none (atoms, a measured spectrum), the unknown
  is its subordination point u = Ω_A, m = T_A(u) explicit, and Z(u) = u · Π_{i≠A} 1/S_i(m).
* **⊞**. R-transforms add (Nica & Speicher, Lecture 12): with u = G(z), Z(G) = 1/G + Σ R_i(G)
  (semicircle R = c + vG, Marchenko-Pastur R = σ²/(1 − cσ²G)); with one factor A without an
  explicit R-transform, u = Ω_A, G = G_A(u) and Z(u) = u + Σ_{i≠A} R_i(G) (semicircle factors only,
  so that Z has no poles besides A's atoms).

In both cases g(z) = −G(z) follows explicitly, every subordination point Ω_i must lie in the upper
half-plane (free subordination maps C⁺ to C⁺; Belinschi & Bercovici 2007), which is the branch
certificate, and :class:`~rmtheory.laws.inverse_function.InverseFunctionLaw` solves the equation,
finds the edges as folds Z'(u) = 0 and builds the cdf through the shared engine. Trees that mix ⊞
and ⊠, or with two factors lacking explicit transforms, are not flattened (the pairwise solver
handles them).

Example (the Fuss-Catalan law of three Wishart factors: right edge 4⁴/3³)::

    >>> import rmtheory as rmt
    >>> mp = rmt.MarchenkoPastur(1.0)
    >>> law = rmt.free_mul(rmt.free_mul(mp, mp), mp)
    >>> abs(law.support[0][1] - 256 / 27) < 1e-12
    True
"""

from __future__ import annotations

import numpy as np

from rmtheory.laws.inverse_function import InverseFunctionLaw
from rmtheory.laws.marchenko_pastur import MarchenkoPastur
from rmtheory.laws.semicircle import Semicircle

__all__ = ["flatten", "chain_law", "lower_bound", "ProductChain", "SumChain"]


def lower_bound(law) -> float:
    """A lower bound of the spectrum, without solving a nested convolution (its hull is exact for
    closed-form laws, a sum of lower bounds for ⊞, 0 for a ⊠ of laws on [0, ∞))."""
    op = getattr(law, "op", None)
    if op == "add" and getattr(law, "exact_image", None) is None:
        return lower_bound(law.left) + lower_bound(law.right)
    if op == "mul" and getattr(law, "exact_image", None) is None:
        if lower_bound(law.left) >= 0 and lower_bound(law.right) >= 0:
            return 0.0
    return float(law._hull()[0])


def flatten(law, op: str) -> list:
    """The factors of a tree of ``op`` ("add" or "mul") convolutions, left to right (a generalized
    MP law is the ⊠ of its population and MP(ratio), and flattens as such)."""
    if getattr(law, "op", None) == op and getattr(law, "exact_image", None) is None:
        return flatten(law.left, op) + flatten(law.right, op)
    return [law]


def _explicit(law, op) -> bool:
    if op == "mul":
        return type(law) is MarchenkoPastur
    return type(law) in (MarchenkoPastur, Semicircle)


def chain_law(convolution):
    """The flattened law of a nested convolution, or None where flattening does not apply.

    Applies to trees with at least three factors (two factors are solved by the compiled pairwise
    kernels) of one operation, with at most one factor lacking an explicit transform.
    """
    op = convolution.op
    factors = flatten(convolution, op)
    if len(factors) < 3:
        return None
    explicit = [f for f in factors if _explicit(f, op)]
    others = [f for f in factors if not _explicit(f, op)]
    if len(others) > 1:
        return None
    if op == "mul":
        if any(lower_bound(f) < 0 for f in factors):
            return None
        return ProductChain(explicit, others[0] if others else None, convolution)
    if others and any(type(f) is not Semicircle for f in explicit):
        return None
    return SumChain(explicit, others[0] if others else None, convolution)


def _in_upper_half_plane(omegas, closed):
    """Every subordination point (last axis) in C⁺; ``closed``: on the real axis, up to rounding."""
    if closed:
        return np.all(omegas.imag >= -1e-12 * np.abs(omegas), axis=-1)
    return np.all(omegas.imag > 0, axis=-1)


def _cauchy(law, u):
    """(G, G') = (−g, −g') of a law at complex points, from its own Stieltjes transform."""
    u = np.asarray(u, dtype=complex)
    with np.errstate(all="ignore"):
        return -np.asarray(law.stieltjes(u), dtype=complex), -np.asarray(law.stieltjes_derivative(u), dtype=complex)


def _r_transform(law, G):
    """R(G) and R'(G) of an explicit factor: semicircle c + vG; Marchenko-Pastur σ²/(1 − cσ²G)."""
    with np.errstate(all="ignore"):
        if type(law) is Semicircle:
            return law.center + law.variance * G, np.full(np.shape(G), law.variance, dtype=complex)
        k = law.ratio * law.variance
        den = 1.0 - k * G
        return law.variance / den, law.variance * k / (den * den)


class _Chain(InverseFunctionLaw):
    """What the ⊠ and ⊞ chains share: the owner (for moments, atoms, names) and the factor A."""

    def __init__(self, explicit, other, owner):
        self.explicit = list(explicit)
        self.other = other
        self.owner = owner

    def expression(self):
        return self.owner.expression()

    @property
    def params(self):
        return self.owner.params

    def _moment(self, k):
        return self.owner._moment(k)

    def exact_moments(self, order):
        return self.owner.exact_moments(order)

    def _atoms(self):
        return self.owner._atoms()

    @property
    def u_scale(self):
        if self.other is None:
            return 1.0 if isinstance(self, ProductChain) else 1.0 / self.scale
        lo, hi = self.other._hull()
        return max(abs(lo), abs(hi), 1e-300)

    def _real_poles(self):
        if self.other is None:
            return self._explicit_poles()
        return [x for x, _ in self.other.atoms]

    def _excluded_ranges(self):
        return [] if self.other is None else [tuple(iv) for iv in self.other.support]


class ProductChain(_Chain):
    """a_1 ⊠ … ⊠ a_s through S-transforms (module docstring)."""

    name = "free_mul_chain"

    def __init__(self, explicit, other, owner):
        super().__init__(explicit, other, owner)
        self.ratios = np.array([f.ratio for f in self.explicit], dtype=float)
        self.variances = np.array([f.variance for f in self.explicit], dtype=float)

    def _inv_s(self, m):
        """Π 1/S_i(m) = Π σ_i²(1 + c_i m) and its logarithmic derivative Σ c_i/(1 + c_i m)."""
        m = np.asarray(m, dtype=complex)
        factors = 1.0 + self.ratios * m[..., None]
        with np.errstate(all="ignore"):
            return np.prod(self.variances * factors, axis=-1), (self.ratios / factors).sum(-1)

    def _m(self, u):
        """m and dm/du: u itself, or T_A(u) = u G_A(u) − 1 for the factor without an S-transform."""
        u = np.asarray(u, dtype=complex)
        if self.other is None:
            return u, np.ones_like(u)
        G, dG = _cauchy(self.other, u)
        return u * G - 1.0, G + u * dG

    def _inverse(self, u):
        u = np.asarray(u, dtype=complex)
        m, dm = self._m(u)
        prod, dlog = self._inv_s(m)
        with np.errstate(all="ignore"):
            if self.other is None:
                z = (1.0 + m) / m * prod
                return z, z * (1.0 / (1.0 + m) - 1.0 / m + dlog)
            z = u * prod
            return z, prod + z * dlog * dm

    def _gamma(self, u, z):
        m, _ = self._m(u)
        return -(1.0 + m) / z

    def _u_far(self, z):
        z = np.asarray(z, dtype=complex)
        if self.other is None:
            return float(self.moment(1)) / z          # T(z) ~ m_1/z
        return z / float(np.prod(self.variances))     # Ω_A ~ z Π S_i(0), S_i(0) = 1/σ_i²

    def _explicit_poles(self):
        return [0.0]

    def _certify(self, u, z, closed):
        u = np.asarray(u, dtype=complex)
        m, _ = self._m(u)
        with np.errstate(all="ignore"):
            # Ω_i = (1 + m)/(m S_i(m)) = σ_i²(1 + m)(1 + c_i m)/m for every explicit factor
            omegas = self.variances * (1.0 + m[..., None]) * (1.0 + self.ratios * m[..., None]) / m[..., None]
        if self.other is not None:
            omegas = np.concatenate([omegas, u[..., None]], axis=-1)
        return _in_upper_half_plane(omegas, closed)

    def _hull_bounds(self):
        return 0.0, self.scale


class SumChain(_Chain):
    """a_1 ⊞ … ⊞ a_s through R-transforms (module docstring)."""

    name = "free_add_chain"

    def _r(self, G):
        """Σ R_i(G) over the explicit factors and its derivative."""
        G = np.asarray(G, dtype=complex)
        r = np.zeros(G.shape, dtype=complex)
        dr = np.zeros(G.shape, dtype=complex)
        for f in self.explicit:
            ri, dri = _r_transform(f, G)
            r, dr = r + ri, dr + dri
        return r, dr

    def _G(self, u):
        u = np.asarray(u, dtype=complex)
        if self.other is None:
            return u, np.ones_like(u)
        return _cauchy(self.other, u)

    def _inverse(self, u):
        u = np.asarray(u, dtype=complex)
        G, dG = self._G(u)
        r, dr = self._r(G)
        with np.errstate(all="ignore"):
            if self.other is None:
                return 1.0 / u + r, -1.0 / (u * u) + dr
            return u + r, 1.0 + dr * dG

    def _gamma(self, u, z):
        G, _ = self._G(u)
        return -G

    def _u_far(self, z):
        z = np.asarray(z, dtype=complex)
        if self.other is None:
            return 1.0 / (z - float(self.moment(1)))        # G(z) ~ 1/(z − m_1)
        shift = sum(float(f.moment(1)) for f in self.explicit)
        return z - shift                                   # Ω_A ~ z − Σ R_i(0)

    def _explicit_poles(self):
        return [0.0] + [1.0 / (f.ratio * f.variance) for f in self.explicit if type(f) is MarchenkoPastur]

    def _certify(self, u, z, closed):
        u = np.asarray(u, dtype=complex)
        G, _ = self._G(u)
        with np.errstate(all="ignore"):
            # the subordination point of an explicit factor: G_i(Ω_i) = G, i.e. Ω_i = 1/G + R_i(G)
            parts = [1.0 / G + _r_transform(f, G)[0] for f in self.explicit]
        if self.other is not None:
            parts.append(u)
        return _in_upper_half_plane(np.stack(parts, axis=-1), closed)

    def _hull_bounds(self):
        lower = sum(lower_bound(f) for f in self.explicit) + (lower_bound(self.other) if self.other else 0.0)
        return lower, self.scale
