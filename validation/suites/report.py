"""The human report of a suite: ``DIR/report.md`` and one PNG per run in ``DIR/figures``.

Everything is drawn from the stored records alone (``DIR/records``), so the report of a finished,
resumed or partly failed run can be rewritten at any time (``write_report(DIR)``). Each figure shows
the measurement (histograms and points, in the first colour) and the prediction (lines, in the
second) together, from the figure data the experiment stored (:mod:`validation.experiments._figures`).
Files are written to a temporary name and renamed, like the records.

Without matplotlib (the ``figures`` extra), the report is written without figures and says so.
"""

from __future__ import annotations

import json
import pathlib
import textwrap

from validation.atomic import replace_atomic
from validation.suites.storage import RecordStore

__all__ = ["write_report", "draw_figure", "STYLE"]

#: rcParams of every figure (the tueplots pattern: one style bundle applied in rc_context)
STYLE = {"figure.dpi": 110, "font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8,
         "legend.fontsize": 6.5, "axes.spines.top": False, "axes.spines.right": False}
_MEASURED, _PREDICTED = "#1f77b4", "#d62728"


def _replace_atomic(path: pathlib.Path, write) -> None:
    replace_atomic(path, write)


def draw_figure(figure: dict, path, title: str = "") -> None:
    """Draw a figure dict (panels of series) to a PNG at ``path`` (atomically)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import numpy as np

    panels = figure.get("panels", [])
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, max(len(panels), 1), figsize=(4.2 * max(len(panels), 1), 3.2),
                                 squeeze=False)
        for ax, panel in zip(axes[0], panels):
            k_pred = 0
            for s in panel.get("series", []):
                x = np.asarray([np.nan if v is None else v for v in s.get("x", [])], dtype=float)
                y = np.asarray([np.nan if v is None else v for v in s.get("y", [])], dtype=float)
                measured = s.get("role") == "measured"
                color = _MEASURED if measured else _PREDICTED
                kind, label = s.get("kind"), s.get("label")
                if not measured:
                    # an unlabelled predicted series continues the previous one (a band's second edge)
                    k_pred -= 1 if (label == "" and k_pred) else 0
                    color = [_PREDICTED, "#2ca02c", "#9467bd", "#8c564b", "#ff7f0e"][k_pred % 5]
                    k_pred += 1
                if kind == "hist" and x.size >= 2:
                    ax.stairs(y, x, fill=True, alpha=0.35, color=_MEASURED, label=label)
                elif kind == "line":
                    ax.plot(x, y, color=color, lw=1.3, label=label)
                elif kind == "points":
                    ax.plot(x, y, "o", ms=3, color=color, label=label)
                elif kind == "errorbar":
                    yerr = np.asarray([np.nan if v is None else v for v in s.get("yerr", [])], dtype=float)
                    ax.errorbar(x, y, yerr=yerr, fmt="o", ms=3, capsize=2, color=color, label=label)
                elif kind == "vline" and x.size:
                    ax.axvline(x[0], color=color, ls="-" if measured else "--", lw=1, label=label or None)
                elif kind == "hline" and y.size:
                    ax.axhline(y[0], color=color, ls="--", lw=1, label=label)
            # wrapped to the panel's width, so a long title is never cut off
            ax.set_title(textwrap.fill(panel.get("title", ""), 60))
            ax.set_xlabel(panel.get("xlabel", ""))
            ax.set_ylabel(panel.get("ylabel", ""))
            ax.set_xscale(panel.get("xscale", "linear"))
            ax.set_yscale(panel.get("yscale", "linear"))
            if panel.get("yscale") == "log":
                values = [v for s in panel.get("series", []) for v in s.get("y", []) if v is not None and v > 0]
                if values and any(s.get("kind") == "hist" for s in panel.get("series", [])):
                    # densities on a log axis: five decades below the peak, not the 1e-100 tails
                    ax.set_ylim(bottom=max(values) * 1e-5, top=max(values) * 3)
                elif values:
                    # data (scaling fits): the axis spans the data, with a margin
                    ax.set_ylim(bottom=min(values) / 1.5, top=max(values) * 1.5)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(frameon=False)
        if title:
            fig.suptitle(textwrap.fill(title, int(60 * max(len(panels), 1))), fontsize=9)
        fig.tight_layout()
        _replace_atomic(pathlib.Path(path), lambda tmp: fig.savefig(tmp, format="png"))
        plt.close(fig)


def _fmt(v) -> str:
    if v is None:
        return "—"
    try:
        import math

        if isinstance(v, float) and math.isnan(v):
            return "—"
    except TypeError:
        pass
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _power(measured) -> str:
    """The controls a run's calibrated checks rejected, as "r/k" (:mod:`validation.experiments._compare`)."""
    try:
        controls = json.loads(measured).get("controls") if isinstance(measured, str) else None
    except (ValueError, AttributeError):
        controls = None
    if not controls:
        return "—"
    return f"{sum(bool(c.get('rejected')) for c in controls)}/{len(controls)}"


def _short_params(params: str, limit: int = 70, first=()) -> str:
    """``k=v, …`` cut at ``limit`` characters, the keys in ``first`` (those that tell an experiment's
    runs apart) leading, so a cut never hides them."""
    try:
        d = json.loads(params)
    except (TypeError, ValueError):
        return ""
    keys = [k for k in d if k in first] + [k for k in d if k not in first]
    text = ", ".join(f"{k}={d[k]}" for k in keys if d[k] is not None)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _varying_params(runs) -> dict:
    """experiment → the parameter names whose values differ among its runs."""
    values: dict = {}
    for _, g in runs:
        first = g.iloc[0]
        try:
            params = json.loads(first.params)
        except (TypeError, ValueError):
            continue
        for k, v in params.items():
            values.setdefault(first.experiment, {}).setdefault(k, set()).add(json.dumps(v, sort_keys=True))
    return {exp: {k for k, seen in keys.items() if len(seen) > 1} for exp, keys in values.items()}


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_report(out_dir, suite=None) -> pathlib.Path:
    """Write ``report.md`` and the figures for the records in ``out_dir``; returns the report path.

    With ``suite``, only that suite's runs are reported (an output directory may hold several) and
    runs not yet recorded are listed as missing.
    """

    out = pathlib.Path(out_dir)
    df = RecordStore(out).read()
    wanted = None if suite is None else [t.id for t in suite.tasks]
    if wanted is not None:
        df = df[df["run_id"].isin(set(wanted))]
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    try:
        import matplotlib  # noqa: F401

        have_mpl = True
    except ImportError:
        have_mpl = False
    runs = []
    for rid, g in df.groupby("run_id", sort=False):
        runs.append((rid, g))
    runs.sort(key=lambda item: (int(item[1]["number"].iloc[0]), item[1]["experiment"].iloc[0],
                                int(item[1]["seed"].iloc[0]), item[0]))
    name = suite.name if suite is not None else (df["suite"].iloc[0] if len(df) else out.name)
    counts = df.drop_duplicates("run_id")["status"].value_counts().to_dict() if len(df) else {}
    lines = [f"# Validation report: suite `{name}`", ""]
    if suite is not None and suite.description:
        lines += [suite.description, ""]
    lines += [f"{len(runs)} runs recorded" + (f" of {len(wanted)}" if wanted is not None else "") + ": "
              + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + ".", "",
              "Every check states its statistic, sample size and the threshold it was judged by; "
              "thresholds are fixed in each experiment's module before any run. A fail is a result: "
              "its note and the experiment's docstring say why.", ""]
    if counts.get("diverged"):
        lines += ["A **diverged** run is not a measurement: a training of the run diverged (its step and "
                  "loss are stated), so no check was evaluated; lower its learning rate. The suite "
                  "exits with status 1 while one remains.", ""]
    if not have_mpl:
        lines += ["*Figures not drawn: matplotlib is not installed (pip install -e \".[figures]\").*", ""]
    lines += ["The **power** column: of the nearby wrong predictions fixed in each experiment's module before any "
              "run (for the spectral checks the law scaled by 0.9, 0.95, 1.05, 1.1; each record's `controls` "
              "lists its own), how many the run's checks also rejected; low power means the run's size cannot "
              "tell the prediction from a ±10 % error, and the check's note says so (— : the run has no "
              "controls).", ""]
    lines += ["| # | experiment | parameters | seed | status | checks | power | time (s) |",
              "|---|---|---|---|---|---|---|---|"]
    varying = _varying_params(runs)
    for rid, g in runs:
        first = g.iloc[0]
        checks = "; ".join(
            f"{c.check}: {_fmt(c.value)} {c.threshold} → {'pass' if c.passed else 'FAIL'}"
            for c in g.itertuples() if isinstance(c.check, str))
        lines.append(f"| {first.number} | [{first.experiment}](#{rid}) | "
                     f"{_md(_short_params(first.params, first=varying.get(first.experiment, ())))} "
                     f"| {first.seed} | **{first.status}** | {_md(checks or first.error or '')} "
                     f"| {_power(first.run_measured)} | {first.wall_s:.1f} |")
    if wanted is not None:
        missing = [t for t in suite.tasks if t.id not in {r for r, _ in runs}]
        if missing:
            lines += ["", f"Not yet recorded ({len(missing)}): " + ", ".join(t.id for t in missing)]
    for rid, g in runs:
        first = g.iloc[0]
        lines += ["", f"## <a id=\"{rid}\"></a>{first.number}. {first.title} — **{first.status}**", "",
                  f"`{rid}` · seed {first.seed} · {first.device} · {first.wall_s:.1f} s · "
                  f"finished {first.finished_at}", "",
                  f"Parameters: `{first.params}`", ""]
        rows = [c for c in g.itertuples() if isinstance(c.check, str)]
        if rows:
            lines += ["| check | statistic | value | threshold | n | predicted | measured | verdict | note |",
                      "|---|---|---|---|---|---|---|---|---|"]
            for c in rows:
                lines.append(f"| {_md(c.check)} | {_md(c.statistic)} | {_fmt(c.value)} | {_md(c.threshold)} "
                             f"| {_fmt(c.sample_size)} | {_fmt(c.prediction)} | {_fmt(c.measured)} "
                             f"| {'pass' if c.passed else '**FAIL**'} | {_md(c.check_note or '')} |")
            lines.append("")
        if isinstance(first.note, str) and first.note:
            lines += [f"Note: {first.note}", ""]
        if isinstance(first.error, str) and first.error:
            label = "Reason" if first.status in ("skipped", "unavailable", "diverged") else "Error"
            lines += [f"{label}: {_md(first.error)}", ""]
        if isinstance(first.run_prediction, str) and first.run_prediction not in ("{}", ""):
            lines += [f"Prediction: `{_trim(first.run_prediction)}`", ""]
        if isinstance(first.run_measured, str) and first.run_measured not in ("{}", ""):
            lines += [f"Measured: `{_trim(first.run_measured)}`", ""]
        fig_json = next((f for f in g["figure"] if isinstance(f, str) and f), None)
        if fig_json and have_mpl:
            png = figdir / f"{rid}.png"
            try:
                draw_figure(json.loads(fig_json), png, f"{first.number}. {first.title}")
                lines += [f"![{first.experiment}](figures/{png.name})", ""]
            except Exception as err:  # noqa: BLE001 - a bad figure must not lose the report
                lines += [f"*Figure not drawn: {type(err).__name__}: {_md(err)}*", ""]
    if len(df) and (df["experiment"] == "geometry").any():
        from validation.suites.geometry import write_geometry

        try:
            lines += write_geometry(out, df)
        except Exception as err:  # noqa: BLE001 - a failed analysis must not lose the report
            lines += ["", f"*Geometry analysis not written: {type(err).__name__}: {_md(err)}*", ""]
    report = out / "report.md"
    text = "\n".join(lines) + "\n"
    _replace_atomic(report, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return report


def _trim(text: str, limit: int = 600) -> str:
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"
