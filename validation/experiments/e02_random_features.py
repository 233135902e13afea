"""Experiment 2: the Gram matrix of random features vs Pennington & Worah (2017).

Measurement: a random-features model f(x) = a·φ(W x/√n0)/√n1 (:class:`validation.models.RandomFeatures`,
W of size n1×n0 fixed with iid N(0, 1) entries) on m Gaussian inputs x ~ N(0, I_n0), its readout
trained by SGD on a linear teacher. The Hessian of L = (1/2m) Σ (f(x_i) − y_i)² with respect to the
readout is ΦᵀΦ/(m n1), Φ the m×n1 feature matrix, at any readout; measured with the curvature
engine and multiplied by n1 it is P&W's M = (1/m) Y Yᵀ with Y = Φᵀ.

Prediction: ``rmtheory.predict.random_features_gram(d=n0, width=n1, P=m, activation)`` — the P&W law
with φ = n0/m, ψ = n0/n1 and the activation's Gaussian moments η, ζ (Péché 2019's linear-plus-noise
equivalent), plus the outlier of a non-centred activation.

Checks: bulk KS, upper edge and outliers with the shared thresholds of :mod:`._compare`.
"""

from __future__ import annotations

from rmtheory.params import Integer, Real
from rmtheory.predict import random_features_gram
from validation.experiments import _compare
from validation.experiments.base import ACTIVATION, Outcome, Param, experiment, no_theory_is_unavailable


@experiment(
    "random_features_gram", 2, "Random-features Gram matrix vs Pennington-Worah",
    tests="spectrum of Y Yᵀ/m, Y = f(WX/√n0) (Pennington & Worah 2017)",
    params={
        "n0": Param(100, Integer(1, None), "input dimension"),
        "n1": Param(200, Integer(1, None), "number of random features (width)"),
        "m": Param(400, Integer(1, None), "number of samples"),
        "activation": Param("tanh", ACTIVATION, "activation (rmtheory.predict.activation_moments names)"),
        "train_steps": Param(50, Integer(0, None), "SGD steps on the readout before measuring"),
        "lr": Param(0.05, Real(0, None, low_open=True), "learning rate"),
        "alpha": Param(0.01, Real(0, 1, low_open=True, high_open=True), "KS level"),
    })
def run(ctx, p):
    import torch

    from validation.curvature import exact_matrix, hessian
    from validation.data import teacher_student
    from validation.experiments._training import fit
    from validation.models import HalfMSELoss, RandomFeatures
    from validation.train import TrainConfig

    with no_theory_is_unavailable("rmtheory.predict.random_features_gram"):
        pred = random_features_gram(d=p.n0, width=p.n1, P=p.m, activation=p.activation, side="features")
    data = teacher_student(p.n0, p.m, "regression", noise=0.1, seed=ctx.seed)
    X, y = data.tensors(device=ctx.device)
    model = RandomFeatures(p.n0, p.n1, 1, p.activation, seed=ctx.seed).to(ctx.device)
    result = fit(ctx, model, (X, y), TrainConfig(optimizer="sgd", lr=p.lr, steps=p.train_steps, loss="mse",
                                                 seed=ctx.seed, early_step=min(10, p.train_steps)),
                 what="training of the readout")
    M = exact_matrix(hessian(model, HalfMSELoss(), (X, y))) * p.n1
    lam = torch.linalg.eigvalsh(M).cpu().numpy()
    checks, bulk, info = _compare.spectral_checks(lam, pred, p.alpha)
    panel = _compare.spectrum_panel(lam, pred, f"random-features Gram, n0={p.n0}, n1={p.n1}, m={p.m}, {p.activation}",
                                   info=info)
    info.update(train_status=result.status, train_loss=result.final_loss)
    return Outcome(checks, measured=info, prediction=_compare.prediction_summary(pred),
                   figure={"panels": [panel]})
