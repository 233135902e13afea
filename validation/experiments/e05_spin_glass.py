"""Experiment 5: gradient descent on spherical 3-spin glasses vs the Kac-Rice threshold picture.

Measurement and criteria are those of :func:`rmtheory.kacrice.monte_carlo.threshold_check`
(NumPy; projected gradient descent from random starts on sampled Hamiltonians, tangent Hessians
diagonalized at the points reached). Prediction (Auffinger, Ben Arous & Černý 2013; Cugliandolo &
Kurchan 1993): descent stops near the threshold energy −E_∞, where the Hessian is the shifted
semicircle with its left edge at 0.

Checks (fixed before any run; the energy and marginal-stability thresholds are those of
:mod:`rmtheory.kacrice.monte_carlo`, the Hessian-bulk calibration is this module's):

* energy: |mean reached energy per spin + E_∞| ≤ 0.03 + n^{−2/3};
* Hessian bulk: the largest KS distance over the reached points of the n − 1 tangent eigenvalues
  to the semicircle at the point's energy, judged against a threshold *calibrated at this size*: the
  (1 − 0.01/count) quantile (Bonferroni over the points) of the KS distance of GOE(n − 1) spectra to
  their semicircle — the Hessian's own model at a critical point of given energy (ABC 2013, §3: a
  shifted, scaled GOE). KS is affine invariant, so one null serves every point; it is drawn from
  the Dumitriu-Edelman tridiagonal model, ⌈5 count/0.01⌉ spectra. The iid KS p-value (which passed
  every point with p = 1: eigenvalues of one matrix repel) is kept in the note. Controls: the
  semicircle's radius at each point × 0.9, 0.95, 1.05, 1.1;
* marginal stability: max |λ_min| ≤ 3√(p(p−1)) n^{−2/3} over the reached points.

Finite-n expectation. The statements above are n → ∞ limits; at finite n descent stops *above*
−E_∞ in minima (λ_min > 0), and both the gap and λ_min shrink with n. Measured by
``benchmarks/kacrice_monte_carlo.py`` (n = 50…400, 24 descents per n, every one converged to a
minimum): gap ≈ 0.645 n^{−0.48 ± 0.17} (+0.075 at n = 100), median λ_min ≈ 3.5 n^{−2/3} (0.167 at
n = 100), λ_min of single minima up to 0.41 at n = 100. So at the quick suite's n = 100 the energy
check is expected to pass narrowly and the every-point marginal-stability check — fixed before any
run, kept as it is — is expected to fail for a few minima: λ_min there is on the n^{−2/3} scale but
above 3√6 n^{−2/3} for some minima. Such a fail shows the slow approach to marginal stability, not a
wrong threshold energy. The threshold and the ground state differ by only 0.024 in energy per spin
(p = 3) against an energy tolerance of 0.076 at n = 100: the E_0 control is rejected only when the
reached energies lie far enough above −E_∞ (seed 0: gap +0.064, so E_0 is off by 0.088 and rejected).

Controls (fixed before any run): the energy check against −c·E_∞ for c = 0.9, 0.95, 1.05, 1.1 and
against the ground state −E_0; the record states which it rejects (power).
"""

from __future__ import annotations

import numpy as np

from rmtheory.kacrice import SphericalSpinGlass
from rmtheory.kacrice.monte_carlo import KS_ALPHA, threshold_check
from rmtheory.laws import Semicircle
from rmtheory.params import Integer, Real
from validation.experiments import _figures as fig
from validation.experiments.base import Check, Outcome, Param, experiment


def _standardized(res, model, n):
    """Each reached point's tangent eigenvalues mapped by its own semicircle to the standard one on
    [−2, 2]: (λ − centre)/√variance, the variance that of the n − 1 dimensional tangent space."""
    out = []
    for lam, energy in zip(res.eigenvalues.reshape(-1, n - 1), res.energies.ravel()):
        law = model.hessian_law(energy)
        out.append((lam - law.center) / np.sqrt(law.variance * (n - 1) / n))
    return out


def _calibrated_bulk(res, model, n, count) -> dict:
    """The Hessian-bulk check's statistic, calibrated threshold and controls (module docstring)."""
    from rmtheory.ensembles import beta_hermite_eigenvalues
    from rmtheory.stats.calibration import calibrate

    level = KS_ALPHA / count
    draws = int(np.ceil(5 / level))
    cal = calibrate(Semicircle(), n - 1, "ks", level=level, draws=draws, rng=0,
                    sampler=lambda size, g: beta_hermite_eigenvalues(size, 1.0, g), sampler_key="goe-tridiagonal")
    z = _standardized(res, model, n)
    distances = [cal.statistic_of(x) for x in z]
    controls = []
    for factor in (0.9, 0.95, 1.05, 1.1):
        worst = max(cal.statistic_of(x / factor) for x in z)
        controls.append({"control": f"semicircle radius × {factor:g}", "largest_ks": worst,
                         "rejected": bool(cal.rejects(worst))})
    return {"largest": float(max(distances)), "threshold": cal.threshold, "distances": distances,
            "method": cal.method + f" (Bonferroni level {KS_ALPHA:g}/{count})", "draws": draws,
            "controls": controls, "rejected": sum(c["rejected"] for c in controls),
            "summary": cal.summary()}


@experiment(
    "spin_glass_descent", 5, "Spherical 3-spin gradient descent vs the threshold energy −E_∞",
    tests="GD stops at −E_∞ with a semicircle Hessian whose left edge is 0 (ABC 2013)",
    params={
        "n": Param(60, Integer(4, 400), "number of spins"),
        "p": Param(3, Integer(3, 4), "degree of the pure p-spin model"),
        "starts": Param(4, Integer(1, None), "descents per sampled Hamiltonian"),
        "samples": Param(2, Integer(1, None), "sampled Hamiltonians"),
        "step": Param(0.15, Real(0, None, low_open=True), "step size η"),
        "max_steps": Param(20000, Integer(1, None), "step budget"),
        "gtol": Param(1e-6, Real(0, None, low_open=True), "stop when |P∇H|/√n < gtol"),
    })
def run(ctx, p):
    res = threshold_check(p.n, starts=p.starts, samples=p.samples, p=p.p, rng=ctx.seed,
                          step=p.step, max_steps=p.max_steps, gtol=p.gtol)
    model = SphericalSpinGlass(p.p)
    count = int(res.energies.size)
    bulk = _calibrated_bulk(res, model, p.n, count)
    checks = [
        Check("reached energy", "|mean energy per spin + E_∞|", abs(res.energy_gap),
              high=res.energy_tolerance, sample_size=count, prediction=-res.e_inf,
              measured=res.mean_energy, note=f"standard error {res.energy_stderr:.4f}"),
        # Bonferroni over the reached points (their number is fixed by the parameters before any
        # run), so the family-wise false-alarm rate stays at KS_ALPHA however many points there are
        Check("Hessian bulk", "largest KS distance over reached points, threshold calibrated at this size",
              bulk["largest"], high=bulk["threshold"], sample_size=count * (p.n - 1),
              note=(f"{count} points, each n − 1 = {p.n - 1} tangent eigenvalues; {bulk['method']}; smallest iid "
                    f"KS p-value {float(res.ks_pvalues.min()):.3g}; controls (radius × 0.9, 0.95, 1.05, 1.1) "
                    f"rejected {bulk['rejected']}/4")),
        Check("marginal stability", "max |λ_min| over reached points",
              float(np.abs(res.lambda_min).max()), high=res.edge_tolerance, sample_size=count,
              prediction=0.0, measured=float(res.lambda_min.mean())),
    ]
    controls = []
    targets = [(f"E_∞ × {c:g}", c * res.e_inf) for c in (0.9, 0.95, 1.05, 1.1)]
    targets.append(("E_0 (ground state)", model.energy_thresholds(1).e_k[0]))
    for label, target in targets:
        gap = abs(res.mean_energy + target)
        controls.append({"control": label, "energy_gap": gap, "rejected": bool(gap > res.energy_tolerance)})
    ten = all(c["rejected"] for c in controls[:4:3])
    controls += bulk["controls"]
    rejected = sum(c["rejected"] for c in controls)
    energy_rejected = sum(c["rejected"] for c in controls[:5])
    checks[0].note += (f"; controls rejected {energy_rejected}/5 ({', '.join(c['control'] for c in controls[:5])})"
                       + ("" if ten else ": this n cannot resolve a ±10 % error in E_∞"))
    # Figure: the pooled tangent spectra against the semicircle at the mean reached energy.
    law = model.hessian_law(res.mean_energy)
    law = Semicircle(variance=law.variance * (p.n - 1) / p.n, center=law.center)
    pan1 = fig.histogram_with_law(res.eigenvalues.ravel(), law,
                                  f"tangent Hessians at {count} reached points, n={p.n}",
                                  label="semicircle at the mean reached energy")
    pan1["series"].append(fig.vline(0.0, "marginal stability (λ = 0)"))
    e0 = model.energy_thresholds(1).e_k[0]
    energies = res.energies.ravel()
    pan2 = fig.panel("reached energies per spin", "start", "H/n",
                     [fig.points(np.arange(energies.size), energies, "reached"),
                      fig.hline(-res.e_inf, "−E_∞ (threshold)"),
                      fig.hline(-e0, "−E_0 (ground state)")])
    notes = []
    if not checks[2].passed:
        over = int(np.sum(np.abs(res.lambda_min) > res.edge_tolerance))
        sign = "all positive" if np.all(res.lambda_min > 0) else "of both signs"
        notes.append("the finite-n expectation (module docstring: median λ_min ≈ 3.5 n^(−2/3), some minima above "
                     "the every-point bound at n ≥ 100) — ")
        notes[-1] += (f"{over} of {count} reached points have |λ_min| above {res.edge_tolerance:.3f} "
                     f"(λ_min {sign}, median {np.median(res.lambda_min):.3f}): descent stopped in minima "
                     f"{'above' if res.energy_gap > 0 else 'below'} −E_∞ (gap {res.energy_gap:+.3f}); at finite n "
                     "such minima exist and the gap and λ_min shrink with n (benchmarks/kacrice_monte_carlo.py "
                     "measures n = 50…400), but the every-point criterion fixed in advance is not met at this n")
    return Outcome(
        checks,
        note="; ".join(notes),
        measured={"mean_energy": res.mean_energy, "energy_stderr": res.energy_stderr,
                  "converged_fraction": res.converged_fraction,
                  "lambda_min": res.lambda_min.ravel().tolist(),
                  "ks_pvalues": res.ks_pvalues.ravel().tolist(), "steps": res.details["steps"],
                  "median_lambda_min": float(np.median(res.lambda_min)),
                  "expected_median_lambda_min": 3.5 * p.n ** (-2.0 / 3.0), "controls": controls,
                  "calibration": {"hessian_bulk_ks": bulk["summary"]}, "ks_distances": bulk["distances"],
                  "power": rejected / len(controls)},
        prediction={"minus_e_inf": -res.e_inf, "minus_e_0": -e0, "hessian_law": law.expression(),
                    "source": "Auffinger, Ben Arous & Černý 2013"},
        figure={"panels": [pan1, pan2]})
