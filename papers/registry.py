"""What a paper and a figure are, and where they are found.

A paper is a sub-package of ``papers`` whose ``__init__`` defines ``PAPER`` (a :class:`Paper`). A
figure is a module of that sub-package (its name not starting with ``_``) that defines:

* ``SPEC`` — a :class:`Spec`: title, the citation of the original figure, the captions (what the
  original shows, what ours shows), the configurations ``quick`` / ``full`` / ``tiny`` and the
  :mod:`validation` experiments it runs;
* ``compute(cfg, ctx) -> FigureData`` — the data, through ``ctx`` (:class:`papers.context.Context`:
  the validation runner, cached) and ``rmtheory`` — never a second training or measurement pipeline;
* ``check(data, cfg) -> list[PaperCheck]`` — the comparisons with the numbers the paper reports;
* optionally ``plot(data, figure) -> matplotlib.figure.Figure`` — a drawing other than the default
  (:func:`papers.plotting.draw`; ``figure`` is the :class:`Figure`, for its title and caption).

``tiny`` is the smallest configuration at which the figure still computes its checks (the tests run
it); ``quick`` is sized for a 2-core CPU (all figures together in ≤ 20 minutes); ``full`` is the
original's scale, for a GPU or a Dask cluster.

>>> figs = figures()
>>> len({f.paper.key for f in figs.values()}) >= 12 and len(figs) >= 20
True
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable

__all__ = ["Paper", "Spec", "Figure", "papers", "figures", "select", "MODES"]

#: the configurations a figure has
MODES = ("tiny", "quick", "full")


@dataclass(frozen=True)
class Paper:
    key: str            # the folder name: "pennington_worah_2017"
    authors: str
    year: str
    title: str
    venue: str


@dataclass(frozen=True)
class Spec:
    title: str
    cite: str           # the original figure: "Pennington & Worah 2017, Fig. 1"
    original: str       # what the original figure shows
    ours: str           # what this figure shows (theory and measurement), and how it differs
    quick: dict
    full: dict
    tiny: dict | None = None
    experiments: tuple = ()   # names of the validation experiments compute runs (they key the cache); "*": all

    def config(self, mode: str) -> dict:
        if mode not in MODES:
            raise ValueError(f"mode = {mode!r} is not one of {MODES}")
        if mode == "tiny":
            return dict(self.quick if self.tiny is None else self.tiny)
        return dict(getattr(self, mode))


@dataclass
class Figure:
    paper: Paper
    name: str
    spec: Spec
    module: ModuleType
    compute: Callable
    check: Callable
    plot: Callable | None = None
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.paper.key}/{self.name}"


@functools.lru_cache(maxsize=None)
def _discover() -> tuple[dict, dict]:
    import papers

    found_papers, found_figures = {}, {}
    for info in sorted(pkgutil.iter_modules(papers.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        package = importlib.import_module(f"papers.{info.name}")
        paper = getattr(package, "PAPER", None)
        if paper is None:
            continue
        found_papers[paper.key] = paper
        for sub in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if sub.name.startswith("_"):
                continue
            module = importlib.import_module(f"papers.{info.name}.{sub.name}")
            spec = getattr(module, "SPEC", None)
            if spec is None:
                continue
            for part in ("compute", "check"):
                if not callable(getattr(module, part, None)):
                    raise TypeError(f"{module.__name__} has SPEC but no {part}()")
            fig = Figure(paper, sub.name, spec, module, module.compute, module.check,
                         getattr(module, "plot", None))
            found_figures[fig.key] = fig
    return found_papers, found_figures


def papers() -> dict[str, Paper]:
    """Every paper, by key."""
    return dict(_discover()[0])


def figures() -> dict[str, Figure]:
    """Every figure, by ``PAPER/FIGURE``, in order (papers, then figures, alphabetical)."""
    return dict(_discover()[1])


def select(target: str) -> list[Figure]:
    """The figures ``target`` names: ``all``, ``PAPER`` or ``PAPER/FIGURE``; a ``KeyError`` naming the
    known ones otherwise.

    >>> [f.key for f in select("tracy_widom_1994")]
    ['tracy_widom_1994/distributions']
    """
    figs = figures()
    if target == "all":
        return list(figs.values())
    if "/" in target:
        if target in figs:
            return [figs[target]]
        raise KeyError(f"no figure {target!r}; known: {', '.join(figs)}")
    chosen = [f for f in figs.values() if f.paper.key == target]
    if not chosen:
        raise KeyError(f"no paper {target!r}; known: all, {', '.join(papers())}")
    return chosen
