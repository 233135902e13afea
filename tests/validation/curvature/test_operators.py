"""Operators: closed forms (linear model), batch weighting, dtypes, strategies, errors."""

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from rmtheory.params import ParameterError
from validation.curvature import (
    NotTwiceDifferentiableError,
    exact_matrix,
    fisher,
    ggn,
    hessian,
)

from .conftest import tanh_mlp


def linear_problem(P=40, d=6, seed=0):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(P, d, generator=gen, dtype=torch.float64)
    y = torch.randn(P, 1, generator=gen, dtype=torch.float64)
    model = torch.nn.Linear(d, 1, bias=False).double()
    return model, X, y


def half_mse(out, t):
    return 0.5 * ((out - t) ** 2).sum() / len(t)


@pytest.mark.parametrize("strategy", ["reuse", "vmap", "auto"])
def test_linear_model_hessian_is_gram_matrix(strategy):
    model, X, y = linear_problem()
    H = hessian(model, half_mse, (X, y), strategy=strategy)
    M = H.matmat(torch.eye(6, dtype=torch.float64))
    assert torch.allclose(M, X.T @ X / len(X), rtol=1e-13, atol=1e-14)


def test_ggn_equals_hessian_for_linear_model_and_mse():
    gen = torch.Generator().manual_seed(3)
    X = torch.randn(30, 4, generator=gen, dtype=torch.float64)
    y = torch.randn(30, 3, generator=gen, dtype=torch.float64)
    model = torch.nn.Linear(4, 3).double()
    loss = torch.nn.MSELoss()
    Hm = exact_matrix(hessian(model, loss, (X, y)))
    Gm = exact_matrix(ggn(model, loss, (X, y)))
    assert torch.allclose(Hm, Gm, rtol=1e-12, atol=1e-13)


def test_ggn_differs_from_hessian_for_nonlinear_model(small_problem):
    model, loss, X, y = small_problem
    Hm = exact_matrix(hessian(model, loss, (X, y)))
    Gm = exact_matrix(ggn(model, loss, (X, y)))
    assert not torch.allclose(Hm, Gm, atol=1e-6)
    assert torch.linalg.eigvalsh(Gm).min() > -1e-12  # the GGN of a convex loss is PSD


@pytest.mark.parametrize("factory", [hessian, ggn, fisher])
def test_unequal_batches_weighted_like_full_batch(small_problem, factory):
    model, loss, X, y = small_problem
    loader = DataLoader(TensorDataset(X, y), batch_size=10, shuffle=False)  # 10, 10, 3
    full = factory(model, loss, (X, y))
    batched = factory(model, loss, loader)
    assert batched.num_batches == 3 and batched.num_samples == 23
    V = torch.randn(full.shape[0], 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(batched.matmat(V), full.matmat(V), rtol=1e-11, atol=1e-13)


def test_sum_reduction_weights_batches_by_one(small_problem):
    model, _, X, y = small_problem
    loss = torch.nn.CrossEntropyLoss(reduction="sum")
    loader = DataLoader(TensorDataset(X, y), batch_size=7)
    V = torch.randn(39, 2, dtype=torch.float64)
    assert torch.allclose(hessian(model, loss, loader).matmat(V), hessian(model, loss, (X, y)).matmat(V),
                          rtol=1e-11, atol=1e-12)


def test_fisher_is_mean_of_per_sample_gradient_outer_products(small_problem):
    model, loss, X, y = small_problem
    F = exact_matrix(fisher(model, loss, (X, y)))
    G = []
    for i in range(len(X)):
        model.zero_grad()
        loss(model(X[i:i + 1]), y[i:i + 1]).backward()
        G.append(torch.cat([p.grad.reshape(-1) for p in model.parameters()]))
    G = torch.stack(G)
    assert torch.allclose(F, G.T @ G / len(X), rtol=1e-11, atol=1e-13)


def test_strategies_agree_and_match_torch_func_hessian(small_problem):
    model, loss, X, y = small_problem
    names = [n for n, _ in model.named_parameters()]
    params = {n: p.detach() for n, p in model.named_parameters()}

    def f(flat):
        parts, o = {}, 0
        for n in names:
            k = params[n].numel()
            parts[n] = flat[o:o + k].reshape(params[n].shape)
            o += k
        return loss(torch.func.functional_call(model, parts, (X,)), y)

    flat = torch.cat([p.reshape(-1) for p in params.values()])
    ref = torch.func.hessian(f)(flat)
    for strategy in ("reuse", "vmap", "sequential"):
        M = exact_matrix(hessian(model, loss, (X, y), strategy=strategy))
        assert torch.allclose(M, ref, rtol=1e-11, atol=1e-13), strategy


@pytest.mark.parametrize("act", ["Tanh", "Sigmoid", "ReLU", "Identity"])
@pytest.mark.parametrize("loss", [torch.nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(reduction="sum"),
                                  torch.nn.MSELoss(), torch.nn.MSELoss(reduction="sum")],
                         ids=["ce-mean", "ce-sum", "mse-mean", "mse-sum"])
def test_sequential_strategy_matches_autograd(act, loss):
    torch.manual_seed(0)
    A = getattr(torch.nn, act)
    model = torch.nn.Sequential(torch.nn.Linear(5, 4), A(), torch.nn.Linear(4, 6), A(),
                                torch.nn.Linear(6, 3, bias=False)).double()
    X = torch.randn(17, 5, dtype=torch.float64)
    y = (torch.randint(0, 3, (17,)) if isinstance(loss, torch.nn.CrossEntropyLoss)
         else torch.randn(17, 3, dtype=torch.float64))
    ref = exact_matrix(hessian(model, loss, (X, y), strategy="reuse"))
    H = hessian(model, loss, DataLoader(TensorDataset(X, y), batch_size=7), strategy="sequential")
    assert torch.allclose(exact_matrix(H), ref, rtol=1e-12, atol=1e-14)


def test_sequential_strategy_row_blocks(monkeypatch):
    # Force many row blocks: the weight sums must accumulate exactly.
    import importlib
    products = importlib.import_module("validation.curvature.products")
    monkeypatch.setattr(products.HessianSequential, "cache_bytes", 1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3)).double()
    X, y = torch.randn(150, 5, dtype=torch.float64), torch.randint(0, 3, (150,))
    loss = torch.nn.CrossEntropyLoss()
    ref = exact_matrix(hessian(model, loss, (X, y), strategy="reuse"))
    assert torch.allclose(exact_matrix(hessian(model, loss, (X, y), strategy="sequential")), ref,
                          rtol=1e-12, atol=1e-15)


def test_sequential_strategy_offered_only_where_it_applies():
    X, y = torch.randn(8, 3, dtype=torch.float64), torch.randint(0, 2, (8,))
    bn = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2)).double()
    with pytest.raises(ParameterError, match="strategy = 'sequential'"):
        hessian(bn, torch.nn.CrossEntropyLoss(), (X, y), strategy="sequential")
    mlp = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.GELU(), torch.nn.Linear(4, 2)).double()
    assert "sequential" not in hessian(mlp, torch.nn.CrossEntropyLoss(), (X, y))._factories()


def test_tune_strategy_records_choice_and_timings(small_problem):
    model, loss, X, y = small_problem
    H = hessian(model, loss, (X, y), strategy="tune")
    assert H.strategy_for(4) is None
    H.matmat(torch.randn(39, 4, dtype=torch.float64))
    assert H.strategy_for(4) in ("reuse", "vmap", "sequential")
    assert set(H.timings[4]) == {"reuse", "vmap", "sequential"}


def test_auto_strategy_takes_no_timing_and_prefers_sequential(small_problem):
    model, loss, X, y = small_problem
    H = hessian(model, loss, (X, y))
    M = H.matmat(torch.eye(39, dtype=torch.float64)[:, :4])
    assert H.strategy_for(4) == "sequential" and H.timings == {}
    ref = hessian(model, loss, (X, y), strategy="reuse").matmat(torch.eye(39, dtype=torch.float64)[:, :4])
    assert torch.allclose(M, ref, rtol=1e-10, atol=1e-12)
    # Outside the sequential form (a GELU), "auto" takes reverse-over-reverse, which runs anywhere.
    gelu = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.GELU(), torch.nn.Linear(4, 3)).double()
    G = hessian(gelu, loss, (X, y))
    G.matmat(torch.randn(G.shape[0], 2, dtype=torch.float64))
    assert G.strategy_for(2) == "reuse"


def test_tuned_choice_is_remembered_for_operators_of_the_same_signature(small_problem, monkeypatch):
    from validation.curvature import operators

    monkeypatch.setattr(operators, "_TUNED", {})
    model, loss, X, y = small_problem
    H = hessian(model, loss, (X, y), strategy="tune")
    H.matmat(torch.randn(39, 1, dtype=torch.float64))
    (sig, best), = operators._TUNED.items()
    assert best == H.strategy_for(1)
    # Plant a different winner for this signature: a later "auto" operator must follow it untimed.
    other = "vmap" if best != "vmap" else "reuse"
    operators._TUNED[sig] = other
    H2 = hessian(model, loss, (X, y))
    H2.matmat(torch.randn(39, 1, dtype=torch.float64))
    assert H2.strategy_for(1) == other and H2.timings == {}
    # Another data size is another signature: the plant does not apply.
    H3 = hessian(model, loss, (X[:-1], y[:-1]))
    H3.matmat(torch.randn(39, 1, dtype=torch.float64))
    assert H3.strategy_for(1) == "sequential"


def test_auto_falls_back_when_a_strategy_fails():
    # torch's forward-over-reverse through mse_loss fails ("ZeroTensors are immutable") on some
    # versions; "auto" must then use the reverse-over-reverse strategy.
    model, X, y = linear_problem()
    H = hessian(model, torch.nn.MSELoss(), (X, y))
    M = H.matmat(torch.eye(6, dtype=torch.float64))
    assert torch.allclose(M, 2 * X.T @ X / len(X), rtol=1e-12)


def test_float32_model_float64_operator(small_problem):
    model, loss, X, y = small_problem
    m32 = tanh_mlp([5, 4, 3], dtype=torch.float32)
    m32.load_state_dict({k: v.float() for k, v in model.state_dict().items()})
    H32 = hessian(m32, loss, (X.float(), y))
    H64 = hessian(m32, loss, (X.float(), y), dtype=torch.float64)
    assert H32.dtype == torch.float32 and H64.dtype == torch.float64
    ref = exact_matrix(hessian(model, loss, (X, y)))
    assert torch.allclose(exact_matrix(H64), ref, rtol=1e-6, atol=1e-7)  # weights were rounded to fp32
    assert torch.allclose(exact_matrix(H32), exact_matrix(H64), rtol=1e-4, atol=1e-5)
    assert next(m32.parameters()).dtype == torch.float32  # the model is not modified


def test_matvec_numpy_and_scipy_bridge(small_problem):
    model, loss, X, y = small_problem
    H = hessian(model, loss, (X, y))
    v = np.random.default_rng(0).standard_normal(39)
    out = H.matvec(v)
    assert isinstance(out, np.ndarray) and out.shape == (39,)
    S = H.to_scipy()
    assert S.shape == (39, 39) and S.dtype == np.float64
    assert np.allclose(S @ v, out, rtol=1e-12)
    assert np.allclose(S.matmat(np.stack([v, v], 1))[:, 1], out, rtol=1e-12)
    assert torch.allclose(H @ torch.as_tensor(v), torch.as_tensor(out))
    assert H.device == torch.device("cpu")


def test_batchnorm_evaluated_in_eval_mode_and_mode_restored():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.Tanh(),
                                torch.nn.Dropout(0.5), torch.nn.Linear(6, 2)).double()
    X = torch.randn(16, 4, dtype=torch.float64)
    y = torch.randint(0, 2, (16,))
    model(X)  # give BatchNorm non-trivial running statistics
    model.train()
    H = hessian(model, torch.nn.CrossEntropyLoss(), (X, y))
    M1 = exact_matrix(H)
    assert model.training  # restored
    model.eval()
    M2 = exact_matrix(hessian(model, torch.nn.CrossEntropyLoss(), (X, y)))
    assert torch.allclose(M1, M2, rtol=1e-12)  # deterministic: Dropout off, running statistics


def test_gradient_matches_autograd(small_problem):
    model, loss, X, y = small_problem
    g = hessian(model, loss, DataLoader(TensorDataset(X, y), batch_size=9)).gradient()
    model.zero_grad()
    loss(model(X), y).backward()
    ref = torch.cat([p.grad.reshape(-1) for p in model.parameters()])
    assert torch.allclose(g, ref, rtol=1e-12, atol=1e-15)


# -- errors ------------------------------------------------------------------------------------------

def test_model_without_parameters_is_refused():
    with pytest.raises(ParameterError, match="model .* no trainable parameters"):
        hessian(torch.nn.Tanh(), torch.nn.MSELoss(), (torch.randn(3, 2), torch.randn(3, 2)))


def test_frozen_model_is_refused(small_problem):
    model, loss, X, y = small_problem
    for p in model.parameters():
        p.requires_grad_(False)
    with pytest.raises(ParameterError, match="requires_grad"):
        hessian(model, loss, (X, y))


@pytest.mark.parametrize("loss_fn", [torch.nn.L1Loss(), lambda out, t: torch.clamp(1 - out * t.sign(), min=0).mean(),
                                     lambda out, t: (out - t).abs().max()])
def test_piecewise_linear_loss_is_refused(loss_fn):
    model, X, y = linear_problem()
    with pytest.raises(NotTwiceDifferentiableError, match="zero second derivative"):
        hessian(model, loss_fn, (X, y))
    hessian(model, loss_fn, (X, y), check_loss=False)  # the escape hatch exists


def test_non_differentiable_loss_is_refused(small_problem):
    model, _, X, y = small_problem
    with pytest.raises(NotTwiceDifferentiableError, match="does not depend differentiably"):
        hessian(model, lambda out, t: (out.argmax(1) != t).float().mean(), (X, y))


def test_bad_inputs_name_parameter_value_and_range(small_problem):
    model, loss, X, y = small_problem
    with pytest.raises(ParameterError, match=r"dtype = torch.float16 is outside the allowed range"):
        hessian(model, loss, (X, y), dtype=torch.float16)
    with pytest.raises(ParameterError, match=r"data = '23 inputs and 5 targets'"):
        hessian(model, loss, (X, y[:5]))
    with pytest.raises(ParameterError, match=r"loss_fn.reduction = 'none'"):
        hessian(model, torch.nn.CrossEntropyLoss(reduction="none"), (X, y))
    with pytest.raises(ParameterError, match=r"strategy = 'fast'"):
        hessian(model, loss, (X, y), strategy="fast")
    with pytest.raises(ParameterError, match=r"data = 'Tensor'"):
        hessian(model, loss, X)
    H = hessian(model, loss, (X, y))
    with pytest.raises(ParameterError, match=r"V.shape = \(38, 2\) is outside the allowed range \(39, k\)"):
        H.matmat(torch.zeros(38, 2, dtype=torch.float64))


def test_operator_is_a_snapshot_of_the_parameters(small_problem):
    model, loss, X, y = small_problem
    V = torch.randn(39, 2, dtype=torch.float64)
    ops = {s: hessian(model, loss, (X, y), strategy=s) for s in ("reuse", "vmap", "sequential")}
    before = {s: op.matmat(V) for s, op in ops.items()}
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
    for s, op in ops.items():
        assert torch.allclose(op.matmat(V), before[s], rtol=1e-13), s
