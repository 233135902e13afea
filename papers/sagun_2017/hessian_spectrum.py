"""The Hessian spectrum of a trained network: a bulk at zero and a few outliers, counted against the
number of classes.

Original: Sagun et al. (2017), Figs. 1–2 (and Sagun, Bottou & LeCun 2016, Fig. 1) — histograms of the
exact Hessian eigenvalues of small fully-connected networks trained on MNIST-like data: most
eigenvalues in a bulk concentrated at zero, a few large outliers away from it; changing the data (more
clusters or classes) moves the outliers, and their number tracks the number of classes — the count
≈ C, as Papyan (2019, 2020) restates Sagun et al.'s observation.

Ours: the exact Hessian of a tanh MLP trained by SGD on digits (the validation experiment
``level_spacing``, which diagonalizes it), binned as counts on a log scale; and the top 3C eigenvalues
by Lanczos of the Hessian of a wider MLP trained to the terminal phase (``class_outliers`` with
``matrix = "hessian"``), whose outliers are counted by that experiment's rule fixed in advance (the
widest gap λ_k/λ_{k+1} on a log scale). Checks: the share of eigenvalues within 5 % of λ_max of zero
(the claim "a bulk concentrated at zero" read as: most of them, ≥ 1/2) and the outlier count in
[C − 1, C] (C − 1 admitted because the softmax's shift invariance can remove one direction).

>>> from papers.registry import figures
>>> figures()["sagun_2017/hessian_spectrum"].spec.experiments
('level_spacing', 'class_outliers')
"""

from __future__ import annotations

import numpy as np

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Hessian spectrum of a trained MLP: bulk at zero, outliers vs the number of classes",
    cite="Sagun et al. 2017, Figs. 1–2; Sagun, Bottou & LeCun 2016, Fig. 1",
    original="Histograms of the Hessian eigenvalues of small trained networks: a bulk at zero and a few outliers "
             "whose number follows the number of classes in the data.",
    ours="The exact Hessian spectrum of a trained tanh MLP on digits (counts, log scale) and the top 3C Hessian "
         "eigenvalues of a wider MLP at the terminal phase, with C = 10 classes and the widest-gap outlier count "
         "marked.",
    quick={"n": 500, "width": 16, "steps": 300, "control_draws": 100,
           "outlier_n": 1000, "outlier_width": 64, "outlier_steps": 1000},
    full={"n": 1797, "width": 32, "steps": 1000, "control_draws": 100,
          "outlier_n": 1797, "outlier_width": 256, "outlier_steps": 3000},
    tiny={"n": 100, "width": 4, "steps": 100, "control_draws": 20,
          "outlier_n": 100, "outlier_width": 16, "outlier_steps": 300},
    experiments=("level_spacing", "class_outliers"),
)

#: "near zero": within this fraction of λ_max (the window of the bulk check)
NEAR_ZERO = 0.05


def compute(cfg, ctx) -> FigureData:
    full = ctx.run("level_spacing", dataset="digits", n=cfg["n"], width=cfg["width"], depth=1, steps=cfg["steps"],
                   control_draws=cfg["control_draws"])
    top = ctx.run("class_outliers", dataset="digits", matrix="hessian", n=cfg["outlier_n"],
                  width=cfg["outlier_width"], steps=cfg["outlier_steps"])
    m = full.measured
    size = int(m["parameters"])
    lam_max, lam_min = float(m["lambda_max"]), float(m["lambda_min"])
    # the run keeps the whole spectrum as a density histogram: back to eigenvalue counts per bin
    hist = full.series("measured", panel=1)
    edges, density = np.asarray(hist["x"], float), np.asarray(hist["y"], float)
    counts = np.rint(density * np.diff(edges) * size)
    inside = (edges[:-1] >= -NEAR_ZERO * lam_max) & (edges[1:] <= NEAR_ZERO * lam_max)

    eig = np.sort(np.asarray(top.measured["top_eigenvalues"], float))[::-1]
    C = eig.size // 3
    count = int(top.measured["count"])

    data = FigureData()
    p0 = data.panel(f"exact Hessian spectrum, MLP {cfg['width']} tanh on digits ({size} parameters)",
                    r"eigenvalue $\lambda$", "number of eigenvalues", yscale="log")
    data.bins(p0, edges, np.where(counts > 0, counts, np.nan), "Hessian eigenvalues (measured)")
    data.vline(p0, NEAR_ZERO * lam_max, f"±{NEAR_ZERO:.0%} λ_max: the near-zero window")
    data.vline(p0, -NEAR_ZERO * lam_max, f"±{NEAR_ZERO:.0%} λ_max: the near-zero window")
    data.vline(p0, lam_max, "λ_max", role="measured")
    p1 = data.panel(f"top {eig.size} Hessian eigenvalues, MLP {cfg['outlier_width']} at the terminal phase",
                    "rank j", r"$\lambda_j$", yscale="log")
    data.points(p1, np.arange(1, eig.size + 1), eig, "top 3C eigenvalues (Lanczos, measured)")
    data.vline(p1, C + 0.5, f"C = {C} classes: the outlier count (Sagun et al.)")
    data.vline(p1, count + 0.5, f"widest-gap outlier count {count}", role="measured")

    data.number("classes C", float(C))
    data.number("outlier count (widest log-gap)", float(count), role="measured")
    data.number("gap ratio at the cut", float(eig[count - 1] / eig[count]) if 0 < count < eig.size else np.nan,
                role="measured")
    data.number("lambda_max", lam_max, role="measured")
    data.number("lambda_min", lam_min, role="measured")
    data.number("parameters", float(size), role="measured")
    data.number(f"share of eigenvalues with |λ| <= {NEAR_ZERO:g} λ_max", float(counts[inside].sum() / size),
                role="measured")
    data.number("train loss (full spectrum run)", float(m["train_loss"]), role="measured")
    data.number("train accuracy (outlier run)", float(top.measured["train_accuracy"]), role="measured")
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    C = int(num["classes C"])
    return [
        within(f"share of eigenvalues within {NEAR_ZERO:.0%} λ_max of zero",
               "Sagun et al. 2017, abstract and Figs. 1–2: 'the bulk centered near zero'",
               "most eigenvalues in the bulk",
               num[f"share of eigenvalues with |λ| <= {NEAR_ZERO:g} λ_max"], low=0.5,
               note="the claim read as a majority; counted from the exact spectrum's histogram (bins wholly inside)"),
        within("number of Hessian outliers (widest log-gap among the top 3C)",
               "Sagun et al. 2016; 2017 (abstract: the data, not the size, sets the outliers); the count ≈ C as "
               "restated by Papyan 2019, 2020", f"≈ C = {C}", num["outlier count (widest log-gap)"], low=C - 1, high=C,
               note="C − 1 admitted (softmax shift invariance); the count rule is validation e07's, fixed in advance"),
    ]
