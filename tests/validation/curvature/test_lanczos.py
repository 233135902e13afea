"""Lanczos: exact at full order, extremal eigenpairs with residuals, float64 recurrences."""

import numpy as np
import pytest
import torch

from rmtheory.params import ParameterError
from validation.curvature import LanczosNotConverged, MatrixOperator, lanczos


def sym(n, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    A = torch.randn(n, n, generator=g, dtype=torch.float64)
    return ((A + A.T) / 2).to(dtype)


def test_exact_when_order_equals_dimension():
    A = sym(40)
    res = lanczos(A, k=40, which="smallest", max_steps=40)
    assert res.steps == 40 and res.converged
    assert np.allclose(res.eigenvalues, torch.linalg.eigvalsh(A).numpy(), rtol=0, atol=1e-11)


def test_exact_with_invariant_subspace_restart():
    # A diagonal matrix with repeated eigenvalues: the Krylov space of one vector is only 3-dim;
    # the process must continue in the complement to deliver all 6 eigenvalues.
    A = torch.diag(torch.tensor([1.0, 1.0, 2.0, 2.0, 3.0, 3.0], dtype=torch.float64))
    res = lanczos(A, k=6, which="largest", max_steps=6)
    assert np.allclose(res.eigenvalues, [3, 3, 2, 2, 1, 1], atol=1e-12)
    assert res.details["restarts"] >= 1


@pytest.mark.parametrize("which", ["largest", "smallest"])
def test_extremal_eigenpairs_and_residuals(which):
    n = 400
    lam = np.r_[np.linspace(0, 1, n - 5), [3, 4, 5, 6, 7]] - (0.5 if which == "smallest" else 0)
    if which == "smallest":
        lam = -lam
    Q = torch.linalg.qr(torch.randn(n, n, dtype=torch.float64, generator=torch.Generator().manual_seed(1)))[0]
    A = Q @ torch.diag(torch.as_tensor(lam)) @ Q.T
    res = lanczos(MatrixOperator(A), k=5, which=which, tol=1e-10, return_vectors=True)
    ref = np.sort(lam)[::-1][:5] if which == "largest" else np.sort(lam)[:5]
    assert res.converged
    assert np.allclose(res.eigenvalues, ref, rtol=1e-9)
    assert np.all(res.residuals <= 1e-10 * np.abs(res.eigenvalues) + 1e-12)
    X = res.eigenvectors
    true_res = torch.linalg.vector_norm(A @ X - X * torch.as_tensor(res.eigenvalues), dim=0).numpy()
    assert np.all(true_res <= 10 * res.residuals + 1e-10)  # the reported residual is the true one
    assert torch.allclose(X.T @ X, torch.eye(5, dtype=torch.float64), atol=1e-10)


def test_float32_operator_uses_float64_recurrence():
    A = sym(60, dtype=torch.float32)
    res = lanczos(MatrixOperator(A), k=3, tol=1e-6)
    ref = torch.linalg.eigvalsh(A.double()).numpy()[::-1][:3]
    assert res.eigenvalues.dtype == np.float64
    assert np.allclose(res.eigenvalues, ref, rtol=1e-5)


def test_scipy_and_numpy_operators():
    A = sym(30).numpy()
    from scipy.sparse.linalg import aslinearoperator
    r1 = lanczos(aslinearoperator(A), k=2)
    r2 = lanczos(A, k=2)
    assert np.allclose(r1.eigenvalues, r2.eigenvalues, rtol=1e-12)


def test_not_converged_is_loud():
    A = torch.diag(torch.linspace(0, 1, 500, dtype=torch.float64))
    with pytest.raises(LanczosNotConverged, match="increase max_steps"):
        lanczos(A, k=3, which="largest", tol=1e-12, max_steps=10)
    res = lanczos(A, k=3, tol=1e-12, max_steps=10, raise_on_failure=False)
    assert not res.converged and res.steps == 10


def test_bad_arguments_name_parameter():
    A = sym(5)
    with pytest.raises(ParameterError, match=r"k = 6 is outside the allowed range \[1, 5\]"):
        lanczos(A, k=6)
    with pytest.raises(ParameterError, match=r"which = 'top'"):
        lanczos(A, which="top")
    with pytest.raises(ParameterError, match=r"tol = 0"):
        lanczos(A, tol=0)
    with pytest.raises(ParameterError, match=r"A.shape = \(3, 4\) is outside the allowed range"):
        lanczos(torch.zeros(3, 4))
