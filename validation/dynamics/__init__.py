"""Training dynamics: curvature measured through training, and step sizes that use it.

:mod:`.tracker`
    :class:`CurvatureTracker` — a callback any torch loop calls in place of ``loss.backward()``: λ_max
    (warm-started Lanczos), top-k, trace, the geometry metrics, losses and accuracies every k steps,
    for Adam also the preconditioned sharpness; records to pandas / Parquet.
:mod:`.schedulers`
    :class:`CurvatureLR` — a ``torch.optim.lr_scheduler.LRScheduler`` setting η_t = c/λ_max(θ_t) or
    η_t = c/√λ_max(θ_t) from the tracker's estimate.
"""

from validation.dynamics.schedulers import CurvatureLR
from validation.dynamics.tracker import CurvatureTracker, DifferenceHessian, LiveHessian, write_parquet_atomic

__all__ = ["CurvatureTracker", "LiveHessian", "DifferenceHessian", "CurvatureLR", "write_parquet_atomic"]
