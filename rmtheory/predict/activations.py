"""Activation functions and their Gaussian moments.

For x ~ N(0, v) (v = ``variance``) :func:`activation_moments` returns

* ``mean`` = E f(x),
* ``eta``  = η = E f(x)²,
* ``zeta`` = ζ = (E f'(x))²,
* ``eta_prime`` = E f'(x)² (the χ of mean-field theory is σ_w² times it at v = q*),

the constants through which a pointwise nonlinearity enters the random-features Gram matrix
(Pennington & Worah 2017, "Nonlinear random matrix theory for deep learning", NeurIPS, §3, where
η = ∫ f(σ_w σ_x z)² Dz and ζ = [σ_w σ_x ∫ f'(σ_w σ_x z) Dz]²: their ζ is v·(E f')², the
variance of the linear Hermite component; at v = 1 the two agree) and the Jacobian of a deep
network (Pennington, Schoenholz & Ganguli 2017, NeurIPS, §2). E f' comes without derivatives from
Stein's identity E f'(x) = E[x f(x)]/v, so it is exact for kinked activations too.

Quadrature. Smooth activations: Gauss-Hermite with the probabilists' weight, nodes doubled from 64
until two rules agree to 1e-14 (relative to E|g| + tiny). Gauss-Hermite converges only
algebraically across a kink, so activations with breakpoints (relu, abs, hard_tanh, leaky_relu
and callables given ``breakpoints``) — and smooth ones on which Gauss-Hermite did not converge by
256 nodes (e.g. tanh at v ≫ 1, a near-step) — use composite Gauss-Legendre on [−12√v, 12√v]
split at the breakpoints (the Gaussian mass beyond 12σ is 4e-33), panels no wider than
min(√v, 1), 24 nodes each.

Names: relu, tanh, gelu (x Φ(x)), erf, linear, abs, sigmoid, softplus, hard_tanh, leaky_relu
(slope 0.01), selu, and each with the suffix ``_centered`` (f − E f at the variance where the
moments are taken). A vectorized callable works too, with optional ``derivative=`` (otherwise
central differences, relative error ~1e-10) and ``breakpoints=``.

Example::

    >>> import rmtheory as rmt
    >>> m = rmt.predict.activation_moments("relu")     # η = 1/2, E f' = 1/2, E f = 1/√(2π)
    >>> round(m.eta, 15), round(m.zeta, 15), round(m.mean, 15)
    (0.5, 0.25, 0.398942280401433)
    >>> round(rmt.predict.activation_moments("relu_centered").mean, 15)
    0.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable

import numpy as np
from scipy import special

from rmtheory.params import ParameterError, Real, check

__all__ = ["Activation", "ActivationMoments", "activation", "activation_moments", "gaussian_expectation",
           "ACTIVATIONS"]

_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


def _sigmoid(x):
    return special.expit(x)


def _sech2(x):
    e = np.exp(-2.0 * np.abs(x))
    return 4.0 * e / (1.0 + e) ** 2


def _selu(x):
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def _selu_prime(x):
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return scale * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


#: name → (f, f', breakpoints, derivative piecewise constant)
_TABLE: dict[str, tuple[Callable, Callable, tuple, bool]] = {
    "relu": (lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float), (0.0,), True),
    "tanh": (np.tanh, lambda x: _sech2(x), (), False),
    "gelu": (lambda x: x * special.ndtr(x),
             lambda x: special.ndtr(x) + x * np.exp(-0.5 * x * x) / _SQRT2PI, (), False),
    "erf": (special.erf, lambda x: (2.0 / math.sqrt(math.pi)) * np.exp(-x * x), (), False),
    "linear": (lambda x: np.asarray(x, float) * 1.0, lambda x: np.ones_like(np.asarray(x, float)), (), True),
    "abs": (np.abs, lambda x: np.sign(x), (0.0,), True),
    "sigmoid": (_sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)), (), False),
    "softplus": (lambda x: np.logaddexp(0.0, x), _sigmoid, (), False),
    "hard_tanh": (lambda x: np.clip(x, -1.0, 1.0), lambda x: (np.abs(x) < 1).astype(float), (-1.0, 1.0), True),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.01 * x), lambda x: np.where(x > 0, 1.0, 0.01), (0.0,), True),
    "selu": (_selu, _selu_prime, (0.0,), False),
}

ACTIVATIONS = tuple(sorted(_TABLE)) + tuple(sorted(f"{n}_centered" for n in _TABLE))


@dataclass(frozen=True)
class Activation:
    """A pointwise nonlinearity: f, f', its kinks, and a constant subtracted (``shift``).

    ``centered`` asks for f − E f(x) at the variance where the activation is used;
    :meth:`at_variance` fixes that constant (``centered_at`` records the variance).
    ``piecewise_constant_derivative`` is True when f' takes finitely many values (relu,
    hard_tanh, ...): then the law of f'(x)² is atomic, which the Jacobian theory uses exactly.
    """

    name: str
    f: Callable = field(repr=False)
    df: Callable = field(repr=False)
    breakpoints: tuple = ()
    piecewise_constant_derivative: bool = False
    centered: bool = False
    shift: float = 0.0
    centered_at: float | None = None
    numeric_derivative: bool = False

    def __call__(self, x):
        return np.asarray(self.f(np.asarray(x, float)), float) - self.shift

    def derivative(self, x):
        return np.asarray(self.df(np.asarray(x, float)), float)

    def at_variance(self, variance: float) -> "Activation":
        """This activation as used at x ~ N(0, variance): centred there if it asks to be."""
        if not self.centered or self.centered_at == variance:
            return self
        raw = replace(self, shift=0.0, centered_at=None)
        mean = gaussian_expectation(raw, variance, self.breakpoints)
        return replace(self, shift=mean, centered_at=float(variance))

    def derivative_values(self, variance: float):
        """For a piecewise-constant f': the values t of f'(x)² and their Gaussian probabilities."""
        if not self.piecewise_constant_derivative:
            raise ValueError(f"{self.name}: f' is not piecewise constant")
        sd = math.sqrt(variance)
        cuts = [-math.inf] + sorted(self.breakpoints) + [math.inf]
        probs = {}
        for a, b in zip(cuts[:-1], cuts[1:]):
            if math.isfinite(a) and math.isfinite(b):
                mid = 0.5 * (a + b)
            else:
                mid = b - 1.0 if math.isfinite(b) else (a + 1.0 if math.isfinite(a) else 0.0)
            t = float(self.derivative(np.array([mid]))[0]) ** 2
            p = float(special.ndtr(b / sd) - special.ndtr(a / sd))
            if p > 0:
                probs[t] = probs.get(t, 0.0) + p
        return sorted(probs.items())


def activation(spec, *, derivative: Callable | None = None, breakpoints=()) -> Activation:
    """An :class:`Activation` from a name (see :data:`ACTIVATIONS`), an Activation, or a callable."""
    if isinstance(spec, Activation):
        return spec
    allowed = "{" + ", ".join(ACTIVATIONS) + "} or a vectorized callable"
    if isinstance(spec, str):
        key = spec.strip().lower().replace("-", "_")
        centred = key.endswith("_centered") or key.endswith("_centred")
        base = key.removesuffix("_centered").removesuffix("_centred")
        if base not in _TABLE:
            raise ParameterError("activation", spec, allowed)
        f, df, bps, pc = _TABLE[base]
        return Activation(base + ("_centered" if centred else ""), f, df, bps, pc, centred)
    if callable(spec):
        try:
            probe = np.asarray(spec(np.array([-1.0, 0.5, 2.0])), dtype=float)
        except Exception as err:  # noqa: BLE001 - any failure means it is not a vectorized real function
            raise ParameterError("activation", spec, "a vectorized callable R -> R",
                                 f"calling it failed: {err}") from err
        if probe.shape != (3,) or not np.all(np.isfinite(probe)):
            raise ParameterError("activation", spec, "a vectorized callable R -> R returning finite values")
        bps = tuple(float(b) for b in breakpoints)
        if derivative is None:
            def df(x, _f=spec):
                x = np.asarray(x, float)
                h = 1e-5 * np.maximum(1.0, np.abs(x))
                return (np.asarray(_f(x + h), float) - np.asarray(_f(x - h), float)) / (2 * h)
            numeric = True
        else:
            df, numeric = derivative, False
        # never the name of a built-in: code that keys on names (e.g. the scale-free shortcut of
        # positively homogeneous activations) must not take a user's function named "relu" for relu
        name = f"{getattr(spec, '__name__', 'function')} (callable)"
        return Activation(name, spec, df, bps, False, False, 0.0, None, numeric)
    raise ParameterError("activation", spec, allowed)


def _resolve(spec, variance, **kwargs) -> Activation:
    """The activation as used at x ~ N(0, variance)."""
    return activation(spec, **kwargs).at_variance(variance)


# ----------------------------------------------------------------------- quadrature
@lru_cache(maxsize=8)
def _hermite(n: int):
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / _SQRT2PI


@lru_cache(maxsize=4)
def _legendre(n: int):
    return np.polynomial.legendre.leggauss(n)


def _graded_edges(a: float, b: float, smallest: float, largest: float) -> np.ndarray:
    """Panel edges on [a, b]: width ``smallest`` at both ends, doubling inward up to ``largest``."""
    left, right = [a], [b]
    w = smallest
    while left[-1] + w < right[-1] - w:
        left.append(left[-1] + w)
        right.append(right[-1] - w)
        w = min(2.0 * w, largest)
    return np.array(left + right[::-1])


def _legendre_nodes(variance: float, breakpoints) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre nodes and Gaussian weights on [−12σ, 12σ], split at breakpoints and 0.

    Panels are min(σ, 1) wide at 0 and at the breakpoints, where an activation has its structure,
    and double away from them up to σ, the scale of the Gaussian factor: O(24 + log σ) panels per
    piece rather than O(σ) (at σ = 10⁶ a uniform unit grid would need 2.4·10⁷ panels).
    """
    sd = math.sqrt(variance)
    lo, hi = -12.0 * sd, 12.0 * sd
    cuts = sorted({lo, hi, 0.0, *[b for b in breakpoints if lo < b < hi]})
    xg, wg = _legendre(24)
    xs, ws = [], []
    for a, b in zip(cuts[:-1], cuts[1:]):
        edges = _graded_edges(a, b, min(sd, 1.0), sd)
        half = 0.5 * np.diff(edges)
        mid = 0.5 * (edges[1:] + edges[:-1])
        xs.append((mid[:, None] + half[:, None] * xg[None, :]).ravel())
        ws.append((half[:, None] * wg[None, :]).ravel())
    x, w = np.concatenate(xs), np.concatenate(ws)
    return x, w * np.exp(-0.5 * x * x / variance) / (sd * _SQRT2PI)


def gaussian_nodes(variance: float, breakpoints=(), smooth_probe: Callable | None = None):
    """Nodes and weights of a rule for E g(x), x ~ N(0, variance) (see the module docstring)."""
    if breakpoints:
        return _legendre_nodes(variance, breakpoints)
    sd = math.sqrt(variance)
    if smooth_probe is None:
        x, w = _hermite(128)
        return sd * x, w
    previous = None
    for n in (64, 128, 256):
        x, w = _hermite(n)
        value = np.asarray(smooth_probe(sd * x), float) @ w
        scale = np.abs(np.asarray(smooth_probe(sd * x), float)) @ w + 1e-300
        if previous is not None and np.all(np.abs(value - previous) <= 1e-14 * scale):
            return sd * x, w
        previous = value
    return _legendre_nodes(variance, breakpoints)


def graded_cuts(sd: float, focus, breakpoints, depth: int, cut: float = 12.0) -> list[float]:
    """Panel ends on [−cut·σ, cut·σ]: the breakpoints, and around each focus point f the points
    f ± σ·10^{−k/2}, k = 0..depth (a grading that resolves an extremum or edge at f)."""
    lo, hi = -cut * sd, cut * sd
    cuts = {lo, hi} | {float(b) for b in breakpoints if lo < b < hi}
    for f in focus:
        if not lo < f < hi:
            continue
        cuts.add(float(f))
        for k in range(depth + 1):
            d = sd * 10.0 ** (-k / 2.0)
            cuts.update({f - d, f + d})
    return sorted(c for c in cuts if lo <= c <= hi)


def graded_nodes(variance: float, focus=(), breakpoints=(), *, depth: int = 8, order: int = 8):
    """Composite Gauss-Legendre nodes and Gaussian weights on [−12σ, 12σ], graded toward ``focus``.

    For expectations E h(x) whose integrand is nearly singular at a few points — E[t/(1 + γ t m)]
    with t(x) = f'(x)² near the edge of the spectrum, where the pole of the integrand approaches
    the real axis at the maximum of t — panels shrink geometrically (factor √10, ``depth`` levels,
    down to σ·10^{−depth/2}) toward each focus point; ``order`` nodes per panel, panels elsewhere no
    wider than σ. Breakpoints are panel ends (kinks).
    """
    sd = math.sqrt(variance)
    cuts = graded_cuts(sd, focus, breakpoints, depth)
    ends = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        k = max(1, int(math.ceil((b - a) / sd)))
        ends.extend(np.linspace(a, b, k + 1)[:-1].tolist())
    ends.append(cuts[-1])
    ends = np.asarray(ends)
    xg, wg = _legendre(order)
    half = 0.5 * np.diff(ends)
    mid = 0.5 * (ends[1:] + ends[:-1])
    x = (mid[:, None] + half[:, None] * xg[None, :]).ravel()
    w = (half[:, None] * wg[None, :]).ravel()
    return x, w * np.exp(-0.5 * x * x / variance) / (sd * _SQRT2PI)


def extrema(func, variance: float):
    """Interior points of [−12σ, 12σ] where ``func`` is largest and smallest (grid + golden section)."""
    from scipy import optimize

    sd = math.sqrt(variance)
    grid = np.linspace(-12.0 * sd, 12.0 * sd, 4801)
    values = np.asarray(func(grid), float)
    found = []
    for sign in (1.0, -1.0):
        i = int(np.argmax(sign * values))
        if not 0 < i < grid.size - 1:
            continue
        if not (sign * values[i] > sign * values[i - 1] and sign * values[i] > sign * values[i + 1]):
            continue  # a plateau (piecewise-constant g): no isolated extremum to grade toward
        try:
            res = optimize.minimize_scalar(lambda x, sign=sign: -sign * float(np.asarray(func(np.array([x])))[0]),
                                           bracket=(grid[i - 1], grid[i], grid[i + 1]), tol=1e-12)
            x = float(res.x) if grid[i - 1] <= res.x <= grid[i + 1] else float(grid[i])
        except ValueError:
            x = float(grid[i])
        found.append(x)
    return found


def gaussian_expectation(g, variance: float, breakpoints=()) -> float:
    """E g(x) for x ~ N(0, variance), by the rules of the module docstring."""
    variance = check("variance", variance, Real(0, None, low_open=True))
    func = (lambda x: np.asarray(g(x), float))
    x, w = gaussian_nodes(variance, tuple(breakpoints), func)
    return float(func(x) @ w)


# ----------------------------------------------------------------------- moments
@dataclass(frozen=True)
class ActivationMoments:
    """Gaussian moments of an activation at x ~ N(0, variance); see the module docstring."""

    activation: str
    variance: float
    mean: float
    eta: float
    zeta: float
    eta_prime: float
    mean_prime: float

    @property
    def linear_power(self) -> float:
        """variance · (E f')²: the power of the linear Hermite component (Pennington & Worah's ζ)."""
        return self.variance * self.zeta

    @property
    def eta_centered(self) -> float:
        """Var f(x) = η − (E f)²."""
        return self.eta - self.mean**2


def activation_moments(activation_spec, variance: float = 1.0, *, derivative: Callable | None = None,
                       breakpoints=()) -> ActivationMoments:
    """η = E f², ζ = (E f')², E f, E f'², E f' for x ~ N(0, ``variance``) (module docstring).

    Example (closed forms: E erf(x)² = (2/π) arcsin(2v/(1 + 2v)), E erf'(x) = (2/√π)/√(1 + 2v))::

        >>> import math, rmtheory as rmt
        >>> m = rmt.predict.activation_moments("erf", variance=0.5)
        >>> abs(m.eta - 2 / math.pi * math.asin(0.5)) < 1e-14, abs(m.mean_prime - 2 / math.sqrt(2 * math.pi)) < 1e-14
        (True, True)
    """
    variance = check("variance", variance, Real(0, None, low_open=True))
    act = _resolve(activation_spec, variance, derivative=derivative, breakpoints=breakpoints)
    bps = act.breakpoints
    probe = lambda x: np.stack([act(x), act(x) ** 2, x * act(x), act.derivative(x) ** 2])  # noqa: E731
    x, w = gaussian_nodes(variance, bps, probe)
    values = probe(x) @ w
    mean, eta, stein, eta_prime = (float(v) for v in values)
    mean_prime = stein / variance  # Stein: E f'(x) = E[x f(x)]/v
    return ActivationMoments(act.name, float(variance), mean, eta, mean_prime**2, eta_prime, mean_prime)
