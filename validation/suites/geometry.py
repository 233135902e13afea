"""Does geometry predict training? The analysis of the ``geometry`` experiment's records.

Each finished ``geometry`` run (:mod:`validation.experiments.e16_geometry`) holds its metrics at fixed
checkpoints and its outcomes. Across the runs of a suite this module computes, for every metric at
every checkpoint before the last (the last coincides with the outcomes) and every outcome:

* Spearman's rank correlation ρ (Pearson correlation of mid-ranks);
* a 95 % bootstrap percentile interval (runs resampled with replacement, ``boot`` resamples; Efron &
  Tibshirani 1993, *An Introduction to the Bootstrap*, §13.3);
* a two-sided permutation p-value (the outcome permuted across runs ``perm`` times,
  p = (1 + #{|ρ_perm| ≥ |ρ|})/(1 + perm); Good 2005, *Permutation, Parametric and Bootstrap Tests of
  Hypotheses*, §3);
* Benjamini-Hochberg q-values over all the pairs tested (Benjamini & Hochberg 1995, JRSS B 57:289).

``guidelines.md`` is generated from these numbers alone: one line per pair with q ≤ ``FDR`` whose
interval excludes 0, with its effect size, interval, p, q and n; when no pair qualifies it says so.
They are associations across the suite's grid of trainings (width, depth, optimizer, step size,
dataset), not causal effects; the file says that too.

Example (two runs' worth of records are too few; the functions take any table):

>>> import numpy as np
>>> from validation.suites.geometry import spearman
>>> round(spearman(np.arange(10.0), np.arange(10.0) ** 3), 12)
1.0
"""

from __future__ import annotations

import json
import pathlib

import numpy as np

__all__ = ["spearman", "geometry_table", "correlations", "write_geometry", "FDR"]

#: the false-discovery rate at which a correlation becomes a guideline
FDR = 0.05
#: outcomes where lower is better (for the wording of a guideline)
LOWER_IS_BETTER = {"steps_to_target": True, "final_train_loss": True, "test_accuracy": False,
                   "generalization_gap": True}


def _rowwise_rho(rx: np.ndarray, ry: np.ndarray) -> np.ndarray:
    """Pearson correlation of each row pair of two (m, n) rank arrays (NaN for a constant row)."""
    rx = rx - rx.mean(axis=1, keepdims=True)
    ry = ry - ry.mean(axis=1, keepdims=True)
    den = np.sqrt((rx * rx).sum(1) * (ry * ry).sum(1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (rx * ry).sum(1) / np.where(den > 0, den, 1), np.nan)


def spearman(x, y) -> float:
    """Spearman's ρ of two equal-length samples (mid-ranks for ties; NaN when either is constant)."""
    from scipy.stats import rankdata

    return float(_rowwise_rho(rankdata(np.asarray(x, float))[None], rankdata(np.asarray(y, float))[None])[0])


def geometry_table(df):
    """One row per finished ``geometry`` run: its varying parameters, ``<metric>@<i>`` for each
    checkpoint i, and the outcomes; plus the checkpoint steps (``attrs["steps"]``)."""
    import pandas as pd

    rows, steps = [], None
    # a run whose tracker disagreed with the curvature operators (its check failed) is left out
    runs = df[(df["experiment"] == "geometry") & (df["status"] == "pass")].drop_duplicates("run_id")
    for r in runs.itertuples():
        m = json.loads(r.run_measured)
        row = {"run_id": r.run_id, **json.loads(r.params)}
        steps = steps or m["checkpoints"]
        for name, values in m["metrics"].items():
            for i, v in enumerate(values):
                row[f"{name}@{i}"] = np.nan if v is None else v
        row.update(m["outcomes"])
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["steps"] = steps or []
    return table


def _bh(p: np.ndarray) -> np.ndarray:
    n = len(p)
    order = np.argsort(p)
    q = np.empty(n)
    running = 1.0
    for rank, i in reversed(list(enumerate(order, start=1))):
        running = min(running, p[i] * n / rank)
        q[i] = running
    return q


def correlations(table, boot: int = 1000, perm: int = 1000, seed: int = 0) -> list[dict]:
    """Every (metric@checkpoint, outcome) pair: ρ, interval, p, q, n (see the module docstring)."""
    from scipy.stats import rankdata

    rng = np.random.default_rng(seed)
    outcomes = [o for o in LOWER_IS_BETTER if o in table.columns]
    last = max((int(c.rsplit("@", 1)[1]) for c in table.columns if "@" in c), default=0)
    predictors = [c for c in table.columns if "@" in c and int(c.rsplit("@", 1)[1]) < last]
    out = []
    for pred in predictors:
        for outcome in outcomes:
            x, y = table[pred].to_numpy(float), table[outcome].to_numpy(float)
            ok = np.isfinite(x) & np.isfinite(y)
            x, y = x[ok], y[ok]
            n = len(x)
            if n < 4 or np.ptp(x) == 0 or np.ptp(y) == 0:
                continue
            rx, ry = rankdata(x), rankdata(y)
            rho = float(_rowwise_rho(rx[None], ry[None])[0])
            idx = rng.integers(0, n, size=(boot, n))
            bs = _rowwise_rho(rankdata(x[idx], axis=1), rankdata(y[idx], axis=1))
            bs = bs[np.isfinite(bs)]
            lo, hi = (np.quantile(bs, [0.025, 0.975]) if bs.size else (np.nan, np.nan))
            # permuting y permutes its ranks: no re-ranking needed
            shuffled = rng.permuted(np.tile(np.arange(n), (perm, 1)), axis=1)
            perms = _rowwise_rho(np.broadcast_to(rx, (perm, n)), ry[shuffled])
            p = (1 + np.sum(np.abs(perms) >= abs(rho) - 1e-12)) / (1 + perm)
            metric, i = pred.rsplit("@", 1)
            within = {}
            if "dataset" in table.columns:      # the grid's strongest factor: does it hold inside each?
                ds = table["dataset"].to_numpy()[ok]
                for name in sorted(set(ds)):
                    sel = ds == name
                    if sel.sum() >= 8 and np.ptp(x[sel]) > 0 and np.ptp(y[sel]) > 0:
                        within[str(name)] = spearman(x[sel], y[sel])
            out.append({"metric": metric, "checkpoint": int(i), "outcome": outcome, "rho": rho,
                        "low": float(lo), "high": float(hi), "p": float(p), "n": int(n),
                        "rho_within_dataset": within})
    if out:
        q = _bh(np.array([r["p"] for r in out]))
        for r, qi in zip(out, q):
            r["q"] = float(qi)
    return out


def _guideline(r, steps) -> str:
    at = f"checkpoint {r['checkpoint']}" + (f" (step {steps[r['checkpoint']]})" if r["checkpoint"] < len(steps) else "")
    direction = "higher" if r["rho"] > 0 else "lower"
    better = (r["rho"] < 0) == LOWER_IS_BETTER[r["outcome"]]
    return (f"- Higher `{r['metric']}` at {at} goes with {direction} `{r['outcome']}` "
            f"({'better' if better else 'worse'}): Spearman ρ = {r['rho']:+.2f} "
            f"[{r['low']:+.2f}, {r['high']:+.2f}] (95 % bootstrap), permutation p = {r['p']:.3g}, "
            f"BH q = {r['q']:.3g}, n = {r['n']} trainings"
            + ("" if not r["rho_within_dataset"] else
               "; within each dataset ρ = " + ", ".join(f"{k} {v:+.2f}" for k, v in r["rho_within_dataset"].items()))
            + ".")


def write_geometry(out_dir, df, boot: int = 1000, perm: int = 1000) -> list[str]:
    """Write ``guidelines.md``, ``geometry_correlations.csv`` and the geometry figures in ``out_dir``;
    return the report's section (markdown lines). Nothing is written when there is no geometry run."""
    out = pathlib.Path(out_dir)
    table = geometry_table(df)
    if table.empty:
        return []
    steps = table.attrs.get("steps", [])
    rows = correlations(table, boot=boot, perm=perm)
    import pandas as pd

    _atomic_text(out / "geometry_correlations.csv", pd.DataFrame(rows).to_csv(index=False))
    good = sorted([r for r in rows if r["q"] <= FDR and (r["low"] > 0 or r["high"] < 0)],
                  key=lambda r: (r["outcome"], -abs(r["rho"])))
    lines = ["# Guidelines from the geometry suite", "",
             f"Generated from {len(table)} trainings' records by `validation.suites.geometry`; every line is "
             f"a rank correlation across the suite's grid with Benjamini-Hochberg q ≤ {FDR} over "
             f"{len(rows)} metric × checkpoint × outcome pairs and a 95 % bootstrap interval that excludes 0. "
             "They are associations across the grid (width, depth, optimizer, step size, dataset), not "
             "causal effects, and hold for this grid's range of settings; the correlation within each dataset "
             "is given beside each line (the dataset alone moves several metrics and outcomes together). The "
             "training loss at a checkpoint is listed like any metric: it is the baseline a geometric "
             "metric has to beat.", ""]
    if not good:
        lines += [f"No metric × outcome pair reached q ≤ {FDR} with an interval excluding 0 at n = {len(table)}: "
                  "at this size the metrics do not predict the outcomes (see geometry_correlations.csv for "
                  "every pair).", ""]
    for outcome in LOWER_IS_BETTER:
        mine = [r for r in good if r["outcome"] == outcome]
        if mine:
            lines += [f"## {outcome}", ""] + [_guideline(r, steps) for r in mine] + [""]
    _atomic_text(out / "guidelines.md", "\n".join(lines) + "\n")
    figs = _figures(out, table, rows, steps)
    section = ["", "## Does geometry predict training?", "",
               f"{len(table)} trainings; {len(rows)} metric × checkpoint × outcome pairs tested (Spearman ρ, "
               f"bootstrap {boot}, permutation {perm}, Benjamini-Hochberg); {len(good)} qualify as guidelines: "
               "[guidelines.md](guidelines.md); every pair: `geometry_correlations.csv`.", ""]
    top = sorted(rows, key=lambda r: -abs(r["rho"]))[:10]
    if top:
        section += ["| metric | checkpoint | outcome | ρ | 95 % interval | p | q | n |",
                    "|---|---|---|---|---|---|---|---|"]
        section += [f"| {r['metric']} | {r['checkpoint']} | {r['outcome']} | {r['rho']:+.2f} | "
                    f"[{r['low']:+.2f}, {r['high']:+.2f}] | {r['p']:.3g} | {r['q']:.3g} | {r['n']} |" for r in top]
        section.append("")
    section += [f"![{name}](figures/{name}.png)" for name in figs] + [""]
    return section


def _atomic_text(path: pathlib.Path, text: str) -> None:
    from validation.atomic import replace_atomic

    replace_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _figures(out, table, rows, steps) -> list[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    names = []
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    colors = {"sgd": "C0", "momentum": "C1", "adam": "C2"}
    for _, row in table.iterrows():
        xs = steps
        for ax, metric in zip(axes, ("lambda_max", "train_loss")):
            ys = [row.get(f"{metric}@{i}", np.nan) for i in range(len(xs))]
            ax.plot(xs, ys, color=colors.get(row.get("optimizer"), "C3"), alpha=0.5, lw=1)
    for ax, label in zip(axes, ("λ_max (measured, tracker)", "training loss (measured)")):
        ax.set_xlabel("step")
        ax.set_ylabel(label)
        ax.set_yscale("log")
    for name, c in colors.items():
        axes[0].plot([], [], color=c, label=name)
    axes[0].legend(title="optimizer")
    fig.suptitle("Metrics through training, every run of the suite")
    fig.tight_layout()
    fig.savefig(figdir / "geometry_metrics.png", dpi=110)
    plt.close(fig)
    names.append("geometry_metrics")
    # the training loss predicts loss outcomes trivially (it is the baseline): plot the geometric ones
    top = sorted((r for r in rows if r["metric"] != "train_loss"), key=lambda r: -abs(r["rho"]))[:4]
    if top:
        fig, axes = plt.subplots(1, len(top), figsize=(4 * len(top), 3.6), squeeze=False)
        for ax, r in zip(axes[0], top):
            groups = table.groupby("dataset") if "dataset" in table.columns else [("runs", table)]
            for name, part in groups:       # coloured by dataset: the grid's strongest factor
                ax.scatter(part[f"{r['metric']}@{r['checkpoint']}"], part[r["outcome"]], s=14,
                           label=f"{name} (measured)")
            ax.set_xlabel(f"{r['metric']} at checkpoint {r['checkpoint']}")
            ax.set_ylabel(r["outcome"])
            ax.set_title(f"ρ = {r['rho']:+.2f} [{r['low']:+.2f}, {r['high']:+.2f}], q = {r['q']:.2g}", fontsize=9)
            ax.legend(fontsize=7)
        fig.suptitle("Strongest rank correlations of geometric metrics with outcomes (training loss, the "
                     "baseline, left out here)")
        fig.tight_layout()
        fig.savefig(figdir / "geometry_correlations.png", dpi=110)
        plt.close(fig)
        names.append("geometry_correlations")
    return names
