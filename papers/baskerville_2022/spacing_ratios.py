"""Local spacing-ratio statistics of a trained network's Hessian against the GOE.

Original: Baskerville, Granziol & Keating (2022, arXiv:2102.06740), the spacing-ratio figures — the
distribution of consecutive-spacing ratios of deep-network Hessian eigenvalues follows the GOE Wigner-like
surmise, not Poisson — the observation that Baskerville, Keating, Mezzadri, Najnudel & Granziol (2022,
J. Phys. A) build their universality arguments on. The ratio statistic needs no unfolding (Oganesyan
& Huse 2007); its mean is 0.5307 for GOE at large n and 2 ln 2 − 1 = 0.3863 for Poisson levels
(Atas, Bogomolny, Giraud & Roux 2013, Table 1).

Ours: the validation experiment ``level_spacing``: the exact Hessian of a tanh MLP trained on digits,
its bulk selected by a rule fixed in advance (exact null space, the top 2C and both 10 % edges
dropped), the histogram of the ratios r̃ = min(s_{i+1}/s_i, s_i/s_{i+1}) ∈ [0, 1] against the
surmise on [0, 1], P(r̃) = 2 · (27/8)(r̃ + r̃²)/(1 + r̃ + r̃²)^{5/2}, and Poisson 2/(1 + r̃)²; and ⟨r̃⟩
against its Monte-Carlo law at the measured size for β = 0.5 … 2 and Poisson (the experiment's
calibration and controls). Checks: ⟨r̃⟩ inside the 99 % GOE band at this size (around 0.5307) and
above the Poisson band; the drawn surmise equal to Atas et al.'s formula and its mean to 4 − 2√3.

>>> from papers.registry import figures
>>> figures()["baskerville_2022/spacing_ratios"].spec.experiments
('level_spacing',)
"""

from __future__ import annotations

import math

import numpy as np

from papers.checks import close, within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Spacing ratios of a trained MLP's Hessian bulk vs the GOE surmise and Poisson",
    cite="Baskerville, Granziol & Keating 2022 (arXiv:2102.06740), spacing-ratio figures; used in Baskerville et al. "
         "2022 (J. Phys. A); ⟨r⟩: Atas et al. 2013, Table 1",
    original="Histograms of Hessian spacing ratios of deep networks on the GOE Wigner-like surmise, away from Poisson.",
    ours="Ratios r̃ of the exact Hessian bulk of a tanh MLP on digits over the GOE surmise and Poisson densities, and "
         "⟨r̃⟩ against its Monte-Carlo law at the same size for β-ensembles and Poisson levels.",
    quick={"dataset": "digits", "n": 500, "width": 16, "steps": 300, "control_draws": 100},
    full={"dataset": "fashion_mnist", "n": 2000, "width": 48, "steps": 2000, "control_draws": 500},
    tiny={"dataset": "digits", "n": 100, "width": 4, "steps": 100, "control_draws": 20},
    experiments=("level_spacing",),
)

GOE_MEAN = 0.5307                      # Atas et al. 2013, Table 1: large-n ⟨r̃⟩, GOE
POISSON_MEAN = 2 * math.log(2) - 1     # Atas et al. 2013, Table 1: Poisson


def atas_goe(r):
    """Atas et al.'s GOE surmise (Z_1 = 8/27) folded onto [0, 1]: twice the density on [0, ∞)."""
    r = np.asarray(r, float)
    return 2 * 27 / 8 * (r + r * r) / (1 + r + r * r) ** 2.5


def compute(cfg, ctx) -> FigureData:
    import rmtheory as rmt

    run = ctx.run("level_spacing", dataset=cfg["dataset"], n=cfg["n"], width=cfg["width"], depth=1,
                  steps=cfg["steps"], control_draws=cfg["control_draws"])
    m = run.measured
    cal = m["calibration"]["mean_ratio"]
    mean = float(m["mean_ratio"])
    grid = np.linspace(0.0, 1.0, 401)
    goe = rmt.stats.spacing_ratio_density(grid, "goe")

    data = FigureData()
    p = data.panel(f"spacing ratios of the Hessian bulk ({m['bulk_size']} levels of {m['parameters']})",
                   r"$\tilde r$", r"density $P(\tilde r)$")
    hist = run.series("measured", panel=0)
    data.bins(p, hist["x"], hist["y"], "Hessian bulk ratios (measured)")
    data.line(p, grid, goe, "GOE surmise (Atas et al. 2013)")
    data.line(p, grid, rmt.stats.spacing_ratio_density(grid, "poisson"), "Poisson 2/(1 + r̃)²")
    data.vline(p, mean, f"⟨r̃⟩ = {mean:.4f}", role="measured")
    data.vline(p, GOE_MEAN, "⟨r̃⟩ GOE = 0.5307")

    q = data.panel(f"⟨r̃⟩ at this size ({cal['n']} levels, central band)", "ensemble: β (0 = Poisson)",
                   r"$\langle \tilde r \rangle$")
    betas, means, halves = [1.0], [float(cal["null_mean"])], [0.5 * (cal["band"][1] - cal["band"][0])]
    poisson_band = None
    for c in m["controls"]:
        beta = 0.0 if c["control"] == "Poisson" else float(c["control"].split("=")[1])
        betas.append(beta)
        means.append(float(c["mean_ratio"]))
        halves.append(0.5 * (c["band"][1] - c["band"][0]))
        if c["control"] == "Poisson":
            poisson_band = c["band"]
    order = np.argsort(betas)
    data.points(q, np.array(betas)[order], np.array(means)[order], "β-ensembles, 99 % band (Monte-Carlo theory)",
                yerr=np.array(halves)[order])
    data.hline(q, mean, "Hessian bulk ⟨r̃⟩", role="measured")
    data.hline(q, GOE_MEAN, "GOE, large n: 0.5307")

    data.number("mean ratio", mean, role="measured")
    data.number("mean ratio standard error", float(m["stderr"]), role="measured")
    data.number("bulk levels", float(m["bulk_size"]), role="measured")
    data.number("GOE mean ratio (large n)", GOE_MEAN)
    data.number("GOE mean ratio at this size", float(cal["null_mean"]))
    data.number("GOE band low", float(cal["band"][0]))
    data.number("GOE band high", float(cal["band"][1]))
    data.number("Poisson mean ratio", POISSON_MEAN)
    data.number("Poisson band high", float(poisson_band[1]) if poisson_band else math.nan)
    from scipy.integrate import quad

    def density(r):
        return float(rmt.stats.spacing_ratio_density(np.array([r]), "goe")[0])

    data.number("surmise mean (numerical)", quad(lambda r: r * density(r), 0.0, 1.0, epsabs=1e-12)[0])
    data.number("surmise normalization (numerical)", quad(density, 0.0, 1.0, epsabs=1e-12)[0])
    data.number("surmise vs Atas formula, max |difference|", float(np.max(np.abs(goe - atas_goe(grid)))))
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    return [
        within("⟨r̃⟩ of the Hessian bulk in the GOE band at this size",
               "Baskerville, Granziol & Keating 2022: GOE statistics; 0.5307: Atas et al. 2013, Table 1", GOE_MEAN,
               num["mean ratio"], low=num["GOE band low"], high=num["GOE band high"],
               note=f"99 % band of ⟨r̃⟩ over 500 GOE spectra of the measured size, same selection; "
                    f"GOE mean there {num['GOE mean ratio at this size']:.4f}"),
        within("⟨r̃⟩ above the Poisson band", "Baskerville, Granziol & Keating 2022: GOE, not Poisson; Poisson "
               "⟨r̃⟩ = 2 ln 2 − 1 (Atas et al. 2013, Table 1)", "> 0.3863", num["mean ratio"],
               low=num["Poisson band high"], note="upper end of the 99 % band of uncorrelated levels at this size"),
        close("GOE surmise drawn = Atas et al.'s formula",
              "Atas et al. 2013: P_W(r) = (r + r²)/(Z_1 (1 + r + r²)^{5/2}), Z_1 = 8/27", 0.0,
              num["surmise vs Atas formula, max |difference|"], abs_tol=1e-12, note="folded onto [0, 1] (× 2)"),
        close("mean of the GOE surmise on [0, 1]", "Atas et al. 2013, Table 1: ⟨r̃⟩_W = 4 − 2√3",
              4 - 2 * math.sqrt(3), num["surmise mean (numerical)"], abs_tol=1e-8, note="adaptive quadrature"),
        close("normalization of the GOE surmise on [0, 1]", "Atas et al. 2013: Z_1 = 8/27", 1.0,
              num["surmise normalization (numerical)"], abs_tol=1e-8, note="adaptive quadrature"),
    ]
