"""Densities of the squared singular values of a deep tanh network's input-output Jacobian, Gaussian
vs orthogonal weights, across depth.

Original: Pennington, Schoenholz & Ganguli (2017), §3-§4 (and 2018, §3) — the spectrum of J Jᵀ,
J = D_L W_L ⋯ D_1 W_1, at the mean-field fixed point q* near criticality (χ ≈ 1), from the product
of S-transforms S_{JJᵀ} = Π S_{WWᵀ} S_{D²} (2017, eq. (10)), against simulated networks for several
depths: with Gaussian weights the spectrum spreads (its variance grows like L, its top like L), with
orthogonal weights a sigmoidal network stays concentrated near 1 (dynamical isometry).

Ours: experiment ``deep_jacobian`` at the quick suite's settings — tanh, σ_w = 1.05, σ_b = 0.05
(χ = 0.971: near, not at, criticality), Gaussian weights at N = 200 and orthogonal at N = 100, L ∈
{1, 2, 4, 8}, two networks pooled per run — each run's histogram over the PSG law
(:func:`rmtheory.predict.deep_jacobian`). Checks: the law's mean against PSG's χ^L (the mean squared
singular value) and its normalized variance against PSG's L(μ₂/μ₁² − 1 − s₁) (s₁ = −1 Gaussian,
0 orthogonal; μ_k = E f'(h)^{2k} at q*, by Gauss-Hermite quadrature here), both to 1 % (the order of
the law's stated cdf tolerance of its discretized D² law); per run, the bulk KS distance against its
calibrated 1 % threshold (PSG's claim that free probability gives the spectrum). λ_max is judged in
``lambda_max_depth``.

>>> from papers.registry import figures
>>> figures()["pennington_schoenholz_ganguli_2017/jacobian_densities"].spec.experiments
('deep_jacobian',)
"""

from __future__ import annotations

import numpy as np

from papers.checks import close, within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Singular-value densities of deep tanh Jacobians, Gaussian vs orthogonal, L = 1, 2, 4, 8",
    cite="Pennington, Schoenholz & Ganguli 2017, §3-§4 (densities of JJᵀ vs depth); 2018, §3",
    original="Densities of the squared singular values of J at criticality for several depths, theory "
             "(free probability) over simulation: Gaussian weights spread with depth, orthogonal ones stay near 1.",
    ours="Measured JJᵀ spectra of experiment deep_jacobian (tanh, σ_w = 1.05, σ_b = 0.05; Gaussian N = 200, "
         "orthogonal N = 100; two networks per depth) over rmtheory.predict.deep_jacobian; the mean χ^L and "
         "variance of each law against PSG's formulas.",
    quick={"gaussian_N": 200, "orthogonal_N": 100, "depths": [1, 2, 4, 8], "activation": "tanh",
           "sigma_w": 1.05, "sigma_b": 0.05, "networks": 2},
    full={"gaussian_N": 1000, "orthogonal_N": 1000, "depths": [2, 8, 32, 128], "activation": "tanh",
          "sigma_w": 1.05, "sigma_b": 0.05, "networks": 4},
    tiny={"gaussian_N": 20, "orthogonal_N": 20, "depths": [2], "activation": "tanh",
          "sigma_w": 1.05, "sigma_b": 0.05, "networks": 1},
    experiments=("deep_jacobian",),
)

S1 = {"gaussian": -1.0, "orthogonal": 0.0}


def derivative_moments(activation: str, q_star: float, order: int = 200) -> tuple[float, float]:
    """μ₁ = E f'(h)², μ₂ = E f'(h)⁴, h ~ N(0, q*) (probabilists' Gauss-Hermite)."""
    from rmtheory.predict import activation as act

    z, w = np.polynomial.hermite_e.hermegauss(order)
    w = w / w.sum()
    t = act(activation).derivative(np.sqrt(q_star) * z) ** 2
    return float(w @ t), float(w @ (t * t))


def runs(cfg, ctx):
    """The deep_jacobian runs of the figure, by (weights, L): shared with ``lambda_max_depth``."""
    out = {}
    for weights in ("gaussian", "orthogonal"):
        for L in cfg["depths"]:
            out[weights, L] = ctx.run("deep_jacobian", N=int(cfg[f"{weights}_N"]), L=int(L), weights=weights,
                                      activation=cfg["activation"], sigma_w=cfg["sigma_w"], sigma_b=cfg["sigma_b"],
                                      networks=int(cfg["networks"]))
    return out


def compute(cfg, ctx) -> FigureData:
    from rmtheory.predict import deep_jacobian

    data = FigureData()
    for (weights, L), run in runs(cfg, ctx).items():
        pred = deep_jacobian(int(L), cfg["activation"], sigma_w=cfg["sigma_w"], sigma_b=cfg["sigma_b"], weights=weights)
        q, chi = pred.quantities["q_star"], pred.quantities["chi"]
        data.add_run_panels(run, titles=[f"{weights}, L = {L}, N = {cfg[f'{weights}_N']}"])
        m1, m2 = float(pred.law.moment(1)), float(pred.law.moment(2))
        mu1, mu2 = derivative_moments(cfg["activation"], q)
        tag = f"{weights} L = {L}"
        data.number(f"{tag}: χ", chi)
        data.number(f"{tag}: q*", q)
        data.number(f"{tag}: χ^L", chi ** L)
        data.number(f"{tag}: law mean", m1)
        data.number(f"{tag}: law variance / mean²", m2 / m1**2 - 1)
        data.number(f"{tag}: L(μ₂/μ₁² − 1 − s₁)", L * (mu2 / mu1**2 - 1 - S1[weights]))
        data.number(f"{tag}: λ₊", pred.law.support[-1][1])
        bulk = run.check("bulk")
        if run.note:
            data.notes.append(f"{tag}: {run.note}")
        data.number(f"{tag}: measured mean eigenvalue", run.measured["mean"], role="measured")
        data.number(f"{tag}: bulk KS distance", bulk["value"], role="measured")
        data.number(f"{tag}: bulk KS threshold (calibrated 1 %)", bulk["high"], role="measured")
    data.notes.append("σ_w = 1.05, σ_b = 0.05 give χ = 0.971 for tanh: near criticality (χ = 1), as in the quick suite")
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    out = []
    for weights in ("gaussian", "orthogonal"):
        for L in cfg["depths"]:
            tag = f"{weights} L = {L}"
            out.append(close(f"{tag}: mean of JJᵀ = χ^L", "Pennington, Schoenholz & Ganguli 2017, §2: the mean "
                             "squared singular value of J is χ^L", num[f"{tag}: χ^L"], num[f"{tag}: law mean"],
                             rel_tol=0.01))
            out.append(close(f"{tag}: variance / mean² = L(μ₂/μ₁² − 1 − s₁)", "Pennington, Schoenholz & Ganguli "
                             "2017, §3 (variance of the JJᵀ spectrum; s₁ = −1 Gaussian, 0 orthogonal)",
                             num[f"{tag}: L(μ₂/μ₁² − 1 − s₁)"], num[f"{tag}: law variance / mean²"], rel_tol=0.01))
            out.append(within(f"{tag}: bulk KS distance to the PSG law", "Pennington, Schoenholz & Ganguli 2017, "
                              "eq. (10) (free probability gives the spectrum)", "the law describes the spectrum",
                              num[f"{tag}: bulk KS distance"], high=num[f"{tag}: bulk KS threshold (calibrated 1 %)"],
                              note=f"1 % threshold calibrated on the law's model at N = {cfg[f'{weights}_N']}, "
                                   f"{cfg['networks']} networks pooled"))
    return out
