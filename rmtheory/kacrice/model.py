"""The spherical spin glass: pure p-spin and mixed models, with the ABC normalization.

Convention (Auffinger, Ben Arous & Černý 2013, CPAM 66, Section 1; Auffinger & Ben Arous 2013,
Ann. Probab. 41, Section 1). σ lies on the sphere of radius √N in R^N, and

    H_N(σ) = Σ_p a_p N^{−(p−1)/2} Σ_{i_1..i_p} J_{i_1..i_p} σ_{i_1} ··· σ_{i_p},   J iid N(0, 1),

so that E[H_N(σ) H_N(σ')] = N ν(σ·σ'/N) with ν(q) = Σ_p a_p² q^p. The pure p-spin model is
ν(q) = q^p. Energies are *per spin*: u = H_N/N, minima sit at negative u, the ground state near
−E_0 and gradient descent stops near −E_∞ (the "threshold"). Complexities are
lim (1/N) ln E[number of critical points], for critical values in N·(−∞, u] (cumulative) or near
N·u (local).

What holds for which model:

* pure p-spin (any ν = a² q^p): ABC's closed forms (:mod:`.closed_form`), thresholds
  E_0 > E_1 > … > E_∞ (zeros of Θ_k), Hessian at a critical point of energy u a semicircle of
  variance p(p−1) centred at −p u (for a² = 1);
* mixed models: the same Kac-Rice variational formula (:mod:`.kac_rice_integral`, the form of AB 2013's
  main theorems), evaluated numerically; Θ_k is then *not* flat above −E_∞ (for
  ν = ½q³ + ½q⁴ the local complexity of minima peaks at u = −1.68, above −E_∞ = −1.6905), E_∞ is AB's
  (ν'' + ν'² − ν')/(ν'√ν'') for ν(1) = 1, and the Hessian's centre is the large-deviation optimum of
  the radial curvature, not −u ν'/ν. No closed form is claimed for mixtures.

Example::

    >>> import rmtheory as rmt
    >>> m = rmt.kacrice.SphericalSpinGlass(3)
    >>> round(m.energy_threshold(), 12)
    1.632993161855
    >>> round(float(m.complexity(-1.7, index=0)), 12)
    -0.030445661736
    >>> round(float(m.complexity(-1.7, index=0, method="integral")), 12)
    -0.030445661736
    >>> rmt.kacrice.SphericalSpinGlass(mixture={3: 0.5, 4: 0.5})
    SphericalSpinGlass(mixture={3: 0.5, 4: 0.5})
"""

from __future__ import annotations

import math
import numbers

import mpmath
import numpy as np

from rmtheory.kacrice import closed_form
from rmtheory.kacrice import kac_rice_integral as _kr
from rmtheory.kacrice import thresholds as _thresholds
from rmtheory.params import MAGNITUDE, Integer, OneOf, ParameterError, Real, check

__all__ = ["SphericalSpinGlass"]

_DEGREE = Integer(2, None)
#: a_p² is a variance: [0, 1e100] like every scale in the library (0 drops the term)
_WEIGHT = Real(0, MAGNITUDE)
#: energies per spin: locations, [-1e100, 1e100] (beyond, u² overflows a float)
_ENERGY = Real(-MAGNITUDE, MAGNITUDE)
_INDEX = Integer(0, None)
_METHOD = OneOf(("auto", "closed", "integral"))
#: digits the integral route carries when a float answer is asked for (``dps=None``)
FLOAT_DPS = 20


def _check_u(u):
    """Finite real energies (scalar or array); the first bad one is named in the error."""
    arr = np.asarray(u)
    if arr.dtype.kind not in "biuf" or arr.dtype.kind == "b":
        flat = arr.ravel().tolist()  # Python objects, so the message shows 'a', not np.str_('a')
        bad = next((v for v in flat if isinstance(v, bool) or not isinstance(v, numbers.Real)),
                   flat[0] if flat else u)
        raise ParameterError("u", bad, "(-inf, inf)")
    arr = arr.astype(float)
    if arr.size == 0:
        raise ParameterError("u", u, "(-inf, inf)", "need at least one energy")
    bad = ~(np.abs(arr) <= MAGNITUDE)
    if bad.any():
        raise ParameterError("u", float(arr[bad].ravel()[0]), _ENERGY.describe())
    return arr


class SphericalSpinGlass:
    """A spherical spin glass, pure (``SphericalSpinGlass(p)``) or mixed (``mixture={p: a_p²}``).

    Parameters
    ----------
    p : int ≥ 2
        Degree of the pure model ν(q) = q^p.
    mixture : dict {degree: weight}
        Mixed model ν(q) = Σ weight·q^degree (weights are a_p² ≥ 0, at least one positive; zero
        weights are dropped). A one-term mixture is a pure model with ν(1) = weight.

    See the module docstring for the normalization and which results hold for mixtures.
    """

    def __init__(self, p=None, *, mixture=None):
        if (p is None) == (mixture is None):
            raise TypeError("give exactly one of p (pure model) and mixture (mixed model)")
        if p is not None:
            self.mixture = {check("p", p, _DEGREE): 1.0}
        else:
            if not isinstance(mixture, dict) or not mixture:
                raise ParameterError("mixture", mixture, "a non-empty dict {degree: weight}")
            terms = {}
            for deg, w in mixture.items():
                deg = check("mixture degree", deg, _DEGREE)
                w = check(f"mixture weight of degree {deg}", w, _WEIGHT)
                if deg in terms:
                    raise ParameterError("mixture degree", deg, "distinct degrees")
                if w > 0:
                    terms[deg] = w
            if not terms:
                raise ParameterError("mixture", mixture, "weights ≥ 0 with at least one positive")
            self.mixture = dict(sorted(terms.items()))
        self._from_p = p is not None

    # ------------------------------------------------------------------ covariance
    @property
    def degrees(self) -> tuple[int, ...]:
        return tuple(self.mixture)

    @property
    def is_pure(self) -> bool:
        """True when ν has one term (ABC's closed forms apply)."""
        return len(self.mixture) == 1

    @property
    def p(self) -> int | None:
        """The degree of a pure model; ``None`` for a mixture."""
        return self.degrees[0] if self.is_pure else None

    def nu(self, q, derivative: int = 0):
        """ν(q) or its first or second derivative."""
        derivative = check("derivative", derivative, Integer(0, 2))
        q = np.asarray(q, dtype=float)
        out = sum(w * math.perm(deg, derivative) * q ** (deg - derivative) for deg, w in self.mixture.items())
        return out[()] if np.ndim(out) == 0 else out

    @property
    def covariance(self) -> tuple[float, float, float]:
        """(ν(1), ν'(1), ν''(1)): all the Kac-Rice formulas need."""
        return (sum(self.mixture.values()),
                sum(d * w for d, w in self.mixture.items()),
                sum(d * (d - 1) * w for d, w in self.mixture.items()))

    @property
    def alpha(self) -> float:
        """α = ν'' + ν' − ν'²/ν: the variance (per N) of the radial curvature given the energy; 0 iff pure."""
        if self.is_pure:
            return 0.0
        nu, d, dd = self.covariance
        return dd + d - d * d / nu

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        if self._from_p:
            return f"SphericalSpinGlass({self.p})"
        terms = ", ".join(f"{d}: {w:g}" for d, w in self.mixture.items())
        return f"SphericalSpinGlass(mixture={{{terms}}})"

    def __eq__(self, other):
        return isinstance(other, SphericalSpinGlass) and self.mixture == other.mixture

    def __hash__(self):
        return hash(tuple(self.mixture.items()))

    # ------------------------------------------------------------------ helpers
    def _method(self, method):
        method = check("method", method, _METHOD)
        if method == "closed" and not self.is_pure:
            raise ParameterError("method", method, "{auto, integral} for a mixed model",
                                 "the closed forms are those of the pure p-spin model")
        return "closed" if (method == "auto" and self.is_pure) else ("integral" if method == "auto" else method)

    @property
    def _scale(self) -> float:
        """√ν(1) of a pure model: energies of a² q^p are a times those of q^p."""
        return math.sqrt(self.covariance[0])

    # ------------------------------------------------------------------ thresholds
    def energy_threshold(self, dps=None):
        """E_∞ > 0: below −E_∞ critical points are minima-dominated (Hessian bulk above 0).

        Pure: 2√((p−1)/p)·√ν(1) (ABC Section 2). Mixed: (νν'' + ν'² − νν')/(ν'√ν'') at 1, AB's E'_∞
        for ν(1) = 1 (the point where the dominant Hessian shift reaches the bulk edge; checked
        against :func:`.kac_rice_integral.threshold_energy`). An mpf at ``dps`` digits if given.
        """
        if dps is not None:
            dps = check("dps", dps, _kr.DPS)
        if self.is_pure:
            if dps is None:
                return closed_form.e_inf(self.p) * self._scale
            with mpmath.workdps(dps):
                return closed_form.e_inf(self.p, dps) * mpmath.sqrt(mpmath.mpf(self.covariance[0]))
        if dps is None:
            nu, d, dd = self.covariance
            return (nu * dd + d * d - nu * d) / (d * math.sqrt(dd))
        with mpmath.workdps(dps):
            nu, d, dd = (mpmath.mpf(v) for v in self.covariance)
            return (nu * dd + d * d - nu * d) / (d * mpmath.sqrt(dd))

    def energy_thresholds(self, kmax: int, method: str = "auto", dps: int = 30):
        """E_∞ and E_0, …, E_{kmax−1} as a :class:`~rmtheory.kacrice.thresholds.ThresholdTable`."""
        return _thresholds.energy_thresholds(self, kmax, method=method, dps=dps)

    # ------------------------------------------------------------------ complexity
    def complexity(self, u, index=None, *, cumulative: bool = True, method: str = "auto", dps=None):
        """Annealed complexity at energy per spin ``u``.

        * ``index=None``: Θ(u), all critical points; ``index=k``: Θ_k(u), those of index k.
        * ``cumulative=True``: critical values in N·(−∞, u]; ``False``: the local density at u
          (−inf where there are none at exponential order, e.g. finite index above −E_∞ in a pure
          model).
        * ``method``: ``"closed"`` (ABC formulas; pure models only), ``"integral"`` (the Kac-Rice
          integral by mpmath quadrature, any model), ``"auto"`` (closed when pure).
        * ``dps=None`` returns floats (arrays allowed); an integer returns an ``mpmath.mpf``
          computed at that many digits (scalar ``u`` only).
        """
        method = self._method(method)
        if index is not None:
            index = check("index", index, _INDEX)
        cumulative = bool(cumulative)
        arr = _check_u(u)
        if dps is not None:
            dps = check("dps", dps, _kr.DPS)
            if arr.ndim != 0:
                raise ParameterError("u", u, "a scalar when dps is given")
            return self._one(float(arr), index, cumulative, method, dps)
        if method == "closed":
            return closed_form.complexity(arr / self._scale, self.p, index, cumulative)
        out = np.vectorize(lambda x: float(self._one(float(x), index, cumulative, method, FLOAT_DPS)),
                           otypes=[float])(arr)
        return out[()] if out.ndim == 0 else out

    def _one(self, u, index, cumulative, method, dps):
        if method == "closed":
            with mpmath.workdps(dps):
                v = mpmath.mpf(u) / mpmath.sqrt(mpmath.mpf(self.covariance[0]))
            return closed_form.complexity(v, self.p, index, cumulative, dps)
        nu, d, dd = self.covariance
        if nu == 1.0:
            return _kr.complexity(nu, d, dd, u, index, cumulative, dps)
        # ν → cν scales energies by √c and leaves the complexity unchanged: solve at ν(1) = 1, where the
        # variational problem is of order one (weights of 1e-100 left it without a bracket)
        with mpmath.workdps(dps + _kr.GUARD_DIGITS):
            c = mpmath.mpf(nu)
            v = mpmath.mpf(u) / mpmath.sqrt(c)
            return _kr.complexity(1, mpmath.mpf(d) / c, mpmath.mpf(dd) / c, v, index, cumulative, dps)

    def total_complexity(self) -> float:
        """lim (1/N) ln E[all critical points] = ½ ln(ν''(1)/ν'(1)) (AB 2013; ½ ln(p−1) when pure)."""
        _, d, dd = self.covariance
        return 0.5 * math.log(dd / d)

    # ------------------------------------------------------------------ Hessian at critical points
    def hessian_law(self, u, index=None):
        """Limit spectrum of the Riemannian Hessian at a typical critical point of energy ``u``.

        See :func:`rmtheory.kacrice.hessian.hessian_law`.
        """
        from rmtheory.kacrice.hessian import hessian_law

        return hessian_law(self, u, index)

    def index_fraction(self, u):
        """Limit of index/N at a typical critical point of energy ``u`` (see :mod:`.hessian`)."""
        from rmtheory.kacrice.hessian import index_fraction

        return index_fraction(self, u)

    # ------------------------------------------------------------------ symbolic
    def symbolic_complexity(self, index=None, cumulative: bool = True):
        """Θ or Θ_k as a sympy expression in the symbol ``u`` (pure models; see :mod:`.symbolic`)."""
        from rmtheory.kacrice import symbolic

        if not self.is_pure:
            raise ParameterError("model", repr(self), "a pure p-spin model",
                                 "symbolic forms exist for the pure model only")
        if index is not None:
            index = check("index", index, _INDEX)
        expr = symbolic.complexity(self.p, index, cumulative)
        if self.covariance[0] != 1.0:
            expr = expr.subs(symbolic.u, symbolic.u / symbolic.sympy.sqrt(
                symbolic.sympy.nsimplify(self.covariance[0])))
        return expr
