"""Scaling of λ_max(J Jᵀ) with depth and of its fluctuations with width: fitted exponents against theory.

Original: the research plan's scaling claim (README, experiment 8 ``scaling``): the top eigenvalue
of J Jᵀ, J the input-output Jacobian of a random tanh MLP at the mean-field fixed point, grows with
depth L as the law of Pennington, Schoenholz & Ganguli (2017/2018; ``rmtheory.predict.jacobian``)
says, and fluctuates with width N on the scale the law's own random-matrix model gives
(Tracy-Widom N^{-2/3} on a square-root edge, N^{-1/2} from the fluctuating activation derivatives).

Ours: the ``scaling`` run (depth sweep at N = ``N_depth``, width sweep at L = ``L_width``,
``repeats`` networks per size): its two panels (measured means and standard deviations, the
finite-N predictions of the law's model, the N → ∞ edge λ₊(L) and the asymptotic N^c), and a third
panel with the fitted exponents, their 95 % bootstrap intervals and the predictions. Checks: each
measured exponent lies within its bootstrap interval's reach of the finite-N predicted exponent
(b_meas ∈ [b_pred − (b_hi − b_meas), b_pred + (b_meas − b_lo)], i.e. the prediction inside the
interval — the run's own check, restated); the tolerance is the fit's interval, as the experiment
fixed it before any run. The N → ∞ exponents are recorded as numbers, not checked: at N = 100 the
finite-N λ_max falls increasingly below λ₊(L) as L grows (experiment 8's docstring).

>>> SPEC.experiments
('scaling',)
"""

from __future__ import annotations

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="λ_max(J Jᵀ) vs depth and its fluctuations vs width: fitted exponents against the predicted ones",
    cite="rmtheory research plan (README, experiment 8); law: Pennington, Schoenholz & Ganguli 2018",
    original="The claim that λ_max of a random tanh network's J Jᵀ scales with depth and width as the "
             "free-probability law (PSG 2017/2018) and its random-matrix model predict.",
    ours="Measured mean λ_max vs depth and sd(λ_max) vs width (repeats networks per size) over the law's "
         "finite-N predictions and the N → ∞ edge; fitted log-log exponents with 95 % bootstrap intervals "
         "against the predicted exponents.",
    quick={"depths": [1, 2, 4, 8], "N_depth": 100, "widths": [50, 100, 200, 400], "L_width": 2, "repeats": 30},
    # the full suite's run (validation/suites/full.toml): 30 networks resolve the depth exponent to ±10 %
    full={"depths": [1, 2, 4, 8, 16, 32], "N_depth": 100, "widths": [100, 200, 400, 800, 1600], "L_width": 2,
          "repeats": 30},
    tiny={"depths": [1, 2, 4], "N_depth": 30, "widths": [20, 40, 80], "L_width": 2, "repeats": 6},
    experiments=("scaling",),
)

SOURCE = "rmtheory.predict (PSG 2018 law, its finite-N matrix model); experiment 8 docstring"


def compute(cfg, ctx) -> FigureData:
    run = ctx.run("scaling", depths=list(cfg["depths"]), N_depth=int(cfg["N_depth"]), widths=list(cfg["widths"]),
                  L_width=int(cfg["L_width"]), repeats=int(cfg["repeats"]))
    data = FigureData()
    data.add_run_panels(run, titles=[f"mean λ_max(J Jᵀ) vs depth L, N = {cfg['N_depth']}, tanh",
                                     f"sd of λ_max vs width N, L = {cfg['L_width']}, tanh"])
    m, pr = run.measured, run.prediction
    b, c = m["depth_exponent"], m["width_exponent"]
    p = data.panel("fitted exponents: 95 % bootstrap interval vs prediction", "exponent",
                   "value (λ_max ∝ L^b; sd(λ_max) ∝ N^c)")
    nan = float("nan")
    data.line(p, [0, 0, nan, 1, 1], [b[1], b[2], nan, c[1], c[2]], "95 % bootstrap interval (measured)",
              role="measured")
    data.points(p, [0, 1], [b[0], c[0]], "least-squares fit (measured)")
    data.points(p, [0, 1], [pr["depth_exponent"], pr["width_exponent"]], "finite-N prediction (law's model)",
                role="theory")
    data.points(p, [0, 1], [pr["depth_exponent_infinite_width"], pr["width_exponent_asymptotic"]],
                "N → ∞ prediction (PSG edge; asymptotic)", role="theory")
    for name, v in (("depth exponent b", b), ("width exponent c", c)):
        data.number(f"{name} (measured)", v[0], role="measured")
        data.number(f"{name}: 95 % CI low", v[1], role="measured")
        data.number(f"{name}: 95 % CI high", v[2], role="measured")
    data.number("depth exponent b (finite-N prediction)", pr["depth_exponent"])
    data.number("depth exponent b (N → ∞ edge)", pr["depth_exponent_infinite_width"])
    data.number("width exponent c (finite-N prediction)", pr["width_exponent"])
    data.number("width exponent c (asymptotic)", pr["width_exponent_asymptotic"])
    for L, e in zip(run.measured["depths"], pr["edges_by_depth"]):
        data.number(f"N → ∞ edge λ₊(L = {L})", e)
    data.number("power (controls ×0.9, ×1.1 rejected)", m["power"], role="measured")
    data.notes.append(f"validation run {run.run_id}: {'; '.join(c['note'] for c in run.checks)}")
    return data


def check(data, cfg) -> list:
    n = data.numbers()
    out = []
    for name in ("depth exponent b", "width exponent c"):
        est, lo, hi = (n[f"{name} (measured)"], n[f"{name}: 95 % CI low"], n[f"{name}: 95 % CI high"])
        pred = n[f"{name} (finite-N prediction)"]
        out.append(within(f"{name}: fit vs finite-N prediction", SOURCE, round(pred, 4), est,
                          low=pred - (hi - est), high=pred + (est - lo),
                          note=f"the prediction inside the fit's 95 % bootstrap interval [{lo:.3f}, {hi:.3f}]"))
    return out


def plot(data, figure):
    """The default drawing, the exponent panel's axis named, legends small."""
    import matplotlib.pyplot as plt

    from papers import plotting
    from papers.build import caption

    fig = plt.figure(figsize=(12.5, 4.2))
    plotting.draw(data, fig, title=figure.spec.title, caption=caption(figure))
    ax = fig.axes[2]
    ax.set_xticks([0, 1])
    ax.set_xticklabels(["depth b", "width c"])
    ax.set_xlim(-0.5, 1.5)
    for ax in fig.axes[:3]:
        if ax.get_legend() is not None:
            ax.legend(fontsize=6, loc="best")
    fig.tight_layout()
    return fig
