"""What a figure's data is: a tidy table of the plotted series and the key numbers.

One row per plotted point (or histogram bin) with the columns :data:`COLUMNS`:

* ``panel`` — the index of the panel it is drawn in (its title and axes are in :attr:`FigureData.panels`);
* ``series`` — the legend label; ``role`` — ``"theory"`` or ``"measured"`` (drawn differently, so that
  a reader always tells prediction from measurement);
* ``kind`` — ``line``, ``points``, ``errorbar``, ``hist`` (``x`` the left bin edge, ``x2`` the right,
  ``y`` the density), ``vline``/``hline`` (one row; ``x`` or ``y`` the position), or ``number``: a key
  number (an edge, a threshold, ε_c, a fitted exponent) with its name in ``series`` and its value in
  ``y``, so that numbers can be compared, not only pictures;
* ``x``, ``y``, ``x2``, ``yerr`` — the values (NaN where unused).

The table is written as ``FIGURE.csv``; the plot is drawn from it alone (:mod:`papers.plotting`).

>>> d = FigureData()
>>> p = d.panel("density", xlabel="λ", ylabel="ρ(λ)")
>>> d.line(p, [0, 1], [1, 2], "theory", role="theory")
>>> d.number("upper edge", 1.0)
>>> d.numbers()
{'upper edge': 1.0}
>>> sorted(d.table().columns) == sorted(COLUMNS)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["FigureData", "COLUMNS", "ROLES", "KINDS"]

COLUMNS = ("panel", "series", "role", "kind", "x", "y", "x2", "yerr")
ROLES = ("theory", "measured")
KINDS = ("line", "points", "errorbar", "hist", "vline", "hline", "number")


def _floats(values) -> list[float]:
    return [float(v) if v is not None and math.isfinite(float(v)) else math.nan
            for v in np.asarray(values, dtype=float).ravel()]


@dataclass
class FigureData:
    """The rows of a figure (see the module docstring) and its panels' titles, labels and scales."""

    rows: list = field(default_factory=list)
    panels: list = field(default_factory=list)
    notes: list = field(default_factory=list)   # what the reader must know (a regime not reached, ...)

    def panel(self, title: str, xlabel: str, ylabel: str, xscale: str = "linear", yscale: str = "linear") -> int:
        """Add a panel; returns its index. Labels carry units or symbols (``"λ"``, ``"depth L"``)."""
        if not xlabel or not ylabel:
            raise ValueError(f"panel {title!r}: both axes need a label (xlabel={xlabel!r}, ylabel={ylabel!r})")
        self.panels.append({"title": title, "xlabel": xlabel, "ylabel": ylabel, "xscale": xscale,
                            "yscale": yscale})
        return len(self.panels) - 1

    def _add(self, panel, series, role, kind, x, y, x2=None, yerr=None):
        if role not in ROLES:
            raise ValueError(f"role = {role!r} is not one of {ROLES}")
        if kind != "number" and not 0 <= panel < len(self.panels):
            raise ValueError(f"panel = {panel} is outside [0, {len(self.panels) - 1}]")
        x, y = _floats(x), _floats(y)
        if len(x) != len(y):
            raise ValueError(f"series {series!r}: x has {len(x)} values, y has {len(y)}")
        x2 = _floats(x2) if x2 is not None else [math.nan] * len(x)
        yerr = _floats(yerr) if yerr is not None else [math.nan] * len(x)
        for xi, yi, x2i, ei in zip(x, y, x2, yerr):
            self.rows.append({"panel": int(panel), "series": str(series), "role": role, "kind": kind,
                              "x": xi, "y": yi, "x2": x2i, "yerr": ei})

    def line(self, panel, x, y, label, role="theory"):
        self._add(panel, label, role, "line", x, y)

    def points(self, panel, x, y, label, role="measured", yerr=None):
        self._add(panel, label, role, "errorbar" if yerr is not None else "points", x, y, yerr=yerr)

    def hist(self, panel, values, label="measured", bins=50, range_=None, role="measured", weights=None):
        """A density histogram of ``values`` (the bins are what is stored, not the raw values)."""
        values = np.asarray(values, dtype=float).ravel()
        values = values[np.isfinite(values)]
        heights, edges = np.histogram(values, bins=bins, range=range_, density=True, weights=weights)
        self._add(panel, label, role, "hist", edges[:-1], heights, x2=edges[1:])

    def bins(self, panel, edges, heights, label="measured", role="measured"):
        """A histogram already binned (``len(edges) == len(heights) + 1``)."""
        edges = np.asarray(edges, dtype=float)
        self._add(panel, label, role, "hist", edges[:-1], heights, x2=edges[1:])

    def vline(self, panel, x, label, role="theory"):
        self._add(panel, label, role, "vline", [x], [math.nan])

    def hline(self, panel, y, label, role="theory"):
        self._add(panel, label, role, "hline", [math.nan], [y])

    def number(self, name, value, role="theory"):
        """A key number of the figure (``role`` says whether theory predicts it or it was measured)."""
        self._add(-1, name, role, "number", [math.nan], [value])

    def numbers(self, role: str | None = None) -> dict:
        return {r["series"]: r["y"] for r in self.rows
                if r["kind"] == "number" and (role is None or r["role"] == role)}

    def series(self, label: str, panel: int | None = None):
        """(x, y) arrays of the rows of series ``label`` (in ``panel``, if given)."""
        rows = [r for r in self.rows if r["series"] == label and (panel is None or r["panel"] == panel)]
        return np.array([r["x"] for r in rows]), np.array([r["y"] for r in rows])

    def add_run_panels(self, run, which=None, titles=None) -> list[int]:
        """Copy panels of a validation run's own figure (:mod:`validation.experiments._figures`) into
        this figure: ``predicted`` series become ``theory``; ``which`` picks panel indices (default all),
        ``titles`` replaces their titles. Returns the new panel indices."""
        panels = (run.figure or {}).get("panels", [])
        chosen = range(len(panels)) if which is None else which
        new = []
        for k, i in enumerate(chosen):
            src = panels[i]
            title = src.get("title", "") if titles is None else titles[k]
            p = self.panel(title, src.get("xlabel") or "x", src.get("ylabel") or "y", src.get("xscale", "linear"),
                           src.get("yscale", "linear"))
            new.append(p)
            previous = ""
            for s in src.get("series", []):
                role = "measured" if s.get("role") == "measured" else "theory"
                label = s.get("label") or previous
                previous = label
                x = [math.nan if v is None else v for v in s.get("x", [])]
                y = [math.nan if v is None else v for v in s.get("y", [])]
                kind = s.get("kind")
                if kind == "hist" and len(x) >= 2:
                    self.bins(p, x, y, label, role=role)
                elif kind == "line":
                    self.line(p, x, y, label, role=role)
                elif kind in ("points", "errorbar"):
                    yerr = s.get("yerr")
                    self.points(p, x, y, label, role=role,
                                yerr=None if yerr is None else [math.nan if v is None else v for v in yerr])
                elif kind == "vline" and x:
                    self.vline(p, x[0], label, role=role)
                elif kind == "hline" and y:
                    self.hline(p, y[0], label, role=role)
        return new

    def add_spectral_numbers(self, run, prefix: str) -> None:
        """The measured numbers of a spectral validation run (:mod:`validation.experiments._compare`):
        its bulk KS distance and calibrated 1 % threshold, and, where it has an ``upper edge`` check,
        λ_max and its calibrated band — under ``"{prefix}: …"``, the names :func:`papers.checks.spectral`
        reads."""
        bulk = run.check("bulk")
        self.number(f"{prefix}: bulk KS distance", bulk["value"], role="measured")
        self.number(f"{prefix}: bulk KS threshold (calibrated 1 %)", bulk["high"], role="measured")
        if any(c["name"] == "upper edge" for c in run.checks):
            edge = run.check("upper edge")
            self.number(f"{prefix}: λ_max", edge["value"], role="measured")
            self.number(f"{prefix}: λ_max band low", edge["low"], role="measured")
            self.number(f"{prefix}: λ_max band high", edge["high"], role="measured")

    def table(self):
        import pandas as pd

        return pd.DataFrame(self.rows, columns=list(COLUMNS))

    def to_json(self) -> dict:
        """Plain JSON (NaN as null: strict JSON has no NaN)."""
        rows = [{k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()}
                for r in self.rows]
        return {"rows": rows, "panels": self.panels, "notes": self.notes}

    @classmethod
    def from_json(cls, obj: dict) -> FigureData:
        rows = [{k: (math.nan if (k in ("x", "y", "x2", "yerr") and v is None) else v) for k, v in r.items()}
                for r in obj["rows"]]
        return cls(rows=rows, panels=list(obj["panels"]), notes=list(obj.get("notes", [])))
