"""Shared fixtures of the curvature tests: small synthetic models (no files needed) and the digits
MLPs with exact spectra in ``tests/data/digits_mlps`` (its README says how they were made)."""

import pathlib

import numpy as np
import pytest
import torch

torch.set_num_threads(1)  # the tests share 2 cores with other suites; timings are not tested here

BENCHDATA = pathlib.Path(__file__).resolve().parents[2] / "data" / "digits_mlps"


def tanh_mlp(widths, seed=0, dtype=torch.float64):
    torch.manual_seed(seed)
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers).to(dtype)


@pytest.fixture
def small_problem():
    """A 5-4-3 tanh MLP (39 parameters) on 23 samples, float64, cross-entropy."""
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(23, 5, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 3, (23,), generator=gen)
    return tanh_mlp([5, 4, 3]), torch.nn.CrossEntropyLoss(), X, y


def digits_fixture(name):
    """(model, X, y, exact) for the fixture's ``small`` or ``big`` MLP, or skip with the reason."""
    if not BENCHDATA.is_dir():
        pytest.fail(f"the digits-MLP fixture is part of the repository but was not found at {BENCHDATA}")
    pytest.importorskip("sklearn", reason="scikit-learn provides the digits data of the fixture")
    from sklearn.datasets import load_digits
    from sklearn.preprocessing import StandardScaler

    d = load_digits()
    X = torch.from_numpy(StandardScaler().fit_transform(d.data).astype(np.float32))
    y = torch.from_numpy(d.target).long()
    widths = [64, 128, 128, 10] if name == "big" else [64, 32, 32, 10]
    model = tanh_mlp(widths, dtype=torch.float32)
    model.load_state_dict(torch.load(BENCHDATA / f"mlp_{name}.pt"))
    exact = np.load(BENCHDATA / ("exact_small.npz" if name == "small" else "exact_big_spectrum.npz"))
    return model, X, y, exact
