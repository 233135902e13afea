"""The engine of every law that is known through a solver: :class:`NumericalLaw`.

A free convolution, a generalized Marchenko-Pastur law, the inverse-function laws of
:mod:`rmtheory.predict` — each knows its density only as the boundary value Im g(x + i0)/π of a
Stieltjes transform that a solver computes at real points, and its support only through a
solver-specific search for the edges (folds of a real solution branch). Everything built on those
two is the same for all of them and lives here, once:

* **Verified support.** ``support`` is exposed only after the quadrature tables below have checked
  it: the masses of the intervals plus the atoms must sum to 1. A search that missed an interval
  narrower than its resolution (or stepped over a gap) shows as a mass defect (or a zero of the
  density inside an interval, ``hidden_gap``) and the search is repeated at 4n − 3 points for n
  (every spacing of a uniform or geometric scan split in 4, its old points kept), at most twice
  (:attr:`RESCANS`); a rescan that finds the same intervals ends the search. The answer never
  depends on the order of calls.
* **One accepted mass defect.** The tables are accepted when

      |Σ interval masses + Σ atoms − 1| ≤ MASS_TOLERANCE + (error budget),

  MASS_TOLERANCE = 1e-9, the error budget being what the numerics know they lose: the error
  estimates of quadratures capped at :attr:`QUADRATURE_MAX_NODES` (at most 1e-4 each), twice the
  edge-continuation uncertainty (below) and, only once a rescan found no other support, the law's
  declared :attr:`DISCRETIZATION_ERROR` (the accuracy of a discretized input, e.g. a t-law made of
  uniform pieces; 0 for exact inputs). Otherwise a :class:`~rmtheory.params.SolverError` says what
  did not resolve; so it does when the stated tolerance would exceed ``TOLERANCE_CEILING`` = 1e-2
  (such a cdf is not an answer).
* **Edge exponents.** ρ ~ |x − edge|^γ: local exponents log₂(ρ(2d)/ρ(d)) on the ladder
  d = (1e-13, 1e-12, …, 1e-5)·(b − a); the closest three consecutive rungs that are finite and agree
  to 0.01 are extrapolated to d = 0 through γ + c·d^e (a deep product's hard edge approaches its
  limit like d^{1/(L+1)}) and snapped to r/q with q ≤ 40 within min(0.01, 0.2/q²).
* **Edge continuation.** Close to an edge a solver's boundary value loses relative accuracy (beside
  an atom at a hard edge, Re g ~ 1/x swamps Im g; at a soft edge the polish may fall onto the real
  branch), so within δ of an edge — δ the first rung of the ladder that resolved, at least
  EDGE_FLOOR·(b − a) — the density is its leading Puiseux terms ρ(edge + s) ≈ s^γ Σ_{j<K} c_j s^{j/q},
  fitted to the solver at s = δ·4^i, i < K = 5. Its uncertainty is the mass within δ of the last
  term kept (the series converges, so the first omitted term is smaller; measured against the
  Fuss-Catalan law of L factors, where the whole cdf error sits in this continuation, the bound
  holds by a factor 2.5–400 for L = 8…16), and half the mass within δ where no exponent was
  identified.
* **cdf.** :func:`rmtheory.laws.quadrature.build` on each interval with the edges graded by the
  exponents' denominators (spectrally accurate), plus the atoms (right-continuous).
* **Tolerance.** ``numerical_tolerance`` — the accuracy of the cdf — is the largest of the mass
  defect, the quadrature error estimates and the edge uncertainty (at least 1e-12);
  ``diagnostics`` says how the support was found and integrated.

A subclass supplies ``_locate_support(resolution) -> (intervals, diagnostics)``,
``_raw_density(x)`` (the solver's density at real points), ``_atoms()``, ``scale`` and the
:class:`SpectralLaw` parts it has in closed form (moments, Stieltjes transform, samples). Its
``SUPPORT_RESOLUTION`` is the starting resolution of its search (points per scan).

Example (the engine behind a free convolution; the law's cdf carries its own stated tolerance)::

    >>> import rmtheory as rmt
    >>> law = rmt.free_mul(rmt.MarchenkoPastur(1.0), rmt.MarchenkoPastur(1.0))
    >>> [round(e, 12) for e in law.support[0]], law.numerical_tolerance < 1e-9
    ([0.0, 6.75], True)
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cached_property

import numpy as np

from rmtheory.laws import quadrature
from rmtheory.laws.base import SpectralLaw
from rmtheory.params import SolverError

__all__ = ["NumericalLaw", "SolverError", "snap_exponent"]


class NumericalLaw(SpectralLaw):
    """Base class of the laws known through a solver; see the module docstring."""

    #: starting resolution of the support search (the subclass's unit: scan points)
    SUPPORT_RESOLUTION = 513
    #: rescans at 4n − 3 points before a mass defect is final
    RESCANS = 2
    #: accepted |mass defect| beyond the numerics' own error budget
    MASS_TOLERANCE = 1e-9
    #: the largest cdf tolerance a solved law may state: beyond it the law is not an answer (an
    #: edge model whose uncertainty is 700 would otherwise "accept" a cdf that tops out at 0.9)
    TOLERANCE_CEILING = 1e-2
    #: accuracy of a discretized input of the law, allowed in the mass check once a rescan found nothing
    DISCRETIZATION_ERROR = 0.0
    #: target relative error of the Chebyshev quadrature on each interval
    QUADRATURE_TOL = 1e-14
    #: most Chebyshev nodes per interval; where reached, the error estimate joins the budget
    QUADRATURE_MAX_NODES = 8192
    #: least distance (relative to the interval) below which the density is its edge continuation
    EDGE_FLOOR = 1e-12
    #: Puiseux terms fitted at an edge
    EDGE_TERMS = 5

    # ------------------------------------------------------------------ subclass interface
    def _locate_support(self, resolution: int):
        """(intervals, diagnostics) of the continuous part, searched at ``resolution``."""
        raise NotImplementedError

    def _raw_density(self, x: np.ndarray) -> np.ndarray:
        """The solver's density Im g(x + i0)/π (≥ 0) at real points, without edge continuation."""
        raise NotImplementedError

    @property
    def scale(self) -> float:
        raise NotImplementedError

    # ------------------------------------------------------------------ support
    @cached_property
    def _support_state(self):
        return {"resolution": self.SUPPORT_RESOLUTION, "result": None}

    def _intervals(self):
        """(intervals, diagnostics) of the current search, not yet verified by the mass check."""
        state = self._support_state
        if state["result"] is None:
            state["result"] = self._locate_support(state["resolution"])
        return state["result"]

    def _support(self):
        self._tables  # noqa: B018 - a support is exposed only once the mass check has verified it
        return self._intervals()[0]

    # ------------------------------------------------------------------ edges
    #: distances (relative to the interval) at which the local exponent of an edge is read
    EDGE_LADDER = 10.0 ** np.arange(-13, -4)

    def _edge_profile(self, a: float, b: float):
        """((γ_left, γ_right), (δ_left, δ_right)): each edge's exponent (None where no simple one was
        identified) and the distance below which its density is the edge continuation.

        The local exponents log₂(ρ(2d)/ρ(d)) are read on the ladder d = 1e-13 … 1e-5 (relative). The
        closest three consecutive rungs whose values are finite and agree to 0.01 are the ones the
        solver resolves (close to an edge a solver may fall onto the real branch and return 0, a
        distance that depends on the law); they are extrapolated to d = 0, and the edge continuation
        starts at the first of them (never closer than EDGE_FLOOR).
        """
        key = (float(a), float(b))
        cache = self.__dict__.setdefault("_edge_profile_cache", {})
        if key in cache:
            return cache[key]
        ladder = self.EDGE_LADDER
        ds = ladder * (b - a)
        n = ds.size
        x = np.concatenate([a + ds, a + 2 * ds, b - ds, b - 2 * ds])
        rho = self._raw_density(x)
        exponents, floors = [], []
        for k in (0, 2 * n):
            with np.errstate(divide="ignore", invalid="ignore"):
                local = np.log(rho[k + n:k + 2 * n] / rho[k:k + n]) / np.log(2.0)
            gamma, floor = math.nan, self.EDGE_FLOOR
            for i in range(n - 2):
                window = local[i:i + 3]
                if np.all(np.isfinite(window)) and np.ptp(window) <= 0.01:
                    gamma = _extrapolate_exponent(window, ladder[i:i + 3])
                    floor = max(float(ladder[i]), self.EDGE_FLOOR)
                    break
            exponents.append(snap_exponent(gamma))
            floors.append(floor)
        cache[key] = (tuple(exponents), tuple(floors))
        return cache[key]

    def _edge_exponents(self, a: float, b: float):
        """Exponents γ of ρ ~ |x − edge|^γ at both ends of [a, b] (module docstring), None where
        no simple one was identified."""
        return self._edge_profile(a, b)[0]

    @cached_property
    def _edge_models(self):
        """Per edge: (edge, side, δ, γ, 1/q, Puiseux coefficients); sets ``_edge_uncertainty``."""
        K = self.EDGE_TERMS
        models = []
        uncertainty = 0.0
        for a, b in self._intervals()[0]:
            exps = self._edge_exponents(a, b)
            floors = self._edge_profile(a, b)[1]
            for edge, side, gamma, floor in ((a, 1.0, exps[0], floors[0]), (b, -1.0, exps[1], floors[1])):
                d = floor * (b - a)
                offs = d * 4.0 ** np.arange(K)
                vals = self._raw_density(edge + side * offs)
                if gamma is not None and np.all(np.isfinite(vals)):
                    g = float(gamma)
                    e = 1.0 / gamma.denominator
                    powers = e * np.arange(K)
                    coef = _puiseux_fit(offs / d, vals, g, powers)          # in units of r = s/δ
                    # ∫_0^δ r^g Σ c_j r^{je} ds = δ Σ c_j/(g + je + 1); the series converges, so its
                    # first omitted term is smaller than the last one kept, whose mass is the bound
                    uncertainty += d * abs(float(coef[-1])) / (g + powers[-1] + 1.0)
                elif np.isfinite(vals[0]) and vals[0] > 0:
                    # no simple Puiseux exponent (e.g. a logarithmically drifting one at a hard edge):
                    # one power law through the two nearest points; half its mass is the uncertainty
                    with np.errstate(all="ignore"):
                        g = float(np.log(vals[1] / vals[0]) / np.log(4.0))
                    if not np.isfinite(g) or g <= -1.0:
                        g = 0.5
                    e = 1.0
                    coef = np.array([vals[0]])
                    uncertainty += 0.5 * abs(coef[0] * d / (1.0 + g))
                else:
                    # the solver gives no density this close to the edge (beside an atom on the edge,
                    # its pole swamps Im g): nothing to continue; the quadrature sees the solver's values
                    continue
                models.append((edge, side, d, g, e, coef))
        self._edge_uncertainty = uncertainty
        return models

    def _density_on(self, x):
        """Density at real x, continued by the edge models within δ of an edge once the support is known."""
        x = np.asarray(x, dtype=float).ravel()
        out = self._raw_density(x)
        if self._support_state["result"] is None:
            return out
        for edge, side, d, g, e, coef in self._edge_models:
            s = side * (x - edge)
            near = (s > 0) & (s < d)
            if near.any():
                r = s[near] / d
                with np.errstate(all="ignore"):
                    series = (r[:, None] ** (e * np.arange(coef.size))[None, :]) @ coef
                    out[near] = np.maximum(r**g * series, 0.0)
        return out

    def _pdf(self, x):
        x = np.asarray(x, dtype=float)
        return self._density_on(x).reshape(x.shape)

    # ------------------------------------------------------------------ cdf tables and the mass check
    def _build_tables(self, intervals):
        return [quadrature.build(self._density_on, a, b, *self._edge_exponents(a, b), tol=self.QUADRATURE_TOL,
                                 max_nodes=self.QUADRATURE_MAX_NODES)
                for a, b in intervals]

    @cached_property
    def _tables(self):
        """Quadrature tables per interval, accepted by the mass check (module docstring)."""
        continuous = 1.0 - sum(w for _, w in self._atoms())
        state = self._support_state
        previous = None
        for attempt in range(self.RESCANS + 1):
            intervals, diag = self._intervals()
            if previous is not None and _same_intervals(intervals, previous[0], self.scale):
                # the finer search found nothing more: the defect is the numerics', not the search's;
                # keep the earlier search's result, which the tables and edge models were built on
                state["result"] = previous[4]
                intervals, diag = previous[4]
                tables, budget, mass = previous[1:4]
                final = True
            else:
                self.__dict__.pop("_edge_models", None)
                self._edge_models  # noqa: B018 - fits the edge models, which set _edge_uncertainty
                tables = self._build_tables(intervals)
                mass = sum(t.mass for t in tables)
                capped = sum(min(t.error_estimate, 1e-4) for t in tables if t.nodes >= self.QUADRATURE_MAX_NODES)
                budget = self.MASS_TOLERANCE + 2.0 * self._edge_uncertainty + capped
                final = attempt == self.RESCANS
            defect = mass - continuous
            gap = any(t.hidden_gap for t in tables)
            allowed = budget + (self.DISCRETIZATION_ERROR if final else 0.0)
            stated = max(abs(defect), self._edge_uncertainty,
                         max((t.error_estimate for t in tables), default=0.0))
            if abs(defect) <= allowed and not gap and stated <= self.TOLERANCE_CEILING:
                diag.update({"mass_defect": defect, "rescans": attempt, "resolution": state["resolution"],
                             "edge_model_uncertainty": self._edge_uncertainty,
                             "quadrature_error": max((t.error_estimate for t in tables), default=0.0),
                             "quadrature_nodes": [t.nodes for t in tables]})
                return tables
            if final:
                break
            previous = (intervals, tables, budget, mass, state["result"])
            state["resolution"] = 4 * state["resolution"] - 3
            state["result"] = None
        exps = [self._edge_exponents(a, b) for a, b in intervals]
        if abs(defect) <= allowed and not gap:
            raise SolverError(
                f"{self.expression()}: the cdf does not resolve: its error bound {stated:.2g} (mass defect "
                f"{defect:.2g}, edge-model uncertainty {self._edge_uncertainty:.2g}) exceeds "
                f"{self.TOLERANCE_CEILING:g}; the density at an edge is too singular to integrate (edge exponents "
                f"{exps}; e.g. x^(-(L-1)/L) at 0 for a very deep product)")
        raise SolverError(
            f"{self.expression()}: support intervals carry mass {mass:.12g} but the continuous part has "
            f"{continuous:.12g} (accepted defect {allowed:.2g}{'; a zero of the density inside' if gap else ''}); "
            f"either the support search (resolution {state['resolution']}) missed an interval or the density at "
            f"an edge is too singular to integrate (edge exponents {exps}; None = not identified, e.g. "
            f"x^(-(L-1)/L) at 0 for a very deep product)")

    @property
    def diagnostics(self) -> dict:
        """How the support was found and integrated: search resolution, rescans, mass defect, nodes."""
        self._tables  # noqa: B018 - builds the tables, which complete the diagnostics
        return dict(self._intervals()[1])

    @property
    def numerical_tolerance(self) -> float:
        """Accuracy of the cdf: the largest of the mass defect, the quadrature error estimates and the
        edge-continuation uncertainty (at least 1e-12)."""
        diag = self.diagnostics
        return float(max(abs(diag.get("mass_defect", 0.0)), diag.get("quadrature_error", 0.0),
                         diag.get("edge_model_uncertainty", 0.0), 1e-12))

    def _cdf(self, x):
        x = np.asarray(x, dtype=float)
        out = np.zeros(x.shape)
        for loc, mass in self._atoms():
            out += np.where(x >= loc, mass, 0.0)
        for table in self._tables:
            inside = (x > table.a) & (x < table.b)
            out += np.where(x >= table.b, table.mass, 0.0)
            if inside.any():
                out[inside] += table.partial(x[inside])
        return out


def _puiseux_fit(r, values, g, powers):
    """Coefficients c of ρ = r^g Σ c_j r^{powers_j} through the points (r, values)."""
    basis = r[:, None] ** powers[None, :]
    return np.linalg.solve(basis, values / r**g)


def _same_intervals(new, old, scale) -> bool:
    if len(new) != len(old):
        return False
    return all(abs(a - c) <= 1e-12 * scale and abs(b - d) <= 1e-12 * scale for (a, b), (c, d) in zip(new, old))


def _extrapolate_exponent(local, d):
    """γ from local exponents γ(d_i) = γ + c·d_i^e at three geometrically spaced d (module text)."""
    if not np.all(np.isfinite(local)):
        return float(local[0]) if np.isfinite(local[0]) else math.nan
    d1, d2 = local[1] - local[0], local[2] - local[1]
    if abs(d1) < 1e-6:
        return float(local[0])
    if d1 * d2 <= 0 or abs(d1) >= abs(d2):
        # no drift that shrinks toward the edge: what varies is the solver's rounding, which is worst
        # closest to the edge, so the middle value stands
        return float(np.median(local))
    ratio = d1 / d2
    e = -math.log(ratio) / math.log(d[1] / d[0])
    if not 0.02 < e < 2.0:
        return float(local[0])
    c = d1 / (d[1] ** e - d[0] ** e)
    return float(local[0] - c * d[0] ** e)


def snap_exponent(gamma: float) -> Fraction | None:
    """Edge exponent r/q with q ≤ 40 (a product of L Wishart factors has q = L + 1 at 0), accepted
    within min(0.01, 0.2/q²) — a fifth of the spacing of fractions with that denominator — or None.

    Example::

        >>> snap_exponent(0.5000003), snap_exponent(-0.66667), snap_exponent(float("nan"))
        (Fraction(1, 2), Fraction(-2, 3), None)
    """
    if not np.isfinite(gamma):
        return None
    for q in range(1, 41):
        r = round(gamma * q)
        cand = Fraction(r, q)
        if cand > -1 and abs(float(cand) - gamma) <= min(0.01, 0.2 / (q * q)):
            return cand
    return None
