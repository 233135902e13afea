"""Experiment 4: the input-output Jacobian of deep MLPs vs Pennington, Schoenholz & Ganguli.

Measurement: ``networks`` independent MLPs of depth L (L layers N → N, each followed by the
activation), weights Gaussian N(0, σ_w²/N) or σ_w × Haar-orthogonal, biases N(0, σ_b²)
(:func:`validation.models.mlp`). Each gets one Gaussian input scaled so that the first layer's
pre-activations have the mean-field fixed-point variance q* (|x|² = N (q* − σ_b²)/σ_w²: the
setting of the theory, where every layer's pre-activations have variance q*). The Jacobian
J = ∂x_L/∂x_0 of the last hidden layer is computed exactly (``torch.func.jacrev``) and the
eigenvalues of J Jᵀ of all networks are pooled (independent matrices).

Prediction: ``rmtheory.predict.deep_jacobian`` — the spectrum of J Jᵀ from the product of S-transforms
(Pennington, Schoenholz & Ganguli 2017, NeurIPS, §3; 2018, AISTATS) at q*, for that depth, weight
distribution and activation.

Checks: bulk KS, upper edge and outliers with the shared thresholds of :mod:`._compare`, calibrated
on the law's own model at this size (N, ``networks`` matrices pooled): L layers with D² drawn iid
from the derivative law, independent of W (``law.model_sample``). Not on real networks: those are
what is measured, and a null drawn from them judged the measurement against itself (power 0 for
the orthogonal runs of ``quick``, now 1).

Finding (quick suite, N = 200, two networks pooled, tanh, seed 0): every run passes but Gaussian
L = 8, whose bulk KS distance 0.0153 is just above its calibrated 1 % threshold 0.0144 (λ_max
within its band); L/N = 0.04 is where a real network's finite-width correlations between D and W,
absent from the model, start to show (issue 14 measures the law failing outright by L/N = 0.2). One
marginal 1 % rejection among the suite's ~16 such checks is also what chance alone gives often.

Power. With Gaussian weights the spectrum spreads over decades as L grows, so a ±10 % error in its
scale moves the cdf by little: sup_x |F(x) − F(x/1.1)| = 0.030, 0.018, 0.011, 0.0063 at L = 1, 2, 4,
8 (tanh at the quick suite's σ_w, σ_b), against calibrated KS thresholds of 0.014-0.016 at N = 200
with two networks. The λ_max band is wide too (deep products fluctuate strongly at the top: [13.7,
23.9] at L = 8). So at L ≥ 4 the checks resolve only part of the ±10 % controls (quick, seed 0:
law × 0.9 rejected at L = 4 but not at L = 8; × 1.1 rejected at both), and the record says so; four
pooled networks at L = 8 did not help (power 1/4, 60 s). Orthogonal weights keep the spectrum
narrow, and N = 100 rejects every ±10 % control.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import rmtheory as rmt
from rmtheory.params import Integer, OneOf, ParameterError, Real
from rmtheory.predict import deep_jacobian, tracy_widom_edge
from validation.experiments import _compare
from validation.experiments.base import ACTIVATION, Outcome, Param, experiment, no_theory_is_unavailable

#: eigenvalues below FLOOR × the predicted edge count as 0 (measured, null and law alike): a float64
#: product of L layers resolves singular values to about L·ε·s_max, so s² to ~10⁻²⁶ s_max² at L = 100
FLOOR = 1e-16


def jacobian_spectrum(N, L, activation, weights, sigma_w, sigma_b, q_star, seed, device="cpu"):
    """Eigenvalues of J Jᵀ of one random network (float64, ascending). ``q_star`` NaN means a
    scale-free network (ReLU-like without bias), where any input norm gives the same J."""
    import torch
    from torch.func import jacrev

    from validation.models import mlp

    net = mlp(N, N, L, 1, activation, sigma_w=sigma_w, sigma_b=sigma_b, weights=weights,
              seed=seed).to(device)
    hidden = net[:-1]                                      # drop the readout: x_L as a function of x_0
    gen = torch.Generator().manual_seed(seed + 7_919)
    x = torch.randn(N, generator=gen, dtype=torch.float64)
    q = 1.0 if math.isnan(q_star) else q_star
    x *= math.sqrt(N * max(q - sigma_b**2, 0.0) / sigma_w**2) / x.norm()
    with torch.no_grad():
        J = jacrev(hidden)(x.to(device))
    return torch.linalg.eigvalsh(J @ J.T).cpu().numpy()


def _finite_width_edge(law, N):
    """(mean, sd) of λ_max at width N from the Tracy-Widom edge law, or None where it does not apply."""
    try:
        tw = tracy_widom_edge(law, N, beta=1)
    except ParameterError:  # NoTheoryError: a hard or non-square-root edge, no finite-N statement
        return None
    return float(tw.mean()), float(tw.std())


@functools.lru_cache(maxsize=64)
def predicted(L, activation, weights, sigma_w, sigma_b):
    """The PSG prediction (width-free: the N → ∞ law), cached: experiment 8 asks for the same
    depths as experiment 4, and each costs seconds of S-transform solves."""
    with no_theory_is_unavailable("rmtheory.predict.deep_jacobian"):
        return deep_jacobian(L, activation, sigma_w=sigma_w, sigma_b=sigma_b, weights=weights)


def _depth_controls(bulk, law, threshold, info, p):
    """A deep product's spectrum spans decades, so a ±10 % error in its scale moves the cdf by little
    and the scale controls go unresolved; the nearby wrong prediction that matters here is the law of
    a depth 10 % off (a finite-width correction of O(L/N) would look like one). Judged by the same
    calibrated KS threshold; they join the record's controls and its power."""
    for factor in (0.9, 1.1):
        depth = max(1, round(factor * p.L))
        if depth == p.L:
            continue
        alt = predicted(depth, p.activation, p.weights, p.sigma_w, p.sigma_b)
        d = rmt.stats.ks_test(bulk, _compare.ResolvedLaw(alt.law, law.floor)).statistic
        info["controls"].append({"control": f"law at depth {depth} (L × {factor:g})", "ks": d,
                                 "bulk_rejected": bool(d > threshold), "rejected": bool(d > threshold)})
    info["power"] = sum(r["rejected"] for r in info["controls"]) / len(info["controls"])


@experiment(
    "deep_jacobian", 4, "Input-output Jacobian of deep MLPs vs Pennington-Schoenholz-Ganguli",
    tests="spectrum of J Jᵀ at q* from products of S-transforms (PSG 2017, 2018)",
    params={
        "N": Param(200, Integer(2, None), "width"),
        "L": Param(4, Integer(1, None), "depth (layers N → N)"),
        "weights": Param("orthogonal", OneOf(("gaussian", "orthogonal")), "weight distribution"),
        "activation": Param("tanh", ACTIVATION, "activation"),
        "sigma_w": Param(1.05, Real(0, None, low_open=True), "weight scale σ_w"),
        "sigma_b": Param(0.05, Real(0, None), "bias scale σ_b"),
        "networks": Param(2, Integer(1, None), "independent networks pooled"),
        "alpha": Param(0.01, Real(0, 1, low_open=True, high_open=True), "KS level"),
    })
def run(ctx, p):
    pred = predicted(p.L, p.activation, p.weights, p.sigma_w, p.sigma_b)
    q_star = float(pred.quantities["q_star"])
    lam = np.sort(np.concatenate([
        jacobian_spectrum(p.N, p.L, p.activation, p.weights, p.sigma_w, p.sigma_b, q_star,
                          ctx.seed * 1000 + i, ctx.device) for i in range(p.networks)]))
    # the null is the law's own model (D² iid from the t-law), not law.sample's real networks: those
    # are what is measured, and a null drawn from them would test the measurement against itself (a
    # one-layer orthogonal law, D² W Wᵀ = D², samples its model already)
    law, null_model = pred.law, getattr(pred.law, "model_sample", None)
    if p.weights == "gaussian" and p.L > 1 and null_model is not None:
        # computed eigenvalues below ~10⁻²⁶ × λ_max are rounding noise of the product, and a deep
        # product puts much of its mass there: compare at a floor fixed from the law, 10⁻¹⁶ × its edge
        law = _compare.ResolvedLaw(pred.law, FLOOR * pred.law.support[-1][1])
        lam = law.resolve(lam)
        model = null_model
        null_model = lambda n, rng: law.resolve(model(n, rng))     # noqa: E731
    checks, bulk, info = _compare.spectral_checks(lam, pred, p.alpha, n=p.N, law=law, matrices=p.networks,
                                                  null_model=null_model)
    if law is not pred.law:
        info.update(resolution_floor=law.floor, mass_below_floor=law.below)
        _depth_controls(bulk, law, checks[0].high, info, p)
    finite = _finite_width_edge(pred.law, p.N)
    if finite:
        # not a second threshold: the record says where the finite-N theory puts λ_max, so an edge
        # fail at large depth (a thin edge, so a large N^{-2/3} bias) can be read against it
        mean, std = finite
        info.update(lambda_max_tracy_widom_mean=mean, lambda_max_tracy_widom_std=std)
        for c in checks:
            if c.name == "upper edge":
                c.note = (f"{c.note}; finite-N Tracy-Widom (given D) puts λ_max at {mean:.4g} ± {std:.3g}: "
                          f"measured is {(c.measured - mean) / std:+.2f} sd from it (fluctuations of D² widen this)")
    info.update(networks=p.networks, lambda_max=float(lam[-1]), mean=float(lam.mean()))
    # Gaussian weights put a spike at 0 that grows with L: a log density axis shows the rest
    panel = _compare.spectrum_panel(lam, pred, f"J Jᵀ, {p.weights} {p.activation}, N={p.N}, L={p.L}", info=info,
                                    yscale="log" if p.weights == "gaussian" and p.L > 1 else "linear")
    note = ""
    if not all(c.passed for c in checks):
        note = ("a finding, not a threshold to move (module docstring): the law's model has D² iid and "
                "independent of W, a real network at finite width does not; with Gaussian weights at L/N = "
                f"{p.L / p.N:.2g} that difference starts to show (issue 14 measures the law failing outright by "
                "L/N = 0.2), and one marginal 1 % rejection among the suite's spectral checks is also what "
                "chance gives")
    return Outcome(checks, measured=info, prediction=_compare.prediction_summary(pred), note=note,
                   figure={"panels": [panel]})
