"""Growth of λ_max(J Jᵀ) with depth: Gaussian vs orthogonal weights, tanh and linear networks.

Original: Pennington, Schoenholz & Ganguli (2017), §3-§4, and (2018), §3 — the largest squared
singular value of the input-output Jacobian grows with depth for Gaussian weights (for a linear
network the Fuss-Catalan edge (L + 1)^{L+1}/L^L ≈ e(L + 1)), while orthogonal weights keep it at 1
(linear) or let it grow only slowly (tanh near criticality with small q*), the mechanism behind
dynamical isometry.

Ours: the N → ∞ edge λ₊(L) from :func:`rmtheory.predict.jacobian_edge_growth` (the support of the
PSG law) for tanh at the quick suite's σ_w = 1.05, σ_b = 0.05, Gaussian and orthogonal, and for the
linear network (σ_w = 1) as a check of the solver; measured: λ_max of the ``deep_jacobian`` runs of
``jacobian_densities`` (the same runs, read from the cache: two networks pooled per depth, Gaussian
N = 200, orthogonal N = 100) with the finite-N band of λ_max the run calibrated on the law's own model
(a theory band: at finite N, λ_max sits below λ₊). Checks: the solver's linear edges against
(L + 1)^{L+1}/L^L (Gaussian) and 1 (orthogonal) to 1e-8; per run, measured λ_max inside its calibrated
[0.5 %, 99.5 %] band.

>>> from papers.pennington_schoenholz_ganguli_2017.lambda_max_depth import fuss_catalan_edge
>>> [round(fuss_catalan_edge(L), 4) for L in (1, 2, 3)]
[4.0, 6.75, 9.4815]
"""

from __future__ import annotations

import numpy as np

from papers.checks import close, within
from papers.data import FigureData
from papers.pennington_schoenholz_ganguli_2017.jacobian_densities import runs
from papers.registry import Spec

SPEC = Spec(
    title="λ_max of J Jᵀ vs depth: Gaussian vs orthogonal weights (tanh near criticality; linear closed forms)",
    cite="Pennington, Schoenholz & Ganguli 2017, §3-§4 (λ_max vs depth; linear: (L+1)^{L+1}/L^L); 2018, §3",
    original="The largest squared singular value of the Jacobian against depth: linear growth for Gaussian "
             "weights, bounded for orthogonal ones.",
    ours="λ₊(L) of the PSG law (rmtheory.predict.jacobian_edge_growth) for tanh and linear networks, measured "
         "λ_max of the deep_jacobian runs with their calibrated finite-N band.",
    quick={"gaussian_N": 200, "orthogonal_N": 100, "depths": [1, 2, 4, 8], "theory_depths": [1, 2, 4, 8, 16],
           "linear_depths": [1, 2, 4, 8, 16, 32, 64, 128], "activation": "tanh", "sigma_w": 1.05, "sigma_b": 0.05,
           "networks": 2},
    full={"gaussian_N": 1000, "orthogonal_N": 1000, "depths": [2, 8, 32, 128], "theory_depths": [1, 2, 4, 8, 16, 32,
          64, 128], "linear_depths": [1, 2, 4, 8, 16, 32, 64, 128], "activation": "tanh", "sigma_w": 1.05,
          "sigma_b": 0.05, "networks": 4},
    tiny={"gaussian_N": 20, "orthogonal_N": 20, "depths": [2], "theory_depths": [1, 2],
          "linear_depths": [1, 2, 4], "activation": "tanh", "sigma_w": 1.05, "sigma_b": 0.05, "networks": 1},
    experiments=("deep_jacobian",),
)


def fuss_catalan_edge(L: int) -> float:
    """Upper edge of the Fuss-Catalan law of L Ginibre factors: (L + 1)^{L+1}/L^L."""
    return (L + 1) ** (L + 1) / L**L


def compute(cfg, ctx) -> FigureData:
    from rmtheory.predict import jacobian_edge_growth

    data = FigureData()
    a = data.panel("linear network (σ_w = 1): the solver vs closed forms", "depth L", r"$\lambda_+$",
                   xscale="log", yscale="log")
    p = data.panel(f"{cfg['activation']}, σ_w = {cfg['sigma_w']}, σ_b = {cfg['sigma_b']}", "depth L",
                   r"$\lambda_{\max}$", xscale="log", yscale="log")
    e = data.panel("local growth exponent of λ₊", "depth L", r"$d\log\lambda_+/d\log L$", xscale="log")
    lin = [int(v) for v in cfg["linear_depths"]]
    for weights in ("gaussian", "orthogonal"):
        g = jacobian_edge_growth(lin, "linear", sigma_w=1.0, weights=weights)
        data.line(a, lin, g["lambda_max"], f"{weights}: PSG solver")
        for L, v in zip(lin, g["lambda_max"]):
            data.number(f"linear {weights} L = {L}: λ₊ (solver)", v)
        data.line(e, np.sqrt(np.array(lin[:-1], float) * np.array(lin[1:], float)), g["local_exponents"],
                  f"linear, {weights}")
    data.points(a, lin, [fuss_catalan_edge(L) for L in lin], "(L+1)^(L+1)/L^L", role="theory")
    data.points(a, lin, [1.0] * len(lin), "orthogonal: 1", role="theory")
    theory = [int(v) for v in cfg["theory_depths"]]
    for weights in ("gaussian", "orthogonal"):
        g = jacobian_edge_growth(theory, cfg["activation"], sigma_w=cfg["sigma_w"], sigma_b=cfg["sigma_b"],
                                 weights=weights)
        data.line(p, theory, g["lambda_max"], f"{weights}: λ₊ (N → ∞)")
        if len(theory) > 1:
            data.line(e, np.sqrt(np.array(theory[:-1], float) * np.array(theory[1:], float)), g["local_exponents"],
                      f"{cfg['activation']}, {weights}")
        for L, v in zip(theory, g["lambda_max"]):
            data.number(f"{cfg['activation']} {weights} L = {L}: λ₊", v)
    found = runs(cfg, ctx)
    for weights in ("gaussian", "orthogonal"):
        Ls = [int(L) for L in cfg["depths"]]
        edge = [found[weights, L].check("upper edge") for L in Ls]
        N = cfg[f"{weights}_N"]
        data.line(p, Ls, [c["low"] for c in edge], f"{weights}: model λ_max at N = {N}, 0.5 %")
        data.line(p, Ls, [c["high"] for c in edge], f"{weights}: model λ_max at N = {N}, 99.5 %")
        data.points(p, Ls, [c["value"] for c in edge], f"{weights}: λ_max, N = {N}")
        for L, c in zip(Ls, edge):
            data.number(f"{weights} L = {L}: λ_max", c["value"], role="measured")
            data.number(f"{weights} L = {L}: λ_max band low", c["low"], role="measured")
            data.number(f"{weights} L = {L}: λ_max band high", c["high"], role="measured")
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    out = []
    for L in cfg["linear_depths"]:
        out.append(close(f"linear Gaussian L = {L}: λ₊ = (L+1)^(L+1)/L^L", "Pennington, Schoenholz & Ganguli 2017, "
                         "§3 (linear network, Gaussian weights)", fuss_catalan_edge(L),
                         num[f"linear gaussian L = {L}: λ₊ (solver)"], rel_tol=1e-8))
        out.append(close(f"linear orthogonal L = {L}: λ₊ = 1", "Pennington, Schoenholz & Ganguli 2017, §3 (linear "
                         "network, orthogonal weights: every singular value is 1)", 1.0,
                         num[f"linear orthogonal L = {L}: λ₊ (solver)"], abs_tol=1e-8))
    for weights in ("gaussian", "orthogonal"):
        for L in cfg["depths"]:
            tag = f"{weights} L = {L}"
            edge = num.get(f"{cfg['activation']} {tag}: λ₊")
            out.append(within(f"{tag}: λ_max in its calibrated band", "Pennington, Schoenholz & Ganguli 2018, §3 "
                              "(the edge of the JJᵀ spectrum)",
                              "λ_max → λ₊" + (f" = {edge:.4g}" if edge is not None else ""), num[f"{tag}: λ_max"],
                              low=num[f"{tag}: λ_max band low"], high=num[f"{tag}: λ_max band high"],
                              note=f"[0.5 %, 99.5 %] band of λ_max of the law's model at N = {cfg[f'{weights}_N']}"))
    return out
