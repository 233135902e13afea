"""Sharpness under full-batch gradient descent: progressive sharpening up to 2/η, then the edge of
stability.

Original: Cohen, Kaur, Li, Kolter & Talwalkar (2021), Fig. 1 (§3) — full-batch GD on a network for
several step sizes η: the sharpness λ_max of the training-loss Hessian rises ("progressive
sharpening") until it reaches 2/η, then "hovers right at, or just above" 2/η (§3; abstract: "hovers
just above the numerical value 2/(step size)") while the loss keeps decreasing non-monotonically.

Ours: the validation experiment ``edge_of_stability``: full-batch GD on digits (MSE on one-hot targets,
Cohen et al.'s MSE setting) of a tanh MLP at several η, λ_max tracked every 10 steps (relative Ritz
residual ≤ 2 %); the sharpness against the lines 2/η, and normalized by 2/η. A run *reached the edge*
when its sharpness rose to 0.9 × 2/η after the first 10 % of training (the experiment's rule; a
smaller η is too small to reach the edge in the budget). Checks: for each η that reached the edge,
the median sharpness over the last quarter / (2/η) in [0.9, 1.1] ("right at, or just above": within
10 %); for each η that did not, progressive sharpening: λ_max at the end / λ_max at step 0 > 1.

>>> from papers.registry import figures
>>> figures()["cohen_2021/sharpness"].spec.experiments
('edge_of_stability',)
"""

from __future__ import annotations

import numpy as np

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Sharpness under full-batch gradient descent rises to 2/η and hovers there",
    cite="Cohen et al. 2021, Fig. 1 and §3",
    original="Sharpness of full-batch GD for several step sizes: progressive sharpening, then the sharpness hovers at "
             "2/η (dashed lines) — the edge of stability.",
    ours="λ_max through full-batch GD (MSE, tanh MLP on digits) for three step sizes with the lines 2/η, and "
         "λ_max / (2/η); the smallest η does not reach its edge within the budget.",
    quick={"dataset": "digits", "lrs": [0.05, 0.2, 0.5], "steps": 500, "n": 300},
    full={"dataset": "fashion_mnist", "lrs": [0.01, 0.02, 0.05, 0.1, 0.2, 0.5], "steps": 10000, "n": 5000},
    tiny={"dataset": "digits", "lrs": [0.5], "steps": 150, "n": 100},
    experiments=("edge_of_stability",),
)

#: "right at, or just above, 2/η": the band of the tail sharpness / (2/η)
BAND = (0.9, 1.1)


def compute(cfg, ctx) -> FigureData:
    run = ctx.run("edge_of_stability", dataset=cfg["dataset"], lrs=list(cfg["lrs"]), steps=cfg["steps"], n=cfg["n"])
    runs = run.measured["runs"]
    panel = run.figure["panels"][0]
    data = FigureData()
    raw = data.panel(f"sharpness under full-batch GD, {cfg['dataset']}", "step", r"sharpness $\lambda_{\max}$",
                     yscale="log")
    norm = data.panel("sharpness / (2/η)", "step", r"$\lambda_{\max} / (2/\eta)$")
    for r, series in zip(runs, panel["series"]):
        lr, thr = float(r["lr"]), float(r["threshold"])
        steps = np.asarray(series["x"], float)
        ratio = np.array([np.nan if v is None else v for v in series["y"]], float)
        tag = f"η = {lr:g}" + ("" if r["reached"] else ", not at the edge")
        data.line(raw, steps, ratio * thr, f"λ_max, {tag}", role="measured")
        data.hline(raw, thr, f"2/η = {thr:g}")
        data.line(norm, steps, ratio, f"λ_max/(2/η), {tag}", role="measured")
        first = ratio[np.isfinite(ratio)]
        data.number(f"eta={lr:g}: 2/eta", thr)
        data.number(f"eta={lr:g}: reached the edge", float(bool(r["reached"])), role="measured")
        data.number(f"eta={lr:g}: tail median sharpness", float(r["median"]), role="measured")
        data.number(f"eta={lr:g}: tail sharpness / (2/eta)", float(r["ratio"]), role="measured")
        data.number(f"eta={lr:g}: sharpness at step 0", float(first[0] * thr) if first.size else np.nan,
                    role="measured")
        data.number(f"eta={lr:g}: sharpness at the end", float(first[-1] * thr) if first.size else np.nan,
                    role="measured")
        data.number(f"eta={lr:g}: largest tracker residual (relative)", float(r["largest_residual"] or np.nan),
                    role="measured")
    data.hline(norm, 1.0, "2/η")
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    out = []
    for lr in cfg["lrs"]:
        key = f"eta={lr:g}"
        if num[f"{key}: reached the edge"]:
            out.append(within(f"η = {lr:g}: tail sharpness / (2/η)", "Cohen et al. 2021, abstract, Fig. 1 and §3: the "
                              "sharpness hovers 'just above' 2/η", "≈ 1 (at or just above)",
                              num[f"{key}: tail sharpness / (2/eta)"], *BAND,
                              note=f"median over the last quarter of {cfg['steps']} steps; 2/η = "
                                   f"{num[f'{key}: 2/eta']:g}"))
        else:
            out.append(within(f"η = {lr:g} (not at the edge): λ_max end / start",
                              "Cohen et al. 2021, §3: progressive sharpening (λ_max rises until 2/η)", "> 1",
                              num[f"{key}: sharpness at the end"] / num[f"{key}: sharpness at step 0"], low=1.0,
                              note=f"did not reach 0.9 × 2/η = {0.9 * num[f'{key}: 2/eta']:g} in {cfg['steps']} steps"))
    return out
