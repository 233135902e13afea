"""Experiment 16: one training with its geometry measured at fixed checkpoints, and its outcomes — a
point of the ``geometry`` suite, whose report asks whether the metrics predict the outcomes.

Measurement: a network (``model``, ``width``, ``depth``) trained on ``n`` samples of ``dataset`` with
``optimizer`` (``sgd``: mini-batch SGD with batches of ``batch_size``; ``momentum``: the same with
heavy-ball β = 0.9; ``adam``) at step ``lr`` for ``steps`` steps, with a
:class:`validation.dynamics.CurvatureTracker` on the full training set at ``checkpoints`` + 1
equally spaced steps (0, steps/checkpoints, …, steps). At each checkpoint: λ_max, the top-k
eigenvalues (k = ``top_k``, 5 by default) and the gradient alignment GA_k (Gur-Ari et al. 2018: the
fraction of ‖∇L‖² in the top-k eigenspace; their k is the number of classes), the trace (XTrace, 40 products),
SLQ (40 steps × 4 probes; Ghorbani et al. 2019) and from it the participation ratio, negative
fraction, bulk ratio and edge sharpness (:mod:`validation.curvature.metrics`), the gradient norm and
the gradient's cosine with the previous checkpoint's. The metric ``ga_5`` is named ``ga_<top_k>``
when ``top_k`` ≠ 5; ``measured`` also holds that series as ``ga_k`` and the top-k eigenvalues at
each checkpoint.

Outcomes: the step at which the full training loss first fell below ``target`` (evaluated every 10
steps; ``steps`` + 10 if never — "not within the budget"), the final training loss, the test
accuracy on ``n_test`` held-out samples and the generalization gap (test loss − training loss).

Check (the measurement's own consistency, fixed before any run): the tracker's final λ_max — on its
own Hessian-vector products, a retained double-backward graph — against Lanczos on
:func:`validation.curvature.hessian` (an independent product implementation) to 1e-8: relative
difference ≤ 1e-5 + the tracker's stated relative residual. Whether geometry predicts training is
the suite report's question (rank correlations with bootstrap intervals and permutation p-values,
``guidelines.md``: :mod:`validation.suites.geometry`), not a check of one run.
"""

from __future__ import annotations

import math

from rmtheory.params import Integer, OneOf, Real
from validation.experiments import _dynamics as dyn
from validation.experiments import _figures as fig
from validation.experiments.base import Check, Outcome, Param, experiment

#: the metrics recorded at each checkpoint (tracker columns)
METRICS = ("lambda_max", "trace", "ga_5", "participation_ratio", "negative_fraction", "bulk_ratio",
           "edge_sharpness", "grad_norm", "grad_cosine", "train_loss")
#: the outcomes of a training
OUTCOMES = ("steps_to_target", "final_train_loss", "test_accuracy", "generalization_gap")


@experiment(
    "geometry", 16, "Geometry through training and training outcomes (one point of the geometry suite)",
    tests="the tracker's λ_max against the curvature operators; metrics vs outcomes in the suite report",
    params={
        **dyn.network_params(width=32),
        "optimizer": Param("sgd", OneOf(("sgd", "momentum", "adam")), "sgd, momentum (β = 0.9) or adam"),
        "lr": Param(0.1, Real(0, None, low_open=True), "step size"),
        "batch_size": Param(64, Integer(1, None), "mini-batch size"),
        "n": Param(500, Integer(10, None), "training samples"),
        "n_test": Param(500, Integer(1, None), "test samples"),
        "steps": Param(400, Integer(10, None), "optimizer steps"),
        "checkpoints": Param(4, Integer(1, 100), "measurements after the one at initialization"),
        "target": Param(0.3, Real(0, None, low_open=True), "training loss whose reaching is timed"),
        "top_k": Param(5, Integer(1, 100), "eigenvalues of the top-k eigenspace and GA_k (Gur-Ari et al.: k = C)"),
    })
def run(ctx, p):
    import torch

    from validation.curvature import hessian, lanczos
    from validation.dynamics import CurvatureTracker
    from validation.experiments._training import fit
    from validation.models import loss_function
    from validation.train import TrainConfig

    train_set, test_set = dyn.split(p.dataset, p.n, p.n_test, ctx.seed)
    X, y = train_set.tensors(device=ctx.device)
    Xt, yt = test_set.tensors(device=ctx.device)
    loss_fn = loss_function("cross_entropy")
    torch.manual_seed(ctx.seed)
    model = dyn.build_model(p.model, train_set, p.width, p.depth, p.activation, ctx.seed, ctx.device)
    every = max(1, p.steps // p.checkpoints)
    tracker = CurvatureTracker(model, loss_fn, (X, y), test=(Xt, yt), every=every, shared_graph=False,
                               top_k=p.top_k, top_k_every=1, trace_every=1, spectrum_every=1, seed=ctx.seed)
    # mini-batch "sgd" is plain gradient steps: the "gd" update of the dynamics experiments
    opt = dyn.optimizer_config("gd" if p.optimizer == "sgd" else p.optimizer, 0.9)
    cfg = TrainConfig(lr=p.lr, steps=p.steps, batch_size=p.batch_size, loss="cross_entropy", seed=ctx.seed,
                      eval_every=10, early_step=min(10, p.steps), **opt)
    result = fit(ctx, model, (X, y), cfg, what=f"{p.optimizer} training at η = {p.lr:g}", tracker=tracker)
    reach = next((s for s, loss in result.history if loss <= p.target), p.steps + 10)
    with torch.no_grad():
        out = model(Xt)
        test_loss = float(loss_fn(out, yt))
        test_acc = float((out.argmax(1) == yt).double().mean())
    outcomes = {"steps_to_target": float(reach), "final_train_loss": float(result.final_loss),
                "test_accuracy": test_acc, "generalization_gap": test_loss - float(result.final_loss)}
    steps = [int(r["step"]) for r in tracker.records]
    names = tuple(f"ga_{p.top_k}" if m == "ga_5" else m for m in METRICS)
    metrics = {m: [None if r.get(m) is None or not math.isfinite(float(r[m])) else float(r[m])
                   for r in tracker.records] for m in names}
    last = tracker.records[-1]
    exact = float(lanczos(hessian(model, loss_fn, (X, y)), k=1, tol=1e-8).eigenvalues[0])
    rel = abs(last["lambda_max"] - exact) / abs(exact)
    allowed = 1e-5 + last["lambda_max_error"] / abs(last["lambda_max"])
    checks = [Check("tracker λ_max vs curvature operators", "relative difference of the final λ_max", rel,
                    None, allowed, sample_size=1, prediction=exact, measured=last["lambda_max"],
                    note=(f"tracker at step {last['step']} ({last['lambda_max_products']} products, relative "
                          f"residual {last['lambda_max_error'] / abs(last['lambda_max']):.2g}); Lanczos on "
                          "validation.curvature.hessian to 1e-8"))]
    pan = fig.panel(f"geometry through training: {p.optimizer} η = {p.lr:g}, {p.model} {p.width}×{p.depth} on "
                    f"{p.dataset}", "step", "value", [
                        fig.line(steps, metrics["lambda_max"], "λ_max", role="measured"),
                        fig.line(steps, metrics["train_loss"], "training loss", role="measured"),
                        fig.line(steps, [r.get("test_loss") for r in tracker.records], "test loss", role="measured")],
                    yscale="log")
    return Outcome(checks,
                   measured={"checkpoints": steps, "metrics": metrics, "outcomes": outcomes,
                             "top_k": p.top_k, "ga_k": metrics[f"ga_{p.top_k}"],
                             "top_eigenvalues": [r.get("top_eigenvalues") for r in tracker.records],
                             "train_status": result.status, "measure_seconds": tracker.measure_seconds},
                   prediction={"lambda_max_exact_final": exact},
                   figure={"panels": [pan]})
