"""Energies reached by gradient descent on spherical 3-spin glasses concentrate as N grows.

Original: Choromanska et al. (2015), §3 and Fig. 3 (spin glass) — the distribution of the energies at
which descent stops narrows as N grows and lies in the band [−E_0, −E_∞] near the threshold, the
picture they carry over to the losses of multilayer networks (Fig. 2, their MNIST networks).

Ours: the validation experiment ``spin_glass_descent`` (projected gradient descent from random starts on
sampled pure 3-spin Hamiltonians) at several n, the reached energies per spin against −E_∞ and −E_0
from :class:`rmtheory.kacrice.SphericalSpinGlass`. Checks: the spread (sd) of the reached energies at the
largest n is below the one at the smallest n; no reached energy at the largest n lies below the
ground-state bound −E_0 by more than n^{−2/3} (the bound holds at exponential order in n; at n = 50 one
end point of seed 0 lies 0.001 below −E_0, within that scale); the mean at the largest n is within
the experiment's tolerance 0.03 + n^{−2/3} of −E_∞ (at finite n descent stops in minima *above* −E_∞;
``validation/experiments/e05_spin_glass.py`` states the gap).

>>> from papers.registry import figures
>>> figures()["choromanska_2015/descent_energies"].spec.quick["sizes"]
[25, 50, 100]
"""

from __future__ import annotations

import numpy as np

from papers.checks import within
from papers.data import FigureData
from papers.registry import Spec

SPEC = Spec(
    title="Gradient-descent end points of spherical 3-spin glasses concentrate near −E_∞ as N grows",
    cite="Choromanska et al. 2015, §3 and Fig. 3; thresholds from Auffinger, Ben Arous & Černý 2013",
    original="Histograms of the energies reached by descent on spin glasses of increasing N: they narrow and "
             "sit in the band between the ground state −E_0 and the threshold −E_∞.",
    ours="Energies per spin reached by projected gradient descent (validation experiment spin_glass_descent) "
         "at several n, mean ± sd, against −E_∞ and −E_0 from rmtheory.kacrice.",
    quick={"sizes": [25, 50, 100], "starts": 4, "samples": 2},
    full={"sizes": [100, 200, 400, 800], "starts": 8, "samples": 4},
    tiny={"sizes": [20, 40], "starts": 2, "samples": 1},
    experiments=("spin_glass_descent",),
)


def compute(cfg, ctx) -> FigureData:
    from rmtheory.kacrice import SphericalSpinGlass

    table = SphericalSpinGlass(3).energy_thresholds(1)
    data = FigureData()
    scatter = data.panel("reached energies per spin", "number of spins n", "energy per spin H/n", xscale="log")
    hists = data.panel("distribution of reached energies", "energy per spin H/n", "density")
    means, sds = [], []
    for n in cfg["sizes"]:
        run = ctx.run("spin_glass_descent", n=n, p=3, starts=cfg["starts"], samples=cfg["samples"])
        energies = np.asarray(run.series("reached")["y"], dtype=float)
        data.points(scatter, np.full(energies.size, float(n)), energies, "end points")
        data.hist(hists, energies, f"n = {n}", bins=12, range_=(-table.e_k[0] - 0.02, -1.45))
        means.append(energies.mean())
        sds.append(energies.std(ddof=1))
        data.number(f"n={n} mean energy", means[-1], role="measured")
        data.number(f"n={n} sd energy", sds[-1], role="measured")
        data.number(f"n={n} min energy", energies.min(), role="measured")
        data.number(f"n={n} end points", float(energies.size), role="measured")
    data.points(scatter, cfg["sizes"], means, "mean ± sd", yerr=sds)
    for panel, draw in ((scatter, data.hline), (hists, data.vline)):
        draw(panel, -table.e_inf, "−E_∞ (threshold)")
        draw(panel, -table.e_k[0], "−E_0 (ground state)")
    data.number("E_inf", table.e_inf)
    data.number("E_0", table.e_k[0])
    return data


def check(data, cfg) -> list:
    num = data.numbers()
    small, large = cfg["sizes"][0], cfg["sizes"][-1]
    tolerance = 0.03 + large ** (-2 / 3)
    return [
        within(f"sd of reached energies, n = {large} over n = {small}", "Choromanska et al. 2015, Fig. 3: "
               "the distribution narrows as N grows", "< 1", num[f"n={large} sd energy"] / num[f"n={small} sd energy"],
               high=1.0),
        within(f"lowest reached energy + E_0 at n = {large}", "Auffinger et al. 2013 / Choromanska et al. 2015 §3: "
               "no critical value below −E_0 (at exponential order in n)", "≥ 0",
               num[f"n={large} min energy"] + num["E_0"], low=-large ** (-2 / 3),
               note="finite-n allowance n^(-2/3), the fluctuation scale of the ground-state energy per spin"),
        within(f"mean reached energy + E_∞ at n = {large}", "Choromanska et al. 2015, §3: descent ends in the band "
               "near −E_∞", "≈ 0", num[f"n={large} mean energy"] + num["E_inf"], low=-tolerance, high=tolerance,
               note="tolerance 0.03 + n^(-2/3) of validation experiment spin_glass_descent"),
    ]
