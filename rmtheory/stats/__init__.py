"""Statistics that compare measured eigenvalues with a law.

* :func:`ks_test`, :func:`ks_two_sample` — Kolmogorov-Smirnov (atoms handled exactly in the statistic).
* :func:`wasserstein1`, :func:`wasserstein1_two_sample` — Wasserstein-1 distance.
* :mod:`rmtheory.stats.spacing` — spacing ratios and their Poisson/GOE/GUE/GSE references.
* :mod:`rmtheory.stats.calibration` — thresholds calibrated at the run's size by a parametric
  bootstrap of the law's own matrix model, and the power against nearby wrong predictions.

Each returns a :class:`TestResult` — a statistic, not a verdict: ``result.rejects(alpha)`` judges a
p-value at a level (``passed`` is kept for verdicts already judged against a threshold, such as a
validation check's).
"""

from rmtheory.stats.calibration import (
    Calibration,
    ControlOutcome,
    calibrate,
    calibrate_joint,
    control_outcomes,
    power,
)
from rmtheory.stats.goodness_of_fit import (
    TestResult,
    ks_test,
    ks_two_sample,
    wasserstein1,
    wasserstein1_two_sample,
)
from rmtheory.stats.spacing import (
    SPACING_RATIO_MEAN,
    spacing_ratio_density,
    spacing_ratio_mean,
    spacing_ratios,
)

__all__ = [
    "Calibration", "ControlOutcome", "calibrate", "calibrate_joint", "control_outcomes", "power",
    "TestResult", "ks_test", "ks_two_sample", "wasserstein1", "wasserstein1_two_sample",
    "spacing_ratios", "spacing_ratio_mean", "spacing_ratio_density", "SPACING_RATIO_MEAN",
]
