"""Every experiment, registered: importing this module imports each experiment module, whose
:func:`~validation.experiments.base.experiment` decorator adds it to :data:`REGISTRY`.

A new experiment's module is listed here (and in the table of :mod:`validation.experiments`).
"""

from validation.experiments import (  # noqa: F401 - registration
    e01_least_squares,
    e02_random_features,
    e03_logistic,
    e04_deep_jacobian,
    e05_spin_glass,
    e06_level_spacing,
    e07_class_outliers,
    e08_scaling,
    e09_training_density,
    e10_tracy_widom,
    e11_ntk_ggn,
    e12_hessian_at_init,
    e13_stable_step,
    e14_edge_of_stability,
    e15_curvature_lr,
    e16_geometry,
    selfcheck,
)
from validation.experiments.base import REGISTRY, Experiment

__all__ = ["REGISTRY", "get"]


def get(name: str) -> Experiment:
    """The registered experiment ``name`` (KeyError listing the known names otherwise)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown experiment {name!r}; known: {', '.join(sorted(REGISTRY))}") from None
