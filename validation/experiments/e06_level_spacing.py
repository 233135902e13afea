"""Experiment 6: level-spacing ratios of a trained MLP's Hessian (exact, bulk only) vs GOE.

Measurement: an MLP (tanh, so no dead units give exact zero eigenvalues) trained on digits with
cross-entropy; its exact Hessian (curvature engine, column blocks) is diagonalized. The bulk is
selected by a rule fixed in advance: drop the exact null space (|λ| ≤ 1e-9 λ_max: directions of
exact symmetries of the loss — the softmax's invariance to a shift shared by all logits, and the
first-layer weights of input pixels that are constant on the data — whose degenerate zero levels
are not random-matrix levels), drop the top ``2C`` eigenvalues (the class outliers, Papyan
2019/2020, C = number of classes), then keep the eigenvalues with ranks in the central
``[bulk_low, bulk_high]`` quantile band (10 %-90 %) of the rest, which removes both spectral edges
where the density, and hence the local statistics, change fastest.

Prediction: if the bulk of the Hessian behaves like a generic real symmetric random matrix, its
local statistics are those of the GOE: mean spacing ratio ⟨r⟩ = 0.5307 (Atas, Bogomolny, Giraud &
Roux 2013, large-n value), against 2 ln 2 − 1 = 0.3863 for uncorrelated (Poisson) levels. Ratios
need no unfolding (Oganesyan & Huse 2007).

Check (fixed before any run): |⟨r⟩ − 0.5307| ≤ 3 SE, where SE is the standard error of ⟨r⟩ from
batch means over blocks of 20 consecutive ratios (neighbouring ratios share a spacing, so the
naive iid error would be too small).
"""

from __future__ import annotations

import numpy as np

import rmtheory as rmt
from rmtheory.params import Integer, OneOf, Real
from validation.experiments import _figures as fig
from validation.experiments._training import load_dataset, train_mlp
from validation.experiments.base import ACTIVATION, Check, Outcome, Param, experiment

BLOCK = 20
NULL_TOL = 1e-9


def batch_means_se(values: np.ndarray, block: int = BLOCK) -> float:
    """Standard error of the mean by non-overlapping batch means (Flegal & Jones 2010)."""
    k = values.size // block
    if k < 2:
        return float(values.std(ddof=1) / np.sqrt(max(values.size, 1)))
    means = values[: k * block].reshape(k, block).mean(axis=1)
    return float(means.std(ddof=1) / np.sqrt(k))


@experiment(
    "level_spacing", 6, "Hessian level-spacing ratios of a trained MLP vs GOE",
    tests="bulk ⟨r⟩ = 0.5307 (GOE, Atas et al. 2013) vs 0.3863 (Poisson)",
    params={
        "dataset": Param("digits", OneOf(("digits", "fashion_mnist")), "training data"),
        "n": Param(500, Integer(10, None), "training samples (stratified subset)"),
        "width": Param(16, Integer(1, None), "hidden width"),
        "depth": Param(1, Integer(1, None), "hidden layers"),
        "activation": Param("tanh", ACTIVATION, "activation"),
        "steps": Param(300, Integer(0, None), "full-batch SGD steps"),
        "lr": Param(0.1, Real(0, None, low_open=True), "learning rate"),
        "bulk_low": Param(0.1, Real(0, 1), "lower rank quantile of the bulk"),
        "bulk_high": Param(0.9, Real(0, 1), "upper rank quantile of the bulk"),
        "sigmas": Param(3.0, Real(0, None, low_open=True), "allowed distance in standard errors"),
    })
def run(ctx, p):
    import torch

    from validation.curvature import exact_hessian
    from validation.models import loss_function, num_parameters

    data = load_dataset(p.dataset, p.n, ctx.seed)
    model, (X, y), result = train_mlp(ctx, data, p.width, p.depth, p.activation, lr=p.lr,
                                      steps=p.steps)
    H = exact_hessian(model, loss_function("cross_entropy"), (X, y))
    lam = torch.linalg.eigvalsh(H).cpu().numpy()
    C = data.num_classes
    null = np.abs(lam) <= NULL_TOL * max(abs(lam[-1]), abs(lam[0]))
    rest = lam[~null][: int((~null).sum()) - 2 * C]
    lo, hi = int(np.floor(p.bulk_low * rest.size)), int(np.ceil(p.bulk_high * rest.size))
    bulk = rest[lo:hi]
    r = rmt.stats.spacing_ratios(bulk)
    mean, se = float(r.mean()), batch_means_se(r)
    goe = rmt.stats.SPACING_RATIO_MEAN["large_n"]["goe"]
    poisson = rmt.stats.SPACING_RATIO_MEAN["large_n"]["poisson"]
    z = (mean - goe) / se
    checks = [Check("bulk spacing ratio", "|⟨r⟩ − r_GOE| / SE (batch means)", abs(z),
                    high=p.sigmas, sample_size=r.size, prediction=goe, measured=mean,
                    note=f"⟨r⟩ = {mean:.4f} ± {se:.4f}; Poisson {poisson:.4f}, GOE {goe:.4f}")]
    grid = np.linspace(0, 1, 201)
    pan1 = fig.panel(f"spacing ratios of the Hessian bulk ({r.size} ratios, {num_parameters(model)} parameters)",
                     "r", "density",
                     [fig.hist(r, bins=25, range_=(0, 1)),
                      fig.line(grid, rmt.stats.spacing_ratio_density(grid, "goe"), "GOE (surmise)"),
                      fig.line(grid, rmt.stats.spacing_ratio_density(grid, "poisson"), "Poisson")])
    pan2 = fig.panel("Hessian spectrum (bulk between the lines)", "eigenvalue", "density",
                     [fig.hist(lam, bins=80), fig.vline(bulk[0], "bulk start", "measured"),
                      fig.vline(bulk[-1], "bulk end", "measured")])
    return Outcome(
        checks,
        measured={"mean_ratio": mean, "stderr": se, "bulk_size": int(bulk.size),
                  "bulk_range": [float(bulk[0]), float(bulk[-1])], "parameters": int(lam.size),
                  "null_space_dimension": int(null.sum()),
                  "lambda_max": float(lam[-1]), "lambda_min": float(lam[0]),
                  "negative_fraction": float(np.mean(lam < 0)), "train_status": result.status,
                  "train_loss": result.final_loss, "distance_to_poisson_se": abs(mean - poisson) / se},
        prediction={"goe": goe, "poisson": poisson, "source": "Atas et al. 2013, Table 1"},
        figure={"panels": [pan1, pan2]})
