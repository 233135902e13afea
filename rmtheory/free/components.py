"""How a law enters the compiled solvers: a fixed-size numeric description of its Cauchy transform.

The numba kernels cannot call Python objects, so a law whose Cauchy transform has a closed form is
flattened into ``(kind, params, locations, weights)``. Laws without one (Tracy-Widom, nested free
convolutions) have no description (``None``) and are solved by the NumPy path, which calls
``law.stieltjes`` and ``law.stieltjes_derivative`` directly.

Conventions: the kernels work with the Cauchy transform G(z) = ∫ dμ/(z − x) = −g(z).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KIND_ATOMS = 0
KIND_SEMICIRCLE = 1
KIND_MARCHENKO_PASTUR = 2

_EMPTY = np.zeros(0)


@dataclass(frozen=True)
class Component:
    kind: int
    params: np.ndarray  # float64[4]
    locations: np.ndarray
    weights: np.ndarray


def describe(law) -> Component | None:
    """The compiled description of ``law``, or ``None`` when it has no closed-form Cauchy transform."""
    from rmtheory.free.atoms import Atoms
    from rmtheory.laws.marchenko_pastur import MarchenkoPastur
    from rmtheory.laws.semicircle import Semicircle

    if isinstance(law, Atoms):
        return Component(KIND_ATOMS, np.zeros(4), np.ascontiguousarray(law.locations, float),
                         np.ascontiguousarray(law.weights, float))
    if type(law) is Semicircle:
        return Component(KIND_SEMICIRCLE, np.array([law.variance, law.center, law.radius, 0.0]), _EMPTY, _EMPTY)
    if type(law) is MarchenkoPastur:
        return Component(KIND_MARCHENKO_PASTUR,
                         np.array([law.ratio, law.variance, law.lower_edge, law.upper_edge]), _EMPTY, _EMPTY)
    return None
