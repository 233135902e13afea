"""rmtheory: random-matrix and Kac-Rice predictions for neural-network loss landscapes.

The theory core. It imports numpy, scipy, sympy, mpmath and numba only — never torch, Dask or
matplotlib — so ``import rmtheory`` is light and works without the measurement extras.

Example::

    >>> import rmtheory as rmt
    >>> law = rmt.MarchenkoPastur(ratio=0.5)
    >>> round(float(law.pdf(1.0)), 12)
    0.421084399348
"""

from rmtheory import algebraic, edge, ensembles, free, kacrice, predict, stats
from rmtheory.expr import ExpressionError, parse_law
from rmtheory.free import Atoms, EmpiricalLaw, GeneralizedMarchenkoPastur, free_add, free_mul, spiked_outliers
from rmtheory.laws import AffineImage, MarchenkoPastur, Semicircle, SpectralLaw, TracyWidom
from rmtheory.params import NoTheoryError, ParameterError, SolverError

__version__ = "0.1.0"

__all__ = [
    "ParameterError", "NoTheoryError", "SolverError", "ExpressionError", "parse_law",
    "SpectralLaw", "AffineImage", "Semicircle", "MarchenkoPastur", "TracyWidom", "Atoms", "EmpiricalLaw",
    "GeneralizedMarchenkoPastur",
    "free_add", "free_mul", "edge", "ensembles", "free", "kacrice", "stats",
    "spiked_outliers", "algebraic", "predict",
]
