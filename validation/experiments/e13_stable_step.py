"""Experiment 13: the largest stable full-batch GD step at initialization vs 2/λ_max.

Measurement: the two-layer network of experiments 11-12 (f(x) = a·φ(W x/√d)/√N, NTK parametrization,
a, W iid N(0, 1), all trained; :class:`validation.models.RandomFeatures` with
``train_first_layer=True``) on P Gaussian inputs with teacher targets, the half-MSE loss. For each of
``networks`` networks, full-batch GD from initialization for ``steps`` steps at step η is *unstable*
when its loss rises above 1.1 × its running minimum within those steps (the top mode's residual is
multiplied by |1 − ηλ| a step: below 2/λ every mode contracts and the loss of a quadratic falls at
every step). Bisection on η (``bisections`` halvings of the bracket [0.25, 4] × the predicted step, on
a log scale) gives the threshold η_c of each network. Also measured: λ_max of the exact Hessian at
initialization (Lanczos on :func:`validation.curvature.hessian`, tolerance 1e-8). The GD here is a
probe of stability, not a fit: its blow-ups are the measurement (each probe starts again from the
initialization), so it does not go through the suite's divergence-recording fit.

Prediction: :func:`rmtheory.predict.advise` (``rmtheory advise``) at σ_w = 1:
η* = 2/λ_max(G), G the Gauss-Newton matrix, λ_max(G) from the two-layer NTK Gram law; the residual
part moves the Hessian's λ_max by less than 2σ_R (the advice's band).

Checks (fixed before any run):

* ``threshold vs predicted step``: the median over networks of η_c/η* within [0.8, 1.25]. The band is
  the sum of two stated errors: the NTK law's λ_max at this size (its neglected O(n^(-1/2)) part,
  9-10 % at d = 60, N = 100, P = 150 in the tests of ``rmtheory.predict.advise``) and the
  detection delay of a threshold seen in ``steps`` steps: a top mode holding a share ~1/P of the loss
  and growing by (1 + δ) a step is seen once (1 + δ)^{2t} ≳ 0.1 P, so η_c sits above 2/λ by
  δ ≲ ln(0.1 P)/(2 steps) (4 % at P = 150, 40 steps).
* ``threshold vs measured λ_max(H)``: the median of η_c λ_max(H)/2 within [0.97, 1 + ln(0.1 P)/steps
  + 0.03] — the dynamical claim itself, without the law (the quadratic model of the loss near
  initialization, the stated delay, 3 % for the bisection's resolution and the nonlinearity).

Controls (nearby wrong predictions, each judged by the first check's band): 1/λ_max (the step of
gradient flow's "η λ < 1"), 4/λ_max (the catapult bound of Lewkowycz et al. 2020), and for an
activation whose λ_max(G) is an outlier (E φ ≠ 0: ReLU) the bulk edge's 2/λ_edge in its place.

Measured (seed 0, d = 60, N = 100, P = 150, three networks, the quick suite's runs): tanh η_c/η* =
1.086 and η_c λ_max(H)/2 = 1.074, ReLU 0.975 and 1.043; every control rejected (2/2, 3/3). Outside the
lazy regime the claim fails, as it should: at N = 60 (d = 40, P = 100, tanh) the thresholds sit 30 %
above η* and 21 % above 2/λ_max(H) — a narrow network's curvature moves within its first steps.
"""

from __future__ import annotations

import math

import numpy as np

from rmtheory.params import Integer, OneOf
from validation.experiments import _figures as fig
from validation.experiments.base import Check, Outcome, Param, experiment, no_theory_is_unavailable

#: a rise of the loss above this factor × its running minimum within the first steps is instability
RISE = 1.1
#: the bisection bracket, × the predicted step (log scale)
BRACKET = (0.25, 4.0)


def _unstable(model, X, y, eta, steps):
    """True when full-batch GD at step ``eta`` lets the half-MSE loss rise above RISE × its running
    minimum within ``steps`` steps (or leave the finite numbers); the model is left untouched."""
    import torch

    params = [p.detach().clone().requires_grad_(True) for p in model.parameters()]
    names = [n for n, _ in model.named_parameters()]
    best = math.inf
    for _ in range(steps):
        out = torch.func.functional_call(model, dict(zip(names, params)), (X,))
        loss = 0.5 * ((out.reshape(-1) - y) ** 2).mean()
        value = float(loss.detach())
        if not math.isfinite(value) or value > RISE * best:
            return True
        best = min(best, value)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            params = [(p - eta * g).requires_grad_(True) for p, g in zip(params, grads)]
    return False


def _threshold(model, X, y, eta_pred, steps, bisections):
    lo, hi = math.log(BRACKET[0] * eta_pred), math.log(BRACKET[1] * eta_pred)
    if _unstable(model, X, y, math.exp(lo), steps) or not _unstable(model, X, y, math.exp(hi), steps):
        return math.nan                      # the threshold is not inside the bracket
    for _ in range(bisections):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if _unstable(model, X, y, math.exp(mid), steps) else (mid, hi)
    return math.exp(0.5 * (lo + hi))


@experiment(
    "stable_step", 13, "Largest stable full-batch GD step at initialization vs 2/λ_max (rmtheory advise)",
    tests="the stable-step advice 2/λ_max(G) of rmtheory.predict.advise, on real GD",
    params={
        "activation": Param("tanh", OneOf(("tanh", "relu", "erf", "gelu")), "activation"),
        "d": Param(60, Integer(1, None), "input dimension"),
        "width": Param(100, Integer(1, None), "hidden width N"),
        "P": Param(150, Integer(2, None), "number of samples"),
        "networks": Param(3, Integer(1, None), "independent networks"),
        "steps": Param(40, Integer(2, 10_000), "GD steps watched for a rise of the loss"),
        "bisections": Param(10, Integer(1, 40), "halvings of the log-bracket [0.25, 4] × predicted"),
    })
def run(ctx, p):
    import torch

    from rmtheory.predict import advise
    from validation.curvature import hessian, lanczos
    from validation.data import teacher_student
    from validation.models import HalfMSELoss, RandomFeatures

    with no_theory_is_unavailable("rmtheory.predict.advise"):
        advice = advise(width=p.width, depth=1, d=p.d, P=p.P, activation=p.activation, sigma_w=1.0)
    eta_pred = advice.stable_step
    data = teacher_student(p.d, p.P, "regression", noise=0.1, seed=ctx.seed)
    X = torch.as_tensor(data.X, dtype=torch.float64, device=ctx.device)
    y = torch.as_tensor(np.asarray(data.y, float).reshape(-1), dtype=torch.float64, device=ctx.device)
    thresholds, tops = [], []
    for i in range(p.networks):
        model = RandomFeatures(p.d, p.width, 1, p.activation, seed=ctx.seed * 1000 + i,
                               train_first_layer=True).to(ctx.device)
        tops.append(float(lanczos(hessian(model, HalfMSELoss(), (X, y.reshape(-1, 1))), k=1,
                                  tol=1e-8).eigenvalues[0]))
        thresholds.append(_threshold(model, X, y, eta_pred, p.steps, p.bisections))
    thresholds, tops = np.array(thresholds), np.array(tops)
    delay = math.log(max(0.1 * p.P, 1.0)) / p.steps
    ratio_pred = float(np.median(thresholds / eta_pred))
    ratio_meas = float(np.median(thresholds * tops / 2.0))
    band_pred = (0.8, 1.25)
    band_meas = (0.97, 1.0 + delay + 0.03)
    controls = [("1/λ_max (η λ < 1)", 0.5), ("4/λ_max (catapult bound)", 2.0)]
    ggn = None
    if advice.ggn_lambda_max_source == "outlier":
        from rmtheory.predict import ggn as predicted_ggn

        ggn = predicted_ggn(width=p.width, depth=1, d=p.d, P=p.P, activation=p.activation, sigma_w=1.0)
        edge = max(b for _, b in ggn.edges) / p.P
        controls.append(("2/λ_edge (the bulk edge in place of the outlier)", advice.lambda_max_ggn / edge))
    rows = [{"control": label, "rejected": not (band_pred[0] <= float(np.median(thresholds / (f * eta_pred)))
                                                 <= band_pred[1])} for label, f in controls]
    hit = sum(r["rejected"] for r in rows)
    checks = [
        Check("threshold vs predicted step", "median over networks of η_c / (2/λ_max(G) predicted)", ratio_pred,
              *band_pred, sample_size=p.networks, prediction=eta_pred, measured=float(np.median(thresholds)),
              note=(f"η_c per network {np.round(thresholds, 6).tolist()}; band: the NTK law's finite-size error "
                    f"and the detection delay ln(0.1 P)/(2·steps) = {delay / 2:.3f}; controls rejected "
                    f"{hit}/{len(rows)}")),
        Check("threshold vs measured λ_max(H)", "median over networks of η_c λ_max(H) / 2", ratio_meas,
              *band_meas, sample_size=p.networks, prediction=1.0, measured=ratio_meas,
              note=(f"λ_max(H) per network {np.round(tops, 6).tolist()} (Lanczos, tol 1e-8); band: the "
                    f"detection delay ≤ {delay:.3f} and 0.03 for the bisection and the nonlinearity")),
    ]
    pan = fig.panel(f"stable step, {p.activation}, d={p.d}, N={p.width}, P={p.P}", "network", "η", [
        fig.points(np.arange(p.networks), thresholds, "measured threshold η_c (bisection)"),
        # a line, so it reads apart from the thresholds (measured series share one colour)
        fig.line(np.arange(p.networks), 2.0 / tops, "2/λ_max(H) measured (Lanczos), per network", role="measured"),
        fig.line(np.array([-0.5, p.networks - 0.5]), np.full(2, eta_pred), "predicted 2/λ_max(G) (NTK law)"),
        fig.line(np.array([-0.5, p.networks - 0.5]), np.full(2, advice.stable_step_band[0]),
                 "with the residual part's bound", role="predicted")], yscale="log")
    return Outcome(
        checks,
        measured={"thresholds": thresholds.tolist(), "lambda_max_hessian": tops.tolist(),
                  "ratio_to_predicted": ratio_pred, "ratio_to_measured": ratio_meas, "detection_delay": delay,
                  "controls": rows, "power": hit / len(rows)},
        prediction={"stable_step": eta_pred, "stable_step_band": list(advice.stable_step_band),
                    "lambda_max_ggn": advice.lambda_max_ggn, "from": advice.ggn_lambda_max_source,
                    "residual_radius": advice.residual_radius, "source": advice.sources["step"]},
        figure={"panels": [pan]})
