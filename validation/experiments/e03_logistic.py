"""Experiment 3: the Hessian of logistic regression on Gaussian data vs its generalized MP law.

Measurement: logistic regression (one logit, no bias) on P samples x ~ N(0, I_d) with labels from a
logistic teacher (:func:`validation.data.teacher_student`). Its Hessian H = (1/P) Σ σ'(wᵀx_i) x_i x_iᵀ
is measured with the curvature engine (exact matrix) at

* ``at = "init"``: weights drawn at random with norm ``weight_norm``, independent of the data — the
  setting of the prediction;
* ``at = "trained"``: the weights after ``train_steps`` of SGD from zero with an L2 penalty
  ``weight_decay`` (without it the norm grows without bound on separable samples). They depend on the data, an
  assumption the prediction does not make (it treats w as fixed), and the test says whether the
  law still describes the Hessian there; the prediction uses the trained weights' norm. A training
  that diverges (too large a learning rate) ends the run with the status ``diverged``: nothing is
  measured at the weights :func:`validation.train.train` restored (the last finite state, possibly
  the zero initialization), which are not trained weights (:mod:`.base`).

Prediction: ``rmtheory.predict.logistic_hessian(d, P, weight_norm)`` — bulk from
z = −1/m + E[t/(1 + γ t m)], t = σ'(‖w‖v), and the outlier along w (Liao & Mahoney 2021, §3,
reduced to one isotropic Gaussian in :mod:`rmtheory.predict.glm`).

Checks: bulk KS, upper edge and outliers with the shared thresholds of :mod:`._compare` (calibrated
at the run's size on the law's own matrix model).

Finding at ``at = "init"``, d = 100, P = 400 (seeds 0–4, measured with this experiment): λ_max of the
Hessian was 0.333, 0.362, 0.364, 0.346, 0.351 against the model's median 0.365 and 1 % band
[0.3375, 0.396]; the KS distance 0.057, 0.034, 0.027, 0.046, 0.031 against its median 0.030 and
threshold 0.0576. Seed 0 (the quick suite's) falls just outside the edge band; the others pass. The
bulk sits slightly low throughout — a few per cent at the edge, which the calibrated band resolves
at this size and the old 5 n^-2/3 tolerance (23 %) could not. Its source is not established: the
direction of w, whose eigenvalue lies inside the bulk and which the model (a d-dimensional
generalized MP without that direction) does not single out, is the first suspect.

The quick suite runs d = 200, P = 800: at d = 100 the calibrated checks did not reject the law
scaled by 0.9 (power 2/4 at init, 1/4 trained); at d = 200 they reject all four controls in both
runs. There (seed 0) the same finding recurs: at init λ_max = 0.3537 just below its band [0.3542,
0.3911], with the bulk KS distance 0.0118 well inside its threshold 0.0372.
"""

from __future__ import annotations

from rmtheory.params import Integer, OneOf, Real
from rmtheory.predict import logistic_hessian
from validation.experiments import _compare
from validation.experiments.base import Outcome, Param, experiment, no_theory_is_unavailable


@experiment(
    "logistic_hessian", 3, "Logistic-regression Hessian vs generalized Marchenko-Pastur",
    tests="spectrum of (1/P) Σ σ'(wᵀx) x xᵀ (Liao & Mahoney 2021)",
    params={
        "d": Param(100, Integer(1, None), "input dimension"),
        "P": Param(400, Integer(1, None), "number of samples"),
        "at": Param("init", OneOf(("init", "trained")), "weights the Hessian is measured at"),
        "weight_norm": Param(2.0, Real(0, None), "norm of the random weights (at = init)"),
        "teacher_norm": Param(3.0, Real(0, None), "norm of the logistic teacher"),
        "train_steps": Param(200, Integer(1, None), "SGD steps (at = trained; weights after 0 steps are not trained)"),
        "lr": Param(0.5, Real(0, None, low_open=True), "learning rate"),
        "weight_decay": Param(1e-2, Real(0, None), "L2 penalty while training (at = trained)"),
        "alpha": Param(0.01, Real(0, 1, low_open=True, high_open=True), "KS level"),
    })
def run(ctx, p):
    import torch

    from validation.curvature import exact_matrix, hessian
    from validation.data import teacher_student
    from validation.experiments._training import fit
    from validation.models import logistic_regression, loss_function
    from validation.train import TrainConfig

    data = teacher_student(p.d, p.P, "logistic", teacher_norm=p.teacher_norm, seed=ctx.seed)
    X, y = data.tensors(device=ctx.device)
    model = logistic_regression(p.d, 2, seed=ctx.seed).to(ctx.device)
    train_info = {}
    if p.at == "init":
        gen = torch.Generator().manual_seed(ctx.seed + 1_000_003)  # independent of the data's stream
        w = torch.randn(1, p.d, generator=gen, dtype=torch.float64)
        with torch.no_grad():
            model.weight.copy_((w * p.weight_norm / w.norm()).to(ctx.device))
    else:
        # a diverged training stops the run here (status "diverged"): the weights validation.train restored
        # (the last finite state, possibly the zero initialization) are not "trained" weights
        res = fit(ctx, model, (X, y), TrainConfig(optimizer="sgd", lr=p.lr, steps=p.train_steps, loss="bce",
                                                  weight_decay=p.weight_decay,
                                                  seed=ctx.seed, early_step=min(20, p.train_steps)))
        train_info = {"train_status": res.status, "train_loss": res.final_loss}
    norm = float(model.weight.detach().norm())
    with no_theory_is_unavailable("rmtheory.predict.logistic_hessian"):
        pred = logistic_hessian(p.d, p.P, norm)
    # the Hessian of the data term only: the L2 penalty (a training device) would shift it by λI
    H = exact_matrix(hessian(model, loss_function("bce"), (X, y)))
    lam = torch.linalg.eigvalsh(H).cpu().numpy()
    checks, bulk, info = _compare.spectral_checks(lam, pred, p.alpha)
    info.update(train_info, weight_norm=norm)
    panel = _compare.spectrum_panel(lam, pred,
                                    f"logistic Hessian at {p.at} weights (‖w‖ = {norm:.2f}), d={p.d}, P={p.P}",
                                    info=info)
    note = ("" if p.at == "init" else
            "trained weights depend on the data, which the prediction (w fixed) does not assume")
    if p.at == "init" and not all(c.passed for c in checks):
        note = ("the finding of this experiment's docstring: at random weights the Hessian sits a few per cent "
                "below its law (seen at d = 100 and 200); its source is not established — the direction of w, "
                "which the law's model does not single out, is the first suspect")
    return Outcome(checks, measured=info, prediction=_compare.prediction_summary(pred),
                   figure={"panels": [panel]}, note=note)
