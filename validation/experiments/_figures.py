"""Figure data of the experiments: plain lists, stored in the record, drawn by the report.

A figure is ``{"panels": [panel, ...]}``; a panel is ``{"title", "xlabel", "ylabel", "series",
"xscale", "yscale"}`` and a series ``{"kind": "hist"|"line"|"points"|"errorbar"|"vline"|"hline",
"label", "x", "y", "yerr", "role": "measured"|"predicted"}`` (``hist``: ``x`` holds the bin edges
and ``y`` the densities). Keeping data, not images, in the record lets the report be redrawn from
the Parquet dataset alone.
"""

from __future__ import annotations

import numpy as np

__all__ = ["panel", "hist", "line", "points", "vline", "law_density", "histogram_with_law"]


def _l(a):
    return [float(v) if np.isfinite(v) else None for v in np.asarray(a, dtype=float).ravel()]


def panel(title, xlabel, ylabel, series, xscale="linear", yscale="linear") -> dict:
    return {"title": title, "xlabel": xlabel, "ylabel": ylabel, "series": series,
            "xscale": xscale, "yscale": yscale}


def hist(values, bins=50, label="measured", range_=None, weights=None) -> dict:
    values = np.asarray(values, dtype=float).ravel()
    heights, edges = np.histogram(values, bins=bins, range=range_, density=True, weights=weights)
    return {"kind": "hist", "label": label, "x": _l(edges), "y": _l(heights), "role": "measured"}


def line(x, y, label="prediction", role="predicted") -> dict:
    return {"kind": "line", "label": label, "x": _l(x), "y": _l(y), "role": role}


def points(x, y, label="measured", yerr=None, role="measured") -> dict:
    out = {"kind": "errorbar" if yerr is not None else "points", "label": label, "x": _l(x),
           "y": _l(y), "role": role}
    if yerr is not None:
        out["yerr"] = _l(yerr)
    return out


def vline(x, label, role="predicted") -> dict:
    return {"kind": "vline", "label": label, "x": _l([x]), "y": [], "role": role}


def hline(y, label, role="predicted") -> dict:
    return {"kind": "hline", "label": label, "x": [], "y": _l([y]), "role": role}


def law_density(law, lo, hi, points_=400):
    """(grid, pdf) of a law's continuous part on [lo, hi], NaN-free."""
    grid = np.linspace(lo, hi, points_)
    pdf = np.nan_to_num(np.asarray(law.pdf(grid), dtype=float), nan=0.0, posinf=0.0)
    return grid, pdf


def histogram_with_law(values, law, title, xlabel="eigenvalue", bins=60, label="prediction",
                       lo=None, hi=None) -> dict:
    """A histogram of measured eigenvalues with the predicted density (and atoms as lines)."""
    values = np.asarray(values, dtype=float).ravel()
    sup = law.support
    lo = min(values.min(), min(a for a, _ in sup) if sup else values.min()) if lo is None else lo
    hi = max(values.max(), max(b for _, b in sup) if sup else values.max()) if hi is None else hi
    pad = 0.03 * (hi - lo or 1.0)
    series = [hist(values, bins=bins, range_=(lo - pad, hi + pad))]
    grid, pdf = law_density(law, lo - pad, hi + pad)
    series.append(line(grid, pdf, label))
    for loc, mass in law.atoms:
        series.append(vline(loc, f"atom {mass:.2g} at {loc:.3g}"))
    return panel(title, xlabel, "density", series)
