"""The drawing of a figure's data, in one style for all of ``papers/`` (``papers/style.mplstyle``).

Theory is drawn as lines (dashed for a marked value), measurement as filled histograms and markers,
each role in its own palette, and every legend entry says which it is ("… (theory)" / "… (measured)"),
so a reader never mistakes one for the other. The drawing uses the data table alone
(:class:`~papers.data.FigureData`): a cached figure is redrawn without computing anything.
"""

from __future__ import annotations

import math
import pathlib
import textwrap

import numpy as np

__all__ = ["STYLE_FILE", "draw", "save", "legend_label"]

STYLE_FILE = pathlib.Path(__file__).with_name("style.mplstyle")
THEORY_COLORS = ("#c0392b", "#27ae60", "#8e44ad", "#d35400", "#2c3e50", "#16a085")
MEASURED_COLORS = ("#2e86c1", "#f39c12", "#7f8c8d", "#17becf", "#bcbd22", "#e377c2")


def legend_label(label: str, role: str) -> str:
    """``label`` with its role, unless it already says it."""
    low = label.lower()
    if "theory" in low or "measured" in low or "predict" in low:
        return label
    return f"{label} ({role})"


def _series(data, panel):
    """Series of ``panel`` in order of first appearance: (label, role, kind, rows)."""
    order, groups = [], {}
    for r in data.rows:
        if r["panel"] != panel or r["kind"] == "number":
            continue
        key = (r["series"], r["role"], r["kind"])
        if key not in groups:
            order.append(key)
            groups[key] = []
        groups[key].append(r)
    return [(k[0], k[1], k[2], groups[k]) for k in order]


def _arr(rows, name):
    return np.array([np.nan if r[name] is None else r[name] for r in rows], dtype=float)


def draw(data, fig=None, title: str = "", caption: str = "", ncols: int | None = None):
    """Draw every panel of ``data`` into a new (or the given) matplotlib figure; returns it."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    n = max(len(data.panels), 1)
    ncols = ncols or min(n, 3)
    nrows = math.ceil(n / ncols)
    with plt.style.context(str(STYLE_FILE)):
        if fig is None:
            fig = plt.figure(figsize=(3.6 * ncols, 2.9 * nrows + 0.2))
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax in axes[len(data.panels):]:
            ax.set_visible(False)
        for i, meta in enumerate(data.panels):
            ax = axes[i]
            k_theory = k_measured = 0
            for label, role, kind, rows in _series(data, i):
                theory = role == "theory"
                color = (THEORY_COLORS[k_theory % 6] if theory else MEASURED_COLORS[k_measured % 6])
                k_theory += theory
                k_measured += not theory
                text = legend_label(label, role)
                x, y = _arr(rows, "x"), _arr(rows, "y")
                if kind == "hist":
                    edges = np.append(x, _arr(rows, "x2")[-1])
                    ax.stairs(y, edges, fill=True, alpha=0.35, color=color, label=text)
                elif kind == "line":
                    ax.plot(x, y, "-" if theory else "-.", color=color, label=text)
                elif kind == "points":
                    ax.plot(x, y, "o" if not theory else "s", mfc="none" if theory else color, color=color,
                            ls="none", label=text)
                elif kind == "errorbar":
                    ax.errorbar(x, y, yerr=_arr(rows, "yerr"), fmt="o", capsize=2, color=color, label=text)
                elif kind == "vline":   # several rows: one mark each, one legend entry
                    for j, xv in enumerate(x):
                        ax.axvline(xv, color=color, ls="--" if theory else "-", lw=1, label=None if j else text,
                                   alpha=1.0 if x.size == 1 else 0.6)
                elif kind == "hline":
                    for j, yv in enumerate(y):
                        ax.axhline(yv, color=color, ls="--" if theory else "-", lw=1, label=None if j else text,
                                   alpha=1.0 if y.size == 1 else 0.6)
            ax.set_title(textwrap.fill(meta["title"], 55))
            ax.set_xlabel(meta["xlabel"])
            ax.set_ylabel(meta["ylabel"])
            ax.set_xscale(meta.get("xscale", "linear"))
            ax.set_yscale(meta.get("yscale", "linear"))
            if ax.get_legend_handles_labels()[0]:
                ax.legend(loc="best")
        if title:
            fig.suptitle(textwrap.fill(title, 50 * ncols), fontsize=9)
        fig.tight_layout()
        if caption:
            # below the axes (savefig's tight bounding box takes it in), never over a tick label
            fig.text(0.01, -0.01, textwrap.fill(caption, 62 * ncols), fontsize=6.5, va="top", ha="left",
                     color="#444444")
    return fig


def save(fig, stem) -> list[pathlib.Path]:
    """``stem.png`` and ``stem.pdf``, each written atomically; the figure is closed."""
    import matplotlib.pyplot as plt

    from validation.atomic import replace_atomic

    paths = []
    with plt.style.context(str(STYLE_FILE)):
        for ext in ("png", "pdf"):
            path = pathlib.Path(f"{stem}.{ext}")
            replace_atomic(path, lambda tmp, ext=ext: fig.savefig(tmp, format=ext))
            paths.append(path)
    plt.close(fig)
    return paths
