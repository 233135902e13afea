"""The index of a small network's Hessian at (approximate) critical points against its loss, and the
Pennington-Bahri prediction α(ε, φ).

Original: Pennington & Bahri (2017), §5 — critical points of small networks found with Newton-type
methods (attracted to critical points of every index), their index (fraction of negative Hessian
eigenvalues) plotted against their energy (loss), against α(ε, φ) of the Wishart + Wigner model: the
index vanishes at low loss and grows like |ε − ε_c|^{3/2} above it.

Ours: experiment ``training_density`` (what it measures: an MLP trained on digits with the MSE loss
on one-hot targets, checkpoints at initialization, early training and the end; at each, the index
of H (the fraction of eigenvalues below −10⁻⁸ λ_max: exact from the dense spectrum for these small
networks, SLQ above 3000 parameters), φ = parameters/(samples × outputs), and the model's ε from the
measured Hessian itself — μ = tr G/n sets the scale and ε_eff = Var(H − G)/(2μ²), by Hutchinson
estimates; its check |index − α(ε_eff, φ)| ≤ 0.05 applies only at approximate critical points,
‖∇L‖ ≤ 10⁻² ‖∇L(θ₀)‖, and with ``newton_iterations`` > 0 each checkpoint is first moved to a nearby
critical point). Plotted: the measured index against ε_eff over the α(ε, φ) curve with ε_c(φ)
marked, and against the loss. The quick configuration is the quick suite's run (no Newton
iterations: only the trained network is a critical point) plus a narrower network (width 8, 100
samples) whose three checkpoints are moved to critical points by Newton iterations, as P&B do; a
checkpoint the iterations do not bring to the tolerance stays "not critical". Checks: at every
approximate critical point, |index − α(ε_eff, φ)| within the experiment's fixed 0.05 (P&B's claim
that α describes the index of critical points); points that are not critical are shown, not judged.

>>> from papers.registry import figures
>>> figures()["pennington_bahri_2017/index_vs_loss"].spec.experiments
('training_density',)
"""

from __future__ import annotations

import numpy as np

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Index of a small network's Hessian at critical points vs loss, against α(ε, φ)",
    cite="Pennington & Bahri 2017, §5 (index of critical points of small networks vs energy)",
    original="Index of critical points found by Newton-type methods against their loss, with the "
             "prediction α(ε, φ) of the Wishart + Wigner model.",
    ours="Experiment training_density: the exact index at initialization, early and trained checkpoints (moved to "
         "critical points by Newton iterations where configured) against ε_eff measured from the Hessian, over "
         "α(ε, φ); φ and ε_c as numbers.",
    quick={"runs": [{"dataset": "digits", "n": 300, "width": 32, "steps": 400},
                    {"dataset": "digits", "n": 100, "width": 8, "steps": 400, "newton_iterations": 15}]},
    full={"runs": [{"dataset": "digits", "n": 300, "width": 32, "steps": 400, "newton_iterations": 60},
                   {"dataset": "digits", "n": 300, "width": 16, "steps": 400, "newton_iterations": 60},
                   {"dataset": "digits", "n": 100, "width": 8, "steps": 400, "newton_iterations": 60}]},
    tiny={"runs": [{"dataset": "digits", "n": 50, "width": 4, "steps": 300, "slq_steps": 10, "slq_probes": 2,
                    "hutchinson_probes": 4}]},
    experiments=("training_density",),
)


def compute(cfg, ctx) -> FigureData:
    from rmtheory.predict import critical_epsilon, pennington_bahri_index

    data = FigureData()
    found = []
    for k, params in enumerate(cfg["runs"]):
        run = ctx.run("training_density", **params)
        phi = float(run.measured["phi"])
        name = "ABCDEFGH"[k]
        tag = f"run {name}"
        rows = run.measured["checkpoints"]
        found.append((name, rows))
        newton = params.get("newton_iterations", 0)
        a = data.panel(f"{name}: width {params['width']}, n = {params['n']}, φ = {phi:.3g}"
                       + (f", Newton ≤ {newton}" if newton else ", no Newton"),
                       r"$\varepsilon_{\rm eff} = {\rm Var}(H - G)/2\mu^2$", "index", xscale="log")
        eps = [r["epsilon_eff"] for r in rows]
        grid = np.geomspace(max(min(eps) / 3, 1e-5), max(eps) * 3, 60)
        data.line(a, grid, [pennington_bahri_index(e, phi) for e in grid], "α(ε, φ)")
        data.vline(a, critical_epsilon(phi), "ε_c(φ)")
        data.number(f"{tag}: φ", phi, role="measured")
        data.number(f"{tag}: ε_c(φ)", critical_epsilon(phi))
        for crit, label in ((True, "at a critical point"), (False, "not critical")):
            chosen = [r for r in rows if bool(r["critical"]) == crit]
            if chosen:
                data.points(a, [r["epsilon_eff"] for r in chosen], [r["index"] for r in chosen],
                            f"index, {label}", yerr=[r["index_error"] for r in chosen])
        for r in rows:
            where = f"{tag} {r['checkpoint']}"
            data.number(f"{where}: loss", r["loss"], role="measured")
            data.number(f"{where}: ε_eff", r["epsilon_eff"], role="measured")
            data.number(f"{where}: ‖∇L‖/‖∇L(θ₀)‖", r["gradient_ratio"], role="measured")
            data.number(f"{where}: critical", float(bool(r["critical"])), role="measured")
            data.number(f"{where}: index", r["index"], role="measured")
            data.number(f"{where}: α(ε_eff, φ)", r["alpha_pb"])
        if run.note:
            data.notes.append(f"{tag}: {run.note}")
    high = [f"{n} {r['checkpoint']}" for n, rows in found for r in rows if r["critical"] and r["index"] > 0.5]
    if high:
        data.notes.append(f"index above 1/2 at {', '.join(high)}: P&B's α never exceeds 1/2")
    b = data.panel("index vs loss (filled: critical points)", "training loss (MSE)", "index", xscale="log")
    for name, rows in found:
        crit = [r for r in rows if r["critical"]]
        if crit:
            data.points(b, [r["loss"] for r in crit], [r["index"] for r in crit], f"{name}: index",
                        yerr=[r["index_error"] for r in crit])
        data.points(b, [r["loss"] for r in rows], [r["alpha_pb"] for r in rows], f"{name}: α(ε_eff, φ)",
                    role="theory")
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    out = []
    for key in [k for k in num if k.endswith(": critical") and num[k] == 1.0]:
        where = key.removesuffix(": critical")
        alpha = num[f"{where}: α(ε_eff, φ)"]
        out.append(within(f"{where}: index vs α(ε_eff, φ)", "Pennington & Bahri 2017, §5: the index of critical "
                          "points follows α(ε, φ)", f"α = {alpha:.4g}", num[f"{where}: index"],
                          low=alpha - 0.05, high=alpha + 0.05,
                          note=(f"experiment training_density's fixed tolerance 0.05; ε_eff = "
                                f"{num[f'{where}: ε_eff']:.3g}, loss {num[f'{where}: loss']:.3g}")))
    return out
