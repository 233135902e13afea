"""Does geometry predict training? Rank correlations of early metrics with the outcomes of a grid of trainings.

Original: the research plan's question (README, "Geometry through training"; ``rmtheory validate
geometry``, :mod:`validation.suites.geometry`): across a grid of trainings, Spearman's ρ of each metric
at each checkpoint before the last with each outcome, 95 % bootstrap intervals, permutation p-values
and Benjamini-Hochberg q. The README reports, on its 48-training grid (width × depth × SGD/momentum/
Adam × step size × digits/Fashion-MNIST, seed 0): λ_max at step 200 goes with lower test accuracy,
ρ = −0.82; the participation ratio at step 100 with higher test accuracy, ρ = +0.90 [+0.78, +0.95];
the training loss at a checkpoint predicts the final loss best, ρ = +0.99 (the baseline a geometric
metric has to beat).

Ours: ``geometry`` runs (mini-batch SGD on digits) over the grid ``lrs`` × ``widths``, the suite's own
:func:`~validation.suites.geometry.geometry_table` and :func:`~validation.suites.geometry.correlations`
on their records. Panels: the three pairs above at the middle checkpoint (the last before the end),
one point per training, with ρ and its interval in the title; and ρ with its interval for every metric
at that checkpoint against test accuracy, the README's two numbers beside them. Checks: the sign of
each of the three correlations, the README's claims turned into ranges (ρ < 0, ρ > 0, ρ > 0); the
grid is smaller and narrower (one dataset, one optimizer), so agreement in sign is what is claimed,
and the intervals say how much a handful of trainings resolves.

>>> SPEC.experiments
('geometry',)
"""

from __future__ import annotations

import json
import math

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Metrics vs training outcomes: Spearman ρ of mid-training geometry with the outcomes of a grid",
    cite="rmtheory research plan (README, \"Geometry through training\": geometry suite, 48 trainings)",
    original="Rank correlations of geometry metrics at fixed checkpoints with the outcomes of a grid of "
             "trainings (bootstrap intervals, permutation p, BH q) and the guidelines generated from them.",
    ours="λ_max, participation ratio and training loss at the middle checkpoint against test accuracy and "
         "final loss over a grid of step size × width (mini-batch SGD on digits); ρ with 95 % bootstrap "
         "intervals from validation.suites.geometry, the README's numbers beside them.",
    quick={"n": 200, "n_test": 200, "steps": 100, "checkpoints": 2, "lrs": [0.05, 0.1, 0.5, 2.0],
           "widths": [16, 32, 64]},
    full={"n": 500, "n_test": 500, "steps": 400, "checkpoints": 4, "lrs": [0.05, 0.1, 0.2, 0.5, 1.0, 2.0],
          "widths": [16, 32, 64, 128]},
    tiny={"n": 60, "n_test": 40, "steps": 20, "checkpoints": 2, "lrs": [0.5, 2.0], "widths": [8, 16]},
    experiments=("geometry",),
)

SOURCE = "rmtheory README, \"Geometry through training\" (geometry suite, seed 0, 48 trainings)"
#: (metric, outcome, the README's ρ, the sign it claims)
PAIRS = (("lambda_max", "test_accuracy", -0.82, -1), ("participation_ratio", "test_accuracy", 0.90, +1),
         ("train_loss", "final_train_loss", 0.99, +1))
LABELS = {"lambda_max": r"$\lambda_{\max}$", "participation_ratio": "participation ratio",
          "train_loss": "training loss", "test_accuracy": "test accuracy", "final_train_loss": "final training loss"}


def _frame(runs):
    """The records' columns that :func:`validation.suites.geometry.geometry_table` reads."""
    import pandas as pd

    return pd.DataFrame([{"experiment": r.experiment, "status": r.status, "run_id": r.run_id,
                          "params": json.dumps(r.params), "run_measured": json.dumps(r.measured)} for r in runs])


def compute(cfg, ctx) -> FigureData:
    from validation.suites.geometry import correlations, geometry_table

    runs = [ctx.run("geometry", n=int(cfg["n"]), n_test=int(cfg["n_test"]), width=int(w), steps=int(cfg["steps"]),
                    checkpoints=int(cfg["checkpoints"]), lr=float(lr))
            for w in cfg["widths"] for lr in cfg["lrs"]]
    table = geometry_table(_frame(runs))
    rows = correlations(table, boot=1000, perm=1000, seed=ctx.seed)
    steps = table.attrs["steps"]
    mid = len(steps) - 2           # the last checkpoint before the end (the end is the outcomes)
    data = FigureData()
    for metric, outcome, readme, _ in PAIRS:
        r = next((r for r in rows if (r["metric"], r["checkpoint"], r["outcome"]) == (metric, mid, outcome)), None)
        rho = f"ρ = {r['rho']:+.2f} [{r['low']:+.2f}, {r['high']:+.2f}]" if r else "ρ not computable"
        p = data.panel(f"{LABELS[metric]} at step {steps[mid]} vs {LABELS[outcome]}: {rho} (README {readme:+.2f})",
                       f"{LABELS[metric]} at step {steps[mid]}", LABELS[outcome],
                       xscale="log" if metric != "participation_ratio" else "linear")
        for w in cfg["widths"]:
            part = table[table["width"] == int(w)]
            data.points(p, part[f"{metric}@{mid}"], part[outcome], f"width {w} (η = {', '.join(map(str, cfg['lrs']))})")
        name = f"ρ({metric}@{mid}, {outcome})"
        data.number(name, r["rho"] if r else math.nan, role="measured")
        data.number(f"{name}: 95 % low", r["low"] if r else math.nan, role="measured")
        data.number(f"{name}: 95 % high", r["high"] if r else math.nan, role="measured")
        data.number(f"{name}: permutation p", r["p"] if r else math.nan, role="measured")
        data.number(f"{name}: README", readme)
    forest = sorted((r for r in rows if r["checkpoint"] == mid and r["outcome"] == "test_accuracy"),
                    key=lambda r: r["metric"])
    pf = data.panel(f"ρ with test accuracy, every metric at step {steps[mid]} (95 % bootstrap)",
                    "metric", "Spearman ρ")
    xs, ys = [], []
    for i, r in enumerate(forest):
        xs += [i, i, math.nan]
        ys += [r["low"], r["high"], math.nan]
        data.number(f"metric {i}: {r['metric']}: ρ with test accuracy", r["rho"], role="measured")
    data.line(pf, xs, ys, "95 % bootstrap interval (measured)", role="measured")
    data.points(pf, list(range(len(forest))), [r["rho"] for r in forest], "ρ (measured)")
    index = {r["metric"]: i for i, r in enumerate(forest)}
    ref = [(index[m], v) for m, o, v, _ in PAIRS if o == "test_accuracy" and m in index]
    if ref:
        data.points(pf, [i for i, _ in ref], [v for _, v in ref], "README geometry suite (48 trainings)",
                    role="theory")
    data.hline(pf, 0.0, "no association (ρ = 0)")
    data.number("trainings", len(table), role="measured")
    data.number("pairs tested", len(rows), role="measured")
    data.number("pairs with q ≤ 0.05 and an interval excluding 0",
                sum(1 for r in rows if r.get("q", 1) <= 0.05 and (r["low"] > 0 or r["high"] < 0)), role="measured")
    data.notes.append(f"{len(table)} trainings, checkpoints at steps {steps}; correlations at step {steps[mid]}")
    return data


def check(data, cfg) -> list:
    n = data.numbers()
    mid = int(cfg["checkpoints"]) - 1
    out = []
    for metric, outcome, readme, sign in PAIRS:
        name = f"ρ({metric}@{mid}, {outcome})"
        bounds = {"high": 0.0} if sign < 0 else {"low": 0.0}
        out.append(within(f"sign of {name}", SOURCE, f"{readme:+.2f} ({'< 0' if sign < 0 else '> 0'})", n[name],
                          note=f"95 % bootstrap [{n[name + ': 95 % low']:+.2f}, {n[name + ': 95 % high']:+.2f}], "
                               f"permutation p = {n[name + ': permutation p']:.3g}, {n['trainings']:g} trainings",
                          **bounds))
    return out


def plot(data, figure):
    """The default drawing, with the metric names under the last panel."""
    import matplotlib.pyplot as plt

    from papers import plotting
    from papers.build import caption

    fig = plt.figure(figsize=(11, 7.4))
    plotting.draw(data, fig, title=figure.spec.title, caption=caption(figure), ncols=2)
    names = sorted((int(s.split(":")[0].split()[1]), s.split(": ")[1]) for s in data.numbers()
                   if s.startswith("metric "))
    ax = fig.axes[len(data.panels) - 1]
    ax.set_xticks([i for i, _ in names])
    ax.set_xticklabels([name for _, name in names], rotation=35, ha="right", fontsize=6)
    fig.tight_layout()
    return fig
