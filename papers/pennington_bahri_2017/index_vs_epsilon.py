"""The index α(ε, φ) of H0 + H1 against the energy ε for several φ, with ε_c(φ) marked.

Original: Pennington & Bahri (2017), §4 — the fraction of negative eigenvalues α(ε, φ) of the model
Hessian H0 + H1 as a function of ε for several φ: zero up to the critical energy ε_c(φ) of eq. (13),
then growing like α ≈ α₀(φ) |(ε − ε_c)/ε_c|^{3/2} (eq. (14)), towards 1/2 as ε → ∞, where the
Wigner part dominates.

Ours: α(ε, φ) from :func:`rmtheory.predict.pennington_bahri_index` (the free sum's cdf at 0) for
φ ∈ {1/4, 1/2, 3/4} on a logarithmic grid of ε, ε_c(φ) from :func:`rmtheory.predict.critical_epsilon`,
and Monte-Carlo indices of wishart + √(2ε)·goe matrices (:mod:`rmtheory.ensembles`) of size n.
Checks: per φ, (i) where the solver's lower edge crosses 0 (bisection on the law's support, not the
library's closed form) against eq. (13); (ii) the exponent of α against ε − ε_c fitted on the solver's
curve for (ε − ε_c)/ε_c in [10⁻³, 10⁻²] against P&B's 3/2 (± 0.05, the curvature of the next order
over that decade); (iii) α at ε = 10⁴ against the limit 1/2 (a semicircle of radius 2√(2ε) ≈ 283
around the mean 1 puts 1/2 − O(ε^{−1/2}) ≈ 0.498 below 0: range [0.49, 0.5]); (iv) the largest
|Monte-Carlo index − α| within 5 log(n)/n.

>>> from papers.pennington_bahri_2017.index_vs_epsilon import SPEC
>>> SPEC.quick["phis"]
[0.25, 0.5, 0.75]
"""

from __future__ import annotations

import math

import numpy as np

from papers.checks import close, within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Index α(ε, φ) of the Pennington-Bahri Hessian vs energy ε, with ε_c(φ)",
    cite="Pennington & Bahri 2017, §4: eq. (13) (ε_c), eq. (14) (the 3/2 law)",
    original="α(ε, φ) against ε for several φ: zero below ε_c(φ), ~ |ε − ε_c|^{3/2} just above, "
             "tending to 1/2 at large ε.",
    ours="α(ε, φ) from rmtheory.predict.pennington_bahri_index with ε_c(φ) marked, and Monte-Carlo "
         "indices of wishart + √(2ε)·goe matrices; ε_c, the fitted exponent and α(∞) as numbers.",
    quick={"phis": [0.25, 0.5, 0.75], "grid": 40, "mc_epsilons": [0.003, 0.03, 0.1, 0.3, 1.0], "n": 400,
           "mc_matrices": 2},
    full={"phis": [0.25, 0.5, 0.75], "grid": 120, "mc_epsilons": [0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0],
          "n": 2000, "mc_matrices": 10},
    tiny={"phis": [0.25, 0.5, 0.75], "grid": 12, "mc_epsilons": [0.03, 0.3], "n": 100, "mc_matrices": 1},
)

#: (ε − ε_c)/ε_c where the 3/2 exponent is fitted
FIT_RANGE = (1e-3, 1e-2)
EPS_LARGE = 1e4


def _edge_crossing(phi: float, lo: float, hi: float, steps: int = 20) -> float:
    """ε at which the lower edge of MP(φ) ⊞ SC(2ε) crosses 0, by bisection on the solver's support."""
    from rmtheory.predict import pennington_bahri_law

    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if pennington_bahri_law(mid, phi).support[0][0] > 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def compute(cfg, ctx) -> FigureData:
    from rmtheory.ensembles import goe, wishart
    from rmtheory.predict import critical_epsilon, pennington_bahri_index
    from rmtheory.predict.critical_point_hessian import index_prefactor

    data = FigureData()
    p = data.panel("index of H0 + H1", r"energy $\varepsilon$", r"index $\alpha(\varepsilon, \phi)$", xscale="log")
    q = data.panel(r"near $\varepsilon_c$: the 3/2 law", r"$(\varepsilon - \varepsilon_c)/\varepsilon_c$",
                   r"$\alpha$", xscale="log", yscale="log")
    n = int(cfg["n"])
    rng = ctx.rng(5)
    for phi in cfg["phis"]:
        eps_c = critical_epsilon(phi)
        grid = np.geomspace(max(eps_c / 10, 1e-4), 10.0, int(cfg["grid"]))
        alpha = [pennington_bahri_index(e, phi) for e in grid]
        data.line(p, grid, alpha, f"α, φ = {phi:g}")
        data.vline(p, eps_c, f"ε_c, φ = {phi:g}")
        data.number(f"φ = {phi:g}: ε_c (rmtheory.predict.critical_epsilon)", eps_c)
        data.number(f"φ = {phi:g}: ε where the solver's lower edge crosses 0", _edge_crossing(phi, 0.5 * eps_c,
                                                                                                2 * eps_c))
        rel = np.geomspace(*FIT_RANGE, 6)
        near = np.array([pennington_bahri_index(eps_c * (1 + r), phi) for r in rel])
        slope = float(np.polyfit(np.log(rel), np.log(near), 1)[0])
        data.line(q, rel, near, f"α, φ = {phi:g}")
        a0 = index_prefactor(phi)
        data.line(q, rel, a0 * (eps_c * rel) ** 1.5, f"α₀(ε − ε_c)^(3/2), φ = {phi:g}")
        data.number(f"φ = {phi:g}: α₀ in α ≈ α₀(ε − ε_c)^(3/2) (rmtheory closed form)", a0)
        data.number(f"φ = {phi:g}: fitted exponent of α vs ε − ε_c", slope)
        data.number(f"φ = {phi:g}: α₀ in α ≈ α₀|(ε − ε_c)/ε_c|^(3/2) (fit)",
                    float(np.exp(np.mean(np.log(near) - 1.5 * np.log(rel)))))
        data.number(f"φ = {phi:g}: α(ε = {EPS_LARGE:g})", pennington_bahri_index(EPS_LARGE, phi))
        m = int(round(n / phi))
        mc, worst = [], 0.0
        for e in cfg["mc_epsilons"]:
            frac = np.mean([np.mean(np.linalg.eigvalsh(wishart(n, m, rng=rng) + math.sqrt(2 * e) * goe(n, rng=rng))
                                    < 0) for _ in range(int(cfg["mc_matrices"]))])
            mc.append(frac)
            worst = max(worst, abs(frac - pennington_bahri_index(e, phi)))
        data.points(p, cfg["mc_epsilons"], mc, f"H0 + H1, n = {n}, φ = {phi:g}")
        data.number(f"φ = {phi:g}: largest |Monte-Carlo index − α|", worst, role="measured")
    data.hline(p, 0.5, "α → 1/2 (ε → ∞)")
    return data


def check(data, cfg) -> list:
    from papers.pennington_bahri_2017.spectra import eq13

    num = data.numbers()
    tol = 5 * math.log(cfg["n"]) / cfg["n"]
    out = []
    for phi in cfg["phis"]:
        out.append(close(f"φ = {phi:g}: ε_c where the lower edge crosses 0", "Pennington & Bahri 2017, eq. (13)",
                         eq13(phi), num[f"φ = {phi:g}: ε where the solver's lower edge crosses 0"], rel_tol=1e-4,
                         note="bisection on the free-sum solver's support (20 halvings of [ε_c/2, 2ε_c])"))
        out.append(close(f"φ = {phi:g}: exponent of α near ε_c", "Pennington & Bahri 2017, eq. (14)", 1.5,
                         num[f"φ = {phi:g}: fitted exponent of α vs ε − ε_c"], abs_tol=0.05,
                         note=f"least squares on log α vs log(ε − ε_c), (ε − ε_c)/ε_c in {list(FIT_RANGE)}"))
        out.append(within(f"φ = {phi:g}: α(ε = 10⁴)", "Pennington & Bahri 2017, §4: α → 1/2 as ε → ∞", 0.5,
                          num[f"φ = {phi:g}: α(ε = {EPS_LARGE:g})"], low=0.49, high=0.5,
                          note="1/2 − O(ε^{-1/2}) ≈ 0.498 at ε = 10⁴"))
        out.append(within(f"φ = {phi:g}: Monte-Carlo index vs α(ε, φ)", "Pennington & Bahri 2017, §4: α(ε, φ) is the "
                          "fraction of negative eigenvalues of H0 + H1", "0",
                          num[f"φ = {phi:g}: largest |Monte-Carlo index − α|"], high=tol,
                          note=f"largest deviation over the Monte-Carlo ε; 5 log(n)/n at n = {cfg['n']}"))
    return out
