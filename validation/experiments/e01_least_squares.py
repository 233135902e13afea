"""Experiment 1: the least-squares Hessian on Gaussian data vs the (generalized) Marchenko-Pastur law.

Setup: x ~ N(0, Σ) in d dimensions with the eigenvalues of Σ a given population, P samples, a
linear model f(x) = w·x trained by SGD on L = (1/2P) Σ (w·x_i − y_i)². Its Hessian is XᵀX/P at any
w; it is measured anyway with the curvature engine (Hessian-vector products, exact matrix in
column blocks) at the trained weights, so the test exercises the same path a network's Hessian
takes.

Prediction: XᵀX/P = (1/n) Σ^½ Z Zᵀ Σ^½ with Z d×P, so its eigenvalues follow
``GeneralizedMarchenkoPastur(ratio = d/P, population)`` (Silverstein & Bai 1995; Marchenko &
Pastur 1967 when Σ = I, where it is ``MarchenkoPastur(d/P)``).

Checks (fixed before any run):

* bulk and edge: the shared calibrated checks of :mod:`._compare` — the KS distance of the d
  eigenvalues to the law against its 1 − ``alpha`` quantile, and λ_max against its band, both over
  500 Wishart matrices of the law's own model at the same d and P (λ_max fluctuates on the
  Tracy-Widom scale d^{−2/3} around a finite-d centre; Johnstone 2001, El Karoui 2007 for general Σ),
  with the ±5 %/±10 % scale controls and their power in the record.

Wasserstein-1 to the law is recorded as a measured statistic (no threshold).
"""

from __future__ import annotations

import rmtheory as rmt
from rmtheory.params import Integer, Real
from validation.experiments import _compare
from validation.experiments import _figures as fig
from validation.experiments.base import ListOf, Outcome, Param, experiment


def _population_law(values, weights):
    if values is None:
        return None
    return rmt.Atoms(values, weights)


@experiment(
    "least_squares_mp", 1, "Least-squares Hessian vs generalized Marchenko-Pastur",
    tests="eigenvalues of XᵀX/P ~ GMP(d/P, population) (Silverstein & Bai 1995)",
    params={
        "d": Param(200, Integer(2, None), "input dimension (= number of parameters)"),
        "P": Param(400, Integer(2, None), "number of samples"),
        "population_values": Param(None, ListOf(Real(0, None, low_open=True)),
                                   "eigenvalues of Σ (None: identity)", optional=True),
        "population_weights": Param(None, ListOf(Real(0, None)), "their weights", optional=True),
        "train_steps": Param(50, Integer(0, None), "SGD steps before measuring"),
        "lr": Param(0.05, Real(0, None, low_open=True), "SGD learning rate"),
        "alpha": Param(0.01, Real(0, 1, low_open=True, high_open=True), "KS level"),
    })
def run(ctx, p):
    import torch

    from validation.curvature import exact_matrix, hessian
    from validation.data import gaussian
    from validation.experiments._training import fit
    from validation.models import HalfMSELoss
    from validation.train import TrainConfig

    pop = "identity" if p.population_values is None else (p.population_values, p.population_weights)
    law_pop = _population_law(p.population_values, p.population_weights)
    ratio = p.d / p.P
    law = rmt.MarchenkoPastur(ratio) if law_pop is None else rmt.GeneralizedMarchenkoPastur(ratio, law_pop)

    data = gaussian(p.d, p.P, pop, seed=ctx.seed)
    X, y = data.tensors(device=ctx.device)
    model = torch.nn.Linear(p.d, 1, bias=False).to(device=ctx.device, dtype=torch.float64)
    torch.nn.init.zeros_(model.weight)
    result = fit(ctx, model, (X, y), TrainConfig(optimizer="sgd", lr=p.lr, momentum=0.9,
                                                 steps=p.train_steps, loss="mse", seed=ctx.seed,
                                                 early_step=min(10, p.train_steps)))
    H = exact_matrix(hessian(model, HalfMSELoss(), (X, y)))
    lam = torch.linalg.eigvalsh(H).cpu().numpy()

    checks, _, info = _compare.spectral_checks(lam, None, p.alpha, law=law)
    upper = float(law.support[-1][1])
    panel = fig.histogram_with_law(lam, law, f"Hessian of least squares, d={p.d}, P={p.P}",
                                   label=law.expression())
    panel["series"].append(fig.vline(upper, "predicted edge λ₊ (n → ∞)"))
    _compare.judged_marks(panel, {k: v for k, v in info.items() if k != "edge"})
    return Outcome(
        checks,
        measured={**info, "lambda_max": float(lam[-1]), "lambda_min": float(lam[0]),
                  "train_status": result.status, "train_loss": result.final_loss},
        prediction={"law": law.expression(), "support": law.support, "edge": upper,
                    "source": "Silverstein & Bai 1995 (generalized MP)"},
        figure={"panels": [panel]})
