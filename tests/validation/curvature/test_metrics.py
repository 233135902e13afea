"""Geometry metrics (proposal §3.4): values on spectra with known answers, errors reported."""

import numpy as np
import pytest
import torch

import rmtheory as rmt
from validation.curvature import hessian, lanczos, slq
from validation.curvature import metrics as M


def test_participation_ratio_and_negative_fraction_exact():
    lam = np.array([3.0, 1.0, 1.0, 0.0, -1.0])
    pr = M.participation_ratio(lam)
    assert pr.value == pytest.approx(16 / 12) and pr.error == 0
    nf = M.negative_fraction(lam)
    assert nf.value == pytest.approx(0.2)
    assert M.negative_fraction(lam, threshold=2.0).value == 0


def test_bulk_edges_ratio_and_sharpness_on_marchenko_pastur_with_outlier():
    mp = rmt.MarchenkoPastur(ratio=0.25)
    lam = np.r_[mp.sample(4000, rng=0), [12.0, 15.0]]  # two outliers above the bulk
    edges = M.bulk_edges(lam, tail=1e-3)
    lo, hi = mp.support[0]
    assert edges.value[0] == pytest.approx(lo, abs=0.05) and edges.value[1] == pytest.approx(hi, abs=0.1)
    r = M.bulk_ratio(15.0, edges)
    assert r.value == pytest.approx((15 - lo) / (hi - lo), rel=0.05)
    sharp = M.edge_sharpness(lam, tail=1e-3, window=0.3)
    assert sharp.value == pytest.approx(0.5, abs=0.2), sharp  # square-root edge


def test_metrics_from_slq_carry_jackknife_errors():
    g = torch.Generator().manual_seed(0)
    n = 300
    Q = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=torch.float64))[0]
    lam = torch.linspace(-0.5, 2, n, dtype=torch.float64)
    A = Q @ torch.diag(lam) @ Q.T
    res = slq(A, steps=40, probes=8)
    pr = M.participation_ratio(res)
    exact = float(lam.sum() ** 2 / (lam ** 2).sum())
    assert pr.error > 0 and abs(pr.value - exact) < 5 * pr.error
    nf = M.negative_fraction(res)
    assert abs(nf.value - 0.2) < 5 * nf.error + 0.02
    assert nf.settings["estimator"] == "slq" and nf.settings["probes"] == 8


def test_lambda_metrics_and_trace():
    A = torch.diag(torch.linspace(-1, 4, 200, dtype=torch.float64))
    assert M.lambda_max(A).value == pytest.approx(4, rel=1e-6)
    assert M.lambda_min(A).value == pytest.approx(-1, rel=1e-6)
    t = M.hessian_trace(A, method="hutchinson", products=4)
    assert t.value == pytest.approx(300, rel=1e-10) and t.settings["method"] == "hutchinson"


def test_gradient_alignment_and_autocorrelation():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).double()
    X = torch.randn(40, 4, dtype=torch.float64)
    y = torch.randint(0, 3, (40,))
    loss = torch.nn.CrossEntropyLoss()
    H = hessian(model, loss, (X, y))
    g = M.full_gradient(model, loss, (X, y))
    res = lanczos(H, k=H.shape[0], max_steps=H.shape[0], return_vectors=True)
    ga = M.gradient_alignment(g, res)
    assert ga.value[-1] == pytest.approx(1.0, abs=1e-8)  # a full eigenbasis holds all of g
    assert np.all(np.diff(ga.value) >= -1e-15)
    top = lanczos(H, k=3, return_vectors=True)
    ga3 = M.gradient_alignment(g, top, k=3)
    assert 0 <= ga3.value <= 1 and ga3.error is not None
    gs = [g, g * 2, -g]
    ac = M.gradient_autocorrelation(gs)
    assert ac.value[0] == pytest.approx(1) and ac.value[2] == pytest.approx(-1)
    with pytest.raises(ValueError, match="checkpoint"):
        M.gradient_autocorrelation([g])
