"""Trace estimators converge within stated products; exact Hessians; determinism."""

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from rmtheory.params import ParameterError
from validation.curvature import (
    MatrixOperator,
    NonDeterministicOperatorError,
    check_determinism,
    exact_hessian,
    hessian,
    trace,
)

from .conftest import tanh_mlp


def decaying_psd(n=500, seed=0):
    g = torch.Generator().manual_seed(seed)
    Q = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=torch.float64))[0]
    lam = 1.0 / torch.arange(1, n + 1, dtype=torch.float64) ** 1.5  # trace dominated by the top
    return Q @ torch.diag(lam) @ Q.T, float(lam.sum())


@pytest.mark.parametrize("method,products,rel", [
    # stated budgets: at 120 products on this spectrum (trace ≈ 2.5, top-heavy),
    ("hutchinson", 120, 0.10),   # O(1/√m)
    ("hutch++", 120, 0.02),      # O(1/m) for PSD (Meyer et al. 2021, Thm. 1.1)
    ("xtrace", 120, 0.01),       # better than Hutch++ at equal cost (Epperly et al. 2024)
])
def test_trace_converges_within_stated_products(method, products, rel):
    A, tr = decaying_psd()
    errs = [abs(trace(A, method=method, products=products, seed=s).value - tr) / tr for s in range(5)]
    assert np.median(errs) < rel, errs


def test_trace_std_error_is_calibrated():
    A, tr = decaying_psd()
    for method in ("hutchinson", "hutch++", "xtrace"):
        r = trace(A, method=method, products=60, seed=1)
        assert abs(r.value - tr) < 5 * r.std_error + 1e-12, method


def test_hutchinson_exact_on_diagonal_and_xtrace_exact_on_low_rank():
    D = torch.diag(torch.arange(1.0, 101.0, dtype=torch.float64))
    assert trace(D, method="hutchinson", products=1).value == pytest.approx(5050, rel=1e-12)
    U = torch.linalg.qr(torch.randn(200, 6, dtype=torch.float64))[0]
    A = U @ torch.diag(torch.arange(1.0, 7.0, dtype=torch.float64)) @ U.T
    assert trace(A, method="xtrace", products=16).value == pytest.approx(21, rel=1e-10)
    assert trace(A, method="hutch++", products=24).value == pytest.approx(21, rel=1e-10)


def test_trace_bad_arguments():
    with pytest.raises(ParameterError, match=r"method = 'exact'"):
        trace(torch.eye(3), method="exact")
    with pytest.raises(ParameterError, match=r"products = 2 is outside the allowed range \[4, inf\]"):
        trace(torch.eye(3), method="xtrace", products=2)


def test_exact_hessian_matches_torch_func():
    torch.manual_seed(0)
    model = tanh_mlp([3, 4, 2])
    X = torch.randn(11, 3, dtype=torch.float64)
    y = torch.randint(0, 2, (11,))
    loss = torch.nn.CrossEntropyLoss()
    H = exact_hessian(model, loss, DataLoader(TensorDataset(X, y), batch_size=4), block=5)
    params = dict(model.named_parameters())
    names = list(params)
    flat = torch.cat([p.detach().reshape(-1) for p in params.values()])

    def f(v):
        parts, o = {}, 0
        for n in names:
            k = params[n].numel()
            parts[n] = v[o:o + k].reshape(params[n].shape)
            o += k
        return loss(torch.func.functional_call(model, parts, (X,)), y)

    assert torch.allclose(H, torch.func.hessian(f)(flat), rtol=1e-11, atol=1e-13)


class RandomOperator(MatrixOperator):
    def _matmat(self, V):
        return (self.A + 1e-2 * torch.randn_like(self.A)) @ V


def test_determinism_check():
    A = torch.eye(20, dtype=torch.float64)
    assert check_determinism(MatrixOperator(A)).passed
    report = check_determinism(RandomOperator(A))
    assert not report.passed and report.repeat_error > 1e-4
    with pytest.raises(NonDeterministicOperatorError, match="repeated products differ"):
        check_determinism(RandomOperator(A), raise_error=True)


def test_determinism_flags_a_shuffling_loader_that_drops_samples():
    torch.manual_seed(0)
    model = tanh_mlp([3, 4, 2])
    X = torch.randn(30, 3, dtype=torch.float64)
    y = torch.randint(0, 2, (30,))
    ok = DataLoader(TensorDataset(X, y), batch_size=8)
    assert check_determinism(hessian(model, torch.nn.CrossEntropyLoss(), ok)).passed
    bad = DataLoader(TensorDataset(X, y), batch_size=8, shuffle=True, drop_last=True)
    H = hessian(model, torch.nn.CrossEntropyLoss(), bad, check_deterministic=False)
    assert not check_determinism(H).passed
    # By default an operator over a loader checks itself at construction.
    with pytest.raises(NonDeterministicOperatorError, match="repeated products differ"):
        hessian(model, torch.nn.CrossEntropyLoss(), bad)
