"""F_1, F_2, F_4: the Tracy-Widom densities against the scaled largest eigenvalue of β-Hermite matrices.

Original: Tracy & Widom (1996), Fig. 1 — the densities of F_1, F_2, F_4 computed from Painlevé II;
their moments are tabulated in Tracy & Widom (2000), "The distributions of random matrix theory and
their applications", Table 1 (mean, variance, skewness, excess kurtosis).

Ours: the same densities from :class:`rmtheory.laws.TracyWidom` (Painlevé II / Fredholm determinant),
and, as measurement, n^{2/3}(λ_max − 2) of ``samples`` β-Hermite matrices of size n for β = 1, 2, 4
(the Dumitriu-Edelman tridiagonal model, :func:`rmtheory.ensembles.beta_hermite_largest`), in the
ensemble scaling (β = 4: 2^{-1/6} × TW's variable). Checks: the four moments of each F_β against the
table to its 4 printed decimals, and the KS distance of the samples to F_β below the 1 % critical
value of the Kolmogorov distribution at that sample size (finite-n corrections are O(n^{-2/3})).

>>> from papers.registry import figures
>>> figures()["tracy_widom_1994/distributions"].spec.experiments
()
"""

from __future__ import annotations

import numpy as np

from papers.checks import close, within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Tracy-Widom distributions F_1, F_2, F_4 and the scaled largest eigenvalue of β-Hermite matrices",
    cite="Tracy & Widom 1996, Fig. 1; moments: Tracy & Widom 2000, Table 1",
    original="The densities of F_1 (GOE), F_2 (GUE) and F_4 (GSE) from the Painlevé II representation.",
    ours="The same densities (rmtheory.laws.TracyWidom, ensemble scaling) over histograms of "
         "n^{2/3}(λ_max − 2) of tridiagonal β-Hermite matrices; the moments against Tracy & Widom's table.",
    quick={"n": 400, "samples": 4000},
    full={"n": 4000, "samples": 100_000},
    tiny={"n": 100, "samples": 500},
)

#: Tracy & Widom 2000, Table 1: mean, variance, skewness, excess kurtosis of F_β (TW's scaling)
TABLE = {1: (-1.2065, 1.6078, 0.2935, 0.1652), 2: (-1.7711, 0.8132, 0.2241, 0.0934),
         4: (-2.3069, 0.5177, 0.1655, 0.0492)}
BETAS = (1, 2, 4)


def compute(cfg, ctx) -> FigureData:
    from scipy import stats

    from rmtheory.ensembles import beta_hermite_largest
    from rmtheory.laws import TracyWidom

    n, samples = int(cfg["n"]), int(cfg["samples"])
    data = FigureData()
    panel = data.panel(f"scaled λ_max, β-Hermite n = {n}, {samples} samples each", r"$s = n^{2/3}(\lambda_{\max} - 2)$",
                       "density")
    grid = np.linspace(-6.0, 3.5, 400)
    for k, beta in enumerate(BETAS):
        law = TracyWidom(beta, scaling="ensemble")
        lam = np.asarray(beta_hermite_largest(n, beta, size=samples, rng=ctx.rng(k)))
        s = n ** (2 / 3) * (lam - 2.0)
        data.hist(panel, s, f"β = {beta} (measured)", bins=60, range_=(-6.0, 3.5))
        data.line(panel, grid, law.pdf(grid), f"F_{beta} (theory)")
        tw = TracyWidom(beta)
        data.number(f"F_{beta} mean", tw.mean())
        data.number(f"F_{beta} variance", tw.var())
        data.number(f"F_{beta} skewness", tw.skewness())
        data.number(f"F_{beta} excess kurtosis", tw.kurtosis())
        data.number(f"β = {beta} KS distance", stats.kstest(s, law.cdf).statistic, role="measured")
        data.number(f"β = {beta} samples", float(s.size), role="measured")
    return data


def check(data, cfg) -> list:
    from scipy.stats import kstwo

    numbers = data.numbers()
    out = []
    for beta in BETAS:
        for name, value in zip(("mean", "variance", "skewness", "excess kurtosis"), TABLE[beta]):
            out.append(close(f"F_{beta} {name}", "Tracy & Widom 2000, Table 1", value,
                             numbers[f"F_{beta} {name}"], abs_tol=6e-5, note="4 printed decimals"))
        size = int(numbers[f"β = {beta} samples"])
        critical = float(kstwo.ppf(0.99, size))
        out.append(within(f"β = {beta}: KS distance of n^{{2/3}}(λ_max − 2) to F_{beta}",
                          "Tracy & Widom 1994/1996: the limit law of the scaled λ_max", "→ 0 as n → ∞",
                          numbers[f"β = {beta} KS distance"], high=critical,
                          note=f"1 % Kolmogorov critical value at {size} samples"))
    return out
