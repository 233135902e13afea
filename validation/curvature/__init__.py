"""The curvature engine: Hessian, GGN and Fisher operators of a model, and spectral algorithms that
work on any linear operator (``shape``, ``dtype``, ``matmat``).

Operators (:mod:`.operators`, products in :mod:`.products`)
    :func:`hessian`, :func:`ggn`, :func:`fisher`, :class:`MatrixOperator`
Algorithms
    :func:`lanczos` (top-/bottom-k eigenpairs, :mod:`.lanczos`), :func:`slq` (stochastic Lanczos
    quadrature, :mod:`.slq`), :func:`kpm` (kernel polynomial method, :mod:`.kpm`), :func:`trace`
    (Hutchinson, Hutch++, XTrace, :mod:`.trace`), :func:`exact_hessian` (:mod:`.exact`),
    :func:`check_determinism` (:mod:`.determinism`)
Geometry metrics of the research proposal (§3.4), :mod:`.metrics`
"""

from validation.curvature import metrics
from validation.curvature.determinism import (
    DeterminismReport, NonDeterministicOperatorError, check_determinism,
)
from validation.curvature.exact import exact_hessian, exact_matrix
from validation.curvature.kpm import KPMResult, kpm, spectral_bounds
from validation.curvature.lanczos import LanczosNotConverged, LanczosResult, lanczos
from validation.curvature.operators import (
    CurvatureOperator, MatrixOperator, NotTwiceDifferentiableError, fisher, ggn, hessian,
)
from validation.curvature.slq import SLQResult, gaussian_density, slq
from validation.curvature.trace import TraceResult, trace

__all__ = [
    "CurvatureOperator", "MatrixOperator", "NotTwiceDifferentiableError", "hessian", "ggn", "fisher",
    "lanczos", "LanczosResult", "LanczosNotConverged", "slq", "SLQResult", "gaussian_density",
    "kpm", "KPMResult", "spectral_bounds", "trace", "TraceResult", "exact_hessian", "exact_matrix",
    "check_determinism", "DeterminismReport", "NonDeterministicOperatorError", "metrics",
]
