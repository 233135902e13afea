"""The spectrum of H = H0 + H1 (Wishart ⊞ Wigner) at fixed φ for several energies ε.

Original: Pennington & Bahri (2017), §3 — the Hessian at a critical point of energy ε modelled as
H0 + H1, H0 a Wishart matrix of ratio φ (the Gauss-Newton part, Marchenko-Pastur law) and H1 a
Wigner matrix of variance 2ε, free of H0; its density from the free sum (R-transforms add),
plotted for several ε at fixed φ: at ε = 0 the Marchenko-Pastur law, at ε = ε_c (eq. (13)) the
lower edge reaches 0, above it a fraction of the spectrum is negative.

Ours: the same densities (:func:`rmtheory.predict.pennington_bahri_law`, the free additive
convolution MP(φ) ⊞ SC(2ε)) at φ = 1/4 for ε ∈ {0, ε_c, 0.1, 0.5} over histograms of Monte-Carlo
matrices H0 + H1 (:func:`rmtheory.ensembles.wishart` of size n × n/φ, plus √(2ε) ×
:func:`rmtheory.ensembles.goe`, whose semicircle has variance 2ε). Checks: the ε = 0 edges against
Marchenko-Pastur's (1 ± √φ)²; the solver's lower edge at ε = ε_c(φ) of P&B eq. (13) against 0 (the
defining property of ε_c); the fraction of negative Monte-Carlo eigenvalues against α(ε, φ) and the
KS distance of each Monte-Carlo spectrum to the law, both within 5 log(n)/n (the O(log n / n)
rigidity scale of an eigenvalue count, with the factor 5 of the validation package's tolerances).

>>> from papers.registry import figures
>>> figures()["pennington_bahri_2017/spectra"].spec.experiments
()
"""

from __future__ import annotations

import math

import numpy as np

from papers.checks import close, within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Spectrum of H0 + H1 = Wishart(φ) ⊞ Wigner(2ε) for several ε at φ = 1/4",
    cite="Pennington & Bahri 2017, §3 (spectral density of H0 + H1) and eq. (13) (ε_c)",
    original="Densities of MP(φ) ⊞ SC(2ε) for several energies ε at fixed φ: the lower edge moves "
             "below 0 once ε exceeds ε_c(φ).",
    ours="The free-sum densities (rmtheory.predict.pennington_bahri_law) over Monte-Carlo spectra of "
         "wishart + √(2ε)·goe matrices of size n; ε = ε_c from P&B eq. (13).",
    quick={"phi": 0.25, "epsilons": [0.0, "eps_c", 0.1, 0.5], "n": 1000},
    full={"phi": 0.25, "epsilons": [0.0, "eps_c", 0.1, 0.5], "n": 4000},
    tiny={"phi": 0.25, "epsilons": [0.0, "eps_c", 0.1, 0.5], "n": 200},
)


def eq13(phi: float) -> float:
    """P&B eq. (13): ε_c = (1/16)(1 − 20φ − 8φ² + (1 + 8φ)^{3/2}), φ < 1."""
    return (1 - 20 * phi - 8 * phi**2 + (1 + 8 * phi) ** 1.5) / 16


def _epsilons(cfg):
    return [eq13(cfg["phi"]) if e == "eps_c" else float(e) for e in cfg["epsilons"]]


def compute(cfg, ctx) -> FigureData:
    import rmtheory as rmt
    from rmtheory.ensembles import goe, wishart
    from rmtheory.predict import pennington_bahri_index, pennington_bahri_law

    phi, n = float(cfg["phi"]), int(cfg["n"])
    m = int(round(n / phi))
    data = FigureData()
    data.number("ε_c(φ) (P&B eq. 13)", eq13(phi))
    rng = ctx.rng(3)
    for k, eps in enumerate(_epsilons(cfg)):
        law = pennington_bahri_law(eps, phi)
        lo, hi = law.support[0][0], law.support[-1][1]
        H = wishart(n, m, rng=rng) + math.sqrt(2 * eps) * goe(n, rng=rng)
        lam = np.linalg.eigvalsh(H)
        tag = "ε_c" if cfg["epsilons"][k] == "eps_c" else f"{eps:g}"
        p = data.panel(f"φ = {phi:g}, ε = {tag}" + (f" = {eps:.4f}" if tag == "ε_c" else ""), r"$\lambda$",
                       "density")
        data.hist(p, lam, f"H0 + H1, n = {n} (measured)", bins=60)
        grid = np.linspace(lo, hi, 400)
        data.line(p, grid, np.nan_to_num(np.asarray(law.pdf(grid), float)), "MP(φ) ⊞ SC(2ε)")
        data.vline(p, 0.0, "λ = 0")
        data.number(f"ε = {tag}: lower edge λ₋", lo)
        data.number(f"ε = {tag}: upper edge λ₊", hi)
        data.number(f"ε = {tag}: index α(ε, φ)", pennington_bahri_index(eps, phi))
        data.number(f"ε = {tag}: index (Monte-Carlo)", float(np.mean(lam < 0)), role="measured")
        data.number(f"ε = {tag}: KS distance (Monte-Carlo)", rmt.stats.ks_test(lam, law).statistic, role="measured")
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    phi, n = cfg["phi"], cfg["n"]
    tol = 5 * math.log(n) / n
    src3 = "Pennington & Bahri 2017, §3: H0 is Wishart, MP(φ)"
    out = [close("ε = 0: lower edge (1 − √φ)²", src3, (1 - math.sqrt(phi)) ** 2, num["ε = 0: lower edge λ₋"],
                 abs_tol=1e-9),
           close("ε = 0: upper edge (1 + √φ)²", src3, (1 + math.sqrt(phi)) ** 2, num["ε = 0: upper edge λ₊"],
                 abs_tol=1e-9)]
    if "eps_c" in cfg["epsilons"]:
        out.append(close("lower edge of MP(φ) ⊞ SC(2ε_c) at ε_c of eq. (13)", "Pennington & Bahri 2017, eq. (13): "
                         "ε_c is where the lower edge reaches 0", 0.0, num["ε = ε_c: lower edge λ₋"], abs_tol=1e-5,
                         note="the free-sum solver's support against the paper's closed form"))
    for e, eps in zip(cfg["epsilons"], _epsilons(cfg)):
        tag = "ε_c" if e == "eps_c" else f"{eps:g}"
        out.append(close(f"ε = {tag}: negative fraction of H0 + H1", "Pennington & Bahri 2017, §4: α(ε, φ) = "
                         "fraction of negative eigenvalues", num[f"ε = {tag}: index α(ε, φ)"],
                         num[f"ε = {tag}: index (Monte-Carlo)"], abs_tol=tol,
                         note=f"tolerance 5 log(n)/n at n = {n}"))
        out.append(within(f"ε = {tag}: KS distance of H0 + H1 to MP(φ) ⊞ SC(2ε)", "Pennington & Bahri 2017, §3: "
                          "the spectrum of H0 + H1 is the free sum", "→ 0 as n → ∞",
                          num[f"ε = {tag}: KS distance (Monte-Carlo)"], high=tol,
                          note=f"5 log(n)/n at n = {n}"))
    return out
