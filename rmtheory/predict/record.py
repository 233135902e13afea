"""The record every prediction returns, and the error raised where no theory applies.

A :class:`Prediction` carries the bulk law (a :class:`~rmtheory.laws.base.SpectralLaw`), the
outliers with their counts, the support edges and atoms, scaling exponents where they exist, the
assumptions in words, the source (paper, section, equation) and the numerical tolerance. It is a
frozen dataclass; :meth:`Prediction.to_dict` gives the JSON-ready form the CLI prints.

Example::

    >>> import rmtheory as rmt
    >>> p = rmt.predict.pennington_bahri(epsilon=0.0, phi=0.25)   # ε = 0: H = H0, Marchenko-Pastur
    >>> p.edges
    [(0.25, 2.25)]
    >>> p.quantities["index"]
    0.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from rmtheory.params import NoTheoryError, SolverError

__all__ = ["Prediction", "OutlierPrediction", "NoTheoryError"]


@dataclass(frozen=True)
class OutlierPrediction:
    """One predicted outlier location of the spectrum (limit n → ∞).

    ``count`` is the number of eigenvalues at ``location`` (its multiplicity), ``source`` what
    produces it (e.g. "class means, spike 2 of 3"), ``tolerance`` the finite-n error to expect and
    why; ``overlap`` the squared overlap of the eigenvector with the spike direction where known.
    """

    location: float
    count: int
    source: str
    overlap: float | None = None
    threshold: float | None = None
    tolerance: str = ""

    def to_dict(self) -> dict:
        return {"location": self.location, "count": self.count, "source": self.source,
                "overlap": self.overlap, "threshold": self.threshold, "tolerance": self.tolerance}


@dataclass(frozen=True)
class Prediction:
    """A random-matrix prediction for one matrix of one network on one data model.

    Fields:

    * ``matrix``: what the spectrum is of, in words with its normalization (e.g. "J Jᵀ, J the
      N×N input-output Jacobian").
    * ``law``: the bulk :class:`~rmtheory.laws.base.SpectralLaw` (atoms included).
    * ``outliers``: :class:`OutlierPrediction` records (locations, counts), sorted.
    * ``scaling``: name → dict with at least ``"exponent"`` and ``"variable"``, e.g. the 3/2 law of
      the index near ε_c, or the n^{−2/3} fluctuation of λ_max.
    * ``quantities``: named numbers the theory gives beside the law (q*, χ, index, η, ζ, ...), keyed
      by the source's symbol; a ratio such as ``"phi"`` is defined in its module's docstring (P&W's
      φ = d/P is not Pennington-Bahri's φ = n/(outputs·P)). ``"n"`` is a number of parameters.
    * ``assumptions``: each assumption the prediction rests on, in words.
    * ``source``: paper, section and equation of every formula used.
    * ``tolerance``: the numerical tolerance of the law's cdf and edges (not the finite-n error).
    * ``parameters``: the inputs, after validation, under the names the functions take — sizes
      always as ``width``, ``depth``, ``d``, ``P`` (samples), ``n`` (parameters), ``outputs``,
      ``classes``.
    * ``dimension``: the size of the matrix whose spectrum ``law`` is (None where unknown).
    """

    matrix: str
    law: object
    outliers: tuple = ()
    scaling: dict = field(default_factory=dict)
    quantities: dict = field(default_factory=dict)
    assumptions: tuple = ()
    source: str = ""
    tolerance: float = 1e-8
    parameters: dict = field(default_factory=dict)
    dimension: int | None = None

    #: the largest numerical tolerance a prediction may state (the engine's ceiling, 1e-2)
    TOLERANCE_CEILING = 1e-2

    def __post_init__(self):
        # a prediction is an answer only at a stated accuracy: a NaN or coarse tolerance is refused
        # here, the one place every door passes through
        tol = float(self.tolerance)
        solved = getattr(self.law, "numerical_tolerance", None)
        if solved is not None:
            # a solved law states its own accuracy after its mass check (which raises SolverError
            # when the cdf does not resolve); the prediction is never stated more accurate than that
            tol = max(tol, float(solved))
            object.__setattr__(self, "tolerance", tol)
        if not (0.0 <= tol <= self.TOLERANCE_CEILING):
            raise SolverError(f"prediction for {self.matrix}: its numerical tolerance {tol:.3g} is not within "
                              f"[0, {self.TOLERANCE_CEILING:g}]; the theory's law does not resolve at these "
                              f"parameters {self.parameters}")

    # ------------------------------------------------------------------ derived views
    @property
    def edges(self) -> list[tuple[float, float]]:
        """Support intervals of the bulk (continuous part), sorted ([] where no bulk law is given)."""
        return [] if self.law is None else self.law.support

    @property
    def atoms(self) -> list[tuple[float, float]]:
        """Point masses of the bulk law as (location, mass)."""
        return [] if self.law is None else self.law.atoms

    @property
    def lambda_max(self) -> float:
        """The predicted largest eigenvalue (n → ∞): the largest outlier, else the top edge or atom."""
        tops = [o.location for o in self.outliers if o.location is not None]
        tops += [b for _, b in self.edges] + [x for x, _ in self.atoms]
        return float(max(tops)) if tops else float("nan")

    def largest_eigenvalue(self, n: int, beta: int = 1):
        """The Tracy-Widom law of the top bulk eigenvalue of an n-dimensional matrix
        (:func:`rmtheory.predict.scaling.tracy_widom_edge`); its ``sample(k)`` is k independent draws
        of λ_max, while ``law.sample(n)`` is the n eigenvalues of one matrix."""
        from rmtheory.predict.scaling import tracy_widom_edge

        return tracy_widom_edge(self.law, n, beta=beta)

    def density(self, points: int = 201, grid_range=None) -> dict:
        """x, pdf and cdf of the bulk law on an even grid (default: the law's default range)."""
        lo, hi = self.law.default_range() if grid_range is None else grid_range
        x = np.linspace(lo, hi, int(points))
        return {"x": x, "pdf": np.asarray(self.law.pdf(x), float), "cdf": np.asarray(self.law.cdf(x), float)}

    def to_dict(self, points: int = 0) -> dict:
        """A JSON-ready dict; ``points > 0`` adds a density grid."""
        out = {
            "matrix": self.matrix,
            "law": None if self.law is None else self.law.expression(),
            "dimension": self.dimension,
            "support": [{"lower": a, "upper": b} for a, b in self.edges],
            "atoms": [{"location": x, "mass": w} for x, w in self.atoms],
            "outliers": [o.to_dict() for o in self.outliers],
            "lambda_max": _plain(self.lambda_max),
            "scaling": {k: dict(v) for k, v in self.scaling.items()},
            "quantities": {k: _plain(v) for k, v in self.quantities.items()},
            "assumptions": list(self.assumptions),
            "source": self.source,
            "tolerance": self.tolerance,
            "parameters": {k: _plain(v) for k, v in self.parameters.items()},
        }
        if points and self.law is not None:
            out["density"] = self.density(points)
        return out

    def summary(self) -> str:
        """A few human-readable lines: matrix, edges, atoms, outliers, scaling."""
        lines = [f"matrix: {self.matrix}"]
        lines.append("support: " + (", ".join(f"[{a:.10g}, {b:.10g}]" for a, b in self.edges) or "none"))
        if self.atoms:
            lines.append("atoms: " + ", ".join(f"{w:.6g} at {x:.10g}" for x, w in self.atoms))
        for o in self.outliers:
            where = "location not predicted" if o.location is None else f"{o.location:.10g}"
            lines.append(f"outlier: {where} (count {o.count}; {o.source})")
        for name, s in self.scaling.items():
            lines.append(f"scaling {name}: exponent {s.get('exponent')} in {s.get('variable')}")
        for name, v in self.quantities.items():
            lines.append(f"{name}: {_plain(v)}")
        return "\n".join(lines)


def _plain(v):
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return v if math.isfinite(v) else None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if hasattr(v, "expression"):
        return v.expression()
    return v
