"""The Hessian at a critical point of given energy: a shifted semicircle, and the index it implies.

Source: Auffinger, Ben Arous & Černý (2013), CPAM 66, Section 3 (conditionally on H_N(σ) = N u
at a critical point, the Hessian of the pure p-spin model is a GOE shifted by a multiple of u);
Auffinger & Ben Arous (2013), Ann. Probab. 41, for mixtures. The derivation in our normalization,
from the covariance, is in :mod:`.kac_rice_integral`.

The law returned is the N → ∞ spectrum of the Riemannian Hessian of H_N on the sphere of radius √N,
∇²_sph H(σ) = P ∇²H(σ) P − (σ·∇H(σ)/N) P with P the projector on σ^⊥, at a *typical* critical point
of energy per spin u (the one that dominates the Kac-Rice count):

* pure (ν = w q^p): Semicircle(variance = ν''(1), center = −(ν'(1)/ν(1)) u), i.e. variance p(p−1)
  and centre −p u for w = 1. Its left edge −p u − 2√(p(p−1)) is 0 exactly at u = −E_∞: critical
  points at the threshold are marginally stable, those below are minima-dominated.
* mixed: Semicircle(variance = ν''(1), center = −√ν''(1) x*(u)) with x*(u) the maximiser of the
  Kac-Rice integral over the radial curvature (weighted by E|det|), computed by the integral route.
  For a finite ``index`` the maximiser is taken over x ≤ −2 (bulk above zero).

``index_fraction(u)`` is the law's mass below zero: the limit of index/N of those critical points
(½ at u = 0, 0 below −E_∞, 1 above E_∞). At finite N the index of a typical critical point
fluctuates by O(√log N) around N·index_fraction; that finite-N law is not modelled here.

Example::

    >>> import rmtheory as rmt
    >>> m = rmt.kacrice.SphericalSpinGlass(3)
    >>> law = m.hessian_law(-m.energy_threshold())
    >>> round(law.support[0][0], 12), round(law.variance, 12)     # marginal: left edge at 0
    (0.0, 6.0)
    >>> float(m.index_fraction(0.0))
    0.5
"""

from __future__ import annotations

import math

from rmtheory.laws.semicircle import Semicircle
from rmtheory.params import Integer, ParameterError, Real, check

__all__ = ["hessian_law", "index_fraction"]

#: digits of the integral route when a mixed model's shift is needed
SHIFT_DPS = 20


def hessian_law(model, u, index=None) -> Semicircle:
    """Semicircle limit of the Riemannian Hessian at a typical critical point of energy ``u``."""
    u = check("u", u, Real(None, None))
    if index is not None:
        index = check("index", index, Integer(0, None))
    nu, d, dd = model.covariance
    if model.is_pure:
        if index is not None and u > -model.energy_threshold():
            raise ParameterError("u", u, f"(-inf, {-model.energy_threshold():.15g}] for index {index} "
                                 "of a pure model", "finite-index critical points lie below -E_inf")
        return Semicircle(variance=dd, center=-(d / nu) * u)
    from rmtheory.kacrice.kac_rice_integral import typical_shift

    x = float(typical_shift(nu, d, dd, u, index, dps=SHIFT_DPS))
    return Semicircle(variance=dd, center=-math.sqrt(dd) * x)


def index_fraction(model, u) -> float:
    """lim index/N at a typical critical point of energy ``u``: the Hessian law's mass below 0."""
    return float(hessian_law(model, u).cdf(0.0))
