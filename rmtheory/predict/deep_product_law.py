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
from fractions import Fraction

import numpy as np

from rmtheory.laws.base import SpectralLaw
from rmtheory.params import Integer, Parameter, ParameterError, Real, SolverError, check

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
        self._m_edge = m_edge
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
        """m_1 … m_order exactly (fractions of the parameters' binary values), by Lagrange inversion of
        χ(m) = m S(m)/(1 + m) with S(m) = (σ_w² c)^{−L} (m + p)^{−L} (the product of the layers'
        S-transforms, S_{WWᵀ} = 1/(σ_w²(1 + m)), S_{D²} = (1 + m)/(c(m + p))):

            m_k = (σ_w² c)^{Lk}/k · [m^{k−1}] (1 + m)^k (m + p)^{Lk}
                = (σ_w² c)^{Lk}/k · Σ_j C(k, j) C(Lk, k − 1 − j) p^{Lk − k + 1 + j}.

        For L = 1, p = 1, σ_w² c = 1 these are the Catalan numbers (Marchenko-Pastur at ratio 1).
        """
        order = check("order", order, Integer(0, None))
        a, p, L = Fraction(self.sigma_w2) * Fraction(self.c), Fraction(self.p), self.depth
        moments = []
        for k in range(1, order + 1):
            total = sum(math.comb(k, j) * math.comb(L * k, k - 1 - j) * p ** (L * k - k + 1 + j)
                        for j in range(k))
            moments.append(a ** (L * k) * total / k)
        return moments

    def _moment(self, k):
        return float(self.exact_moments(k)[-1]) if k else 1.0

    # ------------------------------------------------------------------ Stieltjes transform
    def _log_map(self, w, log_z):
        """log x(w) − log z with its imaginary part wrapped into (−π, π]: zero exactly at the roots."""
        f = (self.log_s + np.log(1.0 - self.p + w) + self.depth * np.log(w) - np.log(w - self.p) - log_z)
        return f.real + 1j * np.angle(np.exp(1j * f.imag))

    def _in_image(self, w):
        """w in the image of the upper half-plane: 0 < −arg w < φ_max and |w| below the curve."""
        phi = -np.angle(w)
        excess = np.abs(np.angle(w - self.p)) - np.abs(np.angle(1.0 - self.p + w)) - self.depth * phi
        return (phi > 0) & (phi < self.phi_max) & (excess > 0)

    def _stieltjes(self, z):
        """g(z) = ∫ρ(x)/(x − z) dx = −(1 + m)/z, m = w − p the root of (1) in the image of ℂ⁺ (the
        region between (0, p + m_edge) and the curve): followed from z = Re z + i∞, where m ≈ μ₁/z,
        down to Im z. On the real axis: the boundary value g(x + i0) inside the support, the real root
        outside (x > x₊: w ∈ (p, p + m_edge); x < 0: w ∈ (0, p))."""
        z = np.asarray(z, complex)
        out = np.full(z.shape, np.nan + 0j)
        real = z.imag == 0
        x = z.real
        inside = real & self._interior(np.where(real, x, -1.0))
        if inside.any():
            w = self._solve(np.log(x[inside]))
            out[inside] = -(1.0 - self.p + w) / x[inside]
        for mask, lo0, hi0, sign in ((real & (x > self.upper_edge), self.p, self.p + self._m_edge, -1.0),
                                     (real & (x < 0), 0.0, self.p, 1.0)):
            if mask.any():
                target = np.log(np.abs(x[mask]))
                lo, hi = np.full(target.shape, lo0), np.full(target.shape, hi0)
                for _ in range(200):   # log|x(w)| is monotone on the interval (sign: its direction)
                    mid = 0.5 * (lo + hi)
                    up = sign * (self.log_s + np.log(1.0 - self.p + mid) + self.depth * np.log(mid)
                                 - np.log(np.abs(mid - self.p)) - target) > 0
                    lo, hi = np.where(up, lo, mid), np.where(up, mid, hi)
                out[mask] = -(1.0 - self.p + 0.5 * (lo + hi)) / x[mask]
        out[real & (x == 0)] = np.inf if self.p < 1 else np.nan
        off = ~real
        if off.any():
            out[off] = self._stieltjes_off_axis(z[off])
        return out

    def _stieltjes_off_axis(self, z):
        flip = z.imag < 0
        zu = np.where(flip, z.conj(), z)
        scale = self.upper_edge + np.abs(zu.real)
        top = 1e8 * scale
        steps = max(int(np.ceil(np.log2(np.max(top / zu.imag)))) + 1, 1)
        mean = float(self.exact_moments(1)[0])
        w = None
        for t in np.linspace(1.0, 0.0, steps + 1):
            im = np.exp(np.log(zu.imag) * (1 - t) + np.log(np.maximum(top, zu.imag)) * t)
            zt = zu.real + 1j * im
            if w is None:
                w = self.p + mean / zt
            log_z = np.log(zt)
            for _ in range(50):
                f = self._log_map(w, log_z)
                df = 1.0 / (1.0 - self.p + w) + self.depth / w - 1.0 / (w - self.p)
                step = f / df
                new = w - step
                for _ in range(30):            # damped: never leave the region of the right root
                    bad = ~self._in_image(new)
                    if not bad.any():
                        break
                    step = np.where(bad, 0.5 * step, step)
                    new = w - step
                w = new
                if np.all(np.abs(step) <= 1e-15 * np.abs(w)):
                    break
        # log(w − p) is formed by a subtraction: far from the support (w → p) its rounding error
        # grows like ε p/|w − p| while g = −(1 + m)/z stays accurate
        res = np.abs(self._log_map(w, np.log(zu))) / (1e-10 + 1e-15 * self.p / np.abs(w - self.p))
        ok = (res <= 1.0) & self._in_image(w)
        if not np.all(ok):
            raise SolverError(f"{self.expression()}: the Stieltjes transform at z = {zu[~ok][:1]!r} "
                              "did not converge on the branch of the measure")
        g = -(1.0 - self.p + w) / zu
        return np.where(flip, g.conj(), g)

    # ------------------------------------------------------------------ sampling
    def _sample(self, n, rng):
        return self._model._sample(n, rng) if self._model is not None else self._model_product(n, rng)

    def model_sample(self, n, rng=None):
        """Eigenvalues of one n×n J Jᵀ of the law's own model: L Gaussian layers W_l with entries of
        variance σ_w²/n, D_l² iid in {0, c} with P(c) = p, free of the W.

            >>> GaussianProductLaw(depth=3, p=0.5, c=1.0, sigma_w2=2.0).model_sample(40, rng=0).shape
            (40,)
        """
        n = check("n", n, Integer(1, None))
        return np.sort(self._model_product(n, np.random.default_rng(rng)))

    def _model_product(self, n, rng):
        jac = None
        for _ in range(self.depth):
            W = rng.standard_normal((n, n)) * math.sqrt(self.sigma_w2 / n)
            d = np.where(rng.random(n) < self.p, math.sqrt(self.c), 0.0)
            jac = d[:, None] * (W if jac is None else W @ jac)
        s = np.linalg.svd(jac, compute_uv=False)
        return s * s

    def default_range(self):
        return 0.0, 1.05 * self.upper_edge
