"""A figure's checks: our number against the one the original paper reports, with its source.

A :class:`PaperCheck` passes iff ``low ≤ ours ≤ high``; the bounds are the paper's number with the
tolerance the check states (:func:`close`), or a range the paper's claim implies (:func:`within`,
e.g. "the sharpness hovers at 2/η": the ratio in [0.9, 1.1]). ``source`` names the paper and the
figure, table, section or equation the number is taken from. The tolerance is fixed in the figure's
module, before its data were looked at, like the thresholds of :mod:`validation.experiments`.

>>> c = close("E_∞ (p = 3)", "Auffinger et al. 2013, eq. (2.14)", paper=1.633, ours=1.63299, abs_tol=5e-4)
>>> c.passed, c.tolerance
(True, '± 0.0005')
>>> within("sharpness / (2/η)", "Cohen et al. 2021, Fig. 1", "≈ 1", ours=1.4, low=0.9, high=1.1).passed
False
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

__all__ = ["PaperCheck", "close", "within", "spectral"]


@dataclass
class PaperCheck:
    name: str
    source: str            # "Author Year, Fig./Table/§/eq."
    paper: object          # the number the paper reports (or its claim, as text)
    ours: float
    low: float | None
    high: float | None
    tolerance: str         # the tolerance in words ("± 0.0005", "relative 5 %", "in [0.9, 1.1]")
    note: str = ""

    @property
    def passed(self) -> bool:
        if self.ours is None or not math.isfinite(float(self.ours)):
            return False
        return (self.low is None or self.ours >= self.low) and (self.high is None or self.ours <= self.high)

    def to_json(self) -> dict:
        out = asdict(self)
        out["ours"] = None if self.ours is None or not math.isfinite(float(self.ours)) else float(self.ours)
        out["passed"] = self.passed
        return out


def close(name, source, paper: float, ours: float, abs_tol: float | None = None, rel_tol: float | None = None,
          note: str = "") -> PaperCheck:
    """``ours`` within ``abs_tol`` (or ``rel_tol × |paper|``) of the paper's number."""
    if (abs_tol is None) == (rel_tol is None):
        raise ValueError(f"check {name!r}: give exactly one of abs_tol and rel_tol")
    tol = abs_tol if abs_tol is not None else rel_tol * abs(paper)
    words = f"± {abs_tol:g}" if abs_tol is not None else f"relative {100 * rel_tol:g} %"
    return PaperCheck(name, source, float(paper), _f(ours), paper - tol, paper + tol, words, note)


def within(name, source, paper, ours: float, low: float | None = None, high: float | None = None,
           note: str = "") -> PaperCheck:
    """``ours`` in ``[low, high]``: the range the paper's reported number or claim implies."""
    if low is None and high is None:
        raise ValueError(f"check {name!r}: give a bound")
    words = (f"in [{low:g}, {high:g}]" if low is not None and high is not None
             else f"≥ {low:g}" if low is not None else f"≤ {high:g}")
    return PaperCheck(name, source, paper, _f(ours), low, high, words, note)


def _f(v):
    return math.nan if v is None else float(v)


def spectral(numbers: dict, prefix: str, source: str, claim: str, size: str, note: str = "",
             edge: float | None = None) -> list[PaperCheck]:
    """The paper's claim that its law describes a measured spectrum, judged as the validation run judged
    it: the bulk KS distance below its threshold calibrated on the law's own model at this size, and
    (where recorded) λ_max inside its calibrated [0.5 %, 99.5 %] band; ``numbers`` as written by
    :meth:`papers.data.FigureData.add_spectral_numbers`, ``edge`` the predicted λ₊ for the text."""
    extra = f"; {note}" if note else ""
    out = [within(f"{prefix}: bulk KS distance to the law", source, claim, numbers[f"{prefix}: bulk KS distance"],
                  high=numbers[f"{prefix}: bulk KS threshold (calibrated 1 %)"],
                  note=f"1 % threshold calibrated on the law's own model at {size}{extra}")]
    if f"{prefix}: λ_max" in numbers:
        paper = "λ_max → λ₊" + ("" if edge is None else f" = {edge:.4g}")
        out.append(within(f"{prefix}: λ_max in its calibrated band", source, paper, numbers[f"{prefix}: λ_max"],
                          low=numbers[f"{prefix}: λ_max band low"], high=numbers[f"{prefix}: λ_max band high"],
                          note=f"[0.5 %, 99.5 %] band of the law's model at {size}{extra}"))
    return out
