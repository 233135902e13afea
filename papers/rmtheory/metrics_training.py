"""Geometry through training: λ_max, the Hessian trace, the gradient alignment GA_k and the loss, with 2/η.

Original: the research plan's "geometry through training" (README, ``validation.dynamics``; experiment
16 ``geometry``): a tracker measures the loss landscape's geometry at fixed checkpoints of a training —
λ_max, the top-k eigenvalues and the fraction of the gradient in their span (GA_k, Gur-Ari et al.
2018), the trace (XTrace), the training and test loss. The stability theory bounds the sharpness by
2/η: gradient descent on the quadratic model diverges along any direction of curvature above 2/η
(Cohen et al. 2021, §2); with mini-batch SGD the full-batch λ_max settles below 2/η — what sits at
2/η is the mini-batches' own sharpness (Andreyev & Beneventano 2024, arXiv:2412.20553, abstract).

Ours: ``geometry`` runs (mini-batch SGD, batch 64, cross-entropy, MLP ``width`` × 2 on digits) at
each step size of ``lrs``, ``checkpoints`` + 1 measurements each: λ_max with 2/η, η λ_max/2 with the
bound 1, the trace, GA_k and the training and test loss against the step. Check, for each η: the
largest η λ_max/2 over the checkpoints after the first update is ≤ 1 (the bound as stated; at
initialization, before any step, λ_max may exceed 2/η — the training then lowers it, the catapult
of Lewkowycz et al. 2020 — so step 0 is shown, not checked).

>>> SPEC.experiments
('geometry',)
"""

from __future__ import annotations

import math

import numpy as np

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Metrics through training: λ_max against 2/η, trace, GA_k and loss (mini-batch SGD)",
    cite="rmtheory research plan (README, geometry through training); bound: Cohen et al. 2021 §2, "
         "Andreyev & Beneventano 2024",
    original="The tracker's geometry metrics at fixed checkpoints of a training, and the stability "
             "threshold 2/η that bounds the sharpness.",
    ours="λ_max, η λ_max/2, trace, GA_k and training/test loss vs step for several step sizes η "
         "(mini-batch SGD on digits), with the stability threshold 2/η.",
    quick={"n": 200, "n_test": 200, "width": 16, "steps": 100, "checkpoints": 10, "lrs": [0.1, 0.5, 2.0]},
    full={"n": 1000, "n_test": 1000, "width": 64, "steps": 1000, "checkpoints": 20, "lrs": [0.05, 0.2, 0.5, 1.0, 2.0]},
    tiny={"n": 60, "n_test": 40, "width": 8, "steps": 20, "checkpoints": 2, "lrs": [0.5, 2.0]},
    experiments=("geometry",),
)

SOURCE = ("Cohen et al. 2021 (ICLR) §2: GD is unstable where λ_max > 2/η; Andreyev & Beneventano 2024 "
          "(arXiv:2412.20553): with SGD the full-batch λ_max stays below 2/η")


def _metric(metrics: dict, prefix: str):
    key = next((k for k in metrics if k.startswith(prefix)), None)
    return key, np.array([math.nan if v is None else v for v in metrics.get(key, [])], float)


def compute(cfg, ctx) -> FigureData:
    data = FigureData()
    p_lam = data.panel("sharpness λ_max (full-batch Hessian)", "step", r"$\lambda_{\max}$", yscale="log")
    p_ratio = data.panel("sharpness relative to the stability threshold", "step", r"$\eta\,\lambda_{\max}/2$",
                         yscale="log")
    p_trace = data.panel("Hessian trace (XTrace)", "step", r"tr $H$")
    p_ga = data.panel("gradient alignment with the top-k eigenspace", "step", r"GA$_k$ = $\|P_k g\|^2/\|g\|^2$")
    p_loss = data.panel("loss (cross-entropy)", "step", "loss", yscale="log")
    for lr in cfg["lrs"]:
        run = ctx.run("geometry", n=int(cfg["n"]), n_test=int(cfg["n_test"]), width=int(cfg["width"]),
                      steps=int(cfg["steps"]), checkpoints=int(cfg["checkpoints"]), lr=float(lr))
        m = run.measured
        steps = np.array(m["checkpoints"], float)
        _, lam = _metric(m["metrics"], "lambda_max")
        _, trace = _metric(m["metrics"], "trace")
        ga_key, ga = _metric(m["metrics"], "ga_")
        _, loss = _metric(m["metrics"], "train_loss")
        tag = f"η = {lr:g}"
        data.line(p_lam, steps, lam, f"λ_max, {tag}", role="measured")
        data.hline(p_lam, 2.0 / lr, f"2/η, {tag}")
        data.line(p_ratio, steps, lam * lr / 2, f"{tag}", role="measured")
        data.line(p_trace, steps, trace, f"{tag}", role="measured")
        data.line(p_ga, steps, ga, f"{ga_key.upper()}, {tag}", role="measured")
        data.line(p_loss, steps, loss, f"training, {tag}", role="measured")
        try:
            test = run.series("test loss")
            data.points(p_loss, test["x"], [math.nan if v is None else v for v in test["y"]], f"test, {tag}")
        except KeyError:
            pass
        after = lam[steps > 0] * lr / 2
        data.number(f"{tag}: 2/η", 2.0 / lr)
        data.number(f"{tag}: λ_max at step 0", lam[0], role="measured")
        data.number(f"{tag}: max η λ_max/2 after step 0", float(np.nanmax(after)) if after.size else math.nan,
                    role="measured")
        data.number(f"{tag}: final λ_max", lam[-1], role="measured")
        for name, value in m["outcomes"].items():
            data.number(f"{tag}: {name}", value, role="measured")
        if lam[0] * lr / 2 > 1:
            data.notes.append(f"{tag}: λ_max = {lam[0]:.3g} > 2/η = {2 / lr:.3g} at initialization; "
                              f"after the first checkpoint at most {np.nanmax(after) * 2 / lr:.3g}")
    data.hline(p_ratio, 1.0, "stability bound η λ_max/2 = 1")
    return data


def check(data, cfg) -> list:
    n = data.numbers()
    return [within(f"η = {lr:g}: max η λ_max/2 after the first step", SOURCE, "≤ 1",
                   n[f"η = {lr:g}: max η λ_max/2 after step 0"], high=1.0,
                   note=f"2/η = {2 / lr:g}; λ_max at step 0 = {n[f'η = {lr:g}: λ_max at step 0']:.3g} (not checked)")
            for lr in cfg["lrs"]]


def plot(data, figure):
    """The default drawing with one colour per step size η across panels (measured and its 2/η alike)."""
    import re

    import matplotlib.pyplot as plt

    from papers import plotting
    from papers.build import caption

    fig = plt.figure(figsize=(11.5, 6.4))
    plotting.draw(data, fig, title=figure.spec.title, caption=caption(figure))
    lrs = sorted({float(m) for s in data.numbers() for m in re.findall(r"^η = ([0-9.e+-]+):", s)})
    color = {lr: plotting.MEASURED_COLORS[i % 6] for i, lr in enumerate(lrs)}
    for ax in fig.axes[:len(data.panels)]:
        for artist in ax.lines + ax.collections:
            found = re.search(r"η = ([0-9.e+-]+)", str(artist.get_label()))
            if found and float(found.group(1)) in color:
                c = color[float(found.group(1))]
                artist.set_color(c)
                if hasattr(artist, "set_markerfacecolor") and artist.get_markerfacecolor() != "none":
                    artist.set_markerfacecolor(c)
                    artist.set_markeredgecolor(c)
        if ax.get_legend() is not None:
            ax.legend(fontsize=6, loc="best")
    fig.tight_layout()
    return fig
