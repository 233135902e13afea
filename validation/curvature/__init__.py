"""The curvature engine: Hessian, GGN and Fisher operators of a model, and spectral algorithms that
work on any linear operator (``shape``, ``dtype``, ``matmat``).

Operators (:mod:`.operators`, products in :mod:`.products`, the interface in :mod:`.linear_operator`)
    :func:`hessian`, :func:`ggn`, :func:`fisher`, :class:`MatrixOperator`
Algorithms
    :func:`lanczos` (top-/bottom-k eigenpairs, :mod:`.lanczos`), :func:`slq` (stochastic Lanczos
    quadrature, :mod:`.slq`), :func:`kpm` (kernel polynomial method, :mod:`.kpm`), :func:`trace`
    (Hutchinson, Hutch++, XTrace, :mod:`.trace`), :func:`exact_hessian` (:mod:`.exact`),
    :func:`check_determinism` (:mod:`.determinism`)
Geometry metrics of the research proposal (§3.4), :mod:`.metrics`

``validation.curvature.lanczos``, ``.slq``, ``.kpm`` and ``.trace`` are the functions; their modules
(for ``LanczosProcess`` and the like) are reached with ``importlib.import_module``.

Example (a whole pipeline on a small model; see each module for its sources):

>>> import torch
>>> from validation import curvature as cv
>>> torch.manual_seed(0) is not None
True
>>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).double()
>>> X, y = torch.randn(64, 4, dtype=torch.float64), torch.randint(0, 3, (64,))
>>> H = cv.hessian(model, torch.nn.CrossEntropyLoss(), (X, y))
>>> cv.check_determinism(H).passed
True
>>> top = cv.lanczos(H, k=2, tol=1e-8)
>>> bool(top.converged and top.eigenvalues[0] >= top.eigenvalues[1])
True
>>> dens = cv.slq(H, steps=20, probes=4)
>>> dens.products
80
>>> import numpy as np
>>> grid = np.linspace(dens.flat_nodes.min() - 1, dens.flat_nodes.max() + 1, 4001)
>>> round(float(np.trapezoid(dens.density(grid), grid)), 6)
1.0
"""

from validation.curvature import metrics
from validation.curvature.class_structure import ClassMeanGram, class_mean_gram
from validation.curvature.determinism import (
    DeterminismReport,
    NonDeterministicOperatorError,
    check_determinism,
)
from validation.curvature.exact import exact_hessian, exact_matrix
from validation.curvature.kpm import KPMResult, kpm, spectral_bounds
from validation.curvature.lanczos import LanczosNotConverged, LanczosResult, lanczos
from validation.curvature.linear_operator import CurvatureOperator, MatrixOperator
from validation.curvature.operators import NotTwiceDifferentiableError, fisher, ggn, hessian
from validation.curvature.slq import SLQResult, gaussian_density, slq
from validation.curvature.trace import TraceResult, trace

__all__ = [
    "class_mean_gram", "ClassMeanGram",
    "CurvatureOperator", "MatrixOperator", "NotTwiceDifferentiableError", "hessian", "ggn", "fisher",
    "lanczos", "LanczosResult", "LanczosNotConverged", "slq", "SLQResult", "gaussian_density",
    "kpm", "KPMResult", "spectral_bounds", "trace", "TraceResult", "exact_hessian", "exact_matrix",
    "check_determinism", "DeterminismReport", "NonDeterministicOperatorError", "metrics",
]
