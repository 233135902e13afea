"""Hessians of linear and generalized linear models on Gaussian data (Liao & Mahoney 2021).

Data: P samples x_i ∈ R^d, iid N(0, Σ), γ = d/P.

* **Least squares**, L = (1/2P) Σ (wᵀx_i − y_i)²: H = Xᵀ X/P, whose limit spectrum is the
  generalized Marchenko-Pastur law GMP(γ, spectrum of Σ) (Silverstein & Bai 1995;
  :class:`~rmtheory.free.GeneralizedMarchenkoPastur`); MP(γ, σ²) for Σ = σ² I.
* **Logistic regression** at weights w, L = (1/P) Σ log(1 + e^{−y_i wᵀx_i}), y = ±1:
  H = (1/P) Σ τ(wᵀx_i) x_i x_iᵀ with τ(s) = σ(s)(1 − σ(s)) — independent of the labels — for
  Σ = σ² I. Liao & Mahoney (2021), "Hessian eigenspectra of more realistic nonlinear models",
  NeurIPS (§3, Theorem 1), give the deterministic equivalent for Gaussian-mixture data; for a
  single isotropic Gaussian it reduces to the following, derived here and checked by Monte-Carlo.
  Write x = σ(v ŵ + ξ⊥), v = ŵᵀx/σ ~ N(0, 1), t = σ² τ(κ v), κ = σ‖w‖. Directions orthogonal to w
  see weights t_i independent of ξ⊥, so the bulk is the law of (1/P) Σ t_i ξ_i ξ_iᵀ, whose
  Stieltjes transform m solves (Silverstein & Bai 1995, for (1/N) X T Xᵀ)

      z = −1/m + E[ t/(1 + γ t m) ]      (one explicit inverse function, solved by
                                          :class:`~rmtheory.laws.inverse_function.InverseFunctionLaw`),

  and the direction of w carries at most one outlier per gap, at real λ outside the bulk with

      λ = E[ t v²/(1 + γ t m(λ)) ]

  (Schur complement on ŵ: a − λ − cᵀ(B − λ)^{-1}c = 0 with the diagonal deterministic equivalent
  of the co-resolvent, [(T^{1/2}ΞᵀΞT^{1/2}/P − λ)^{-1}]_ii ≈ −1/(λ(1 + γ t_i m)); the
  off-diagonal terms vanish because the sign of v_i is independent of everything else). At w = 0
  (t constant) the two equations coincide only at 1/m = 0, so there is no outlier, as for least
  squares. The expectations over v use composite Gauss-Legendre nodes graded toward v = 0
  (:func:`~rmtheory.predict.activations.graded_nodes`; the tolerance reported is the change of the
  cdf against a coarser rule).
* **Softmax regression** with C classes at w = 0 (uniform predictions): H = A ⊗ (Xᵀ X/P) with
  A = (I − 11ᵀ/C)/C, so its law is ((C − 1)/C)·GMP(γ, Σ/C) + (1/C)·δ₀ (A has eigenvalues 1/C,
  C − 1 times, and 0). At other weights the matrix weight Diag(p) − p pᵀ varies with the sample and
  no scalar theory applies; that case raises :class:`~rmtheory.params.NoTheoryError`.

Example::

    >>> import rmtheory as rmt
    >>> p = rmt.predict.least_squares_hessian(d=200, P=800)
    >>> p.law.expression(), p.edges
    ('mp(ratio=0.25, variance=1)', [(0.25, 2.25)])
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, special

from rmtheory.free import transforms
from rmtheory.free.atoms import Atoms, EmpiricalLaw
from rmtheory.free.generalized_mp import GeneralizedMarchenkoPastur
from rmtheory.laws.base import SpectralLaw
from rmtheory.laws.inverse_function import InverseFunctionLaw
from rmtheory.laws.marchenko_pastur import MarchenkoPastur
from rmtheory.params import Integer, NoTheoryError, ParameterError, Real, check
from rmtheory.predict.activations import graded_nodes
from rmtheory.predict.companion import Companion
from rmtheory.predict.record import OutlierPrediction, Prediction

__all__ = ["WeightedGram", "least_squares_hessian", "logistic_hessian", "softmax_hessian", "population_law"]

SOURCE_LS = ("Marchenko & Pastur (1967); Silverstein & Bai (1995), J. Multivariate Anal. 54, 175 "
             "(generalized MP: H = XᵀX/P with population Σ)")
SOURCE_GLM = ("Liao & Mahoney (2021), Hessian eigenspectra of more realistic nonlinear models, NeurIPS, "
              "§3 Thm 1 (deterministic equivalent of XᵀDX/P); isotropic single-Gaussian reduction, bulk "
              "equation z = −1/m + E[t/(1 + γtm)] (Silverstein & Bai 1995) and the outlier equation "
              "λ = E[t v²/(1 + γ t m(λ))] derived in rmtheory.predict.glm")

_POS_INT = Integer(1, None)


def population_law(covariance):
    """The spectral law of Σ from None (identity), a positive number (σ² I), a list/array of
    eigenvalues, or a SpectralLaw on [0, ∞)."""
    if covariance is None:
        return Atoms([1.0])
    if isinstance(covariance, SpectralLaw):
        if covariance._hull()[0] < 0:
            raise ParameterError("covariance", covariance.expression(), "a law supported on [0, inf)")
        return covariance
    if isinstance(covariance, (int, float, np.integer, np.floating)) and not isinstance(covariance, bool):
        value = check("covariance", float(covariance), Real(0, None, low_open=True))
        return Atoms([value])
    try:
        values = np.asarray(covariance, dtype=float).ravel()
    except (TypeError, ValueError):
        values = None
    if values is None or values.size == 0 or not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ParameterError("covariance", covariance,
                             "None, a positive variance, a list of nonnegative eigenvalues, "
                             "or a SpectralLaw on [0, inf)")
    return EmpiricalLaw(values) if values.size > 1 else Atoms(values)


def _isotropic_variance(pop):
    if isinstance(pop, Atoms) and pop.locations.size == 1:
        return float(pop.locations[0])
    return None


def _gmp(ratio, pop):
    var = _isotropic_variance(pop)
    if var is not None:
        return MarchenkoPastur(ratio, variance=var)
    return GeneralizedMarchenkoPastur(ratio, pop)


def least_squares_hessian(d: int, P: int, covariance=None) -> Prediction:
    """Hessian XᵀX/P of least squares on P Gaussian samples in R^d with covariance Σ."""
    d = check("d", d, _POS_INT)
    P = check("P", P, _POS_INT)
    pop = population_law(covariance)
    law = _gmp(d / P, pop)
    return Prediction(
        matrix="Hessian of least squares, H = XᵀX/P (d×d)", law=law,
        scaling={"edges": {"exponent": 0.0, "variable": "d, P at fixed d/P",
                           "description": "edges depend on d/P and Σ only"},
                 "lambda_max_fluctuation": {"exponent": -2.0 / 3.0, "variable": "d",
                                            "description": "Tracy-Widom at the soft upper edge"}},
        quantities={"gamma": d / P, "trace_per_dim": float(law.moment(1))},
        assumptions=("rows of X iid N(0, Σ)", "d, P → ∞ with d/P fixed",
                     "the spectrum of Σ converges to the population law given"),
        source=SOURCE_LS, tolerance=1e-10, parameters={"d": d, "P": P, "covariance": pop}, dimension=d)


def softmax_hessian(d: int, P: int, classes: int, covariance=None) -> Prediction:
    """Hessian (= Gauss-Newton matrix) of softmax regression at zero weights (module docstring)."""
    d = check("d", d, _POS_INT)
    P = check("P", P, _POS_INT)
    C = check("classes", classes, Integer(2, None))
    pop = population_law(covariance)
    scaled = Atoms(np.asarray([x for x, _ in pop.atoms]) / C, [w for _, w in pop.atoms]) if not pop.support \
        else None
    if scaled is None:
        raise NoTheoryError("covariance", pop.expression(), "a discrete population (Atoms or eigenvalues) for "
                            "softmax_hessian", "a continuous population law cannot be rescaled here")
    inner = _gmp(d / P, scaled)
    law = Companion(inner, (C - 1) / C)
    return Prediction(
        matrix=f"Hessian of softmax cross-entropy at w = 0, H = (I − 11ᵀ/C)/C ⊗ XᵀX/P ({C * d}×{C * d})",
        law=law, quantities={"gamma": d / P, "classes": C},
        assumptions=("weights zero (uniform softmax output), so Diag(p) − ppᵀ = (I − 11ᵀ/C)/C for every sample",
                     "rows of X iid N(0, Σ)", "d, P → ∞ with d/P fixed"),
        source=SOURCE_LS + "; Kronecker structure of the softmax Hessian", tolerance=1e-10,
        parameters={"d": d, "P": P, "classes": C, "covariance": pop}, dimension=C * d)


# --------------------------------------------------------------------------- the weighted Gram law
class WeightedGram(InverseFunctionLaw):
    """Law of (1/P) Σ t_i ξ_i ξ_iᵀ (d×d, ξ_i iid N(0, I_d), γ = d/P) for weights t with the discrete
    law Σ_k w_k δ(t_k): z = −1/m + Σ_k w_k t_k/(1 + γ t_k m) (module docstring)."""

    name = "weighted_gram"
    summary = "(1/P) Σ t_i ξ_i ξ_iᵀ: Marchenko-Pastur with sample weights (GLM Hessian bulk)"

    def __init__(self, gamma, t, w, *, sampler=None, label=None):
        self.gamma = check("gamma", gamma, Real(0, None, low_open=True))
        t = np.asarray(t, float).ravel()
        w = np.asarray(w, float).ravel()
        keep = w > 0
        self.t, self.w = t[keep], w[keep] / w[keep].sum()
        if np.any(self.t < 0) or not np.any(self.t > 0):
            raise ParameterError("t", t, "nonnegative weights, not all zero")
        self._sampler = sampler
        self._label = label

    @property
    def params(self):
        return {"gamma": self.gamma, "weights": self._label or f"{self.t.size} atoms"}

    def expression(self):
        return f"weighted_gram(gamma={self.gamma:.17g}, t={self._label or f'{self.t.size} atoms'})"

    @property
    def u_scale(self):
        return 1.0 / max(float(self.w @ self.t), 1e-300)

    def _inverse(self, m):
        m = np.asarray(m, dtype=complex)
        g, t, w = self.gamma, self.t, self.w
        den = 1.0 + g * np.multiply.outer(m, t)
        z = -1.0 / m + (w * t / den).sum(-1)
        dz = 1.0 / m**2 - (w * g * t * t / den**2).sum(-1)
        return z, dz

    def _gamma(self, m, z):
        return np.asarray(m, dtype=complex)

    def _u_far(self, z):
        return -1.0 / np.asarray(z, dtype=complex)

    def _real_poles(self):
        return [0.0] + sorted(set((-1.0 / (self.gamma * self.t[self.t > 0])).tolist()))

    def _atoms(self):
        # samples of weight 0 do not count: the rank is min(d, P·(1 − w₀))
        w0 = float(self.w[self.t == 0].sum())
        zero = max(1.0 - (1.0 - w0) / self.gamma, 0.0)
        return [(0.0, zero)] if zero > 1e-15 else []

    def _hull_bounds(self):
        return 0.0, self.scale

    def exact_moments(self, order):
        g = transforms.exact_number(self.gamma)
        t = [transforms.exact_number(v) for v in self.t]
        w = [transforms.exact_number(v) for v in self.w]
        total = sum(w)
        kappa = [g ** (k - 1) * sum(wi * ti**k for wi, ti in zip(w, t)) / total for k in range(1, order + 1)]
        return transforms.free_cumulants_to_moments(kappa)

    def _sample(self, n, rng):
        P = max(1, int(round(n / self.gamma)))
        if self._sampler is not None:
            t = self._sampler(P, rng)
        else:
            t = rng.choice(self.t, size=P, p=self.w)
        xi = rng.standard_normal((n, P))
        return np.linalg.eigvalsh((xi * t) @ xi.T / P)


def _logistic_tau(s):
    """σ(s)(1 − σ(s)) = σ(s)σ(−s), without the underflow of 1 − σ(s) for s > 37."""
    return special.expit(s) * special.expit(-s)


def _logistic_nodes(kappa, var, depth, order):
    """Nodes v (Gaussian rule for v ~ N(0, 1), graded toward v = 0 where t = var·τ(κv) peaks)."""
    v, wv = graded_nodes(1.0, focus=(0.0,), depth=depth, order=order)
    return v, wv, var * _logistic_tau(kappa * v)


def logistic_hessian(d: int, P: int, weight_norm: float, *, variance: float = 1.0) -> Prediction:
    """Hessian of logistic regression at weights of norm ``weight_norm`` on N(0, variance·I) data.

    Expectations over v = ŵᵀx/σ use composite Gauss-Legendre graded toward v = 0 (the maximum of
    τ, which sets the upper edge); the tolerance reported is the sup-distance of the cdf to the law
    built with a coarser rule (depth 6, order 6).
    """
    d = check("d", d, _POS_INT)
    P = check("P", P, _POS_INT)
    norm = check("weight_norm", weight_norm, Real(0, None))
    var = check("variance", variance, Real(0, None, low_open=True))
    gamma = d / P
    kappa = math.sqrt(var) * norm
    unresolved = ("d/P < 1 and a bulk separated from 0: samples with vanishing σ'(wᵀx) put eigenvalues "
                  "all the way down to 0, a region the quadrature over the weight law does not resolve")
    if norm > 0.0 and gamma >= 1.0:
        raise NoTheoryError("logistic Hessian with d/P", gamma, unresolved)
    if norm == 0.0:
        law = MarchenkoPastur(gamma, variance=var / 4.0)
        outliers = ()
        tol = 1e-10
        mean_weight = var / 4.0
    else:
        def sampler(P_, rng):
            return var * _logistic_tau(kappa * rng.standard_normal(P_))
        label = f"logistic(kappa={kappa:.17g}, variance={var:.17g})"
        v, wv, t = _logistic_nodes(kappa, var, 8, 8)
        law = WeightedGram(gamma, t, wv, sampler=sampler, label=label)
        if len(law.support) != 1:  # the law of a connected weight law is one interval: an artifact
            raise NoTheoryError("logistic Hessian with weight_norm·σ", kappa, unresolved,
                                f"the quadrature law splits into {len(law.support)} intervals")
        _, wc, tc = _logistic_nodes(kappa, var, 6, 6)
        coarse = WeightedGram(gamma, tc, wc, label=label)
        a, b = law._hull()
        grid = np.linspace(a, b, 41)
        tol = float(np.max(np.abs(np.asarray(law.cdf(grid)) - np.asarray(coarse.cdf(grid)))))
        outliers = tuple(_glm_outliers(law, v, wv, t))
        mean_weight = float(wv @ t)
    return Prediction(
        matrix="Hessian of logistic regression, H = (1/P) Σ σ'(wᵀx_i) x_i x_iᵀ (d×d)", law=law, outliers=outliers,
        scaling={"lambda_max_fluctuation": {"exponent": -2.0 / 3.0, "variable": "d",
                                            "description": "Tracy-Widom at the soft upper edge of the bulk"},
                 "outlier_fluctuation": {"exponent": -0.5, "variable": "P",
                                         "description": "an outlier fluctuates O(P^{-1/2}) around its limit"}},
        quantities={"gamma": gamma, "kappa": kappa, "mean_weight": mean_weight},
        assumptions=("x_i iid N(0, variance·I_d) (a single isotropic Gaussian; labels do not enter τ = σ(s)(1 − σ(s)))",
                     "w fixed (independent of the data), e.g. at initialization or a held-out point",
                     "d, P → ∞ with d/P fixed"),
        source=SOURCE_GLM, tolerance=max(tol, 1e-10),
        parameters={"d": d, "P": P, "weight_norm": norm, "variance": var}, dimension=d)


def _glm_outliers(law, v, wv, t):
    """Roots of λ = E[t v²/(1 + γ t m(λ))] in each gap of the bulk (module docstring).

    The gap is sampled with one vectorized solve of the physical real branch m(λ); each sign change
    of λ − Φ(m(λ)) is refined by Brent's method on m between the two samples, where λ = Z(m) is
    explicit and monotone (no further spectral solves).
    """
    gamma = law.gamma
    weight = wv * t * v * v

    def phi(m):
        return float(np.sum(weight / (1.0 + gamma * t * m)))

    def z_of(m):
        return float(np.real(law._inverse(np.array([complex(m)]))[0][0]))

    parts = sorted([(a, b) for a, b in law.support] + [(x, x) for x, _ in law.atoms])
    gaps = [(parts[i][1], parts[i + 1][0]) for i in range(len(parts) - 1) if parts[i + 1][0] > parts[i][1]]
    top = parts[-1][1]
    gaps.append((top, top + 10.0 * float(np.sum(weight)) + law.scale))
    if parts[0][0] > 0:
        gaps.insert(0, (0.0, parts[0][0]))
    found = []
    for a, b in gaps:
        h = 1e-9 * law.scale
        if b - a <= 4 * h:
            continue
        span = b - a
        xs = np.unique(np.concatenate([a + np.geomspace(h, 0.5 * span, 100), b - np.geomspace(h, 0.5 * span, 100)]))
        g, _, _, _ = law._solve_real(xs)
        m = g.real
        vals = xs - np.array([phi(mi) for mi in m])
        for i in np.flatnonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) < 0):
            mr = optimize.brentq(lambda mm: z_of(mm) - phi(mm), m[i], m[i + 1], xtol=1e-15 * (abs(m[i]) + law.u_scale))
            found.append(OutlierPrediction(
                location=z_of(mr), count=1, source="direction of the weights w (Schur complement on ŵ)",
                tolerance="fluctuates O(P^{-1/2}) around this limit"))
    return found
