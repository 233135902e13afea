"""The Hessian eigenvalue density through training by stochastic Lanczos quadrature: the negative
mass shrinks and isolated outliers appear.

Original: Ghorbani, Krishnan & Xiao (2019), the density-through-training figures — SLQ densities of the Hessian of
ResNets on CIFAR-10 / ImageNet at initialization and along training, on a log density axis: in
networks without batch normalization "the rapid appearance of large isolated eigenvalues" (abstract),
and the negative eigenvalues, present at initialization, shrinking early in training.

Ours: the validation experiment ``training_density``: a tanh MLP on digits with the MSE loss on
one-hot targets (Pennington & Bahri's setting, not Ghorbani's cross-entropy ResNets), SLQ densities
of its Hessian at initialization, early (step 20) and at the end; λ_max by Lanczos and the SLQ bulk
edges (mass 2C/n left in each tail) marked; with, as theory, the Pennington-Bahri law
MP(φ) ⊞ SC(2ε) that the experiment fits at each checkpoint. Checks (Ghorbani's qualitative claims
turned into ranges): the outlier ratio λ_max / upper bulk edge > 1 at the end (isolated), and not
smaller at the early checkpoint than at initialization (appearing rapidly); the negative mass at the
end ≤ 1/10 of that at initialization ("shrinks": our reading, a tenfold reduction), in SLQ's mass as
Ghorbani et al. measure it; the exact index of the dense spectrum is drawn beside it — SLQ's
smoothing hides the many tiny negative eigenvalues it counts (final: exact 0.12, SLQ 0).

>>> from papers.registry import figures
>>> figures()["ghorbani_2019/density_through_training"].spec.experiments
('training_density',)
"""

from __future__ import annotations

import numpy as np

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Hessian eigenvalue density through training (SLQ): outliers emerge, negative mass shrinks",
    cite="Ghorbani, Krishnan & Xiao 2019, the SLQ densities through training (ResNets, with and without BN)",
    original="SLQ Hessian densities of ResNets at initialization and during training: large isolated eigenvalues "
             "appear early, the negative eigenvalues shrink.",
    ours="SLQ densities of the Hessian of a tanh MLP on digits (MSE) at init, step 20 and the end, λ_max and the bulk "
         "edge marked, with the fitted Pennington-Bahri law MP(φ) ⊞ SC(2ε) as theory; outlier ratio and negative "
         "mass through training.",
    quick={"dataset": "digits", "n": 300, "width": 32, "steps": 400},
    full={"dataset": "fashion_mnist", "n": 5000, "width": 256, "steps": 5000},
    tiny={"dataset": "digits", "n": 100, "width": 8, "steps": 100},
    experiments=("training_density",),
)

#: densities drawn down to this fraction of their peak (Ghorbani et al. plot a few decades)
FLOOR = 1e-6


def compute(cfg, ctx) -> FigureData:
    run = ctx.run("training_density", dataset=cfg["dataset"], n=cfg["n"], width=cfg["width"], steps=cfg["steps"])
    track = run.measured["checkpoints"]
    data = FigureData()
    for i, row in enumerate(track):
        mu = float(row["ggn_mean_eigenvalue"])
        p = data.panel(f"{row['checkpoint']}: step {row['step']}, loss {row['loss']:.3g}", r"eigenvalue $\lambda$",
                       r"density $\rho(\lambda)$", yscale="log")
        # the run draws H/μ (μ = tr G/n); back to the Hessian's own scale, as Ghorbani plots it
        slq = run.series("SLQ density", panel=i)
        x, y = np.asarray(slq["x"], float) * mu, np.asarray(slq["y"], float) / mu
        # the Gaussian-smoothed SLQ density has tails far below anything resolved: cut at FLOOR × its peak
        floor = FLOOR * np.nanmax(y)
        data.line(p, x, np.where(y > floor, y, np.nan), "SLQ density of H", role="measured")
        try:
            law = run.series("P&B", panel=i)
            lx, ly = np.asarray(law["x"], float) * mu, np.asarray(law["y"], float) / mu
            data.line(p, lx, np.where(ly > floor, ly, np.nan), "Pennington-Bahri MP(φ) ⊞ SC(2ε) fit")
        except KeyError:
            data.notes.append(f"{row['checkpoint']}: the Pennington-Bahri law was not computed "
                              f"({row.get('pb_law_error')})")
        data.vline(p, row["lambda_max"], "λ_max (Lanczos)", role="measured")
        data.vline(p, row["bulk_edges"][1], "upper bulk edge (SLQ)", role="measured")
    steps = [r["step"] for r in track]
    q = data.panel("isolation of the top eigenvalue", "step", r"$\lambda_{\max}$ / upper bulk edge")
    data.points(q, steps, [r["bulk_ratio"] for r in track], "outlier ratio (measured)")
    data.hline(q, 1.0, "no outlier (ratio 1)")
    r_ = data.panel("negative eigenvalues", "step", "fraction below −1e-8 λ_max")
    data.points(r_, steps, [r.get("index_slq", r["index"]) for r in track], "SLQ negative mass (measured)")
    if any(r.get("index_method") == "exact" for r in track):
        data.points(r_, steps, [r["index"] for r in track], "exact index, dense spectrum (measured)")
    data.line(r_, steps, [r["alpha_pb"] for r in track], "Pennington-Bahri index α(ε, φ)")
    for row in track:
        name = row["checkpoint"]
        data.number(f"{name}: step", float(row["step"]), role="measured")
        data.number(f"{name}: lambda_max", float(row["lambda_max"]), role="measured")
        data.number(f"{name}: lambda_min", float(row["lambda_min"]), role="measured")
        data.number(f"{name}: upper bulk edge", float(row["bulk_edges"][1]), role="measured")
        data.number(f"{name}: outlier ratio", float(row["bulk_ratio"]), role="measured")
        data.number(f"{name}: negative mass", float(row.get("index_slq", row["index"])), role="measured")
        data.number(f"{name}: exact index", float(row["index"]) if row.get("index_method") == "exact" else np.nan,
                    role="measured")
        data.number(f"{name}: P&B index", float(row["alpha_pb"]))
    data.number("parameters", float(run.measured["parameters"]), role="measured")
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    init_neg = num["init: negative mass"]
    return [
        within("final: λ_max / upper bulk edge", "Ghorbani et al. 2019, abstract: large isolated eigenvalues",
               "> 1 (isolated)", num["final: outlier ratio"], low=1.0,
               note="bulk edge: the SLQ quantile leaving mass 2C/n above it"),
        within("outlier ratio early / init", "Ghorbani et al. 2019, abstract: the 'rapid appearance' of outliers",
               "≥ 1 (appearing early)", num["early: outlier ratio"] / num["init: outlier ratio"], low=1.0,
               note=f"early checkpoint at step {int(num['early: step'])} of {int(num['final: step'])}"),
        within("negative mass final / init",
               "Ghorbani et al. 2019, densities through training: the negative eigenvalues shrink",
               "≪ 1", num["final: negative mass"] / init_neg if init_neg > 0 else float("nan"), high=0.1,
               note="'shrink' read as a tenfold reduction of the SLQ mass below −1e-8 λ_max"),
    ]
