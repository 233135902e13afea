"""Energy thresholds of a spherical spin glass: E_∞ and the bottom energies E_k (zeros of Θ_k).

Source: Auffinger, Ben Arous & Černý (2013), CPAM 66, Section 2 (Theorem 2.5 and the discussion
after it): for the pure p-spin model (p ≥ 3) each Θ_{k,p} has exactly one zero −E_k below −E_∞,
and E_0 > E_1 > E_2 > … > E_∞ = 2√((p−1)/p), E_k → E_∞. With E[number of index-k critical points
below N u] = e^{N Θ_k(u) + o(N)}, there are exponentially few of them below −E_k, so −E_0 is the
annealed lower bound on the ground-state energy per spin (it equals the ground state for pure
models, Subag 2017) and −E_k that of the lowest index-k critical values. All E's are positive;
the energies are −E.

Each E_k is found by bracketing root-finding (mpmath ``findroot``, Anderson-Björck) on
u ↦ Θ_k(u) in ``mpmath.workdps(dps)``: on the closed form for a pure model, on the Kac-Rice
integral otherwise (or when ``method="integral"``). At the default 30 digits the root is exact far
beyond the 1e-12 the tests ask for. For p = 2 the index-k complexity is 0 on [−E_∞, ∞) and negative
below, so E_k = E_∞ for every k.

Example::

    >>> import rmtheory as rmt
    >>> table = rmt.kacrice.SphericalSpinGlass(3).energy_thresholds(3)
    >>> [round(e, 9) for e in table.e_k]
    [1.656998364, 1.652873198, 1.650253127]
    >>> round(table.e_inf, 9)
    1.632993162
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath

from rmtheory.kacrice import kac_rice_integral as _kr
from rmtheory.params import Integer, check

__all__ = ["ThresholdTable", "energy_thresholds"]

_KMAX = Integer(0, 500)


@dataclass(frozen=True)
class ThresholdTable:
    """E_∞ and E_0, …, E_{kmax−1} of one model (positive numbers; the energies are −E)."""

    model: str
    e_inf: float
    e_k: tuple[float, ...]
    method: str
    dps: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __getitem__(self, k: int) -> float:
        return self.e_k[k]

    def __len__(self) -> int:
        return len(self.e_k)

    def rows(self) -> list[tuple[str, float, float]]:
        """(name, E, bottom energy −E): first E_∞, then E_0, E_1, …"""
        return [("E_inf", self.e_inf, -self.e_inf)] + [(f"E_{k}", e, -e) for k, e in enumerate(self.e_k)]

    def as_dict(self) -> dict:
        return {"model": self.model, "method": self.method, "dps": self.dps, "E_inf": self.e_inf,
                "E_k": list(self.e_k), "k": list(range(len(self.e_k))), "notes": list(self.notes)}

    def __str__(self) -> str:
        lines = [f"# {self.model}: energy thresholds (energies per spin; -E is the energy)",
                 f"# method: {self.method}, {self.dps} digits; E_k is the zero of the index-k complexity",
                 *(f"# note: {n}" for n in self.notes),
                 f"{'threshold':>10}  {'E':>20}  {'energy -E':>20}"]
        lines += [f"{name:>10}  {e:>20.15f}  {-e:>20.15f}" for name, e, _ in self.rows()]
        return "\n".join(lines)


def _zero(f, e_inf):
    """The zero of an increasing f below −e_inf, given f(−e_inf) > 0."""
    hi = -e_inf
    step = mpmath.mpf(1) / 8
    lo = hi - step
    while f(lo) >= 0:
        step *= 2
        lo = hi - step
    return mpmath.findroot(f, (lo, hi), solver="anderson", verify=False)


def energy_thresholds(model, kmax: int, method: str = "auto", dps: int = 30) -> ThresholdTable:
    """E_∞ and the bottom energies E_0, …, E_{kmax−1} (``range(kmax)``) of ``model``."""
    kmax = check("kmax", kmax, _KMAX)
    dps = check("dps", dps, _kr.DPS)
    method = model._method(method)
    notes = []
    with mpmath.workdps(dps):
        e_inf = model.energy_threshold(dps=dps)
        if method == "closed":
            theta = lambda u, k: model._one(u, k, True, "closed", dps)
        else:
            nu, d, dd = model.covariance
            theta = lambda u, k: _kr.complexity(nu, d, dd, u, k, True, dps)
        e_k = []
        for k in range(kmax):
            if model.is_pure and model.p == 2:
                e_k.append(e_inf)
                continue
            at_threshold = theta(-e_inf, k)
            if at_threshold <= 0:
                # never seen for p ≥ 3 (Θ_k(−E_∞) = ½ln(p−1) − (p−2)/p > 0) nor for the mixtures
                # tried (near-p = 2 ones included); refuse rather than guess where the zero is
                raise ArithmeticError(f"Θ_{k}(−E_∞) = {mpmath.nstr(at_threshold, 5)} ≤ 0 for {model!r}: "
                                      "the zero of Θ_k is not below −E_∞; not supported")
            e_k.append(-_zero(lambda u, k=k: theta(u, k), e_inf))
    if model.is_pure and model.p == 2:
        notes.append("p = 2: Θ_k vanishes on [-E_inf, inf), so every E_k equals E_inf")
    return ThresholdTable(repr(model), float(e_inf), tuple(float(e) for e in e_k),
                          "closed form (ABC 2013 Thm 2.5)" if method == "closed"
                          else "Kac-Rice integral (mpmath quadrature)", dps, tuple(notes))
