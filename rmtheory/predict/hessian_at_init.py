"""The Hessian of a two-layer network at initialization under the squared loss: G ⊞ R.

The network and data are those of :mod:`rmtheory.predict.ntk`: f(x) = (1/√N) Σ_j a_j σ(u_j),
u_j = σ_w w_j·x/√d, a_j, w_jk iid N(0, 1), inputs with iid N(0, σ_x²) entries, targets y of variance
``target_variance`` independent of the network, loss (1/2P) Σ_i (f(x_i) − y_i)². Its Hessian in the
n = N(d + 1) standardized weights splits as (Pennington & Bahri 2017, ICML, §2, eq. (3))

    H = G + R,    G = (1/P) Jᵀ J  (Gauss-Newton),    R = (1/P) Σ_i r_i ∇²f(x_i),   r_i = f(x_i) − y_i.

G. Its nonzero eigenvalues are those of K/P, K = J Jᵀ the empirical NTK Gram
(:func:`~rmtheory.predict.ntk.two_layer_ntk_gram`); the other n − P are 0. So the n×n law of G is
(P/n) law(K/P) + (1 − P/n) δ₀ (for n ≥ P).

R. Its second moment follows from the blocks of ∇²f: ∂²f/∂a_j∂w_jk = σ'(u_j) σ_w x_k/√(dN) and
∂²f/∂w_jk∂w_jl = a_j σ''(u_j) σ_w² x_k x_l/(d√N), with E r_i² = v_r = target_variance + E σ(u)²
(E f = 0, Var f = E σ(u)² at initialization). Same-sample terms (i = i' in tr R² = P⁻² Σ_{i,i'} ⋯):

    (1/n) E tr R² ⊃ v_r (2 v E σ'(u)² + v² E σ''(u)²)/(n P),    u ~ N(0, v), v = σ_w² σ_x².

Cross-sample terms (i ≠ i'): the residuals r_i, r_i' are correlated through the shared weights, by
E σ(u)σ(u') ≈ (E σ)² + vρ (E σ')² with ρ = x_i·x_i'/(d σ_x²) ~ 1/√d, and so are σ'(u_ij), σ'(u_i'j);
the P² pairs, weighted by x_i·x_i' (a-w block) or (x_i·x_i')² (w-w block), add to first order in ρ

    (1/n) E tr R² ⊃ v² (P − 1)/(n P d) · [2 ((E σ')⁴ + (E σ)² (E σ'')²) + (E σ)² (E σ'')²],

E σ'' = E[u σ'(u)]/v (Stein; the last term only where σ'' ≠ 0 a.e.). They are as large as the
same-sample terms at P/d ≈ 3 (tanh): dropping them halves R's second moment. Checked against the
exact R of numpy networks (tests/rmtheory/predict/test_hessian_at_init.py): within 1 % at d = 40,
P = 120 (tanh, GELU), 2 % at d = 20, P = 100; the neglected terms are O(1/d) relative.

Combination (the assumption, Pennington & Bahri 2017, §3): R is replaced by a Wigner matrix of that
second moment, free of G, so H ~ G ⊞ semicircle (:func:`rmtheory.free_add`). This is the nearest
theory, not an exact one: R is block-diagonal, one (d + 1)-block per hidden unit j, the w-w block
a_j (⋯) Σ_i r_i σ''(u_ij) x_i x_iᵀ bordered by the a-w vector c_j (eigenvalues near ±‖c_j‖), so it is
far from Wigner; for ReLU σ'' = 0 almost everywhere and R is the a-w part alone, of rank 2N.

Measured (how far the nearest theory is): experiment ``hessian_at_init`` of the validation suite
compares the exact Hessian (torch autograd) of real networks with this law, KS and λ_max calibrated
at the run's size; it fails, and its notes say by how much — R's few large eigenvalues (±‖c_j‖)
reach further than the semicircle of the same second moment.

Example (tanh, d = 20, N = 30, P = 100: n = 630 ≥ P)::

    >>> import rmtheory as rmt
    >>> p = rmt.predict.hessian(width=30, depth=1, d=20, P=100, activation="tanh")
    >>> p.quantities["n"], round(p.atoms[0][1], 6) if p.atoms else None
    (630, None)
"""

from __future__ import annotations

import math

import numpy as np

from rmtheory.laws.affine import AffineImage
from rmtheory.laws.base import SpectralLaw
from rmtheory.params import Integer, NoTheoryError, Real, check

__all__ = ["two_layer_hessian_at_init", "residual_second_moment"]

SOURCE = ("Pennington & Bahri (2017), Geometry of neural network loss surfaces via random matrix theory, ICML, "
          "§2 eq. (3) (H = H0 + H1) and §3 (free independence of H0 and H1, H1 Wigner); the Gauss-Newton part "
          "by rmtheory.predict.ntk (two-layer NTK Gram); R's second moment derived in "
          "rmtheory.predict.hessian_at_init")


class _Tabulated(SpectralLaw):
    """A law given by its density on grids over its pieces (cdf by the trapezoid rule): the solved
    G ⊞ semicircle. ``mass_defect`` is 1 − the integrated mass, part of the stated tolerance."""

    name = "free_sum_table"

    def __init__(self, pieces, label):
        self._pieces = [(np.asarray(x, float), np.maximum(np.asarray(p, float), 0.0)) for x, p in pieces]
        cums, total = [], 0.0
        for x, p in self._pieces:
            c = total + np.concatenate([[0.0], np.cumsum(0.5 * (p[1:] + p[:-1]) * np.diff(x))])
            cums.append(c)
            total = c[-1]
        self.mass_defect = abs(1.0 - total)
        self._cums = [c / total for c in cums]
        self._label = label

    @property
    def params(self):
        return {"label": self._label}

    def expression(self):
        return self._label

    @property
    def numerical_tolerance(self):
        return max(self.mass_defect, 1e-6)

    def _support(self):
        return [(float(x[0]), float(x[-1])) for x, _ in self._pieces]

    def _pdf(self, x):
        out = np.zeros(x.shape)
        for xs, p in self._pieces:
            inside = (x >= xs[0]) & (x <= xs[-1])
            out[inside] = np.interp(x[inside], xs, p) / (1.0 - self.mass_defect if self.mass_defect < 1 else 1.0)
        return out

    def _cdf(self, x):
        out = np.zeros(x.shape)
        for (xs, _), c in zip(self._pieces, self._cums):
            out = np.where(x >= xs[0], np.interp(x, xs, c), out)
        return out


def _free_sum_with_semicircle(g_law, tau, pieces, points=1500):
    """Density of G ⊞ semicircle(τ) on grids over ``pieces`` by the subordination equation
    ω = z + τ g_G(ω), g_H(z) = g_G(ω) (Pastur 1972; Biane 1997, Indiana Univ. Math. J. 46, §3), Newton
    in ω at z = x + i0⁺ (Im z = 10⁻¹⁰ × scale)."""
    out = []
    for lo, hi in pieces:
        u = 0.5 * (1 - np.cos(np.linspace(0.0, math.pi, points)))
        x = lo + (hi - lo) * u
        scale = max(abs(lo), abs(hi), math.sqrt(tau))
        z = x + 1e-10j * scale
        omega = z + 1j * math.sqrt(tau)
        for _ in range(30):                         # fixed point first: it stays in C⁺
            omega = z + tau * g_law(omega)
        for _ in range(60):
            h = 1e-7 * np.maximum(np.abs(omega), scale * 1e-3)
            g0 = g_law(omega)
            dg = (g_law(omega + h) - g_law(omega - h)) / (2 * h)
            step = (omega - z - tau * g0) / (1.0 - tau * dg)
            new = omega - step
            new = np.where(new.imag < 0, new.real + 1e-3j * np.abs(step), new)
            omega = new
            if np.all(np.abs(step) <= 1e-13 * np.abs(omega)):
                break
        dens = np.maximum(np.asarray(g_law(omega)).imag / math.pi, 0.0)
        # the support: runs of grid points where the density is above rounding (gaps of H split a piece)
        alive = dens > 1e-9 * dens.max()
        edges = np.flatnonzero(np.diff(np.concatenate([[0], alive.astype(int), [0]])))
        for start, stop in zip(edges[::2], edges[1::2]):
            a, b = max(start - 1, 0), min(stop + 1, x.size)
            out.append((x[a:b], dens[a:b]))
    return out


def _gauss(f, variance, nodes=200):
    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    return float(np.sum(w * f(math.sqrt(variance) * z)) / math.sqrt(2 * math.pi))


def residual_second_moment(activation, d, width, P, *, sigma_w=1.0, sigma_x=1.0, target_variance=1.0):
    """(1/n) E tr R² of the module docstring, and its parts: the same-sample terms (v_r, E σ'², E σ''²)
    and the cross-sample terms of residuals correlated through the shared weights (``cross_sample``)."""
    from rmtheory.predict.activations import activation as get

    act = get(activation)
    d, width, P = (check(k, x, Integer(1, None)) for k, x in (("d", d), ("width", width), ("P", P)))
    target_variance = check("target_variance", target_variance, Real(0, 1e100))
    v = sigma_w**2 * sigma_x**2
    d1 = _gauss(lambda u: act.derivative(u) ** 2, v)
    smooth = not act.piecewise_constant_derivative
    if smooth:
        h = 1e-4 * max(1.0, math.sqrt(v))
        d2 = _gauss(lambda u: ((act.derivative(u + h) - act.derivative(u - h)) / (2 * h)) ** 2, v)
    else:
        d2 = 0.0           # σ'' = 0 almost everywhere (autograd's Hessian of ReLU has no δ)
    out_var = _gauss(lambda u: act(u) ** 2, v)
    v_r = target_variance + out_var
    n = width * (d + 1)
    same = v_r * (2 * v * d1 + v * v * d2) / P
    # E σ, E σ', and E σ'' by Stein's identity E σ'' = E[u σ'(u)]/v (a δ for ReLU: still defined)
    m0 = _gauss(act, v)
    m1 = _gauss(act.derivative, v)
    m2 = _gauss(lambda u: u * act.derivative(u), v) / v
    cross = v * v * (P - 1) / (P * d) * (2 * (m1**4 + m0**2 * m2**2) + (m0**2 * m2**2 if smooth else 0.0))
    return {"second_moment": (same + cross) / n, "same_sample": same / n, "cross_sample": cross / n,
            "residual_variance": v_r, "output_variance": out_var, "mean_dsigma2": d1, "mean_d2sigma2": d2}


def two_layer_hessian_at_init(d, width, P, activation="tanh", *, sigma_w=1.0, sigma_x=1.0, target_variance=1.0):
    """Prediction for the Hessian (n×n) of the half-MSE loss of a two-layer network at initialization."""
    from rmtheory.predict.ntk import two_layer_ntk_gram
    from rmtheory.predict.record import OutlierPrediction, Prediction

    d, width, P = (check(k, v, Integer(1, None)) for k, v in (("d", d), ("width", width), ("P", P)))
    target_variance = check("target_variance", target_variance, Real(0, 1e100))
    n = width * (d + 1)
    if n < P:
        raise NoTheoryError("P", P, f"P ≤ n = width·(d + 1) = {n} (more samples than parameters: G has full "
                            "rank and the NTK law's atom would be needed)")
    ggn = two_layer_ntk_gram(d, width, P, activation, sigma_w=sigma_w, sigma_x=sigma_x)
    r = residual_second_moment(activation, d, width, P, sigma_w=sigma_w, sigma_x=sigma_x,
                               target_variance=target_variance)
    s2, w = r["second_moment"], P / n
    # in units of K = P·G (the NTK Gram's scale) to keep the numbers O(1): P·H = P·G ⊞ semicircle(P² σ_R²)
    tau = s2 * P * P
    kl = ggn.law

    def g_law(omega):                         # Stieltjes transform of P·G = (1 − w) δ₀ + w law(K)
        return -(1.0 - w) / omega + w * np.asarray(kl.stieltjes(omega), complex)

    reach = 3.0 * math.sqrt(tau)
    pieces = ([(x - reach, x + reach) for x, _ in [(0.0, 1.0)] + kl.atoms]
              + [(a - reach, b + reach) for a, b in kl.support])
    pieces.sort()
    merged = []
    for a, b in pieces:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    table = _Tabulated(_free_sum_with_semicircle(g_law, tau, merged),
                       f"P·G ⊞ semicircle(τ={tau:.6g}), two_layer_ntk(d={d}, width={width}, P={P})")
    law = AffineImage(table, scale=1.0 / P)
    outliers = tuple(OutlierPrediction(o.location / P, o.count, o.source + " (in G = K/P; R moves it by O(σ_R))",
                                       tolerance=o.tolerance) for o in ggn.outliers)
    return Prediction(
        matrix="H = ∇²_θ (1/2P) Σ_i (f(x_i) − y_i)² (n×n, n = width·(d + 1)) of a two-layer network at "
               "initialization = G + R",
        law=law, outliers=outliers,
        quantities={"n": n, "P": P, "ggn_nonzero_fraction": P / n, "residual_semicircle_variance": r["second_moment"],
                    "residual_semicircle_radius": 2 * math.sqrt(r["second_moment"]), **{
                        k: r[k] for k in ("residual_variance", "output_variance", "mean_dsigma2", "mean_d2sigma2")},
                    "residual_cross_sample_share": r["cross_sample"] / r["second_moment"],
                    "mass_defect": table.mass_defect},
        assumptions=("H = G + R with R replaced by a Wigner matrix of the same second moment, free of G "
                     "(Pennington-Bahri free independence): R is really block-diagonal, one (d + 1)-block per "
                     "hidden unit bordered by c_j (eigenvalues ±‖c_j‖), so the semicircle is the nearest "
                     "theory, not an exact one",
                     f"targets independent of the network, variance {target_variance:g}; R's second "
                     "moment to first order in the input overlap x_i·x_j/d (cross-sample terms included; "
                     "O(1/d) relative error)",
                     "n ≥ P; Gauss-Newton part: " + "; ".join(ggn.assumptions)),
        source=SOURCE, tolerance=max(ggn.tolerance, table.numerical_tolerance),
        parameters={"d": d, "width": width, "P": P, "activation": ggn.parameters["activation"],
                    "sigma_w": float(sigma_w), "sigma_x": float(sigma_x), "target_variance": target_variance},
        dimension=n)
