"""The comparisons shared by the spectral experiments, with the thresholds they all use.

Thresholds (fixed before any run, the same in every experiment that uses them):

* **bulk** — one-sample Kolmogorov-Smirnov test of the bulk eigenvalues (the predicted outliers
  removed) against the predicted law: p-value ≥ ``alpha`` = 0.01. Eigenvalues of one matrix repel,
  so the iid KS p-value is conservative for them (:mod:`rmtheory.stats`): a rejection is meaningful.
* **upper edge** — |λ_max(bulk) − λ₊|/λ₊ ≤ 5 n^{−2/3} for an n×n matrix: the largest bulk
  eigenvalue fluctuates on the Tracy-Widom scale n^{−2/3} around a square-root edge (Johnstone 2001;
  El Karoui 2007; Lee & Schnelli 2016 for deformed ensembles); five scales keep a false alarm rare
  while still catching a wrong edge at the sizes of the ``full`` suite.
* **outliers** — each predicted outlier λ_k vs the k-th largest eigenvalue outside the bulk:
  |λ̂_k − λ_k|/λ_k ≤ 5 n^{−1/2}: separated outliers fluctuate on the n^{−1/2} scale (Paul 2007;
  Benaych-Georges & Nadakuditi 2011).
"""

from __future__ import annotations

import numpy as np

import rmtheory as rmt
from validation.experiments import _figures as fig
from validation.experiments.base import Check

__all__ = ["EDGE_FACTOR", "OUTLIER_FACTOR", "spectral_checks", "spectrum_panel", "prediction_summary"]

EDGE_FACTOR = 5.0
OUTLIER_FACTOR = 5.0


def _outliers_above(prediction) -> list[float]:
    top = max(b for _, b in prediction.law.support) if prediction.law.support else -np.inf
    locs = []
    for o in getattr(prediction, "outliers", ()):
        if o.location > top:
            locs += [float(o.location)] * int(o.count)
    return sorted(locs, reverse=True)


def spectral_checks(lam, prediction, alpha: float = 0.01, n: int | None = None,
                    law=None) -> tuple[list, np.ndarray, dict]:
    """Checks of measured eigenvalues ``lam`` against a :class:`rmtheory.predict.Prediction`
    (or a bare ``law``): bulk KS, upper edge, outliers above the bulk. Returns (checks, bulk, info).

    Only the law's continuous part is tested by the edge check; atoms are part of the KS law.
    """
    lam = np.sort(np.asarray(lam, dtype=float))
    n = lam.size if n is None else n
    law = prediction.law if law is None else law
    outs = [] if prediction is None else _outliers_above(prediction)
    k = len(outs)
    bulk = lam[: lam.size - k] if k else lam
    checks = []
    ks = rmt.stats.ks_test(bulk, law)
    checks.append(Check("bulk", "KS p-value", ks.pvalue, low=alpha, sample_size=bulk.size,
                        note=f"KS statistic {ks.statistic:.4f}"
                        + (f"; top {k} predicted outliers removed" if k else "")))
    info = {"ks_statistic": ks.statistic, "wasserstein1": rmt.stats.wasserstein1(bulk, law).statistic}
    if law.support:
        upper = float(max(b for _, b in law.support))
        err = abs(bulk[-1] - upper) / abs(upper)
        checks.append(Check("upper edge", "relative edge error |λ_max(bulk) − λ₊|/λ₊", err,
                            high=EDGE_FACTOR * n ** (-2.0 / 3.0), sample_size=1, prediction=upper,
                            measured=float(bulk[-1])))
        info["edge"] = upper
    for i, loc in enumerate(outs):
        got = float(lam[lam.size - 1 - i])
        checks.append(Check(f"outlier {i + 1}", "relative outlier error |λ̂ − λ|/λ", abs(got - loc) / abs(loc),
                            high=OUTLIER_FACTOR * n ** (-0.5), sample_size=1, prediction=loc, measured=got))
    info["outliers_predicted"] = outs
    info["top_eigenvalues"] = lam[::-1][: max(k + 3, 3)].tolist()
    return checks, bulk, info


def spectrum_panel(lam, prediction, title, law=None, bins=60) -> dict:
    """Histogram of all eigenvalues, predicted bulk density, predicted outliers as lines."""
    law = prediction.law if law is None else law
    panel = fig.histogram_with_law(lam, law, title, bins=bins, label="prediction (bulk)")
    for loc in ([] if prediction is None else _outliers_above(prediction)):
        panel["series"].append(fig.vline(loc, "predicted outlier"))
    return panel


def prediction_summary(prediction) -> dict:
    """The JSON-ready summary of a Prediction kept in the record (no density grid)."""
    d = prediction.to_dict()
    keep = ("matrix", "law", "support", "atoms", "outliers", "lambda_max", "quantities", "source",
            "tolerance", "assumptions")
    return {k: d[k] for k in keep if k in d}
