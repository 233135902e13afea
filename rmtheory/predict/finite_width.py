"""The deep Jacobian at finite width: where the N → ∞ law stops describing λ_max, and what does.

The bulk. The infinite-width law of J Jᵀ (:mod:`rmtheory.predict.input_output_jacobian`, solved in
closed form at any depth by :mod:`rmtheory.predict.deep_product_law`) keeps describing the pooled
spectrum of real networks up to L/N = 0.5: ``benchmarks/deep_jacobian_finite_width.py`` measures the
KS distance of real ReLU and linear-regime tanh networks against it at N = 100, 200 and L/N from 0.005
to 0.5, and the validation suite judges it against a threshold calibrated on the finite-N model
(experiment ``deep_jacobian``). Finite N changes the global density on a log scale by O(√(L/N)) per
eigenvalue, a shift of rank that the steep quantile profile of a deep product hides.

The top. λ_max is where finite width shows first. Three statements (the third computed only beyond
:data:`CROSSOVER`, where it is the answer: its Monte Carlo costs seconds):

* the N → ∞ upper edge x₊ (``lambda_max``): the limit of λ_max only while L/N → 0, since the density
  near x₊ thins like a power of L (at N = 200 the measured mean is 0.95 x₊ at L/N = 0.01, 0.73 x₊ at
  0.05, 0.39 x₊ at 0.25, 0.19 x₊ at 0.5 for ReLU);
* the classical location of the top eigenvalue (``lambda_max_classical``), x with P(X > x) = 1/(2N)
  under the N → ∞ law (eigenvalue rigidity): the measured mean of log λ_max of real ReLU networks is
  within 2 standard errors of its log up to L/N = 0.25 and 4 se above it at L/N = 0.5 (N = 200:
  3.78 ± 0.25 against 4.85), ``python benchmarks/deep_jacobian_finite_width.py``;
* the λ_max law of the finite-N model (``lambda_max_at_width``: median and 5-95 % band over
  ``draws`` matrices of L Gaussian N×N layers with D² iid from the derivative law, seed 0): the
  model of which the law is the N → ∞ limit, exact at every L/N up to the correlations of a real
  network's D with its W, which the validation suite measures. This is the answer at L/N beyond
  :data:`CROSSOVER` (at L/N = 0.5 its median, 4.20 in log, is within 1.7 se of the measured 3.78).

And the log-normal scale of the fluctuations (Hanin & Nica 2019, "Products of many large random
matrices and gradients in deep neural networks", Comm. Math. Phys. 376 (2020), Thm 1 and §2.3):
for a fixed unit vector u, log ‖J u‖² is asymptotically Gaussian with variance κ L/N and mean
L log χ − κ L/(2N), κ = 3 E[t²]/E[t]² − 1 for Gaussian weights (κ = 5 for ReLU, 2 for a linear
layer: the fourth moment of one layer's ‖D W u‖²). Measured: the variance of log λ_max grows like L/N
too, at about half κ L/N for ReLU at L/N ≥ 0.25 (2.6-2.9 L/N against 5 L/N).

Example::

    >>> import rmtheory as rmt
    >>> p = rmt.predict.deep_jacobian(40, "relu", sigma_w=2 ** 0.5, width=200)
    >>> p.quantities["depth_over_width"], p.quantities["regime"]
    (0.2, 'infinite-width bulk; top eigenvalue at its classical location')
    >>> round(p.quantities["hanin_nica_kappa"], 12)
    5.0
"""

from __future__ import annotations

import numpy as np

__all__ = ["finite_width_jacobian", "CROSSOVER", "MODEL_FLOP_BUDGET"]

#: L/N up to which the classical location of the N → ∞ law gives log λ_max (measured, module docstring)
CROSSOVER = 0.25
#: beyond the crossover, the Monte Carlo of the finite-N model is run when its cost fits this many
#: floating-point operations with at least MIN_DRAWS matrices: ≈ (2 L + 25) N³ per matrix, the L
#: products and the singular values (measured on 2 cores: 0.17 s a matrix at N = 200, L = 100; 0.37 s
#: at N = 1000, L = 1), so the budget is a few seconds
MODEL_FLOP_BUDGET = 6e10
MIN_DRAWS = 30
MAX_DRAWS = 200

SOURCE = ("Hanin & Nica (2019), Products of many large random matrices and gradients in deep neural networks, "
          "Comm. Math. Phys. 376 (2020), Thm 1, §2.3 (log ‖J u‖² Gaussian, variance κ L/N)")


def _classical_top(law, width):
    mass = 1.0 / (2.0 * width)
    if hasattr(law, "log_quantile_above"):
        return float(np.exp(law.log_quantile_above(mass)[0]))
    return float(law.ppf(1.0 - mass))


def model_lambda_max(law, width, depth, *, draws=None, rng=0):
    """λ_max of ``draws`` matrices of the law's finite-N model (``law.model_sample``), or None where
    the law has no model or the cost is over :data:`MODEL_FLOP_BUDGET`."""
    sampler = getattr(law, "model_sample", None)
    if sampler is None:
        return None
    if draws is None:
        draws = int(min(MAX_DRAWS, MODEL_FLOP_BUDGET / ((2.0 * depth + 25.0) * float(width) ** 3)))
        if draws < MIN_DRAWS:
            return None
    gen = np.random.default_rng(rng)
    return np.array([sampler(width, gen)[-1] for _ in range(draws)])


def finite_width_jacobian(law, depth, width, tlaw, weights):
    """(quantities, assumptions) of the finite-width statements of the module docstring."""
    ratio = depth / width
    out = {"depth_over_width": ratio, "crossover_depth_over_width": CROSSOVER}
    try:
        out["lambda_max_classical"] = _classical_top(law, width)
    except Exception:    # noqa: BLE001 — a law whose quantile does not resolve: no classical statement
        pass
    if weights == "gaussian":
        m1, m2 = tlaw.moment(1), tlaw.moment(2)
        kappa = 3.0 * m2 / (m1 * m1) - 1.0
        out.update(hanin_nica_kappa=kappa, log_norm_variance=kappa * ratio, log_norm_mean_shift=-kappa * ratio / 2)
    # within the crossover the classical location answers; the Monte Carlo is paid only beyond it
    tops = model_lambda_max(law, width, depth) if ratio > CROSSOVER else None
    if tops is not None:
        logs = np.log(tops)
        out.update(lambda_max_at_width=float(np.median(tops)),
                   lambda_max_at_width_band=[float(np.quantile(tops, 0.05)), float(np.quantile(tops, 0.95))],
                   log_lambda_max_mean=float(logs.mean()), log_lambda_max_sd=float(logs.std(ddof=1)),
                   lambda_max_at_width_draws=int(tops.size))
    if ratio <= CROSSOVER:
        out["regime"] = "infinite-width bulk; top eigenvalue at its classical location"
    elif tops is not None:
        out["regime"] = "infinite-width bulk; top eigenvalue from the finite-width model (L/N beyond the crossover)"
    else:
        out["regime"] = ("infinite-width bulk; L/N beyond the crossover and the finite-width model over its cost "
                         "budget: λ_max is below the classical location, by how much not computed")
    assumptions = (
        f"finite width N = {width}, L/N = {ratio:.3g}: the bulk is the N → ∞ law (validated up to L/N = 0.5); "
        f"λ_max is below the N → ∞ edge: its classical location (L/N ≤ {CROSSOVER}) or the finite-N model's "
        "λ_max (median, 5-95 % band, Monte Carlo of L Gaussian layers with D² iid, seed 0) beyond; "
        + ("log-normal fluctuation scale κ L/N from " + SOURCE if weights == "gaussian" else
           "no Hanin-Nica scale for orthogonal weights"),
    )
    return out, assumptions
