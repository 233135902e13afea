"""Experiment 10: fluctuations of λ_max of Wishart matrices vs Tracy-Widom.

Measurement: ``samples`` independent real Wishart matrices W = X Xᵀ/n, X of size p×n with iid
N(0, 1) entries, drawn and diagonalized in torch (batched ``eigvalsh`` on the chosen device).

Prediction: ``rmtheory.edge.largest_eigenvalue("wishart_real", n, p)`` — λ_max ≈ (μ_np + σ_np TW₁)/n
with Ma's (2012) half-integer corrections (Johnstone 2001, Thm 1.1; see :mod:`rmtheory.edge`).

Check (fixed before any run): KS p-value of the ``samples`` values of λ_max against the predicted
law ≥ ``alpha`` (0.01); the draws are independent, so the KS p-value is exact here. The mean and
standard deviation in Tracy-Widom units are recorded.
"""

from __future__ import annotations

import numpy as np

import rmtheory as rmt
from rmtheory.params import Integer, Real
from validation.experiments import _figures as fig
from validation.experiments.base import Check, Outcome, Param, experiment


@experiment(
    "tracy_widom", 10, "λ_max of Wishart matrices vs Tracy-Widom",
    tests="λ_max of X Xᵀ/n ~ (μ_np + σ_np TW₁)/n (Johnstone 2001, Ma 2012)",
    params={
        "p": Param(50, Integer(2, None), "rows of X (matrix size)"),
        "n": Param(100, Integer(2, None), "columns of X"),
        "samples": Param(500, Integer(10, None), "independent matrices"),
        "batch": Param(256, Integer(1, None), "matrices diagonalized at once"),
        "alpha": Param(0.01, Real(0, 1, low_open=True, high_open=True), "KS level"),
    })
def run(ctx, p):
    import torch

    law = rmt.edge.largest_eigenvalue("wishart_real", n=p.n, p=p.p)
    gen = torch.Generator().manual_seed(ctx.seed)
    out = []
    for start in range(0, p.samples, p.batch):
        k = min(p.batch, p.samples - start)
        # drawn on the CPU generator: the same matrices on every device
        X = torch.randn(k, p.p, p.n, generator=gen, dtype=torch.float64).to(ctx.device)
        W = X @ X.transpose(1, 2) / p.n
        out.append(torch.linalg.eigvalsh(W)[:, -1].cpu().numpy())
    lmax = np.concatenate(out)
    ks = rmt.stats.ks_test(lmax, law)
    z = (lmax - law.center) / law.scale
    tw = rmt.TracyWidom(1)
    checks = [Check("λ_max law", "KS p-value", ks.pvalue, low=p.alpha, sample_size=lmax.size,
                    note=f"KS statistic {ks.statistic:.4f}")]
    lo, hi = law.ppf(1e-4), law.ppf(1 - 1e-4)
    panel = fig.histogram_with_law(lmax, law, f"λ_max of {p.samples} Wishart matrices, p={p.p}, n={p.n}",
                                   xlabel="λ_max", bins=40, label="Tracy-Widom prediction",
                                   lo=min(lo, lmax.min()), hi=max(hi, lmax.max()))
    return Outcome(
        checks,
        measured={"ks_statistic": ks.statistic, "mean_tw_units": float(z.mean()),
                  "std_tw_units": float(z.std(ddof=1)), "tw_mean": float(tw.mean()),
                  "tw_std": float(np.sqrt(tw.var()))},
        prediction={"center": law.center, "scale": law.scale, "mean": law.mean(),
                    "source": "Johnstone 2001; Ma 2012 (rmtheory.edge)"},
        figure={"panels": [panel]})
