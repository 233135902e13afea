"""The empirical NTK Gram matrix of a two-layer network at initialization (= P × its Gauss-Newton matrix).

The network (NTK parametrization, Jacot, Gabriel & Hongler 2018, NeurIPS) is

    f(x) = (1/√n1) Σ_j a_j σ(u_j),   u_j = σ_w w_j·x/√n0,   a_j, w_jk iid N(0, 1),

on P inputs x_a ∈ R^{n0} with iid N(0, σ_x²) entries. With the half-MSE loss (1/2P) Σ_a (f(x_a) − y_a)²
at initialization, the Gauss-Newton matrix is (1/P) Jᵀ J (J the P × n_params Jacobian of the outputs
in the parameters (a, w)), whose nonzero eigenvalues are those of (1/P) K, with the empirical
neural tangent kernel

    K = J Jᵀ = (1/n1) Φ Φᵀ  +  (X Xᵀ/n0) ∘ (D Dᵀ/n1) · σ_w²,      Φ = σ(U),  D = σ'(U) diag(a)
              (readout block, the CK)   (first-layer block)

(U = σ_w X Wᵀ/√n0; n0 is the input dimension d, n1 the width). Sources of the approximation, in
the proportional limit n0, n1, P → ∞ with φ = n0/P and ψ = n0/n1 fixed (the laws' ``d_over_P`` and
``d_over_width``):

1. The readout block is the Gram matrix of random features. Its bulk is that of the
   linear-plus-noise features Φ̃ = √ζ X̃ Wᵀ/√n0 + √(η − ζ) Z (X̃ = X/σ_x; Z iid N(0, 1)),
   η = Var σ(√v z), ζ = v (E σ'(√v z))², v = σ_w² σ_x² (Pennington & Worah 2017, NeurIPS, §3;
   Péché 2019, Electron. Commun. Probab. 24, no. 66; the Gaussian equivalence of Mei & Montanari
   2022, Comm. Pure Appl. Math. 75; see :mod:`rmtheory.predict.random_features`).
2. In the first-layer block the Hadamard factor D Dᵀ/n1 has entries (E σ')² + O(n^{-1/2}) off the
   diagonal and E σ'² on it, and X Xᵀ/n0 has off-diagonal entries O(n^{-1/2}); their product
   concentrates on its mean, σ_x² [(E σ')² X̃ X̃ᵀ/n0 + (E σ'² − (E σ')²) I], up to a matrix of
   operator norm O(n^{-1/2}) and low-rank terms (the inner-product-kernel linearization of
   El Karoui 2010, Ann. Statist. 38, Thm 2.1; the NTK version is Fan & Wang 2020, NeurIPS,
   "Spectra of the conjugate kernel and neural tangent kernel for linear-width neural networks",
   and Adlam & Pennington 2020, ICML, "The neural tangent kernel in high dimensions").
   The first-layer block is therefore ζ X̃ X̃ᵀ/n0 + κ I with κ = v E σ'² − ζ.

So the bulk of K is that of  K̃ = Φ̃ Φ̃ᵀ/n1 + ζ X̃ X̃ᵀ/n0 + κ I = H Hᵀ + κ I  with
H = [Φ̃/√n1 | √ζ X̃/√n0] (P × (n1 + n0)). Given W, the rows of H are iid N(0, C), C = Mᵀ M +
diag((η − ζ)/n1 · I_{n1}, 0), Mᵀ = [√ζ W/√(n0 n1) ; √(ζ/n0) I_{n0}]: H Hᵀ is a generalized
Marchenko-Pastur matrix of P samples with population C (Silverstein & Bai 1995, J. Multivariate
Anal. 54). In the singular basis of W/√n1 (squared singular values s² ~ MP(ψ)), P·C splits into
2×2 blocks and n1 − n0 copies of β0/φ:

    B(s²) = (1/φ) [[ζ s² + β0, ζ s], [ζ s, ζ]],   β0 = (η − ζ) ψ,
    det B = β0 ζ/φ²,   tr B = (ζ s² + β0 + ζ)/φ.

Silverstein & Choi's inverse function for the P×P Stieltjes transform m of K,
z = κ − 1/m + (1/P) Σ_τ τ/(1 + τ m), needs Σ over a block of τ/(1 + τm) = (tr B + 2m det B)/det(I + mB),
a ratio of functions linear in s², so the MP(ψ) average is one Stieltjes value u = g_ψ(w):

    w(m) = −φ (1 + m β0/φ)(1 + m ζ/φ)/(m ζ),
    Z(m) = κ − (1 − φ)/m + (β0 − φ²/(m² ζ)) u + (1/ψ − 1) β0/(1 + m β0/φ),   g_K(z) = m.

(For ψ > 1 the atom of MP(ψ) at 0 and the last term have cancelling poles at m = −φ/β0; the code uses
the combined, pole-free form, see ``_TwoLayerNTK._inverse``.)
Z is explicit in m (u from the closed-form MP transform), so :class:`InverseFunctionLaw` solves it;
the branch is certified by Im m > 0, and edges are the folds Z'(m) = 0. Special cases: ζ = 0 gives
K̃ = η Z Zᵀ/n1 + κ I, a shifted Marchenko-Pastur law (returned as such); a linear activation
(η = ζ, κ = 0) gives β0 = 0 and K = X̃ (ζ Wᵀ W/n1 + ζ I) X̃ᵀ/n0, a generalized MP law (tested
against the free-probability engine).

Numerics: a nearly linear activation (ζ/η close to 1, e.g. tanh at small σ_w) leaves a component
of width ~ (η − ζ) near κ when P > d. Its edges are found exactly, but for 1 − ζ/η ≲ 1e-3 they can
fall below the solver's resolution, and then the cdf raises instead of guessing (pdf, edges and
moments are unaffected). Near a cusp, where the density almost vanishes inside the support, the cdf
quadrature is slower to converge, and ``law.numerical_tolerance`` (the record's ``tolerance``) says
how far.

Example (ζ = 0: a shifted Marchenko-Pastur law; tanh: the NTK law)::

    >>> import rmtheory as rmt
    >>> law = rmt.predict.two_layer_ntk_law(d_over_P=0.25, d_over_width=1.0, eta=1.0, zeta=0.0, kappa=0.25)
    >>> law.expression()
    '(atoms([0.25]) + mp(ratio=4, variance=1))'
    >>> p = rmt.predict.two_layer_ntk_gram(200, 400, 100, "tanh")
    >>> p.law.name, p.dimension, round(p.quantities["kappa"], 6)
    ('two_layer_ntk_gram', 100, 0.097524)
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
from rmtheory.params import Integer, ParameterError, Real, check
from rmtheory.predict._deprecation import renamed_function, renamed_keywords
from rmtheory.predict.random_features import at_unit_scale, checked_constants, feature_constants

__all__ = ["two_layer_ntk_law", "two_layer_ntk_gram", "TwoLayerNTKGram"]

_NONNEG = Real(0, None)


class _TwoLayerNTK(InverseFunctionLaw):
    """Limit spectrum of the P×P NTK Gram matrix K of a two-layer network (module docstring).
    Build it with :func:`two_layer_ntk_law`, which returns the closed form for ζ = 0."""

    name = "two_layer_ntk_gram"
    summary = "empirical NTK Gram matrix of a two-layer network at initialization (CK + first-layer block)"

    def __init__(self, phi, psi, eta, zeta, kappa):
        self.phi, self.psi, self.eta, self.zeta, self.kappa = phi, psi, eta, zeta, kappa
        self.beta0 = (eta - zeta) * psi
        self.first_moment = eta + zeta + kappa      # tr K/P = η + ζ E s + κ (the first exact moment)
        self._mp = MarchenkoPastur(psi)
        self._mp_continuous = MarchenkoPastur(1.0 / psi, variance=psi) if psi > 1.0 else None

    @property
    def params(self):
        return {"phi": self.phi, "psi": self.psi, "eta": self.eta, "zeta": self.zeta, "kappa": self.kappa}

    def expression(self):
        return (f"two_layer_ntk_gram(phi={self.phi:.17g}, psi={self.psi:.17g}, eta={self.eta:.17g}, "
                f"zeta={self.zeta:.17g}, kappa={self.kappa:.17g})")

    @property
    def u_scale(self):
        return 1.0 / max(self.first_moment, 1e-300)

    # ------------------------------------------------------------------ the inverse function
    def _w(self, m):
        phi, b, beta0 = self.phi, self.zeta, self.beta0
        w = -phi / (m * b) - 1.0 - beta0 / b - (beta0 / phi) * m
        dw = phi / (m * m * b) - beta0 / phi
        return w, dw

    def _mp_value(self, w):
        """u = g_ψ(w) on the physical sheet and du/dw (implicit derivative of the MP equation); for
        ψ > 1 only the continuous part's transform u_c = u + (1 − 1/ψ)/w (see :meth:`_inverse`),
        computed as (1/ψ)·g of MP(1/ψ, variance ψ) — the nonzero eigenvalues of W Wᵀ/n1 — so that no
        pole is subtracted numerically."""
        psi = self.psi
        if psi > 1.0:
            g = np.asarray(self._mp_continuous.stieltjes(w), dtype=complex)
            dg = -(g * g + g) / (2.0 * w * g + w - psi + 1.0)      # from w g² + (w − ψ + 1) g + 1 = 0
            return g / psi, dg / psi
        u = np.asarray(self._mp.stieltjes(w), dtype=complex)
        du = -(psi * u * u + u) / (2.0 * psi * w * u + w - 1.0 + psi)
        return u, du

    def _inverse(self, m):
        """Z(m) and Z'(m) (module docstring). For ψ > 1, MP(ψ) has an atom 1 − 1/ψ at 0, and its pole
        in u at w = 0 (m = −φ/β0) cancels the pole of the last term exactly; with the atom taken
        out of u the two combine into −(1 − 1/ψ) φ²/(m (φ + m ζ)), which has no pole at −φ/β0."""
        m = np.asarray(m, dtype=complex)
        phi, psi, b, beta0, kappa = self.phi, self.psi, self.zeta, self.beta0, self.kappa
        w, dw = self._w(m)
        u, du = self._mp_value(w)
        coef = beta0 - phi * phi / (m * m * b)
        dcoef = 2.0 * phi * phi / (m * m * m * b)
        z = kappa - (1.0 - phi) / m + coef * u
        dz = (1.0 - phi) / (m * m) + dcoef * u + coef * du * dw
        if psi > 1.0:
            atom = 1.0 - 1.0 / psi
            den = m * (phi + m * b)
            z = z - atom * phi * phi / den
            dz = dz + atom * phi * phi * (phi + 2.0 * m * b) / (den * den)
        else:
            extra = 1.0 + m * beta0 / phi
            z = z + (1.0 / psi - 1.0) * beta0 / extra
            dz = dz - (1.0 / psi - 1.0) * beta0 * (beta0 / phi) / (extra * extra)
        return z, dz

    def _gamma(self, m, z):
        return np.asarray(m, dtype=complex)

    def _u_far(self, z):
        return -1.0 / (np.asarray(z, dtype=complex) - self.first_moment)

    def _real_poles(self):
        poles = [0.0, -self.phi / self.zeta]
        if self.beta0 > 0 and self.psi < 1.0:     # the population atom β0/φ of the n1 − n0 extra directions
            poles.append(-self.phi / self.beta0)
        return sorted(set(poles))

    def _excluded_ranges(self):
        """Real m where w(m) lies in the MP(ψ) support (u, hence Z, is complex there)."""
        lo, hi = self._mp.support[0]
        a = self.beta0 / self.phi
        roots = []
        for lam in (lo, hi):
            coeffs = [a, 1.0 + self.beta0 / self.zeta + lam, self.phi / self.zeta]
            r = np.roots(coeffs) if a > 0 else np.array([-coeffs[2] / coeffs[1]])
            roots += [float(x.real) for x in np.atleast_1d(r) if abs(x.imag) <= 1e-12 * abs(x)]
        cuts = sorted(set(roots + self._real_poles()))
        out = []
        for left, right in zip(cuts[:-1], cuts[1:]):
            w, _ = self._w(np.array([0.5 * (left + right) + 0j]))
            if lo <= w[0].real <= hi:
                out.append((left, right))
        return out

    def _certify(self, m, z, closed):
        return np.ones(np.shape(m), dtype=bool)   # g = m itself: Im g > 0 is the certificate

    @property
    def rank_fraction(self) -> float:
        """rank(K − κ I)/P: (n0 + n1)/P, or n0/P for a linear activation (η = ζ)."""
        rank = self.phi * (1.0 + 1.0 / self.psi) if self.beta0 > 0 else self.phi
        return min(rank, 1.0)

    def _atoms(self):
        mass = 1.0 - self.rank_fraction
        return [(self.kappa, mass)] if mass > 1e-15 else []

    def _hull_bounds(self):
        return self.kappa, self.scale

    # ------------------------------------------------------------------ moments
    def _population_moments(self, order):
        """Moments of P·C per dimension of C (n0 + n1 dimensions), exactly: tr B(s)^k averaged over
        s² ~ MP(ψ), plus the n1 − n0 copies of β0/φ."""
        phi, psi = Fraction(self.phi), Fraction(self.psi)
        b, beta0 = Fraction(self.zeta), Fraction(self.beta0)
        mp = [Fraction(1)] + list(MarchenkoPastur(self.psi).exact_moments(2 * order))
        # B as a 2×2 matrix of polynomials in s (coefficient lists), times φ
        poly = [[[beta0, 0, b], [0, b]], [[0, b], [b]]]
        power = [[[Fraction(1)], [Fraction(0)]], [[Fraction(0)], [Fraction(1)]]]
        out = []
        for k in range(1, order + 1):
            power = _matmul(power, poly)
            trace = _padd(power[0][0], power[1][1])
            even = sum(c * mp[j // 2] for j, c in enumerate(trace) if j % 2 == 0)
            assert all(c == 0 for j, c in enumerate(trace) if j % 2 == 1)
            total = even + (1 / psi - 1) * beta0**k          # per n0 dimensions
            out.append(total / phi**k / (1 + 1 / psi))       # per (n0 + n1) dimensions
        return out

    def exact_moments(self, order):
        """Moments of K: those of H Hᵀ (P×P) from the free multiplicative law of the (n0+n1)-dim
        companion, H_C ⊠ MP(c), c = (n0 + n1)/P, then shifted by κ."""
        c = Fraction(self.phi) * (1 + 1 / Fraction(self.psi))
        pop = self._population_moments(order)
        cumulants_mp = [c ** (k - 1) for k in range(1, order + 1)]
        big = transforms.product_moments(cumulants_mp, pop, order)   # of C^{1/2} GᵀG/P C^{1/2}
        small = [c * x for x in big]                                    # of G C Gᵀ (P×P)
        small = [Fraction(1)] + small
        kappa = Fraction(self.kappa)
        return [sum(comb(k, j) * kappa ** (k - j) * small[j] for j in range(k + 1)) for k in range(1, order + 1)]

    # ------------------------------------------------------------------ Monte Carlo
    def _sample(self, n, rng):
        """Eigenvalues of K̃ (module docstring) with P = n: the matrix model of which this law is
        the exact limit. Not the NTK Gram of a real network (:func:`ntk_gram_matrix`): that one
        differs from K̃ by a matrix of norm O(n^(-1/2)), which smears the atom at κ — at n = 200 its
        KS distance to the law reached 0.55, against 0.01–0.02 for K̃ — and comparing it with the
        law is the prediction's claim, tested in the validation suite, not its sampler."""
        P = n
        n0 = max(1, int(round(P * self.phi)))
        n1 = max(1, int(round(n0 / self.psi)))
        x = rng.standard_normal((P, n0))
        w = rng.standard_normal((n1, n0))
        h = x @ w.T / math.sqrt(n0)
        feats = math.sqrt(self.zeta) * h + math.sqrt(self.eta - self.zeta) * rng.standard_normal((P, n1))
        k = feats @ feats.T / n1 + self.zeta * (x @ x.T) / n0 + self.kappa * np.eye(P)
        return np.linalg.eigvalsh(k)


def _padd(p, q):
    n = max(len(p), len(q))
    return [(p[i] if i < len(p) else 0) + (q[i] if i < len(q) else 0) for i in range(n)]


def _pmul(p, q):
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += a * b
    return out


def _matmul(a, b):
    return [[_padd(_pmul(a[i][0], b[0][j]), _pmul(a[i][1], b[1][j])) for j in range(2)] for i in range(2)]


def ntk_gram_matrix(x, w, a, activation, sigma_w: float = 1.0, *, centred: bool = False) -> np.ndarray:
    """The empirical NTK Gram K = J Jᵀ (P×P) of f(x) = (1/√n1) Σ_j a_j σ(σ_w w_j·x/√n0), built
    from its two blocks in closed form (no autodiff): (1/n1) σ(U)σ(U)ᵀ + σ_w² (X Xᵀ/n0) ∘ (D Dᵀ/n1),
    U = σ_w X Wᵀ/√n0, D = σ'(U) diag(a). ``centred`` subtracts E σ from the features (the mean's
    rank-one outlier is not part of the bulk law). A NumPy reference for tests and Monte Carlo.

    Example::

        >>> import numpy as np, rmtheory as rmt
        >>> r = np.random.default_rng(0)
        >>> k = rmt.predict.ntk.ntk_gram_matrix(r.standard_normal((5, 3)), r.standard_normal((4, 3)),
        ...                                     r.standard_normal(4), "tanh")
        >>> k.shape, bool(np.all(np.linalg.eigvalsh(k) > 0))
        ((5, 5), True)
    """
    from rmtheory.predict import activations as acts

    act = acts.activation(activation)
    x, w, a = np.asarray(x, float), np.asarray(w, float), np.asarray(a, float)
    n0, n1 = x.shape[1], w.shape[0]
    u = sigma_w * (x @ w.T) / math.sqrt(n0)
    feats = act(u)
    if centred:
        feats = feats - acts.activation_moments(act, sigma_w**2 * float(np.mean(x * x))).mean
    d = act.derivative(u) * a[None, :]
    return feats @ feats.T / n1 + sigma_w**2 * (x @ x.T / n0) * (d @ d.T / n1)


#: κ/η above which κ is applied as an exact shift of the bulk solved at κ = 0
_KAPPA_SHIFTED = 1e3
#: κ/η above which the bulk is not resolved in double precision at its location
_KAPPA_RESOLVED = 1e12


def two_layer_ntk_law(d_over_P: float, d_over_width: float, eta: float, zeta: float, kappa: float):
    """The NTK Gram law (module docstring).

    ``d_over_P`` is φ = n0/P (input dimension over samples), ``d_over_width`` ψ = n0/n1 (input
    dimension over width) — the same two ratios as :func:`~rmtheory.predict.random_features_law`;
    ``eta`` η = Var σ, ``zeta`` ζ = v(E σ')², ``kappa`` κ = v E σ'² − ζ. Returns ``κ + MP(P/n1, η)``
    (an :class:`~rmtheory.laws.affine.AffineImage`) when ζ = 0.
    """
    phi, psi, eta, zeta = checked_constants(d_over_P, d_over_width, eta, zeta)
    kappa = check("kappa", kappa, _NONNEG)
    # within rounding of η (a linear activation's moments by quadrature) ζ is η: β0 = 0 exactly,
    # and the rank of K − κ I is n0, not n0 + n1
    zeta = eta if zeta >= eta * (1 - 1e-12) else zeta
    if zeta == 0.0:
        mp = MarchenkoPastur(psi / phi, variance=eta)     # η Z Zᵀ/n1 (P×P): ratio P/n1 = ψ/φ
        return AffineImage(mp, 1.0, kappa) if kappa else mp
    if kappa > _KAPPA_RESOLVED * eta:
        raise ParameterError("kappa", kappa, f"at most {_KAPPA_RESOLVED:g} η = {_KAPPA_RESOLVED * eta:.6g}",
                             "the bulk, of width ~η, sits at κ: narrower than that relative to its location it "
                             "is below double precision (κ = v E σ'² − ζ grows like σ_w² for a saturating σ)")
    if kappa > _KAPPA_SHIFTED * eta:
        # κ I is an exact shift of K̃; solved with it, the bulk's relative width ~η/κ starves the solver
        # (tanh at σ_w = 1e7 failed), so the bulk is solved at κ = 0 and shifted exactly
        bulk = at_unit_scale(lambda e, z: _TwoLayerNTK(phi, psi, e, z, 0.0), eta, eta, zeta)
        return AffineImage(bulk, 1.0, kappa)
    return at_unit_scale(lambda e, z, k: _TwoLayerNTK(phi, psi, e, z, k), eta, eta, zeta, kappa)


TwoLayerNTKGram = renamed_function(two_layer_ntk_law, "TwoLayerNTKGram", phi="d_over_P", psi="d_over_width")


@renamed_keywords(n0="d", n1="width")
def two_layer_ntk_gram(d: int, width: int, P: int, activation="tanh", *, sigma_w: float = 1.0,
                       sigma_x: float = 1.0):
    """Prediction for the empirical NTK Gram K (P×P) of a two-layer network at initialization
    (module docstring); P × the nonzero spectrum of its Gauss-Newton matrix under the half-MSE loss.

    ``d`` the input dimension (n0 in the module docstring), ``width`` the hidden width (n1), ``P``
    the number of samples; the keywords n0=, n1= are deprecated. A non-centred σ adds one outlier
    near P (E σ)² (the features' mean, rank one; leading order in P). ``quantities["n"]`` is the
    number of parameters, width·(d + 1).

    Example::

        >>> import rmtheory as rmt
        >>> p = rmt.predict.two_layer_ntk_gram(100, 200, 400, "relu")
        >>> [round(o.location, 3) for o in p.outliers], p.law.name
        ([63.662], 'two_layer_ntk_gram')
    """
    from rmtheory.predict.record import OutlierPrediction, Prediction

    d = check("d", d, Integer(1, None))
    width = check("width", width, Integer(1, None))
    P = check("P", P, Integer(1, None))
    act, mom, v, var_f, zeta = feature_constants(activation, sigma_w, sigma_x)
    sw, sx = float(sigma_w), float(sigma_x)
    kappa = max(v * mom.eta_prime - zeta, 0.0)
    phi, psi = d / P, d / width
    law = two_layer_ntk_law(phi, psi, var_f, zeta, kappa)
    outliers = ()
    if mom.mean**2 > 1e-14 * max(mom.eta, 1e-300):
        outliers = (OutlierPrediction(P * mom.mean**2, 1, "non-centred activation: the features' mean "
                                      "(E σ)² 1 1ᵀ (rank one)",
                                      tolerance="leading order in P; O(1) corrections (the features' second "
                                                "Hermite term and the first-layer block's mean) not computed"),)
    return Prediction(
        matrix="K = J Jᵀ (P×P), the empirical NTK Gram of f(x) = (1/√width) Σ_j a_j σ(σ_w w_j·x/√d) = "
               "P × (Gauss-Newton matrix of the half-MSE loss), nonzero spectrum",
        law=law, outliers=outliers,
        quantities={"phi": phi, "psi": psi, "eta": var_f, "zeta": zeta, "kappa": kappa, "mean": mom.mean,
                    "variance": v, "n": width * (d + 1), "ggn_scale": 1.0 / P},
        assumptions=("X, W, a with iid Gaussian entries; weights at initialization, no biases",
                     "NTK parametrization: gradients in the standardized weights (a, w); for gradients in "
                     "W = σ_w w the first-layer block is divided by σ_w²",
                     "d, width, P → ∞ with φ = d/P, ψ = d/width fixed",
                     "readout block: random features replaced by their linear-plus-noise equivalent (η, ζ)",
                     "first-layer block: the Hadamard product replaced by its mean ζ X̃X̃ᵀ/d + κ I; the "
                     "neglected part has operator norm O(n^(-1/2)), so at finite n the spectrum is smeared "
                     "by that much (largest where the law has an atom or a hard edge)"),
        source="Jacot, Gabriel & Hongler (2018), NeurIPS (NTK); Pennington & Worah (2017), NeurIPS, §3 and "
               "Péché (2019) (readout block); El Karoui (2010), Ann. Statist. 38, Thm 2.1, Fan & Wang (2020), "
               "NeurIPS, and Adlam & Pennington (2020), ICML (first-layer linearization); Silverstein & Bai "
               "(1995) and Silverstein & Choi (1995) (the generalized Marchenko-Pastur inverse function); "
               "derivation in rmtheory.predict.ntk",
        # the cdf's own accuracy (mass defect, quadrature error): ~1e-12 typically, larger where the
        # density nearly vanishes inside the support (a near-cusp, e.g. a linear activation with d > N)
        tolerance=max(float(getattr(law, "numerical_tolerance", 1e-12)), 1e-12),
        parameters={"d": d, "width": width, "P": P, "activation": act.name, "sigma_w": sw, "sigma_x": sx},
        dimension=P)
