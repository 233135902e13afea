"""The input-output Jacobian of a deep network at its mean-field fixed point.

Network (Pennington, Schoenholz & Ganguli 2017, "Resurrecting the sigmoid in deep learning through
dynamical isometry", NeurIPS, §2; and 2018, "The emergence of spectral universality in deep
networks", AISTATS, §2-§3): width N, depth L,

    h^l = W^l x^{l−1} + b^l,   x^l = f(h^l),   W^l_ij ~ N(0, σ_w²/N)  or  W^l = σ_w·(Haar orthogonal),
    b^l_i ~ N(0, σ_b²),       J = ∂x^L/∂x^0 = D_L W_L ⋯ D_1 W_1,   D_l = diag f'(h^l).

Mean field: the pre-activation variance follows q^l = σ_w² E f(√q^{l−1} z)² + σ_b² (z ~ N(0, 1)),
whose fixed point q* is found by iteration (:func:`mean_field`); χ = σ_w² E f'(√q* z)² is the mean
squared singular value per layer, and the network is *critical* when χ = 1 (PSG 2017, §2).

Spectrum. At q* every D_l² has the law of t = f'(√q* z)², and with the weights free of the D's
(PSG 2018 argue it; Pastur & Slavin 2020 prove it for Gaussian weights)

    S_{JJᵀ}(m) = Π_l S_{W_l W_lᵀ}(m) S_{D_l²}(m)                     (PSG 2017, eq. (10)),

with S_{WWᵀ} = 1/(σ_w²(1 + m)) (Gaussian, square) or 1/σ_w² (orthogonal). Writing the S-transform
of D² through its own inverse, m = M_D(y) with M_D(y) = E[t/(y − t)], and M(z) = z G(z) − 1,
G = −g the Cauchy transform, z = (1 + m)/(m S_{JJᵀ}(m)) becomes one explicit inverse function

    z = Z(y) = σ_w^{2L} (1 + m)^a m^{L−1} y^L,   m = M_D(y),   a = 1 (Gaussian), 1 − L (orthogonal),
    g(z) = −(1 + m)/z,

solved by :class:`~rmtheory.laws.inverse_function.InverseFunctionLaw`; y is the subordination
function of the D² factor, certified by Im y > 0 (free multiplicative subordination maps C⁺ to
itself for laws on [0, ∞)). Depth 1 reproduces D² ⊠ MP(1, σ_w²) and, for a linear activation, the
Fuss-Catalan law of a product of L Ginibre matrices (both tested exactly). The law of t is exact
(atoms with Gaussian probabilities) for activations with piecewise-constant f' (relu, hard_tanh,
linear, leaky_relu, abs); otherwise it is a mixture of uniform pieces with closed-form transforms
(:class:`~rmtheory.predict.weight_law.WeightLaw`, panels graded toward the extrema of f'²), and the
tolerance reported is the cdf distance to the law built on a partition twice as coarse.

Example (critical ReLU network, Gaussian weights, σ_w² = 2: E tr(JJᵀ)/N = χ^L = 1)::

    >>> import rmtheory as rmt
    >>> p = rmt.predict.deep_jacobian(3, "relu", sigma_w=2 ** 0.5)
    >>> round(p.quantities["chi"], 12), p.quantities["critical"], round(float(p.law.moment(1)), 12), p.atoms
    (1.0, True, 1.0, [(0.0, 0.5)])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from rmtheory.free import transforms
from rmtheory.laws.inverse_function import InverseFunctionLaw
from rmtheory.params import Integer, NoTheoryError, OneOf, ParameterError, Real, SolverError, check
from rmtheory.predict import activations as acts
from rmtheory.predict.deep_product_law import GaussianProductLaw
from rmtheory.predict.finite_width import finite_width_jacobian
from rmtheory.predict.record import Prediction
from rmtheory.predict.weight_law import UniformMixture, WeightLaw

__all__ = ["MeanField", "mean_field", "DeepJacobian", "deep_jacobian", "jacobian_edge_growth", "WEIGHTS"]

WEIGHTS = ("gaussian", "orthogonal")

SOURCE = ("Pennington, Schoenholz & Ganguli (2017), Resurrecting the sigmoid in deep learning through dynamical "
          "isometry, NeurIPS, §2 (q*, χ, criticality) and eq. (10) (S_{JJᵀ} = Π S_{WWᵀ} S_{D²}); Pennington, "
          "Schoenholz & Ganguli (2018), The emergence of spectral universality in deep networks, AISTATS, §3; "
          "solved here as the inverse function z = σ_w^{2L}(1 + m)^a m^{L−1} y^L, m = M_{D²}(y)")


CLOSED_FORM_SOURCE = ("; for Gaussian weights and D² ∈ {0, c} the inverse function eliminated to x = s(1 + m)"
                      "(m + p)^L/m and solved in closed parametric form, the mass above x = (1/π)[L Im m − "
                      "arg(1 + m) − L p arg(m + p)] (rmtheory.predict.deep_product_law)")


# --------------------------------------------------------------------------- mean field
@dataclass(frozen=True)
class MeanField:
    """Mean-field quantities at the fixed point: q*, χ, E t, and whether χ = 1 (critical).

    ``scale_free`` is True for positively homogeneous activations with σ_b = 0 (relu, linear,
    leaky_relu, abs): then every q is mapped to (σ_w² E f(z)²) q, the D² law does not depend on q,
    and q* is reported as NaN.
    """

    q_star: float
    chi: float
    mean_t: float
    critical: bool
    scale_free: bool
    iterations: int


_HOMOGENEOUS = {"relu", "linear", "leaky_relu", "abs"}


def mean_field(activation, sigma_w: float, sigma_b: float = 0.0, *, q_input: float = 1.0,
               critical_tolerance: float = 1e-8) -> MeanField:
    """q*, χ = σ_w² E f'(√q* z)² and criticality (module docstring).

    Example (tanh with σ_b = 0 has q* = 0 for σ_w ≤ 1; χ = σ_w² f'(0)² = 1 at σ_w = 1)::

        >>> import rmtheory as rmt
        >>> mf = rmt.predict.mean_field("tanh", sigma_w=1.0)
        >>> mf.q_star, mf.chi, mf.critical
        (0.0, 1.0, True)
    """
    sw = check("sigma_w", sigma_w, Real(0, None, low_open=True))
    sb = check("sigma_b", sigma_b, Real(0, None))
    q_in = check("q_input", q_input, Real(0, None, low_open=True))
    act = acts.activation(activation)
    if act.name in _HOMOGENEOUS and sb == 0.0:
        mom = acts.activation_moments(act, 1.0)
        chi = sw * sw * mom.eta_prime
        return MeanField(math.nan, chi, mom.eta_prime, abs(chi - 1.0) <= critical_tolerance, True, 0)

    def length_map(q):
        if q <= 0.0:
            return sw * sw * float(act.at_variance(1.0)(np.array([0.0]))[0]) ** 2 + sb * sb
        return sw * sw * acts.activation_moments(act, q).eta + sb * sb

    q, its = _fixed_point(length_map, q_in, act.name, sw, sb)
    if q < 1e-12:
        q = 0.0
    if q == 0.0:
        t0 = float(act.derivative(np.array([0.0]))[0]) ** 2
        chi = sw * sw * t0
        return MeanField(0.0, chi, t0, abs(chi - 1.0) <= critical_tolerance, False, its)
    mom = acts.activation_moments(act, q)
    chi = sw * sw * mom.eta_prime
    return MeanField(q, chi, mom.eta_prime, abs(chi - 1.0) <= critical_tolerance, False, its)


def _fixed_point(length_map, q_in, name, sw, sb):
    """The fixed point that iterating the length map from q_in reaches, and the number of maps.

    Iteration converges monotonically (the map is increasing), to the nearest root of
    F(q) = length_map(q) − q in the direction of sign F(q_in); near a marginal root (χ → 1 at q* = 0,
    e.g. tanh at σ_w = 1) it converges like 1/l, so the root is located instead on a geometric
    grid (ratio 2^{1/4}) and refined with Brent's method to 1e-14 relative.
    """
    from scipy import optimize

    F = lambda q: length_map(q) - q  # noqa: E731
    f0 = F(q_in)
    if f0 == 0.0:
        return q_in, 0
    step = 2.0 ** (0.25 if f0 > 0 else -0.25)
    q_prev, f_prev = q_in, f0
    for its in range(1, 400):
        q = q_prev * step
        if f0 < 0 and q < 1e-14:
            if F(0.0) <= 0.0:
                return 0.0, its          # no root in (0, q_in]: the iteration goes to q* = 0
            q = 0.0
        fq = F(q)
        if not math.isfinite(fq) or q > 1e12:
            raise NoTheoryError("sigma_w, sigma_b", (sw, sb), "a finite mean-field fixed point q*",
                                f"the length map of {name} diverges from q = {q_in!r}")
        if fq == 0.0:
            return q, its
        if (fq > 0) != (f_prev > 0):
            lo, hi = sorted((q, q_prev))
            # absolute accuracy relative to the bracket: with lo = 0 (a root within 1e-14 of q* = 0,
            # F there quadrature noise ~1e-30) xtol = 1e-300 asked for ~1000 halvings and failed
            try:
                return float(optimize.brentq(F, lo, hi, xtol=1e-15 * hi, rtol=1e-14, maxiter=500)), its
            except RuntimeError as exc:
                raise SolverError(f"mean-field fixed point of {name} at σ_w = {sw!r}, σ_b = {sb!r}: Brent's method "
                                  f"on [{lo!r}, {hi!r}] did not converge ({exc})") from exc
        q_prev, f_prev = q, fq
    raise NoTheoryError("sigma_w, sigma_b", (sw, sb), "a finite mean-field fixed point q*",
                        f"the length map of {name} has no fixed point reachable from q = {q_in!r}")


def _derivative_law(act, q_star, width=0.1, depth=10) -> WeightLaw:
    """The law of t = f'(√q* z)²: exact atoms for a piecewise-constant f', else uniform pieces
    (:class:`~rmtheory.predict.weight_law.WeightLaw`)."""
    scale_free = isinstance(q_star, float) and math.isnan(q_star)
    if q_star == 0.0 or (scale_free and not act.piecewise_constant_derivative):
        t0 = float(act.derivative(np.array([0.0]))[0]) ** 2
        return WeightLaw.atoms_of([t0], [1.0])
    variance = 1.0 if scale_free else q_star
    if act.piecewise_constant_derivative:
        vals = act.derivative_values(variance)
        return WeightLaw.atoms_of([t for t, _ in vals], [p for _, p in vals])
    return WeightLaw.of(lambda h: act.derivative(h) ** 2, variance, breakpoints=act.breakpoints,
                        width=width, depth=depth, cut=8.5)


# --------------------------------------------------------------------------- the law
class DeepJacobian(InverseFunctionLaw):
    """Limit spectrum of J Jᵀ for depth L (module docstring); t-law given by atoms/nodes (t_k, w_k)."""

    name = "deep_jacobian"
    summary = "J Jᵀ of a deep network at its mean-field fixed point (Pennington-Schoenholz-Ganguli)"

    def __init__(self, depth, tlaw: WeightLaw, *, sigma_w=1.0, weights="gaussian", label=None, network=None):
        self.depth = check("depth", depth, Integer(1, None))
        self.weights = check("weights", weights, OneOf(WEIGHTS))
        self.sigma_w2 = check("sigma_w", sigma_w, Real(0, None, low_open=True)) ** 2
        self.tlaw = tlaw
        if tlaw.lower < 0 or tlaw.upper <= 0:
            raise ParameterError("activation", label, "an activation with f' not almost surely 0")
        self.a = 1 if self.weights == "gaussian" else 1 - self.depth
        self._label = label or f"{tlaw.p.size} pieces"
        if not tlaw.is_atomic:
            # a t-law of uniform pieces puts kinks in the density: the cdf quadrature converges only
            # algebraically, so it is capped at 1024 nodes per interval (its error estimate joins the
            # tolerance), and the mass check allows the discretization's own accuracy (1e-3; the
            # defect found is reported in the tolerance)
            self.QUADRATURE_MAX_NODES = 1024
            self.DISCRETIZATION_ERROR = 1e-3
        self._network = network  # (activation, sigma_b, q_star) for sampling through a real network
        self.mean_t = tlaw.moment(1)

    @property
    def params(self):
        return {"depth": self.depth, "weights": self.weights, "sigma_w2": self.sigma_w2, "t": self._label}

    def expression(self):
        return (f"deep_jacobian(depth={self.depth}, weights={self.weights}, sigma_w={math.sqrt(self.sigma_w2):.17g}, "
                f"t={self._label})")

    @property
    def u_scale(self):
        return max(self.tlaw.upper, 1e-300)

    def _m(self, y):
        return self.tlaw.ratio(y)

    def _inverse(self, y):
        y = np.asarray(y, dtype=complex)
        L, a = self.depth, self.a
        m, dm = self._m(y)
        # NumPy's power, not Python's: σ_w^(2L) beyond the float range (σ_w = 2, L = 1000) is inf and the
        # solver reports the law unresolved, where Python's float power raised OverflowError
        z = np.float64(self.sigma_w2) ** L * (1.0 + m) ** a * m ** (L - 1) * y**L
        dlog = L / y + ((L - 1) / m + a / (1.0 + m)) * dm
        return z, z * dlog

    def _gamma(self, y, z):
        m, _ = self._m(np.asarray(y, dtype=complex))
        return -(1.0 + m) / z

    def _u_far(self, z):
        chi_l = (self.sigma_w2 * self.mean_t) ** self.depth
        return self.mean_t * np.asarray(z, dtype=complex) / chi_l

    def _real_poles(self):
        return [0.0] + self.tlaw.cuts()

    def _excluded_ranges(self):
        return self.tlaw.continuous_ranges()

    def _certify(self, y, z, closed):
        y = np.asarray(y, dtype=complex)
        if closed:
            return y.imag >= -1e-12 * np.abs(y)
        return y.imag > 0

    def _atoms(self):
        """Kernel of J: mass P(t = 0) at 0. Orthogonal weights, an atom of t at c > 0 of mass τ: J acts
        as σ_w^L c^{L/2} × (isometry) on the intersection of the L free subspaces where D_l² = c, of
        relative dimension max(0, 1 − L(1 − τ)) (generic position of free projections), so JJᵀ has an
        atom at σ_w^{2L} c^L of that mass (e.g. hard_tanh, whose linear region has t = 1)."""
        zero = self.tlaw.mass_at(0.0)
        out = [(0.0, zero)] if zero > 1e-15 else []
        if self.weights == "orthogonal" and self.tlaw.is_atomic:
            for c, tau in self.tlaw.atoms():
                mass = 1.0 - self.depth * (1.0 - tau)
                if c > 0 and mass > 1e-15:
                    out.append((self.sigma_w2**self.depth * c**self.depth, mass))
        return out

    def _edge_exponents(self, a, b):
        """The numerically identified exponents, except at a hard edge at 0 with Gaussian weights and
        no kernel (P(t = 0) = 0): there ρ(x) ~ x^{−L/(L+1)}, the hard edge of a product of L square
        Ginibre factors (Fuss-Catalan; the invertible D_l do not change it), which the local-slope
        extrapolation cannot resolve for deep products (the approach to the limit exponent is like
        x^{1/(L+1)})."""
        left, right = super()._edge_exponents(a, b)
        if self.weights == "gaussian" and a == 0.0 and self.tlaw.mass_at(0.0) == 0.0 and self.tlaw.lower >= 0.0:
            left = Fraction(-self.depth, self.depth + 1)
        return left, right

    def _hull_bounds(self):
        return 0.0, self.scale

    def exact_moments(self, order):
        atoms = self.tlaw.atoms() if self.tlaw.is_atomic else None
        exact = atoms is not None and len(atoms) <= 8
        conv = transforms.exact_number if exact else float
        if exact:
            mom_d = [sum(conv(w) * conv(t) ** k for t, w in atoms) / sum(conv(w) for _, w in atoms)
                     for k in range(1, order + 1)]
        else:
            mom_d = [self.tlaw.moment(k) for k in range(1, order + 1)]
        s2 = conv(self.sigma_w2)
        if self.weights == "gaussian":
            cum_w = [s2**k for k in range(1, order + 1)]           # MP(1, σ²): κ_k = σ^{2k}
        else:
            cum_w = [s2] + [s2 * 0] * (order - 1)                 # δ_{σ²}: κ_1 = σ², others 0
        cum_d = transforms.moments_to_free_cumulants(mom_d)
        moments = mom_d
        for layer in range(self.depth):
            moments = transforms.product_moments(cum_w, moments, order)
            if layer < self.depth - 1:
                moments = transforms.product_moments(cum_d, moments, order)
        return [Fraction(m) if exact else float(m) for m in moments]

    def _sample(self, n, rng):
        """Eigenvalues of J Jᵀ for one network of width n, through a real forward pass when the law
        was built from an activation (``deep_jacobian``), else with D² drawn iid from the t-law."""
        return self._product(n, rng, through_network=self._network is not None)

    def model_sample(self, n, rng=None):
        """Eigenvalues of one n×n matrix of the law's own model, whatever it was built from: L layers
        W_l with D_l² drawn iid from the t-law, independent of W — the model of which this law is the
        exact n → ∞ limit (PSG 2018, §2), with none of a real network's finite-n correlations between
        D and W. The null model of a calibrated check (:mod:`rmtheory.stats.calibration`).

        Example::

            >>> import rmtheory as rmt
            >>> law = rmt.predict.deep_jacobian(2, "tanh", sigma_w=1.05, sigma_b=0.05).law
            >>> law.model_sample(50, rng=0).shape
            (50,)
        """
        n = check("n", n, Integer(1, None))
        return np.sort(self._product(n, np.random.default_rng(rng), through_network=False))

    def _product(self, n, rng, through_network):
        L = self.depth
        sw = math.sqrt(self.sigma_w2)
        if through_network:
            act, sb, q_star = self._network
            q_in = 1.0 if not (q_star > 0) else q_star
            x = rng.standard_normal(n) * math.sqrt(max((q_in - sb * sb) / self.sigma_w2, 1e-12))
        jac = None   # the first layer's W is the product so far: no n×n identity product
        for _ in range(L):
            if self.weights == "gaussian":
                W = rng.standard_normal((n, n)) * (sw / math.sqrt(n))
            else:
                from rmtheory.free.convolution import haar_orthogonal
                W = sw * haar_orthogonal(n, rng)
            if through_network:
                h = W @ x + sb * rng.standard_normal(n)
                d = act.derivative(h)
                x = act(h)
            else:
                d = np.sqrt(self.tlaw.sample(n, rng))
            jac = d[:, None] * (W if jac is None else W @ jac)
        s = np.linalg.svd(jac, compute_uv=False)
        return s * s


# --------------------------------------------------------------------------- prediction
def deep_jacobian(depth: int, activation="tanh", *, sigma_w: float = 1.0, sigma_b: float = 0.0,
                  weights: str = "gaussian", width: int | None = None, q_input: float = 1.0) -> Prediction:
    """Prediction for the spectrum of J Jᵀ of a depth-L network at its mean-field fixed point."""
    L = check("depth", depth, Integer(1, None))
    kind = check("weights", weights, OneOf(WEIGHTS))
    if width is not None:
        width = check("width", width, Integer(1, None))
    act = acts.activation(activation)
    mf = mean_field(act, sigma_w, sigma_b, q_input=q_input)
    q_use = mf.q_star
    act_q = act.at_variance(q_use if q_use and q_use > 0 else 1.0)
    tlaw = _derivative_law(act_q, q_use)
    label = f"{act.name}' at q*={q_use:.17g}" if not math.isnan(q_use) else f"{act.name}' (scale-free)"
    law = DeepJacobian(L, tlaw, sigma_w=sigma_w, weights=kind, label=label, network=(act_q, sigma_b, q_use))
    atoms = law._atoms()
    if kind == "orthogonal" and L == 1 and not tlaw.is_atomic:
        # one orthogonal layer: J Jᵀ = σ_w² D² exactly, the law of σ_w² t (no free convolution); its
        # discretization error is the sup-distance of the cdf to the partition twice as coarse
        law = UniformMixture(tlaw, sigma_w**2, label)
        coarse = UniformMixture(_derivative_law(act_q, q_use, width=0.2, depth=8), sigma_w**2, label)
        grid = np.linspace(*law._hull(), 401)
        tol = max(float(np.max(np.abs(np.asarray(law.cdf(grid)) - np.asarray(coarse.cdf(grid))))), 1e-15)
        top = law._hull()[1]
    elif sum(w for _, w in atoms) >= 1.0 - 1e-12:
        # no continuous part (orthogonal weights with t two-valued and L(1 − τ) ≤ 0, e.g. linear): JJᵀ is
        # σ_w^{2L} c^L on the common subspace and 0 on the kernel
        from rmtheory.free.atoms import Atoms

        law = Atoms([x for x, _ in atoms], [w for _, w in atoms])
        tol = 1e-15
        top = max(x for x, _ in atoms)
    elif kind == "gaussian" and _single_nonzero_value(tlaw) is not None and (L >= 2 or tlaw.mass_at(0.0) == 0.0):
        # D² ∈ {0, c}: the closed-form curve, exact at any depth (the quadrature solver below stops
        # resolving the cdf near 20 layers); one layer with a kernel has a lower edge above 0, off
        # this curve, and stays with the solver
        p, c = _single_nonzero_value(tlaw)
        law = GaussianProductLaw(L, p, c, sigma_w**2, model=law)
        tol = law.numerical_tolerance
        top = law.upper_edge
    else:
        try:
            if not tlaw.is_atomic:
                # the discretization error is the sup-distance of the cdf to the law on a partition
                # of the t-law twice as coarse
                coarse = DeepJacobian(L, _derivative_law(act_q, q_use, width=0.2, depth=8), sigma_w=sigma_w,
                                      weights=kind, label=label)
                a, b = law._hull()
                grid = np.linspace(a, b, 41)
                disc = float(np.max(np.abs(np.asarray(law.cdf(grid)) - np.asarray(coarse.cdf(grid)))))
            tol = law.numerical_tolerance
            if not tlaw.is_atomic:
                tol = max(tol, disc)
        except SolverError as err:     # the cdf does not resolve (very deep products: hard edge at 0)
            raise NoTheoryError("depth", L, "a depth at which the cdf of J Jᵀ resolves to 1e-2",
                                " ".join(str(err).split())[:400]) from err
        top = max([law._hull()[1]] + [x for x, _ in atoms])
    chi = mf.chi
    fixed_d = tlaw.is_atomic and len(tlaw.atoms()) == 1      # linear, or q* = 0: D_l² = f'(0)² I
    scaling = {
        "trace": {"exponent": math.log(chi) if chi > 0 else -math.inf, "variable": "L",
                  "description": "E tr(JJᵀ)/N = χ^L: exponential in depth with rate log χ (0 at criticality)"},
        "lambda_max_fluctuation": (
            {"exponent": -2.0 / 3.0, "variable": "N",
             "description": "Tracy-Widom fluctuation of λ_max at the soft upper edge (D_l² constant)"}
            if fixed_d else
            {"exponent": -0.5, "variable": "N",
             "description": "Gaussian O(N^{-1/2}) fluctuation of λ_max: the empirical law of the N values "
                            "f'(h_i)² in each D_l² fluctuates by O(N^{-1/2}) (CLT) and moves the edge, which "
                            "dominates the Tracy-Widom N^{-2/3} (as for deformed ensembles with a random "
                            "potential, Lee & Schnelli 2016, PTRF 164, §2); pre-asymptotic widths mix both"}),
        "lambda_max_fluctuation_given_D": {
            "exponent": -2.0 / 3.0, "variable": "N",
            "description": "Tracy-Widom fluctuation of λ_max conditional on the D_l (Prediction.largest_eigenvalue)"},
    }
    finite, finite_assumptions = ({}, ()) if width is None else finite_width_jacobian(law, L, width, tlaw, kind)
    return Prediction(
        matrix=f"J Jᵀ, J = ∂x^L/∂x^0 the N×N input-output Jacobian of a depth-{L} network",
        law=law, scaling=scaling,
        quantities={"q_star": mf.q_star, "chi": chi, "critical": mf.critical, "lambda_max": top,
                    "mean_squared_singular_value": chi**L, "scale_free": mf.scale_free,
                    **_finite_width_edge(law, width), **finite},
        assumptions=(
            "all layers of width N → ∞ (square weights), input at the fixed point q* (q^l = q* for all l)",
            f"weights {kind} ({'iid N(0, σ_w²/N)' if kind == 'gaussian' else 'σ_w × Haar orthogonal'}), "
            "biases iid N(0, σ_b²)",
            "D_l asymptotically free of the weights and of each other (PSG 2018; Pastur & Slavin 2020)",
        ) + finite_assumptions,
        source=SOURCE + (CLOSED_FORM_SOURCE if isinstance(law, GaussianProductLaw) else ""), tolerance=tol,
        parameters={"depth": L, "activation": act.name, "sigma_w": sigma_w, "sigma_b": sigma_b,
                    "weights": kind, "width": width},
        dimension=width)


def _single_nonzero_value(tlaw):
    """(p, c) where the t-law is c with probability p and else 0 (relu, hard_tanh, abs, linear, any
    activation at q* = 0), None otherwise."""
    if not tlaw.is_atomic:
        return None
    nonzero = [(t, w) for t, w in tlaw.atoms() if t > 0 and w > 0]
    if len(nonzero) != 1 or any(t < 0 for t, _ in tlaw.atoms()):
        return None
    c, p = nonzero[0]
    return min(float(p), 1.0), float(c)


def _finite_width_edge(law, width):
    """Tracy-Widom mean and standard deviation of the top bulk eigenvalue at width N (given D), where the
    top edge is soft: the finite-N bias λ₊ + (A N)^{−2/3} E[TW₁] < λ₊, large for deep products whose
    density is thin at the edge (:func:`rmtheory.predict.scaling.tracy_widom_edge`)."""
    if width is None or not getattr(law, "support", None):
        return {}
    from rmtheory.predict.scaling import tracy_widom_edge

    try:
        tw = tracy_widom_edge(law, width, beta=1)
    except NoTheoryError:
        return {}
    return {"lambda_max_tracy_widom_mean": float(tw.mean()), "lambda_max_tracy_widom_std": float(tw.std())}


def jacobian_edge_growth(depths, activation="tanh", *, sigma_w: float = 1.0, sigma_b: float = 0.0,
                         weights: str = "gaussian") -> dict:
    """λ_max (the upper edge of J Jᵀ) at each depth and the local exponents d log λ_max/d log L.

    Example (linear network, Gaussian weights: the Fuss-Catalan edge (L + 1)^{L+1}/L^L ~ e(L + 1))::

        >>> import rmtheory as rmt
        >>> g = rmt.predict.jacobian_edge_growth([1, 2, 3], "linear")
        >>> [round(v, 10) for v in g["lambda_max"]]
        [4.0, 6.75, 9.4814814815]
    """
    ds = [check("depths", d, Integer(1, None)) for d in depths]
    if len(ds) < 2 or any(b <= a for a, b in zip(ds, ds[1:])):
        raise ParameterError("depths", list(depths), "at least two strictly increasing depths ≥ 1")
    edges = [deep_jacobian(d, activation, sigma_w=sigma_w, sigma_b=sigma_b, weights=weights).lambda_max
             for d in ds]
    exps = [math.log(edges[i + 1] / edges[i]) / math.log(ds[i + 1] / ds[i]) for i in range(len(ds) - 1)]
    return {"depths": ds, "lambda_max": edges, "local_exponents": exps}
