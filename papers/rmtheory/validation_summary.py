"""The validation summary: every experiment's statistic against its calibrated threshold, with its power.

Original: the research plan's rule for evidence (README, "Validation: ``rmtheory validate``"; the
design notes: "a check is only evidence if it could fail"): every check
has a statistic and a threshold fixed before any run and calibrated at the run's size, and every run is
also judged against nearby wrong predictions (controls) — the **power** column says how many its checks
rejected. The fails that remain in the ``quick`` suite are findings, each named in the README.

Ours: the built-in ``quick`` suite (``full``: the ``full`` suite), run or resumed into the shared run
cache (``tiny``: a short list of cheap runs from the configuration). Panel 1: each check's value
placed in its threshold interval — u = (value − low)/(high − low), so that the check passes iff
0 ≤ u ≤ 1; a one-sided upper threshold (a distance, a count) is read with low = 0, a one-sided lower
one (a p-value) with high = 1; a zero-width interval (a count that must be 0) is centred at u = ½ with
its miss in counts. Panel 2: each run's power, the fraction of its controls rejected (runs without
controls are left out and counted). Checks, our own claims turned into ranges: every check has a finite
threshold; every run finished with a verdict (pass or fail, not an error); every run with controls
rejects at least one (a check that could not fail is no evidence); a majority of those runs reject at
least half of their controls; and every failing run is one of the findings the README names.

>>> position(0.5, 0.0, 1.0), position(0.02, None, 0.04), position(0.3, 0.01, None)
(0.5, 0.5, 0.29292929292929293)
"""

from __future__ import annotations

import json
import math

import numpy as np

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="The validation summary: every check's statistic in its calibrated threshold interval, and power",
    cite="rmtheory research plan (README, \"Validation\": calibrated thresholds, controls and power)",
    original="Every experiment's check against a threshold fixed before any run, calibrated at the run's "
             "size, and the power of the run against nearby wrong predictions.",
    ours="Each check of the quick suite placed in its threshold interval (0-1 = pass), and each run's "
         "power (fraction of its controls rejected) with the 0.5 line.",
    quick={"suite": "quick"},
    full={"suite": "full"},
    tiny={"runs": [{"experiment": "tracy_widom", "params": {"p": 20, "n": 40, "samples": 500}},
                   {"experiment": "stable_step", "params": {"d": 60, "width": 100, "P": 150, "networks": 1}}]},
    # it runs whole suites: an edit of any experiment must recompute the summary
    experiments=("*",),
)

#: the experiments whose fails in ``quick`` the README explains as findings ("Validation": logistic
#: Hessian at init, deep Gaussian L = 8, descent minima, class-mean outliers, NTK ReLU, the two-layer
#: Hessian at init, η = c/λ_max at c = 1.9, the exact Pennington-Bahri index of the trained network)
EXPLAINED_FAILS = ("logistic_hessian", "deep_jacobian", "spin_glass_descent", "class_outliers", "ntk_ggn",
                   "hessian_at_init", "curvature_lr", "training_density")
SOURCE = "rmtheory README, \"Validation\" (thresholds fixed in advance, controls, power)"
#: beyond this the plotted position is clipped (the CSV's numbers keep the values)
CLIP = (-1.5, 2.5)


def _finite(v) -> bool:
    return v is not None and isinstance(v, (int, float)) and math.isfinite(float(v))


def position(value, low, high) -> float:
    """The value's place in its threshold interval: the check passes iff 0 ≤ position ≤ 1."""
    if not _finite(value):
        return math.nan
    lo = float(low) if _finite(low) else None
    hi = float(high) if _finite(high) else None
    if lo is None and hi is None:
        return math.nan
    if lo is None:
        lo = min(0.0, hi)            # a distance or a count: bounded below by 0
    if hi is None:
        hi = max(1.0, float(value))  # a p-value: bounded above by 1
    if hi > lo:
        return (float(value) - lo) / (hi - lo)
    miss = float(value) - lo         # a zero-width interval: the miss in the statistic's own units
    return 0.5 + math.copysign(0.5 + abs(miss), miss) if miss else 0.5


def _runs(cfg, ctx) -> list[dict]:
    """One dict per run: experiment, number, params, status, measured, checks."""
    out = []
    if "suite" in cfg:
        df = ctx.run_suite(cfg["suite"])
        for rid, part in df.groupby("run_id", sort=False):
            first = part.iloc[0]
            checks = [{"name": r["check"], "value": r["value"], "low": r["low"], "high": r["high"],
                       "passed": bool(r["passed"]), "statistic": r["statistic"]}
                      for _, r in part.iterrows() if isinstance(r["check"], str)]
            out.append({"run_id": rid, "experiment": first["experiment"], "number": int(first["number"]),
                        "params": json.loads(first["params"]), "status": first["status"],
                        "measured": json.loads(first["run_measured"] or "{}"), "checks": checks})
    else:
        from validation.experiments.catalog import get

        for spec in cfg["runs"]:
            run = ctx.run(spec["experiment"], **spec.get("params", {}))
            out.append({"run_id": run.run_id, "experiment": run.experiment, "number": get(run.experiment).number,
                        "params": run.params, "status": run.status, "measured": run.measured,
                        "checks": run.checks})
    return out


#: the parameters that name a run, in this order (at most three of those that differ among its peers)
NAMING = ("L", "weights", "activation", "at", "dataset", "N", "d", "n", "p")


def _labels(runs) -> list[str]:
    """Experiment name plus the parameters that tell its runs apart."""
    labels = []
    for r in runs:
        peers = [q for q in runs if q["experiment"] == r["experiment"]]
        differ = [k for k in r["params"] if len({json.dumps(q["params"].get(k)) for q in peers}) > 1]
        keys = sorted(differ, key=lambda k: NAMING.index(k) if k in NAMING else len(NAMING))[:3]
        shown = [f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in ((k, r["params"][k]) for k in keys)]
        labels.append(" ".join([r["experiment"], ", ".join(shown)]).strip())
    return labels


def _power(measured):
    if measured.get("power") is not None:
        return float(measured["power"])
    controls = measured.get("controls") or []
    return sum(bool(c.get("rejected")) for c in controls) / len(controls) if controls else None


def compute(cfg, ctx) -> FigureData:
    runs = sorted(_runs(cfg, ctx), key=lambda r: (r["number"], json.dumps(r["params"], sort_keys=True)))
    labels = _labels(runs)
    data = FigureData()
    p1 = data.panel("each check's value in its calibrated threshold interval (0 ≤ u ≤ 1 passes)",
                    "run (its checks side by side)", "u = (value − low)/(high − low)")
    p2 = data.panel("power: fraction of the run's controls (nearby wrong predictions) rejected",
                    "run", "power")
    xs, us, ok = [], [], []
    k = 0
    n_checks = n_finite = 0
    powers, finished, unexplained = [], 0, []
    for i, (r, label) in enumerate(zip(runs, labels)):
        finished += r["status"] in ("pass", "fail")
        if r["status"] == "fail" and r["experiment"] not in EXPLAINED_FAILS:
            unexplained.append(label)
        for j, c in enumerate(r["checks"]):
            u = position(c["value"], c["low"], c["high"])
            n_checks += 1
            n_finite += _finite(c["low"]) or _finite(c["high"])
            xs.append(i + 0.15 * (j - (len(r["checks"]) - 1) / 2))
            us.append(u)
            ok.append(bool(c["passed"]))
            name = f"[{k}] {label}: {c['name']}"
            data.number(f"{name}: value", c["value"], role="measured")
            data.number(f"{name}: low", c["low"] if _finite(c["low"]) else math.nan)
            data.number(f"{name}: high", c["high"] if _finite(c["high"]) else math.nan)
            data.number(f"{name}: passed", float(bool(c["passed"])), role="measured")
            k += 1
        power = _power(r["measured"])
        data.number(f"run [{i}] {label}: power", math.nan if power is None else power, role="measured")
        if power is not None:
            powers.append((i, power))
    xs, us, ok = np.array(xs, float), np.clip(np.array(us, float), *CLIP), np.array(ok, bool)
    data.points(p1, xs[ok], us[ok], "check passed (measured)")
    data.points(p1, xs[~ok], us[~ok], "check failed (measured)")
    data.hline(p1, 0.0, "threshold interval: low (u = 0)")
    data.hline(p1, 1.0, "threshold interval: high (u = 1)")
    if powers:
        data.points(p2, [i for i, _ in powers], [p for _, p in powers], "power of the run (measured)")
    data.hline(p2, 0.5, "half of the controls rejected")
    data.number("checks", n_checks, role="measured")
    data.number("checks with a finite threshold", n_finite, role="measured")
    data.number("checks passed", int(ok.sum()), role="measured")
    data.number("runs", len(runs), role="measured")
    data.number("runs finished (pass or fail)", finished, role="measured")
    data.number("runs with controls", len(powers), role="measured")
    data.number("runs with controls: power > 0", sum(p > 0 for _, p in powers), role="measured")
    data.number("runs with controls: power ≥ 0.5", sum(p >= 0.5 for _, p in powers), role="measured")
    data.number("failing runs not among the README's findings", len(unexplained), role="measured")
    if unexplained:
        data.notes.append("failing runs the README does not explain: " + "; ".join(unexplained))
    zero = [labels[i] for i, p in powers if p == 0]
    if zero:
        data.notes.append("runs that rejected none of their controls: " + "; ".join(zero))
    no_power = [lab for r, lab in zip(runs, labels) if _power(r["measured"]) is None]
    if no_power:
        data.notes.append("runs without controls (no power; left out of panel 2): " + "; ".join(no_power))
    return data


def check(data, cfg) -> list:
    n = data.numbers()
    with_controls = max(n["runs with controls"], 1)
    return [
        within("every check has a finite threshold", SOURCE, "all", n["checks with a finite threshold"] / n["checks"],
               low=1.0, note=f"{n['checks with a finite threshold']:g} of {n['checks']:g} checks"),
        within("every run ends with a verdict (pass or fail)", SOURCE, "all",
               n["runs finished (pass or fail)"] / n["runs"], low=1.0,
               note=f"{n['runs finished (pass or fail)']:g} of {n['runs']:g} runs"),
        within("every run with controls rejects at least one (its check could fail)",
               SOURCE + "; DESIGN.md (brief): \"a check is only evidence if it could fail\"", "all",
               n["runs with controls: power > 0"] / with_controls, low=1.0,
               note=f"{n['runs with controls: power > 0']:g} of {n['runs with controls']:g} runs with controls"),
        within("runs rejecting at least half of their controls", SOURCE + "; our claim: a majority", "> 1/2",
               n["runs with controls: power ≥ 0.5"] / with_controls, low=0.5,
               note=f"{n['runs with controls: power ≥ 0.5']:g} of {n['runs with controls']:g} runs with controls"),
        within("failing runs the README does not explain", "rmtheory README, \"Validation\": the fails that "
               "remain in quick are findings", 0, n["failing runs not among the README's findings"], high=0.0),
    ]


def plot(data, figure):
    """The default drawing, the panels stacked on one run axis, with the run names under them."""
    import matplotlib.pyplot as plt

    from papers import plotting
    from papers.build import caption

    fig = plt.figure(figsize=(11, 8.5))
    plotting.draw(data, fig, title=figure.spec.title, caption=caption(figure), ncols=1)
    names = [(int(s.split("]")[0].split("[")[1]), s.split("] ", 1)[1].rsplit(": power", 1)[0])
             for s in data.numbers() if s.startswith("run [")]
    top, bottom = fig.axes[0], fig.axes[1]
    for ax in (top, bottom):
        ax.set_xticks([i for i, _ in names])
        ax.set_xlim(-0.6, len(names) - 0.4)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    top.set_xticklabels([])
    bottom.set_xticklabels([name for _, name in names], rotation=60, ha="right", fontsize=6)
    bottom.set_ylim(-0.05, 1.05)
    top.set_ylim(CLIP[0] - 0.1, CLIP[1] + 0.1)
    fig.tight_layout()
    return fig
