"""The comparisons shared by the spectral experiments, with the thresholds they all use.

Thresholds (fixed before any run, the same in every experiment that uses them):

* **bulk** — Kolmogorov-Smirnov distance D of the bulk eigenvalues (the predicted outliers removed)
  to the predicted law, judged against a threshold *calibrated at the run's size*: the (1 − α)
  quantile of D over :data:`CALIBRATION_DRAWS` matrices of the prediction's own random-matrix model
  at the same size (and pooled and trimmed the same way), a parametric bootstrap
  (:mod:`rmtheory.stats.calibration`). Eigenvalues of one matrix repel, so D fluctuates like
  log n / n, not n^{−1/2}: the iid KS p-value (kept in the note) passes predictions off by 0.1 in
  cdf at n = 200, the calibrated threshold does not.
* **upper edge** — λ_max of the bulk within the [α/2, 1 − α/2] band of λ_max over the same null
  matrices: the model's own finite-n edge (Tracy-Widom centring and scale included, whatever the
  law), not the n → ∞ edge ± a multiple of n^{−2/3}.
* **controls** — the same two checks run against the fixed nearby wrong predictions of
  :data:`CONTROL_SCALES` (the law scaled by 0.9, 0.95, 1.05, 1.1: its scale parameter moved by ±5 %
  and ±10 %). KS and the band are scale-equivariant, so a scaled law's null is the scaled null: the
  controls cost one statistic each. The record states each control's verdict and the check's power
  (the fraction rejected); a check that rejects few says it cannot resolve the prediction at that
  size.
* **outliers** — each predicted outlier λ_k vs the k-th largest eigenvalue outside the bulk:
  |λ̂_k − λ_k|/λ_k ≤ 5 n^{−1/2}: separated outliers fluctuate on the n^{−1/2} scale (Paul 2007;
  Benaych-Georges & Nadakuditi 2011).

``calibrated=False`` gives the uncalibrated checks (iid KS p-value ≥ α; relative edge error
≤ 5 n^{−2/3}), kept for callers without a sampler of the law's model.
"""

from __future__ import annotations

import numpy as np

import rmtheory as rmt
from validation.experiments import _figures as fig
from validation.experiments.base import Check

__all__ = ["EDGE_FACTOR", "OUTLIER_FACTOR", "CONTROL_SCALES", "CALIBRATION_DRAWS", "spectral_checks",
           "spectrum_panel", "judged_marks", "prediction_summary"]

EDGE_FACTOR = 5.0
OUTLIER_FACTOR = 5.0
#: the nearby wrong predictions, fixed before any run: the predicted law scaled by these factors
CONTROL_SCALES = (0.9, 0.95, 1.05, 1.1)
#: null matrices per calibration: at α = 0.01, five null values beyond the threshold
CALIBRATION_DRAWS = 500


class ResolvedLaw(rmt.SpectralLaw):
    """``law`` as a floating-point eigensolver can see it: the mass below ``floor`` (> 0) moved to an
    atom at 0. A deep product's spectrum puts much of its mass below 10⁻³⁰ (most of it for ReLU at
    L = 40), where computed eigenvalues are rounding noise; measured and null eigenvalues below the
    floor are set to 0 by :meth:`resolve`, and KS compares the rest exactly (the atom at 0 matches
    them). The floor is fixed from the law (e.g. 10⁻¹⁶ × its upper edge), never from the data."""

    name = "resolved"

    def __init__(self, law, floor: float):
        self.law, self.floor = law, float(floor)
        self.below = float(law.cdf(self.floor))

    @property
    def params(self):
        return {"floor": self.floor}

    def expression(self):
        return f"{self.law.expression()} with its mass below {self.floor:.3g} at 0"

    @property
    def atom_tolerance(self) -> float:
        """Resolved eigenvalues are exactly 0 or ≥ the floor: only 0 sits on the atom."""
        return 0.0

    def resolve(self, eigenvalues):
        lam = np.asarray(eigenvalues, dtype=float)
        return np.where(lam < self.floor, 0.0, lam)

    def _support(self):
        return [(max(a, self.floor), b) for a, b in self.law.support if b > self.floor]

    def _atoms(self):
        return [(0.0, self.below)] + [(x, w) for x, w in self.law.atoms if x >= self.floor]

    def _pdf(self, x):
        return np.where(x >= self.floor, np.asarray(self.law.pdf(x), float), 0.0)

    def _cdf(self, x):
        return np.where(x < 0, 0.0, np.where(x < self.floor, self.below, np.asarray(self.law.cdf(x), float)))


def _outliers_above(prediction) -> list[float]:
    top = max(b for _, b in prediction.law.support) if prediction.law.support else -np.inf
    locs = []
    for o in getattr(prediction, "outliers", ()):
        if o.location > top:
            locs += [float(o.location)] * int(o.count)
    return sorted(locs, reverse=True)


def spectral_checks(lam, prediction, alpha: float = 0.01, n: int | None = None, law=None, *,
                    matrices: int = 1, calibrated: bool = True, draws: int = CALIBRATION_DRAWS,
                    null_model=None) -> tuple[list, np.ndarray, dict]:
    """Checks of measured eigenvalues ``lam`` against a :class:`rmtheory.predict.Prediction`
    (or a bare ``law``): bulk KS, upper edge, outliers above the bulk. Returns (checks, bulk, info).

    ``n`` is the size of one measured matrix and ``matrices`` how many were pooled into ``lam``
    (``n × matrices`` eigenvalues); the null matrices are drawn the same way. Only the law's
    continuous part is tested by the edge check; atoms are part of the KS law. ``null_model(n, rng)``
    draws one n×n matrix's eigenvalues of the law's own model (default: ``law.model_sample`` where the
    law has one, as the laws whose ``sample`` goes through a real network or activation do, else
    ``law.sample``): the null must be the prediction's model, not the measured system, or the check
    judges the measurement against itself.
    """
    lam = np.sort(np.asarray(lam, dtype=float))
    n = lam.size if n is None else n
    law = prediction.law if law is None else law
    outs = [] if prediction is None else _outliers_above(prediction)
    k = len(outs)
    bulk = lam[: lam.size - k] if k else lam
    checks = []
    ks = rmt.stats.ks_test(bulk, law)
    info = {"ks_statistic": ks.statistic, "ks_iid_pvalue": ks.pvalue,
            "wasserstein1": rmt.stats.wasserstein1(bulk, law).statistic}
    upper = float(max(b for _, b in law.support)) if law.support else None
    removed = f"; top {k} predicted outliers removed" if k else ""
    if calibrated:
        checks += _calibrated_checks(bulk, law, alpha, n, matrices, k, draws, ks, upper, removed, info,
                                     null_model)
    else:
        checks.append(Check("bulk", "KS p-value", ks.pvalue, low=alpha, sample_size=bulk.size,
                            note=f"KS statistic {ks.statistic:.4f}" + removed))
        if upper is not None:
            err = abs(bulk[-1] - upper) / abs(upper)
            checks.append(Check("upper edge", "relative edge error |λ_max(bulk) − λ₊|/λ₊", err,
                                high=EDGE_FACTOR * n ** (-2.0 / 3.0), sample_size=1, prediction=upper,
                                measured=float(bulk[-1])))
    if upper is not None:
        info["edge"] = upper
        info["bulk_lambda_max"] = float(bulk[-1])
    for i, loc in enumerate(outs):
        got = float(lam[lam.size - 1 - i])
        checks.append(Check(f"outlier {i + 1}", "relative outlier error |λ̂ − λ|/λ", abs(got - loc) / abs(loc),
                            high=OUTLIER_FACTOR * n ** (-0.5), sample_size=1, prediction=loc, measured=got))
    info["outliers_predicted"] = outs
    info["top_eigenvalues"] = lam[::-1][: max(k + 3, 3)].tolist()
    return checks, bulk, info


def _calibrated_checks(bulk, law, alpha, n, matrices, k, draws, ks, upper, removed, info, null_model) -> list:
    """The bulk and edge checks with thresholds from the law's own model at this size, and the
    controls (module docstring)."""
    from rmtheory.stats.calibration import calibrate_joint

    if null_model is None:   # a law whose sample goes through a real system names its model so
        null_model = getattr(law, "model_sample", None)
    draw = null_model if null_model is not None else (lambda size, rng: law.sample(size, rng=rng))

    def sampler(_, rng):
        pooled = np.sort(np.concatenate([draw(n, rng) for _ in range(matrices)]))
        return pooled[: pooled.size - k] if k else pooled

    statistics = ("ks", "top") if upper is not None else ("ks",)
    cals = calibrate_joint(law, bulk.size, statistics, level=alpha, draws=draws, rng=0, sampler=sampler,
                           sampler_key=("spectral_checks", n, matrices, k, null_model is not None))
    cal_ks = cals[0]
    controls = []
    for scale in CONTROL_SCALES:
        d = rmt.stats.ks_test(bulk / scale, law).statistic   # = D(bulk, scale · law)
        row = {"control": f"law × {scale:g}", "ks": d, "bulk_rejected": bool(cal_ks.rejects(d))}
        if upper is not None:
            row["edge_rejected"] = bool(cals[1].rejects(bulk[-1] / scale))
        row["rejected"] = row["bulk_rejected"] or row.get("edge_rejected", False)
        controls.append(row)
    rejected = sum(r["rejected"] for r in controls)
    info.update(calibration={c.statistic: c.summary() for c in cals}, controls=controls,
                power=rejected / len(controls))
    ten_percent = all(r["rejected"] for r, s in zip(controls, CONTROL_SCALES) if abs(s - 1) >= 0.1 - 1e-12)
    verdict = (f"controls rejected {rejected}/{len(controls)} (law × {', '.join(f'{s:g}' for s in CONTROL_SCALES)})"
               + ("" if ten_percent else ": this size cannot resolve a ±10 % error"))
    lo, hi = cal_ks.threshold_interval
    checks = [Check("bulk", "KS distance, threshold calibrated at this size", ks.statistic, high=cal_ks.threshold,
                    sample_size=bulk.size,
                    note=(f"{cal_ks.method} (threshold 95 % interval [{lo:.3g}, {hi:.3g}]); iid KS p-value "
                          f"{ks.pvalue:.3g}{removed}; {verdict}"))]
    if upper is not None:
        band = cals[1].band
        err = abs(bulk[-1] - upper) / abs(upper)
        checks.append(Check("upper edge", "λ_max(bulk), band calibrated at this size", float(bulk[-1]),
                            low=band[0], high=band[1], sample_size=1, prediction=upper, measured=float(bulk[-1]),
                            note=(f"λ_max of the law's model at this size, {cals[1].draws} draws; predicted is "
                                  f"the n → ∞ edge; relative distance to it {err:.3g}")))
    return checks


def spectrum_panel(lam, prediction, title, law=None, bins=60, info=None, yscale="linear") -> dict:
    """Histogram of all eigenvalues, predicted bulk density, predicted outliers as lines, and — given
    the ``info`` of :func:`spectral_checks` — what the edge check judged: the measured λ_max of the
    bulk and the calibrated band (or the n → ∞ edge, uncalibrated). ``yscale="log"`` for a bulk that
    is a spike at 0 (deep Jacobians), where a linear axis shows only the spike."""
    law = prediction.law if law is None else law
    panel = judged_marks(fig.histogram_with_law(lam, law, title, bins=bins, label="prediction (bulk)"), info)
    for loc in ([] if prediction is None else _outliers_above(prediction)):
        panel["series"].append(fig.vline(loc, "predicted outlier"))
    panel["yscale"] = yscale
    return panel


def judged_marks(panel: dict, info: dict | None) -> dict:
    """Add to a spectrum panel the measured bulk λ_max and the calibrated band it was judged by."""
    if not info:
        return panel
    band = (info.get("calibration") or {}).get("top", {}).get("band")
    top = info.get("bulk_lambda_max")
    if top is not None:
        panel["series"].append(fig.vline(top, f"measured λ_max (bulk) {top:.4g}", role="measured"))
    if band:
        panel["series"].append(fig.vline(band[0], f"calibrated λ_max band [{band[0]:.4g}, {band[1]:.4g}]"))
        panel["series"].append(fig.vline(band[1], "", role="predicted"))
    elif info.get("edge") is not None:
        panel["series"].append(fig.vline(info["edge"], "predicted edge λ₊ (n → ∞)"))
    return panel


def prediction_summary(prediction) -> dict:
    """The JSON-ready summary of a Prediction kept in the record (no density grid)."""
    d = prediction.to_dict()
    keep = ("matrix", "law", "support", "atoms", "outliers", "lambda_max", "quantities", "source",
            "tolerance", "assumptions")
    return {k: d[k] for k in keep if k in d}
