"""Free probability: ⊞ and ⊠ of any two laws, atomic laws, transforms and cumulants."""

from rmtheory.free.atoms import Atoms, EmpiricalLaw
from rmtheory.free.convolution import (
    FreeAdditiveConvolution,
    FreeMultiplicativeConvolution,
    free_add,
    free_mul,
)
from rmtheory.free.generalized_mp import GeneralizedMarchenkoPastur
from rmtheory.free.outliers import Outlier, SpikeOutliers, spiked_outliers
from rmtheory.free.subordination import SolverError, SubordinationResult, SubordinationSolver
from rmtheory.free.transforms import (
    free_cumulants_to_moments,
    moments_to_free_cumulants,
    r_transform,
    s_transform,
)

__all__ = [
    "Atoms", "EmpiricalLaw", "GeneralizedMarchenkoPastur", "free_add", "free_mul", "FreeAdditiveConvolution",
    "FreeMultiplicativeConvolution", "SubordinationSolver", "SubordinationResult", "SolverError",
    "moments_to_free_cumulants", "free_cumulants_to_moments", "r_transform", "s_transform",
    "spiked_outliers", "SpikeOutliers", "Outlier",
]
