"""Θ_k(u) and Θ(u) of the spherical pure 3-spin glass, the energy thresholds E_0 > E_1 > … > E_∞, and
where gradient descent stops.

Original: Auffinger, Ben Arous & Černý (2013), Fig. 1–2 and Theorems 2.5, 2.8 — the annealed
complexity of critical values of index k below N·u, its zeros −E_k, and the threshold
E_∞ = 2√((p − 1)/p) above which Θ_k(u) = ½ log(p − 1) − (p − 2)/p for every k.

Ours: Θ_k(u) for k = 0…3 and the total complexity Θ(u) from :class:`rmtheory.kacrice.SphericalSpinGlass`
(the ABC closed forms), the thresholds from its root finder, and, as measurement, the energies per spin
at which projected gradient descent stopped on sampled 3-spin Hamiltonians (the validation experiment
``spin_glass_descent``). Checks: E_∞ and E_0 for p = 3 against the values quoted in the literature
(E_∞ = 1.633, E_0 = 1.657 to three decimals), the plateau value of Θ_k above −E_∞ and Θ(0) = ½ log 2
(ABC, Theorem 2.8 and eq. for Θ_p), and the ordering E_0 > E_1 > E_2 > E_3 > E_∞.

>>> from papers.registry import figures
>>> figures()["auffinger_2013/complexity"].spec.experiments
('spin_glass_descent',)
"""

from __future__ import annotations

import math

import numpy as np

from papers.checks import close, within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Complexity of the spherical 3-spin glass: Θ_k(u), Θ(u) and the energy thresholds",
    cite="Auffinger, Ben Arous & Černý 2013, Figs. 1–2, Theorems 2.5 and 2.8",
    original="Θ_k(u) for small k crossing zero at −E_k below the threshold −E_∞, where all Θ_k meet, and "
             "the total complexity Θ(u).",
    ours="Θ_k (k = 0…3) and Θ from rmtheory's closed forms with −E_k and −E_∞ marked, and the energies per "
         "spin where gradient descent stopped on sampled 3-spin Hamiltonians (measured, just above −E_∞ at finite n).",
    quick={"p": 3, "kmax": 4, "n": 100, "starts": 4, "samples": 2},
    full={"p": 3, "kmax": 6, "n": 400, "starts": 8, "samples": 4},
    tiny={"p": 3, "kmax": 2, "n": 30, "starts": 2, "samples": 1},
    experiments=("spin_glass_descent",),
)


def compute(cfg, ctx) -> FigureData:
    from rmtheory.kacrice import SphericalSpinGlass

    p, kmax = int(cfg["p"]), int(cfg["kmax"])
    model = SphericalSpinGlass(p)
    table = model.energy_thresholds(kmax)
    run = ctx.run("spin_glass_descent", n=cfg["n"], p=p, starts=cfg["starts"], samples=cfg["samples"])
    _, reached = np.array(run.series("reached")["x"]), np.array(run.series("reached")["y"], dtype=float)

    data = FigureData()
    near = data.panel(f"bottom of the landscape, p = {p}", "energy per spin u", r"complexity $\Theta_k(u)$")
    u = np.linspace(-table.e_k[0] - 0.03, -table.e_inf + 0.04, 300)
    for k in range(kmax):
        data.line(near, u, model.complexity(u, index=k), f"Θ_{k} (index {k})")
    data.line(near, u, model.complexity(u), "Θ (all critical points)")
    data.hline(near, 0.0, "Θ = 0")
    data.vline(near, -table.e_inf, "−E_∞ (threshold)")
    data.vline(near, -table.e_k[0], "−E_0 (ground state)")
    for e in reached:
        data.vline(near, e, f"descent end points, n = {cfg['n']}", role="measured")
    whole = data.panel("total complexity", "energy per spin u", r"$\Theta(u)$")
    u_all = np.linspace(-table.e_k[0] - 0.03, 0.0, 300)
    data.line(whole, u_all, model.complexity(u_all), "Θ(u)")
    data.vline(whole, -table.e_inf, "−E_∞ (threshold)")

    data.number("E_inf", table.e_inf)
    for k, e in enumerate(table.e_k):
        data.number(f"E_{k}", e)
    data.number("Theta_k plateau above -E_inf", float(model.complexity(-table.e_inf + 0.01, index=0)))
    data.number("Theta(0)", float(model.complexity(0.0)))
    data.number("mean descent energy", float(np.mean(reached)), role="measured")
    data.number("descent end points", float(reached.size), role="measured")
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    p = int(cfg["p"])
    ladder = [num[f"E_{k}"] for k in range(int(cfg["kmax"]))] + [num["E_inf"]]
    ordered = all(a > b for a, b in zip(ladder, ladder[1:]))
    return [
        close("E_∞ (p = 3)", "Auffinger et al. 2013, Thm 2.5: E_∞ = 2√((p−1)/p); 1.633 as quoted by "
              "Choromanska et al. 2015, §3", 1.633, num["E_inf"], abs_tol=5e-4),
        close("E_0 (p = 3), the ground-state bound", "Auffinger et al. 2013, §2 (E_0 ≈ 1.657 for p = 3, "
              "as quoted by Choromanska et al. 2015, §3)", 1.657, num["E_0"], abs_tol=5e-4),
        close("Θ_k(u) for u > −E_∞", "Auffinger et al. 2013, Thm 2.8: ½ log(p−1) − (p−2)/p",
              0.5 * math.log(p - 1) - (p - 2) / p, num["Theta_k plateau above -E_inf"], abs_tol=1e-9),
        close("Θ(0)", "Auffinger et al. 2013, Thm 2.5: Θ_p(0) = ½ log(p − 1)", 0.5 * math.log(p - 1),
              num["Theta(0)"], abs_tol=1e-9),
        within("E_0 > E_1 > … > E_∞ (1 = ordered)", "Auffinger et al. 2013, Thm 2.8", "strictly decreasing",
               1.0 if ordered else 0.0, low=1.0),
    ]
