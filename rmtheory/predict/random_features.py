"""The Gram matrix of random features (Pennington & Worah 2017).

Pennington & Worah (2017), "Nonlinear random matrix theory for deep learning", NeurIPS, §3
(Theorem 1 and eqs. (9)-(10)): W of size n1×n0 with iid N(0, σ_w²) entries, X of size n0×m with
iid N(0, σ_x²) entries, Y = f(W X/√n0) entrywise, and

    M = (1/m) Y Yᵀ  (n1×n1),    φ = n0/m,   ψ = n0/n1,

in P&W's notation; in this library's vocabulary n0 = d, n1 = width and m = P, so the laws take
φ = d/P and ψ = d/width (``d_over_P``, ``d_over_width``). With f centred under the Gaussian
(E f(√v z) = 0, v = σ_w² σ_x²), the limit spectrum depends on f
only through η = E f(√v z)² and ζ = v·(E f'(√v z))² (their ζ; :func:`activation_moments` returns
(E f')², so ζ here is ``moments.linear_power``). It is given in P&W by a quartic for an auxiliary
function. Péché (2019, "A note on the Pennington-Worah distribution", Electron. Commun. Probab.
24, no. 66) showed that the same law is that of the linear-plus-noise Gram matrix

    M_lin = (1/m) Ỹ Ỹᵀ,   Ỹ = √ζ · W X/√n0 + √(η − ζ) · Z    (Z iid N(0, 1), W, X of unit variance),

which is what this module solves. Given W, the columns of Ỹ are iid N(0, Σ) with
Σ = (η − ζ) I + ζ W Wᵀ/n0, so M is a generalized Marchenko-Pastur matrix with ratio c = n1/m = φ/ψ
and population law H = (η − ζ) + ζ·MP(1/ψ) (Silverstein & Bai 1995). With the companion transform
m̲(z) (of Ỹᵀ Ỹ/m, m×m), Silverstein & Choi (1995) give z = −1/m̲ + c ∫ τ dH(τ)/(1 + τ m̲); for this
H the integral is (1/m̲)(1 − g_MP(w)/(ζ m̲)) with w = −(1 + (η − ζ) m̲)/(ζ m̲) and g_MP the
Stieltjes transform of MP(1/ψ). Taking u = g_MP(w) as the unknown and inverting the MP equation
(1/ψ) w u² + (w − 1 + 1/ψ) u + 1 = 0 for w makes every step explicit:

    w = ((1 − c')u − 1)/(u(c'u + 1)),  c' = 1/ψ;   a + b w = −1/m̲ (a = η − ζ, b = ζ);
    z = Z(u) = (1 − c)(a + b w) − (c u/b)(a + b w)²,   g(z) = (m̲ + (1 − c)/z)/c.

The physical root is certified by Im m̲ > 0, Im g > 0, and u equal to the closed-form MP transform
at w (the MP sheet). ζ = 0 gives M = MP(ratio φ/ψ, variance η) exactly, and η = ζ (a linear
activation) gives MP(φ/ψ) ⊠ MP(1/ψ, variance ζ): both are returned as / checked against those
closed forms.

A non-centred f adds the rank-one term E[f]² 1 1ᵀ (n1×n1): one outlier near n1·E[f]² (leading order;
O(1) corrections are not computed), the bulk following from Var f in place of η.

Example (ζ = 0 is Marchenko-Pastur; a linear activation is MP(φ/ψ) ⊠ MP(1/ψ))::

    >>> import rmtheory as rmt
    >>> law = rmt.predict.random_features_law(d_over_P=0.5, d_over_width=1.0, eta=1.0, zeta=0.0)
    >>> type(law).__name__, law.expression()
    ('MarchenkoPastur', 'mp(ratio=0.5, variance=1)')
    >>> lin = rmt.predict.random_features_law(d_over_P=0.5, d_over_width=2.0, eta=1.0, zeta=1.0)
    >>> ref = rmt.free_mul(rmt.MarchenkoPastur(0.25), rmt.MarchenkoPastur(0.5))
    >>> abs(lin.support[0][1] - ref.support[0][1]) < 1e-12, abs(float(lin.cdf(1.0) - ref.cdf(1.0))) < 1e-12
    (True, True)
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import comb

import numpy as np

from rmtheory.free import transforms
from rmtheory.laws.affine import AffineImage
from rmtheory.laws.inverse_function import InverseFunctionLaw
from rmtheory.laws.marchenko_pastur import MarchenkoPastur
from rmtheory.params import Integer, OneOf, ParameterError, Real, check
from rmtheory.predict._deprecation import renamed_function, renamed_keywords
from rmtheory.predict.record import OutlierPrediction, Prediction

__all__ = ["random_features_law", "random_features_gram", "RandomFeaturesGram"]

_POS = Real(0, None, low_open=True)
_NONNEG = Real(0, None)
#: σ_w σ_x: the law's scale v = (σ_w σ_x)² then stays in [1e-100, 1e100], like every scale in the library
_INPUT_SCALE = Real(1e-50, 1e50)
#: the inverse-function solver's tolerances are tuned to laws of order one (relu features certified
#: for η up to ~3e5 and failed beyond, and below η ~ 1e-12); outside this band a law is solved at η = 1 and scaled back
#: exactly (the random-features and NTK laws are homogeneous of degree one in η, ζ, κ)
UNIT_BAND = (1e-9, 1e3)


def at_unit_scale(build, eta: float, *constants: float):
    """``build(*constants)`` when η is within :data:`UNIT_BAND`; otherwise ``η · build(*constants / η)``
    as an :class:`~rmtheory.laws.affine.AffineImage` of the law solved at unit scale."""
    if UNIT_BAND[0] <= eta <= UNIT_BAND[1]:
        return build(*constants)
    inner = build(*(c / eta for c in constants))
    inner.unit = eta
    return AffineImage(inner, eta)


#: the fewest input dimensions n0 at which :meth:`_PenningtonWorah._sample` goes through the activation
MIN_ACTIVATION_INPUTS = 20


class _PenningtonWorah(InverseFunctionLaw):
    """Limit spectrum of M = (1/m) Y Yᵀ, Y = f(W X/√n0) (module docstring). Build it with
    :func:`random_features_law`, which returns Marchenko-Pastur for ζ = 0."""

    name = "random_features_gram"
    summary = "Pennington-Worah random-features Gram matrix (1/m) f(WX/√n0) f(WX/√n0)ᵀ"

    def __init__(self, phi, psi, eta, zeta, activation=None, variance=1.0):
        self.phi, self.psi, self.eta, self.zeta = phi, psi, eta, zeta
        self.activation = activation
        self.variance = variance
        self.unit = 1.0  # η of the prediction when this law is its unit-scale form (at_unit_scale)
        self.c = phi / psi            # n1/m
        self.cp = 1.0 / psi           # n1/n0, ratio of W Wᵀ/n0
        self.a = eta - zeta
        self.b = zeta
        self._mp = MarchenkoPastur(self.cp)

    @property
    def params(self):
        return {"phi": self.phi, "psi": self.psi, "eta": self.eta, "zeta": self.zeta}

    def expression(self):
        return (f"random_features_gram(phi={self.phi:.17g}, psi={self.psi:.17g}, eta={self.eta:.17g}, "
                f"zeta={self.zeta:.17g})")

    @property
    def u_scale(self):
        return 1.0 / max(self.b, 1e-300)

    # z = Z(u), u = g_MP(w)
    def _w(self, u):
        cp = self.cp
        num = (1.0 - cp) * u - 1.0
        den = u * (cp * u + 1.0)
        dden = 2.0 * cp * u + 1.0
        w = num / den
        dw = ((1.0 - cp) * den - num * dden) / (den * den)
        return w, dw

    def _inverse(self, u):
        u = np.asarray(u, dtype=complex)
        a, b, c = self.a, self.b, self.c
        w, dw = self._w(u)
        s = a + b * w                       # = −1/m̲
        z = (1.0 - c) * s - (c / b) * u * s * s
        dz = (1.0 - c) * b * dw - (c / b) * (s * s + 2.0 * u * s * b * dw)
        return z, dz

    def _gamma(self, u, z):
        w, _ = self._w(np.asarray(u, dtype=complex))
        m_under = -1.0 / (self.a + self.b * w)
        return (m_under + (1.0 - self.c) / z) / self.c

    def _u_far(self, z):
        return -self.b / (np.asarray(z, dtype=complex) - self.a)

    def _real_poles(self):
        return [-1.0 / self.cp, 0.0]

    def _certify(self, u, z, closed):
        w, _ = self._w(np.asarray(u, dtype=complex))
        m_under = -1.0 / (self.a + self.b * w)
        if closed:
            sheet = np.ones(np.shape(u), dtype=bool)
            ok = m_under.imag >= -1e-12 * np.abs(m_under)
        else:
            ok = m_under.imag > 0
            with np.errstate(all="ignore"):
                ref = np.asarray(self._mp.stieltjes(np.where(w.imag > 0, w, w.real + 1e-300j)), dtype=complex)
            sheet = np.abs(ref - u) <= 1e-7 * (np.abs(u) + 1e-300)
        return ok & sheet

    def _atoms(self):
        # rank of M ≤ m; the population Σ is singular only for a linear activation with n1 > n0
        zero = max(1.0 - 1.0 / self.c, 0.0)
        if self.a <= 0.0:
            zero = max(zero, 1.0 - self.psi)
        return [(0.0, zero)] if zero > 1e-15 else []

    def _hull_bounds(self):
        return 0.0, self.scale

    # moments: M's law is H ⊠ MP(c) with H = a + b·MP(c'), exactly
    def exact_moments(self, order):
        a, b = Fraction(self.a), Fraction(self.b)
        mp = MarchenkoPastur(self.cp).exact_moments(order)
        mp = [Fraction(1)] + list(mp)
        pop = [sum(comb(k, j) * a ** (k - j) * b**j * mp[j] for j in range(k + 1)) for k in range(1, order + 1)]
        c = Fraction(self.c)
        cumulants_mp = [c ** (k - 1) for k in range(1, order + 1)]  # free cumulants of MP(c)
        return transforms.product_moments(cumulants_mp, pop, order)

    def _sample(self, n, rng):
        """Eigenvalues of M with n1 = n: through the activation when the law was built from one,
        otherwise through the linear-plus-noise model of the module docstring."""
        return self._gram(n, rng, through_activation=self.activation is not None)

    def model_sample(self, n, rng=None):
        """Eigenvalues of one M with n1 = n from the law's own model, whatever it was built from: the
        linear-plus-noise features √ζ W X/√n0 + √(η − ζ) Z (Péché 2019), of which the law is the exact
        limit, with none of a real activation's finite-n corrections. The null model of a calibrated
        check (:mod:`rmtheory.stats.calibration`).

        Example::

            >>> import rmtheory as rmt
            >>> rmt.predict.random_features_law(0.25, 0.5, 1.0, 0.6).model_sample(40, rng=0).shape
            (40,)
        """
        n = check("n", n, Integer(1, None))
        return np.sort(self._gram(n, np.random.default_rng(rng), through_activation=False))

    def _gram(self, n, rng, through_activation):
        n1 = n
        n0 = max(1, int(round(n1 * self.psi)))
        # m from n1 (P/width = ψ/φ), not from the rounded n0: at small ψ rounding n0 up to 1 would
        # change the samples-to-features ratio, and with it the mass of the atom at 0
        m = max(1, int(round(n1 * self.psi / self.phi)))
        w = rng.standard_normal((n1, n0))
        x = rng.standard_normal((n0, m))
        h = w @ x / math.sqrt(n0)
        # f(W X/√n0) follows the law only as n0 grows: with a handful of input dimensions the features
        # are f of a low-rank matrix (ReLU of a rank-one matrix has rank 2), so there the sample is the
        # linear-plus-noise model, which the law describes at every size
        if through_activation and n0 >= MIN_ACTIVATION_INPUTS:
            # the law is the bulk of the centred f (module docstring); E f would add the rank-one
            # outlier the law does not hold, so the sample is of f − E f
            from rmtheory.predict.activations import activation_moments

            mean = activation_moments(self.activation, self.variance).mean
            y = (self.activation(math.sqrt(self.variance) * h) - mean) / math.sqrt(self.unit)
        else:
            y = math.sqrt(self.b) * h + math.sqrt(self.a) * rng.standard_normal((n1, m))
        if m >= n1:
            return np.linalg.eigvalsh(y @ y.T / m)
        small = np.linalg.eigvalsh(y.T @ y / m)
        return np.concatenate([np.zeros(n1 - m), small])


def checked_constants(d_over_P, d_over_width, eta, zeta) -> tuple[float, float, float, float]:
    """φ = d/P, ψ = d/width, η > 0 and ζ ∈ [0, η] (ζ ≤ η up to rounding is clipped to η), or
    ParameterError naming the argument. Shared by the laws built on random features (this module and
    :mod:`rmtheory.predict.ntk`)."""
    phi = check("d_over_P", d_over_P, _POS)
    psi = check("d_over_width", d_over_width, _POS)
    eta = check("eta", eta, _POS)
    zeta = check("zeta", zeta, _NONNEG)
    if zeta > eta * (1 + 1e-12):
        raise ParameterError("zeta", zeta, f"[0, eta] = [0, {eta!r}]",
                             "ζ = v(E f')² ≤ Var f = η by the Gaussian Poincaré inequality")
    return phi, psi, eta, min(zeta, eta)


def feature_constants(activation, sigma_w: float, sigma_x: float):
    """(activation, its moments, v = σ_w² σ_x², η = Var f(√v z), ζ = v (E f'(√v z))²) for features
    f(W X/√n0) with W, X of variances σ_w², σ_x² (module docstring); ParameterError for a constant f."""
    from rmtheory.predict import activations as acts

    product = check("sigma_w", sigma_w, _POS) * check("sigma_x", sigma_x, _POS)
    if not _INPUT_SCALE.low <= product <= _INPUT_SCALE.high:
        raise ParameterError("sigma_w * sigma_x", product, "[1e-50, 1e50]",
                             "the spectrum scales like (σ_w σ_x)²; beyond this its moments leave floating point")
    v = product**2
    act = acts.activation(activation)
    mom = acts.activation_moments(act, v)
    var_f = max(mom.eta - mom.mean**2, 0.0)
    if var_f <= 0.0:
        raise ParameterError("activation", act.name, "an activation that is not constant under the Gaussian")
    return act, mom, v, var_f, min(mom.linear_power, var_f)


def random_features_law(d_over_P: float, d_over_width: float, eta: float, zeta: float):
    """The Pennington-Worah law of the random-features Gram matrix (module docstring).

    ``d_over_P`` is P&W's φ = n0/m (input dimension over samples), ``d_over_width`` their
    ψ = n0/n1 (input dimension over features); ``eta`` η = Var f and ``zeta`` ζ = v (E f')².
    Returns :class:`~rmtheory.laws.marchenko_pastur.MarchenkoPastur` (ratio φ/ψ, variance η) when
    ζ = 0, the exact reduction of P&W §3.
    """
    phi, psi, eta, zeta = checked_constants(d_over_P, d_over_width, eta, zeta)
    # within rounding of η (a nearly linear f, e.g. tanh at tiny σ_w) ζ is η: the linear model's
    # rank deficiency is exact, and a residual η − ζ ~ 1e-16 η is no noise part to resolve
    zeta = eta if zeta >= eta * (1 - 1e-12) else zeta
    # likewise ζ within rounding of 0 (an even f: quadrature gives (E f')² ~ 1e-35, not 0) is 0: the
    # linear part to resolve is absent, and the solver cannot separate it from the noise part
    zeta = 0.0 if zeta <= eta * 1e-12 else zeta
    if zeta == 0.0:
        return MarchenkoPastur(phi / psi, variance=eta)
    return at_unit_scale(lambda e, z: _PenningtonWorah(phi, psi, e, z), eta, eta, zeta)


RandomFeaturesGram = renamed_function(random_features_law, "RandomFeaturesGram", phi="d_over_P",
                                      psi="d_over_width")


@renamed_keywords(n0="d", n1="width", m="P")
def random_features_gram(d: int, width: int, P: int, activation="tanh", *, side: str = "features",
                         sigma_w: float = 1.0, sigma_x: float = 1.0) -> Prediction:
    """Prediction for the random-features Gram matrix of ``width`` features of ``P`` samples in
    dimension ``d`` (P&W's n0 = d, n1 = width, m = P; the keywords n0=, n1=, m= are deprecated).

    ``side="features"``: M = (1/P) Y Yᵀ (width×width), Y = f(W X/√d), W iid N(0, σ_w²), X iid
    N(0, σ_x²) — also width × the Hessian of the half-MSE loss in the readout of
    f(x) = a·f(Wx/√d)/√width. ``side="samples"``: (1/P) Yᵀ Y (P×P), the same nonzero eigenvalues
    (:class:`~rmtheory.predict.companion.Companion`). The bulk is :func:`random_features_law` with
    φ = d/P, ψ = d/width, η = Var f(√v z), ζ = v (E f'(√v z))², v = σ_w² σ_x² (P&W §3, module
    docstring); a non-centred f adds one outlier at width·(E f)² (features side; leading order).

    Example (a centred activation has no outlier; ζ = 0 would be Marchenko-Pastur)::

        >>> import rmtheory as rmt
        >>> p = rmt.predict.random_features_gram(100, 200, 400, "tanh")
        >>> p.outliers, round(p.quantities["zeta"], 6), p.law.name
        ((), 0.366879, 'random_features_gram')
    """
    from rmtheory.predict.companion import Companion

    d = check("d", d, Integer(1, None))
    width = check("width", width, Integer(1, None))
    P = check("P", P, Integer(1, None))
    side = check("side", side, OneOf(("features", "samples")))
    act, mom, v, var_f, zeta = feature_constants(activation, sigma_w, sigma_x)
    sw, sx = float(sigma_w), float(sigma_x)
    phi, psi = d / P, d / width
    bulk = random_features_law(phi, psi, var_f, zeta)
    solved = bulk.law if isinstance(bulk, AffineImage) else bulk
    if isinstance(solved, _PenningtonWorah):
        solved.activation, solved.variance = act, v
    outliers = ()
    if mom.mean**2 > 1e-14 * max(mom.eta, 1e-300):
        outliers = (OutlierPrediction(width * mom.mean**2, 1, "non-centred activation: rank-one (E f)² 1 1ᵀ",
                                      tolerance="leading order in the width; O(1) corrections not computed"),)
    law, dim = (bulk, width) if side == "features" else (Companion(bulk, width / P), P)
    return Prediction(
        matrix=("M = (1/P) Y Yᵀ (width×width)" if side == "features" else "(1/P) Yᵀ Y (P×P)")
        + ", Y = f(W X/√d), the random-features Gram matrix",
        law=law, outliers=outliers,
        quantities={"phi": phi, "psi": psi, "eta": var_f, "zeta": zeta, "mean": mom.mean, "variance": v},
        assumptions=("W, X with iid Gaussian entries", "d, width, P → ∞ with φ = d/P, ψ = d/width fixed",
                     "f enters through η = Var f and ζ = v(E f')² only (P&W Theorem 1); its mean only through "
                     "the rank-one outlier"),
        source="Pennington & Worah (2017), Nonlinear random matrix theory for deep learning, NeurIPS, §3, Theorem 1 "
               "and eqs. (9)-(10); Péché (2019), Electron. Commun. Probab. 24, no. 66 (linear-plus-noise equivalent)",
        tolerance=1e-8, parameters={"d": d, "width": width, "P": P, "activation": act.name, "side": side,
                                    "sigma_w": sw, "sigma_x": sx}, dimension=dim)
