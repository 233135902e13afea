"""The validation experiments: each pairs a measurement with the ``rmtheory`` prediction it tests.

=====  =========================  ==============================================================
 #      name                       tests
=====  =========================  ==============================================================
 1      least_squares_mp           least-squares Hessian vs (generalized) Marchenko-Pastur
 2      random_features_gram       random-features Gram matrix vs Pennington-Worah
 3      logistic_hessian           logistic-regression Hessian vs generalized MP
 4      deep_jacobian              deep-MLP input-output Jacobian vs Pennington-Schoenholz-Ganguli
 5      spin_glass_descent         spherical 3-spin descent vs −E_∞ and the shifted semicircle
 6      level_spacing              Hessian level-spacing ratios of a trained MLP vs GOE
 7      class_outliers             Hessian/GGN class outliers (digits, Fashion-MNIST) vs Papyan
 8      scaling                    λ_max and bulk edges vs width and depth: fitted exponents
 9      training_density           SLQ Hessian density through training, proposal metrics
10      tracy_widom                λ_max of Wishart matrices vs Tracy-Widom
11      ntk_ggn                    two-layer GGN at initialization (NTK Gram) vs its law
12      hessian_at_init            two-layer Hessian at initialization vs G ⊞ semicircle(R)
13      stable_step                largest stable full-batch GD step at init vs 2/λ_max (advise)
14      edge_of_stability          sharpness under GD / momentum / Adam vs its stability threshold
15      curvature_lr               c/λ_max and 1/√λ_max step sizes vs constant and cosine, equal cost
16      geometry                   metrics through training and outcomes (the geometry suite's point)
=====  =========================  ==============================================================

One module per experiment; importing this package registers all of them in :data:`REGISTRY`
(name → :class:`~validation.experiments.base.Experiment`, filled by :mod:`.catalog`). See
:mod:`.base` for what an experiment returns (and why a diverged training is recorded as
``diverged``, not measured) and :mod:`.runs` for the record of a run and its status.
"""

from validation.experiments.base import (
    Check,
    Context,
    Experiment,
    Outcome,
    Param,
    PredictionUnavailable,
    TrainingDiverged,
    no_theory_is_unavailable,
)
from validation.experiments.catalog import REGISTRY, get
from validation.experiments.runs import Record, Task, execute, run_id

__all__ = ["REGISTRY", "Check", "Context", "Experiment", "Outcome", "Param", "PredictionUnavailable",
           "Record", "Task", "TrainingDiverged", "execute", "run_id", "get", "no_theory_is_unavailable"]
