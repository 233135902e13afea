"""Check that an operator is a fixed matrix before trusting a spectrum computed from it.

Lanczos, SLQ and KPM assume ``A`` is the same linear map at every product. Things that silently
break this: a shuffling DataLoader with ``drop_last`` (different samples per pass), random data
augmentation, Dropout or BatchNorm in train mode (the operators here evaluate in eval mode, but a
user operator may not), non-deterministic GPU kernels (atomics in scatter/index_add), and a model
modified between products. The check (curvlinops' pattern, ``_torch_base.py``) applies the operator
twice to the same random block and requires the two results to agree to ``rtol``, and checks
linearity ``A(V₁ + V₂) = AV₁ + AV₂`` and symmetry ``⟨u, Av⟩ = ⟨Au, v⟩`` at the same tolerance.
Floating-point summation order alone gives differences near the dtype's epsilon, far below the
default tolerances.

Example:

>>> import torch
>>> from validation.curvature import MatrixOperator, check_determinism
>>> check_determinism(MatrixOperator(torch.eye(3, dtype=torch.float64))).passed
True
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from rmtheory.params import Real, check
from validation.curvature._linalg import as_matmat, check_int, gaussian

__all__ = ["check_determinism", "DeterminismReport", "NonDeterministicOperatorError"]


class NonDeterministicOperatorError(RuntimeError):
    """The operator gave different results for the same input (or is not linear/symmetric)."""


@dataclass(frozen=True)
class DeterminismReport:
    passed: bool
    repeat_error: float     # ‖A V − A V‖ / ‖A V‖ between two applications
    linearity_error: float  # ‖A(V₁+V₂) − AV₁ − AV₂‖ / ‖A V₁‖
    symmetry_error: float   # |⟨u, Av⟩ − ⟨Au, v⟩| / (‖u‖ ‖Av‖)
    rtol: float
    probes: int


def _default_rtol(op) -> float:
    dtype = getattr(op, "dtype", torch.float64)
    single = dtype in (torch.float32, "float32") or str(dtype) in ("float32", "torch.float32")
    return 1e-4 if single else 1e-9


def check_determinism(op, probes: int = 2, seed: int = 0, rtol=None, raise_error: bool = False):
    """Apply ``op`` twice to the same random block; return a :class:`DeterminismReport`.

    ``rtol`` defaults to 1e-4 for float32 operators and 1e-9 for float64. With
    ``raise_error=True`` a failure raises :class:`NonDeterministicOperatorError` naming the cause.
    Products: ``4 × probes``.
    """
    matmat64, dim, device = as_matmat(op)
    probes = check_int("probes", probes, 1)
    rtol = _default_rtol(op) if rtol is None else check("rtol", rtol, Real(0, None, low_open=True))
    V = gaussian(dim, 2 * probes, seed, device)
    V1, V2 = V[:, :probes], V[:, probes:]
    A1 = matmat64(V1)
    A1b = matmat64(V1)
    A2 = matmat64(V2)
    A12 = matmat64(V1 + V2)
    norm = max(float(torch.linalg.matrix_norm(A1)), 1e-300)
    repeat = float(torch.linalg.matrix_norm(A1 - A1b)) / norm
    linear = float(torch.linalg.matrix_norm(A12 - A1 - A2)) / norm
    sym = float(torch.abs((V2 * A1).sum() - (A2 * V1).sum())) / (
        max(float(torch.linalg.matrix_norm(V2) * torch.linalg.matrix_norm(A1)), 1e-300))
    passed = repeat <= rtol and linear <= rtol and sym <= rtol
    report = DeterminismReport(passed, repeat, linear, sym, rtol, probes)
    if raise_error and not passed:
        what = ("repeated products differ" if repeat > rtol else
                "the operator is not linear" if linear > rtol else "the operator is not symmetric")
        raise NonDeterministicOperatorError(
            f"{what} (repeat {repeat:.2e}, linearity {linear:.2e}, symmetry {sym:.2e} > rtol "
            f"{rtol:.1e}): a shuffling or augmenting DataLoader, Dropout/BatchNorm in train mode, "
            "non-deterministic kernels or a model changed between products; a spectrum computed "
            "from it would not be that of one matrix")
    return report
