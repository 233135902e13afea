"""Kac-Rice complexity of spherical spin glasses: how many critical points of each index at each energy.

The canonical solvable landscape (Auffinger, Ben Arous & Černý 2013, CPAM 66, 165–201; Auffinger &
Ben Arous 2013, Ann. Probab. 41, 4214–4247), used by Choromanska et al. (2015) as a model of
deep-network loss surfaces. Normalization, sign conventions and what holds for mixed models:
:mod:`rmtheory.kacrice.model`.

* :class:`SphericalSpinGlass` — pure ``SphericalSpinGlass(p)`` or mixed ``mixture={p: a_p²}``;
  ``complexity(u, index)``, ``energy_threshold()``, ``energy_thresholds(kmax)``,
  ``hessian_law(u)``, ``index_fraction(u)``, ``symbolic_complexity(index)``.
* :mod:`.closed_form` — ABC's Θ_{k,p}, Θ_p, I_1, E_∞ (floats or mpmath).
* :mod:`.kac_rice_integral` — the independent route: the Kac-Rice integral from the covariance,
  by mpmath quadrature at a chosen precision.
* :mod:`.thresholds` — E_∞ and the bottom energies E_k as a :class:`ThresholdTable`.
* :mod:`.symbolic` — the same formulas in sympy.
* :mod:`.hessian` — the Hessian at a critical point of energy u (a shifted semicircle).
* :mod:`.monte_carlo` — sampled 3-spin Hamiltonians, projected gradient descent and the
  Hessian at the point it reaches (numpy only).

Example::

    >>> import rmtheory as rmt
    >>> m = rmt.kacrice.SphericalSpinGlass(3)
    >>> round(m.energy_thresholds(1)[0], 6)          # ground state per spin ≈ −1.657
    1.656998
"""

from rmtheory.kacrice.model import SphericalSpinGlass
from rmtheory.kacrice.thresholds import ThresholdTable, energy_thresholds

__all__ = ["SphericalSpinGlass", "ThresholdTable", "energy_thresholds"]
