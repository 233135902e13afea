"""The deep Jacobian law at any depth, in closed parametric form, for Gaussian weights and D² ∈ {0, c}.

For Gaussian weights (a = 1) and a derivative law with one nonzero value — t = f'(h)² equal to c
with probability p, else 0: ReLU (p = 1/2), hard_tanh, abs, a linear network, or any activation at
q* = 0 (t = f'(0)²) — the inverse function of :mod:`rmtheory.predict.input_output_jacobian`
(z = σ_w^{2L}(1 + m) m^{L−1} y^L, m = M_{D²}(y) = pc/(y − c)) eliminates y:

    x = s (1 + m)(m + p)^L / m,     s = (σ_w² c)^L,       G(x) = (1 + m)/x,          (1)

so the density is ρ(x) = −Im m(x + i0)/(π x). On the support, m lies in the lower half-plane with
arg m = L arg(m + p) + arg(1 + m): writing m = −p + r e^{−iφ}, φ ∈ (0, π/L) (p < 1) or (0, π/(L + 1))
(p = 1) runs over the whole support, from the upper edge (φ → 0) down to 0 (φ at its end), r(φ)
the unique root of a monotone equation (the Fuss-Catalan parametrization of Haagerup & Möller 2012
and Neuschel 2014, generalised to the kernel of ReLU). The mass above x has a closed form too:
ρ dx = −(1/π) Im(m) d log x with d log x real along the curve, so integrating (1),

    P(X > x) = (1/π) [L Im m − arg(1 + m) − L p arg(m + p)],                         (2)

exact, with no quadrature: the law integrates to 1 − (1 − p) = p on (0, x₊] by construction (at
the lower end m → −p, arg(m + p) → −π/L), however deep — the quadrature-based solver of
:class:`~rmtheory.predict.input_output_jacobian.DeepJacobian` stops resolving the cdf near 20 layers,
where most of the mass sits within 10⁻³⁰ of 0. The upper edge is at the real root of
d log x/dm = 0, L m² + (L − 1) m − p = 0.

For L = 1 and p < 1 the curve ends at a lower edge above 0 (D² ⊠ MP has a gap), which this
parametrization does not follow: the class takes depth ≥ 2, or p = 1.

Example (ReLU at criticality, σ_w² = 2, two layers: the edge 11.09 of the quadrature solver)::

    >>> from rmtheory.predict.deep_product_law import GaussianProductLaw
    >>> law = GaussianProductLaw(depth=2, p=0.5, c=1.0, sigma_w2=2.0)
    >>> round(law.support[0][1], 10), law.atoms
    (11.0901699437, [(0.0, 0.5)])
    >>> round(float(GaussianProductLaw(depth=40, p=0.5, c=1.0, sigma_w2=2.0).cdf(1e300)), 12)
    1.0
"""

from __future__ import annotations

import math

import numpy as np

from rmtheory.laws.base import SpectralLaw
from rmtheory.params import Integer, Parameter, ParameterError, Real, SolverError

__all__ = ["GaussianProductLaw"]

#: φ-grid of the table that seeds Newton's method (Chebyshev-clustered at both ends)
_TABLE_POINTS = 2049


class GaussianProductLaw(SpectralLaw):
    """Limit spectrum of J Jᵀ = (D_L W_L ⋯ D_1 W_1)(⋯)ᵀ, W iid N(0, σ_w²/N), D_l² iid in {0, c} with
    P(c) = p, free of the W (module docstring, eqs. (1)-(2))."""

    name = "gaussian_product"
    summary = "J Jᵀ of a deep Gaussian network whose D² takes one nonzero value (closed-form curve)"
    parameters = (
        Parameter("depth", Integer(1, None), 1, "layers L"),
        Parameter("p", Real(0, 1, low_open=True), 1.0, "P(D² = c)"),
        Parameter("c", Real(0, None, low_open=True), 1.0, "the nonzero value of D²"),
        Parameter("sigma_w2", Real(0, None, low_open=True), 1.0, "weight variance σ_w² (× 1/N)"),
    )
    #: the cdf is exact up to Newton's residual (checked per point, refused above 1e-11)
    numerical_tolerance = 1e-10

    def __init__(self, depth=1, p=1.0, c=1.0, sigma_w2=1.0, *, model=None):
        self._set_parameters(depth=depth, p=p, c=c, sigma_w2=sigma_w2)
        L, p = self.depth, self.p
        if L == 1 and p < 1:
            raise ParameterError("depth", 1, "depth ≥ 2 when p < 1 (one layer with a kernel has a lower edge "
                                 "above 0; use rmtheory.predict.deep_jacobian)")
        self.log_s = L * math.log(self.sigma_w2 * self.c)
        self.phi_max = math.pi / L if p < 1 else math.pi / (L + 1)
        m_edge = (-(L - 1) + math.sqrt((L - 1) ** 2 + 4 * L * p)) / (2 * L)
        self.log_top = self.log_s + math.log1p(m_edge) + L * math.log(m_edge + p) - math.log(m_edge)
        self._model = model       # a DeepJacobian to sample from (its model and its network)
        u = 0.5 * (1 - np.cos(np.linspace(0.0, math.pi, _TABLE_POINTS)))[1:-1]
        w = self._w_of_phi(self.phi_max * u)
        logx = self._log_x(w)
        order = np.argsort(logx)
        self._table_logx, self._table_w = logx[order], w[order]

    # ------------------------------------------------------------------ the curve
    # in the variable w = m + p = r e^{−iφ}: near x = 0 the curve point m tends to −p, and m + p
    # formed by subtraction would lose every digit (x ~ r^L reaches 10⁻¹⁰⁰⁰ at depth 40)
    def _w_of_phi(self, phi):
        """w on the curve at angle φ: r solves |arg(w − p)| − |arg(1 − p + w)| = Lφ (decreasing in r)."""
        e = np.exp(-1j * phi)
        L, p = self.depth, self.p

        def excess(r):
            w = r * e
            return np.abs(np.angle(w - p)) - np.abs(np.angle(1.0 - p + w)) - L * phi

        lo, hi = np.zeros_like(phi), np.ones_like(phi)
        for _ in range(2000):
            big = excess(hi) > 0
            if not big.any():
                break
            hi[big] *= 2.0
        for _ in range(1100):       # halvings down to the smallest normal r
            mid = 0.5 * (lo + hi)
            if np.all((mid <= lo) | (mid >= hi)):
                break
            pos = excess(mid) > 0
            lo, hi = np.where(pos, mid, lo), np.where(pos, hi, mid)
        return 0.5 * (lo + hi) * e

    def _log_x(self, w):
        return (self.log_s + np.log(np.abs(1.0 - self.p + w)) + self.depth * np.log(np.abs(w))
                - np.log(np.abs(w - self.p)))

    def _mass_above(self, w):
        L, p = self.depth, self.p
        return (L * w.imag - np.angle(1.0 - p + w) - L * p * np.angle(w)) / math.pi

    def _residual(self, w, logx):
        return (self.log_s + np.log(1.0 - self.p + w) + self.depth * np.log(w) - np.log(w - self.p) - logx)

    def _solve(self, logx):
        """w = m(x + i0) + p for log x inside the support: Newton on log x(w) = log x from the table."""
        t = self._table_logx
        tw = self._table_w
        # below the table, log x ≈ L log|w| + const: start from the last point scaled accordingly
        shrink = np.exp(np.minimum(logx - t[0], 0.0) / self.depth)
        tl = np.maximum(logx, t[0])
        w = (np.interp(tl, t, tw.real) + 1j * np.interp(tl, t, tw.imag)) * shrink
        L, p = self.depth, self.p
        for _ in range(60):
            f = self._residual(w, logx)
            df = 1.0 / (1.0 - p + w) + L / w - 1.0 / (w - p)
            step = f / df
            w = w - step
            w = np.where(w.imag > 0, w.conj(), w)       # the conjugate root is the same point
            if np.all(np.abs(step) <= 1e-15 * np.abs(w)):
                break
        bad = ~(np.abs(self._residual(w, logx)) <= 1e-11)
        if bad.any():
            # near the upper edge the root is double and Newton slows: bisect on φ instead
            w[bad] = self._bisect(logx[bad])
            f = self._log_x(w) - logx
            if not np.all(np.abs(f) <= 1e-9 * np.maximum(1.0, np.abs(logx))):
                raise SolverError(f"{self.expression()}: the curve point at log x = {logx[bad][0]!r} did not "
                                  "converge")
        return w

    def _bisect(self, logx):
        lo, hi = np.zeros_like(logx), np.full_like(logx, self.phi_max)
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            below = self._log_x(self._w_of_phi(mid)) < logx      # log x decreases with φ
            lo, hi = np.where(below, lo, mid), np.where(below, mid, hi)
        return self._w_of_phi(0.5 * (lo + hi))

    # ------------------------------------------------------------------ SpectralLaw
    @property
    def upper_edge(self) -> float:
        return math.exp(self.log_top)

    def _support(self):
        return [(0.0, self.upper_edge)]

    def _atoms(self):
        return [(0.0, 1.0 - self.p)] if self.p < 1 else []

    def _interior(self, x):
        with np.errstate(divide="ignore"):
            return (x > 0) & (np.log(np.where(x > 0, x, 1.0)) < self.log_top)

    def _pdf(self, x):
        out = np.zeros(x.shape)
        inside = self._interior(x)
        if inside.any():
            w = self._solve(np.log(x[inside]))
            out[inside] = -w.imag / (math.pi * x[inside])
        return out

    def _sf(self, x):
        out = np.where(x < 0, 1.0, np.where(x == 0, self.p, 0.0))
        inside = self._interior(x)
        if inside.any():
            out[inside] = np.clip(self._mass_above(self._solve(np.log(x[inside]))), 0.0, self.p)
        return np.where(np.isnan(x), np.nan, out)

    def _cdf(self, x):
        return 1.0 - self._sf(x)

    def log_quantile_above(self, mass):
        """log x with P(X > x) = ``mass`` (0 < mass < p): the classical location of the eigenvalue of
        rank ``mass`` × N from the top, in log form (deep products reach below 10⁻³⁰⁰)."""
        mass = np.atleast_1d(np.asarray(mass, float))
        lo = np.full(mass.shape, self._table_logx[0] - 10.0)
        hi = np.full(mass.shape, self.log_top)
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            above = self._mass_above(self._solve(mid)) > mass
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        return 0.5 * (lo + hi)

    def exact_moments(self, order):
        return self._model.exact_moments(order) if self._model is not None else self._free().exact_moments(order)

    def _moment(self, k):
        return float(self.exact_moments(k)[-1]) if k else 1.0

    def _free(self):
        from rmtheory.predict.input_output_jacobian import DeepJacobian
        from rmtheory.predict.weight_law import WeightLaw

        tlaw = WeightLaw.atoms_of([0.0, self.c] if self.p < 1 else [self.c], [1 - self.p, self.p] if self.p < 1
                                  else [1.0])
        return DeepJacobian(self.depth, tlaw, sigma_w=math.sqrt(self.sigma_w2))

    def _sample(self, n, rng):
        return (self._model or self._free())._sample(n, rng)

    def model_sample(self, n, rng=None):
        """One n×n matrix of the law's own model (L Gaussian layers, D² iid, free of W); see
        :meth:`~rmtheory.predict.input_output_jacobian.DeepJacobian.model_sample`."""
        return (self._model or self._free()).model_sample(n, rng)

    def default_range(self):
        return 0.0, 1.05 * self.upper_edge
