"""The curvature-aware step size η_t = c/λ_max(θ_t) against the best constant η and a cosine schedule.

Original: the research plan's curvature-aware step sizes (README, experiment 15 ``curvature_lr``):
η_t = c/λ_max(θ_t) and η_t ∝ 1/√λ_max(θ_t) against the best constant η of a grid and cosine annealing
(Loshchilov & Hutter 2017), at equal cost in gradient evaluations (curvature products charged),
full-batch GD, cross-entropy. The stability theory behind it: gradient descent on the quadratic model
is stable iff η λ_max < 2 (Cohen et al. 2021, §2), so c/λ_max with c < 2 keeps every step inside the
bound and should never diverge.

Ours: the ``curvature_lr`` run. Panel 1: each training's final loss against its step relative to the
stability bound, η λ/2 (constant and cosine: η λ₀/2 with λ₀ the median λ_max at initialization;
c/λ_max: c/2, by construction at every measurement), with the bound at 1 and the loss of a chance
prediction, ln 10. Panel 2: each rule's best setting, median gradient evaluations to the target loss
(min-max over seeds) and test accuracy. Panel 3: the step sizes η_t = c/λ_max(θ_t) the rule took, one
point per measurement. Checks: no training of c/λ_max with c < 2 diverges — the experiment's own
count (loss non-finite or 10⁶ × its initial value) — and, reading "diverges" plainly, none ends above
the chance loss ln 10 (≈ the loss at initialization, 10 classes).

>>> SPEC.experiments
('curvature_lr',)
"""

from __future__ import annotations

import math

import numpy as np

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Curvature-aware step size c/λ_max vs the best constant η and cosine at equal cost",
    cite="rmtheory research plan (README, experiment 15); stability bound: Cohen et al. 2021 §2",
    original="η_t = c/λ_max(θ_t) (and ∝ 1/√λ_max) against tuned constant and cosine schedules at equal "
             "gradient cost; c < 2 keeps gradient descent inside the quadratic stability bound.",
    ours="Final loss of every training against η λ/2 with the bound 1; each rule's cost to the target and "
         "test accuracy; the step sizes c/λ_max took (digits MLP, full-batch GD, cross-entropy).",
    quick={"n": 200, "n_test": 200, "budget": 150, "lrs": [1.0, 3.0], "cs": [1.0, 1.9], "target": 0.2},
    full={"n": 500, "n_test": 500, "width": 64, "budget": 600, "lrs": [0.1, 0.3, 1.0, 3.0],
          "cs": [0.5, 1.0, 1.5, 1.9], "target": 0.1},   # the full suite's digits run
    tiny={"n": 60, "n_test": 40, "budget": 30, "lrs": [3.0], "cs": [1.9], "target": 0.5, "seeds": 2, "width": 8},
    experiments=("curvature_lr",),
)

SOURCE = "Cohen et al. 2021 (ICLR) §2: GD on the quadratic model is stable iff η λ_max < 2; README experiment 15"
METHODS = ("constant", "cosine", "inverse", "inverse_sqrt")
NAMES = {"constant": "constant η", "cosine": "cosine from η", "inverse": "c/λ_max", "inverse_sqrt": "η₀√(λ₀/λ_max)"}
CHANCE = math.log(10.0)


def compute(cfg, ctx) -> FigureData:
    run = ctx.run("curvature_lr", **cfg)
    m = run.measured
    lam0 = m.get("lambda_0") or math.nan
    runs = m["runs"]
    data = FigureData()
    p1 = data.panel("final loss vs step size relative to the stability bound", r"$\eta\,\lambda/2$",
                    "final training loss", xscale="log", yscale="log")
    for method in ("constant", "cosine", "inverse"):
        mine = [r for r in runs if r["method"] == method]
        x = [r["setting"] / 2 if method == "inverse" else r["setting"] * lam0 / 2 for r in mine]
        y = [math.nan if r["final_loss"] is None else r["final_loss"] for r in mine]
        data.points(p1, x, y, NAMES[method] + (" (x = c/2)" if method == "inverse" else " (x = η λ₀/2)"))
        div = [xi for xi, r in zip(x, mine) if r["diverged"]]
        if div:
            data.points(p1, div, [1e3] * len(div), f"{NAMES[method]}: diverged (drawn at 10³)")
    data.vline(p1, 1.0, "stability bound η λ_max = 2")
    data.hline(p1, CHANCE, "chance loss ln 10")
    p2 = data.panel("gradients to the target loss, each rule at its best setting", "rule",
                    "gradient evaluations (median, [min, max] over seeds)")
    p4 = data.panel("test accuracy, each rule at its best setting", "rule", "test accuracy (median, [min, max])")
    nan = math.nan
    for panel, key in ((p2, "cost_to_target"), (p4, "test_accuracy")):
        xs, ys, mx, my = [], [], [], []
        for i, method in enumerate(METHODS):
            v = m["summary"][method][key]
            if v:
                xs += [i, i, nan]
                ys += [v["min"], v["max"], nan]
                mx.append(i)
                my.append(v["median"])
        data.line(panel, xs, ys, "range over seeds (measured)", role="measured")
        data.points(panel, mx, my, "median over seeds")
    for i, method in enumerate(METHODS):
        s = m["summary"][method]
        data.number(f"rule {i}: {NAMES[method]}, best {s['best_setting']:g}", i, role="measured")
        for key in ("cost_to_target", "final_loss", "test_accuracy"):
            v = s[key] or {}
            data.number(f"{method}: {key} (median)", v.get("median", math.nan), role="measured")
        data.number(f"{method}: best setting", s["best_setting"], role="measured")
        data.number(f"{method}: divergence rate over its grid", s["divergence_rate_grid"], role="measured")
    p3 = data.panel("the step sizes of c/λ_max, one point per λ_max measurement", "measurement (every 10 steps)",
                    r"$\eta_t = c/\lambda_{\max}(\theta_t)$", yscale="log")
    for c in sorted({r["setting"] for r in runs if r["method"] == "inverse"}):
        xs, ys = [], []
        for r in runs:
            if r["method"] == "inverse" and r["setting"] == c and r["lrs"]:
                # the first entry is the placeholder step before the first measurement sets c/λ₀
                lrs = np.array([math.nan if v is None or v <= 0 else v for v in r["lrs"][1:]], float)
                xs += list(range(1, len(lrs) + 1))
                ys += list(lrs)
        data.points(p3, xs, ys, f"c = {c:g}, all seeds")
    if math.isfinite(lam0):
        data.hline(p3, 2 / lam0, "2/λ₀ (λ₀ at initialization, median)")
    stable = [r for r in runs if r["method"] == "inverse" and r["setting"] < 2]
    above = [r for r in runs if r["method"] == "constant" and math.isfinite(lam0) and r["setting"] > 2 / lam0]
    data.number("λ₀ (median λ_max at initialization)", lam0, role="measured")
    data.number("c/λ_max, c < 2: trainings", len(stable), role="measured")
    data.number("c/λ_max, c < 2: diverged", sum(r["diverged"] for r in stable), role="measured")
    data.number("c/λ_max, c < 2: final loss above ln 10",
                sum(r["final_loss"] is not None and r["final_loss"] > CHANCE for r in stable), role="measured")
    data.number("c/λ_max, c < 2: largest final loss",
                max((r["final_loss"] for r in stable if r["final_loss"] is not None), default=math.nan),
                role="measured")
    data.number("constant η above 2/λ₀: trainings", len(above), role="measured")
    data.number("constant η above 2/λ₀: diverged", sum(r["diverged"] for r in above), role="measured")
    data.number("chance loss ln 10", CHANCE)
    data.notes.append(f"validation run {run.run_id}: {run.note}; {run.checks[0]['note']}")
    for r in stable:
        if r["final_loss"] is not None and r["final_loss"] > CHANCE:
            data.notes.append(f"c = {r['setting']:g}, seed {r['seed']}: final loss {r['final_loss']:.3g} > ln 10 "
                              "without reaching the experiment's divergence criterion (10⁶ × the initial loss)")
    return data


def check(data, cfg) -> list:
    n = data.numbers()
    power = (f"power: {n['constant η above 2/λ₀: diverged']:g} of {n['constant η above 2/λ₀: trainings']:g} "
             f"constant-η trainings above 2/λ₀ diverged")
    return [
        within("c/λ_max, c < 2: diverged trainings", SOURCE, 0, n["c/λ_max, c < 2: diverged"], high=0.0,
               note=f"of {n['c/λ_max, c < 2: trainings']:g}; the experiment's criterion; {power}"),
        within("c/λ_max, c < 2: trainings ending above the chance loss ln 10", SOURCE + " (read plainly)", 0,
               n["c/λ_max, c < 2: final loss above ln 10"], high=0.0,
               note=f"largest final loss {n['c/λ_max, c < 2: largest final loss']:.3g}"),
    ]


def plot(data, figure):
    """The default drawing, 2 × 2, with the rules named under their panels."""
    import matplotlib.pyplot as plt

    from papers import plotting
    from papers.build import caption

    fig = plt.figure(figsize=(10.5, 7.6))
    plotting.draw(data, fig, title=figure.spec.title, caption=caption(figure), ncols=2)
    names = sorted((int(k.split(":")[0].split()[1]), k.split(": ", 1)[1]) for k in data.numbers()
                   if k.startswith("rule "))
    for i, panel in enumerate(data.panels):
        ax = fig.axes[i]
        if panel["xlabel"] == "rule":
            ax.set_xticks([j for j, _ in names])
            ax.set_xticklabels([n for _, n in names], rotation=15, ha="right", fontsize=7)
            ax.set_xlim(-0.5, len(names) - 0.5)
        if ax.get_legend() is not None:
            ax.legend(fontsize=6, loc="best")
    fig.tight_layout()
    return fig
