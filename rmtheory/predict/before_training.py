"""Theory before training: the critical initialization, the Gauss-Newton λ_max at initialization, and
the largest stable full-batch gradient-descent step.

Critical initialization. Signal propagation through a deep network at its mean-field fixed point q*
(q = σ_w² E φ(√q z)² + σ_b²) is critical — gradients neither explode nor vanish with depth — when

    χ = σ_w² E φ'(√q* z)² = 1                                                              (1)

(Poole et al. 2016, NeurIPS, eq. (5); Schoenholz et al. 2017, ICLR, §3; Pennington, Schoenholz &
Ganguli 2017, NeurIPS, §2). For a given σ_b, :func:`critical_sigma_w` solves (1) for σ_w: in closed
form for a positively homogeneous φ with σ_b = 0 (σ_w² = 1/E φ'(z)², 2 for ReLU) and for an odd φ
with σ_b = 0 (q* = 0, σ_w = 1/|φ'(0)|: 1 for tanh), by a bracketed root of χ(σ_w) − 1 otherwise.
ReLU-like activations with σ_b > 0 have no finite critical point (q* diverges at χ = 1) and are
refused.

Gauss-Newton λ_max at initialization. For a two-layer network in the NTK parametrization,
f(x) = a·φ(σ_w W x/√d)/√N, and the half-MSE loss averaged over P samples, the Gauss-Newton matrix is
G = (1/P) Jᵀ J, whose nonzero eigenvalues are those of K/P, K = J Jᵀ the empirical NTK Gram matrix
(:func:`~rmtheory.predict.ntk.two_layer_ntk_gram`): λ_max(G) = λ_max(K)/P, its largest outlier where
E φ ≠ 0, else the bulk edge. The Hessian is H = G + R with R the residual part
(:mod:`~rmtheory.predict.hessian_at_init`); under free independence R moves the top edge by less than
its semicircle radius 2σ_R, which is reported beside λ_max(G).

Stable step. Full-batch GD on a quadratic is stable iff η < 2/λ_max(H) (the top mode's residual is
multiplied by 1 − ηλ each step); near initialization the loss is that quadratic to leading order in
1/N, so the predicted largest stable step is 2/λ_max(G), within [2/(λ_max(G) + 2σ_R), 2/λ_max(G)].
Above it, a wide network's loss first grows (the catapult phase of Lewkowycz et al. 2020 up to
≈ 4/λ_max, outright divergence beyond).

Example (tanh, σ_b = 0: the critical σ_w is 1, q* = 0)::

    >>> import rmtheory as rmt
    >>> a = rmt.predict.advise(width=200, depth=1, d=100, P=300, activation="tanh")
    >>> a.sigma_w_critical, a.q_star
    (1.0, 0.0)
    >>> round(a.stable_step * a.lambda_max_ggn, 12)
    2.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from rmtheory.params import Integer, NoTheoryError, Real, check

__all__ = ["advise", "critical_sigma_w", "Advice"]

SOURCE_CRITICAL = ("Poole et al. (2016), Exponential expressivity in deep neural networks through transient chaos, "
                   "NeurIPS, eq. (5); Schoenholz et al. (2017), Deep information propagation, ICLR, §3 (χ = 1)")
SOURCE_STEP = ("stability of GD on a quadratic, η < 2/λ_max; the two-layer NTK Gram law (rmtheory.predict.ntk) "
               "for λ_max(G) = λ_max(K)/P; Lewkowycz et al. (2020), The large learning rate phase of deep "
               "learning: the catapult mechanism, arXiv:2003.02218, §2 (what happens above it)")


def critical_sigma_w(activation="tanh", sigma_b: float = 0.0) -> float:
    """σ_w on the order-to-chaos line (χ = 1, eq. (1)) for the given σ_b.

        >>> round(critical_sigma_w("relu") ** 2, 12)
        2.0
        >>> round(critical_sigma_w("tanh", 0.05), 6)
        1.122539
    """
    from rmtheory.predict import activations as acts
    from rmtheory.predict.input_output_jacobian import mean_field

    act = acts.activation(activation)
    sb = check("sigma_b", sigma_b, Real(0, 10.0))
    # mean_field knows the positively homogeneous activations: scale-free at σ_b = 0, χ = σ_w² E φ'(z)²
    unit = mean_field(act, 1.0, 0.0)
    if unit.scale_free:
        if sb > 0:
            raise NoTheoryError("sigma_b", sb, f"σ_b = 0 for {act.name} (positively homogeneous: at χ = 1 the "
                                "length map q ↦ q + σ_b² has no fixed point, q* diverges)")
        return 1.0 / math.sqrt(unit.mean_t)

    probe = np.linspace(0.1, 6.0, 60)
    if sb == 0.0 and np.allclose(act(probe), -act(-probe), rtol=1e-12, atol=1e-14):
        # an odd φ: q = 0 is the fixed point the length map reaches for σ_w ≤ 1/|φ'(0)|, where
        # χ = σ_w² φ'(0)² (tanh, erf: σ_w = 1); for other φ with φ(0) = 0 (GELU) the map may diverge
        slope = abs(float(act.derivative(np.zeros(1))[0]))
        if slope > 0:
            return 1.0 / slope

    def excess(log_sw):
        return mean_field(act, math.exp(log_sw), sb).chi - 1.0

    from scipy.optimize import brentq

    def settled(log_sw):
        """χ − 1 at σ_w, or None where the length map has no finite fixed point (it diverges)."""
        try:
            return excess(log_sw)
        except Exception:  # noqa: BLE001 — a mean field that does not settle: no fixed point there
            return None

    # the bracket [0.05, 20], its top lowered (halving σ_w) while the length map diverges there: an
    # unbounded φ (softplus) has a fixed point only below some σ_w, and χ = 1 may lie below it
    lo, hi = math.log(0.05), math.log(20.0)
    f_lo, f_hi = settled(lo), settled(hi)
    while f_hi is None and hi - math.log(2.0) > lo:
        hi -= math.log(2.0)
        f_hi = settled(hi)
    if f_lo is None or f_hi is None or not (f_lo < 0 < f_hi):
        raise NoTheoryError("activation", act.name, f"χ(σ_w) = 1 for some σ_w in [0.05, {math.exp(hi):.3g}] "
                            f"with a finite mean-field fixed point at σ_b = {sb:g}",
                            "χ − 1 at the ends: " + ", ".join("diverges" if f is None else f"{f:.3g}"
                                                              for f in (f_lo, f_hi)))
    log_sw = brentq(excess, lo, hi, xtol=1e-13, rtol=1e-13, maxiter=300)
    return float(math.exp(log_sw))


@dataclass(frozen=True)
class Advice:
    """What theory says before training (module docstring). Every number carries its source."""

    parameters: dict
    sigma_w_critical: float
    q_star: float
    chi: float                        # at the σ_w used
    lambda_max_ggn: float             # λ_max(G) at initialization, G = (1/P) Jᵀ J
    ggn_lambda_max_source: str        # "outlier" or "bulk edge"
    residual_radius: float            # 2σ_R: R moves λ_max(H) by less than this
    stable_step: float                # 2/λ_max(G)
    stable_step_band: tuple           # [2/(λ_max(G) + 2σ_R), 2/λ_max(G)]
    assumptions: tuple = field(default_factory=tuple)
    sources: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"parameters": self.parameters,
                "critical_initialization": {"sigma_w": self.sigma_w_critical,
                                            "sigma_b": self.parameters["sigma_b"], "q_star": self.q_star,
                                            "chi_at_sigma_w": self.chi, "source": self.sources["critical"]},
                "ggn_at_init": {"lambda_max": self.lambda_max_ggn, "from": self.ggn_lambda_max_source,
                                "residual_radius": self.residual_radius, "source": self.sources["ggn"]},
                "stable_step": {"eta": self.stable_step, "band": list(self.stable_step_band),
                                "source": self.sources["step"]},
                "assumptions": list(self.assumptions)}

    def summary(self) -> str:
        p = self.parameters
        critical = (f"sigma_w = {self.sigma_w_critical:.10g} at sigma_b = {p['sigma_b']:g}"
                    if math.isfinite(self.sigma_w_critical)
                    else f"none at sigma_b = {p['sigma_b']:g} (see assumptions)")
        lines = [f"critical initialization (chi = 1): {critical}; at the sigma_w used ({p['sigma_w']:.10g}): "
                 f"q* = {self.q_star:.6g}, chi = {self.chi:.6g}",
                 f"GGN lambda_max at initialization: {self.lambda_max_ggn:.10g} ({self.ggn_lambda_max_source}; "
                 f"the residual part moves the Hessian's by < {self.residual_radius:.3g})",
                 f"largest stable full-batch GD step: eta = 2/lambda_max = {self.stable_step:.10g} "
                 f"(band [{self.stable_step_band[0]:.6g}, {self.stable_step_band[1]:.6g}])"]
        return "\n".join(lines)


def advise(*, width=None, depth=None, d=None, P=None, activation="tanh", sigma_w=None, sigma_b=0.0,
           target_variance=1.0) -> Advice:
    """Critical initialization, λ_max of the GGN at initialization and the stable GD step (module
    docstring); ``sigma_w`` defaults to the critical one. Raises NoTheoryError where no theory applies."""
    from rmtheory.predict import activations as acts
    from rmtheory.predict.doors import ggn
    from rmtheory.predict.hessian_at_init import residual_second_moment
    from rmtheory.predict.input_output_jacobian import mean_field

    for name, value in (("width", width), ("depth", depth), ("d", d), ("P", P)):
        if value is None:
            raise NoTheoryError("advise", None, "width, depth, d and P", f"missing: {name}")
    depth = check("depth", depth, Integer(1, None))
    act = acts.activation(activation)
    sb = check("sigma_b", sigma_b, Real(0, 10.0))
    target_variance = check("target_variance", target_variance, Real(0, 1e100))
    try:
        sw_crit, no_critical = critical_sigma_w(act, sb), ""
    except NoTheoryError as err:
        if sigma_w is None:
            raise
        # a given σ_w still has its GGN and step; the critical line is reported as absent, with why
        sw_crit, no_critical = math.nan, str(err)
    sw = sw_crit if sigma_w is None else check("sigma_w", sigma_w, Real(0, 1e3, low_open=True))
    mf = mean_field(act, sw, sb)
    if depth != 1:
        raise NoTheoryError("depth", depth, "depth 1 for the GGN's λ_max at initialization (the two-layer NTK "
                            "law; no deeper GGN law is implemented)",
                            f"the critical σ_w at σ_b = {sb:g} is {sw_crit:.10g}; `rmtheory predict jacobian` "
                            "gives the deep input-output Jacobian")
    if sb != 0.0:
        raise NoTheoryError("sigma_b", sb, "σ_b = 0 (the two-layer NTK law has no biases)",
                            f"the critical σ_w at σ_b = {sb:g} is {sw_crit:.10g}")
    pred = ggn(width=width, depth=1, d=d, P=P, activation=act, sigma_w=sw)
    P = pred.parameters.get("P", P)
    outlier_top = max((o.location for o in pred.outliers if o.location is not None), default=-math.inf)
    edge_top = max([b for _, b in pred.edges] + [x for x, _ in pred.atoms], default=-math.inf)
    lam = pred.lambda_max / P
    r = residual_second_moment(act, d, width, P, sigma_w=sw, target_variance=target_variance)
    radius = 2.0 * math.sqrt(r["second_moment"])
    step = 2.0 / lam
    return Advice(
        parameters={"width": width, "depth": depth, "d": d, "P": P, "activation": act.name, "sigma_w": sw,
                    "sigma_b": sb, "target_variance": target_variance},
        sigma_w_critical=sw_crit, q_star=0.0 if math.isnan(mf.q_star) else mf.q_star, chi=mf.chi,
        lambda_max_ggn=lam, ggn_lambda_max_source="outlier" if outlier_top >= edge_top else "bulk edge",
        residual_radius=radius, stable_step=step, stable_step_band=(2.0 / (lam + radius), step),
        assumptions=(("critical line: mean-field limit (width → ∞), inputs of variance q* at every layer"
                      if not no_critical else f"no critical initialization: {no_critical}"),
                     "GD step: full batch, half-MSE loss averaged over P, gradients in the NTK parametrization's "
                     "standardized weights (a, w) — for a network in the standard parametrization rescale "
                     "per layer",
                     "λ_max(G) is the N, d, P → ∞ value: at finite size it fluctuates by the NTK law's "
                     "O(n^(-1/2)) remainder",
                     *pred.assumptions),
        sources={"critical": SOURCE_CRITICAL, "ggn": pred.source, "step": SOURCE_STEP})
