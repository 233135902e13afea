"""The Kac-Rice integral of a spherical spin glass, written from its covariance and evaluated by mpmath.

This is the general route, independent of the closed forms of :mod:`.closed_form`: nothing here
knows ABC's I_1 or E_∞; it needs only ν(1), ν'(1), ν''(1) of the covariance
E[H(σ)H(σ')] = N ν(σ·σ'/N) and three one-dimensional quadratures of the semicircle.

Derivation (Auffinger & Ben Arous 2013, Ann. Probab. 41, 4214–4247, Section 3, in our notation).
Put f(x) = H(√N x) on the unit sphere and use orthonormal tangent coordinates at a point. From the
covariance N ν(⟨x, y⟩):

* f ~ N(0, N ν(1)); the gradient ∇f ~ N(0, N ν'(1) I_{N−1}) is independent of f and of ∇²f;
* the Riemannian Hessian is ∇²f = √(N ν''(1)) W + Z I with W a GOE (E W_ij² = 1, E W_ii² = 2) and
  Z a scalar with Var Z = N(ν''(1) + ν'(1)) and Cov(Z, f) = −N ν'(1).

Given f = N v, Z has mean −N v ν'/ν and variance N α with α = ν'' + ν' − ν'²/ν (α = 0 exactly for a
pure model, α > 0 for every genuine mixture by Cauchy-Schwarz). Writing ∇²f = √(N(N−1)ν'')(M − x)
with M a GOE normalized to the semicircle on [−2, 2], the shift x = −Z/√(N(N−1)ν'') has mean
c v, c = ν'/(ν √ν''), and variance α/(N ν''). Kac-Rice on the sphere (volume 2π^{N/2}/Γ(N/2),
gradient density (2πNν')^{−(N−1)/2}) then gives, to exponential order,

    (1/N) ln E Crt_{N,k}(du)  →  C + G_k(v),   C = ½ + ½ ln(ν''/ν'),
    G_k(v) = −v²/(2ν) + sup_x [ Ω(x) − k J(−x) − ν''(x − c v)²/(2α) ],

where Ω(x) = ∫ ln|x − λ| ρ_sc(λ) dλ is the log-potential of the semicircle (the rate of
E|det(M − x)|), J(t) = ½ ∫_2^t √(s² − 4) ds is the large-deviation rate of one GOE eigenvalue at
t > 2 (Ben Arous, Dembo & Guionnet 2001; ABC 2013 prove the LDP of the k-th), the sup runs over x ≤ −2 for
a finite index k (k eigenvalues of M pushed below x) and over all x for the total count (k = 0
term absent), and for α = 0 the sup is replaced by x = c v. The cumulative complexity is
Θ_k(u) = C + sup_{v ≤ u} G_k(v). G_k is concave, so the sup is at v = u when G_k'(u) ≥ 0 and at the
root of G_k' otherwise; roots are found by bracketing (mpmath ``anderson``), all at the requested
precision plus guard digits inside a scoped ``mpmath.workdps``.

Example::

    >>> from rmtheory.kacrice.kac_rice_integral import log_potential, complexity
    >>> round(float(log_potential(0)), 14)       # ∫ ln|λ| ρ_sc = −½
    -0.5
    >>> round(float(complexity(1, 3, 6, -1.7, index=0, dps=20)), 12)   # pure 3-spin, minima ≤ −1.7
    -0.030445661736
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from rmtheory.params import Integer, SolverError

__all__ = ["log_potential", "log_potential_derivative", "top_eigenvalue_rate", "complexity",
           "typical_shift", "threshold_energy", "KacRice", "DPS"]

#: extra digits carried inside every evaluation, dropped when the result is returned
GUARD_DIGITS = 10
#: the working precisions (digits) the model and the thresholds accept; declared in this module,
#: which both import, so that neither has to import the other for it
DPS = Integer(10, 1000)


# ---------------------------------------------------------------- semicircle quadratures
def _rho(lam):
    return mpmath.sqrt(max(4 - lam * lam, 0)) / (2 * mpmath.pi)


def _gap(x, t):
    """x − 2cos t without cancellation near the edges: (x − 2) + 4sin²(t/2) or (x + 2) − 4cos²(t/2)."""
    if x >= 0:
        return (x - 2) + 4 * mpmath.sin(t / 2) ** 2
    return (x + 2) - 4 * mpmath.cos(t / 2) ** 2


def log_potential(x):
    """Ω(x) = ∫ ln|x − λ| ρ_sc(λ) dλ by tanh-sinh quadrature at the current precision.

    With λ = 2 cos θ, ρ_sc(λ)dλ = (2/π) sin²θ dθ; the logarithmic singularity at λ = x, when
    |x| < 2, is put on a subdivision point.
    """
    x = mpmath.mpf(x)

    def f(t):
        d = abs(_gap(x, t))
        # d is 0 only at the singular point, which tanh-sinh never evaluates (kept for safety)
        return mpmath.log(d) * mpmath.sin(t) ** 2 if d != 0 else mpmath.mpf(0)
    if abs(x) < 2:
        pts = [0, mpmath.acos(x / 2), mpmath.pi]
    else:
        pts = [0, mpmath.pi / 2, mpmath.pi]
    return 2 / mpmath.pi * mpmath.quad(f, pts)


def log_potential_derivative(x):
    """Ω'(x) = ∫ ρ_sc(λ)/(x − λ) dλ (a principal value for |x| < 2) by quadrature.

    Inside the support the principal value is folded onto the window |λ − x| < δ, δ the distance to
    the nearer edge: ∫_0^δ (ρ(x − s) − ρ(x + s))/s ds, plus the regular integral over the rest.
    """
    x = mpmath.mpf(x)
    if abs(x) >= 2:
        def f(t):
            den = _gap(x, t)
            return mpmath.sin(t) ** 2 / den if den != 0 else mpmath.mpf(0)
        return 2 / mpmath.pi * mpmath.quad(f, [0, mpmath.pi / 2, mpmath.pi])
    delta = min(x + 2, 2 - x)
    folded = mpmath.quad(lambda s: (_rho(x - s) - _rho(x + s)) / s, [0, delta])
    if x == 0:
        return folded
    rest = [x + delta, 2] if x < 0 else [-2, x - delta]
    return folded + mpmath.quad(lambda lam: _rho(lam) / (x - lam), rest)


def top_eigenvalue_rate(t):
    """J(t) = ½ ∫_2^t √(s² − 4) ds, the GOE large-deviation rate of one eigenvalue at t ≥ 2."""
    t = mpmath.mpf(t)
    if t <= 2:
        return mpmath.mpf(0)
    return mpmath.quad(lambda s: mpmath.sqrt(s * s - 4), [2, t]) / 2


def _rate_derivative(t):
    return mpmath.sqrt(t * t - 4) / 2 if t > 2 else mpmath.mpf(0)


# ---------------------------------------------------------------- root finding
def _decreasing_root(f, hi, lo_step=1):
    """The root of a decreasing f on (−∞, hi] with f(hi) < 0 (bracketed, then Anderson-Björck)."""
    step = mpmath.mpf(lo_step)
    lo = hi - step
    while f(lo) <= 0:
        step *= 2
        lo = hi - step
        if step > 1e6 * (1 + abs(hi)):  # pragma: no cover - a concave G_k always turns
            raise SolverError(f"Kac-Rice variational problem: no sign change of the derivative within "
                              f"{float(step):.3g} below {float(hi):.6g}; the covariance is outside the model's "
                              "assumptions (ν(1), ν'(1), ν''(1) > 0 with α = ν'' + ν' − ν'²/ν ≥ 0)")
    return mpmath.findroot(f, (lo, hi), solver="anderson", verify=False)


def _decreasing_root_anywhere(f, guess):
    """The root of a decreasing f on the whole line, bracketed outward from ``guess``."""
    guess = mpmath.mpf(guess)
    if f(guess) < 0:
        return _decreasing_root(f, guess)
    step = mpmath.mpf(1)
    hi = guess + step
    while f(hi) >= 0:
        step *= 2
        hi = guess + step
        if step > 1e6 * (1 + abs(guess)):  # pragma: no cover - the derivative of a concave G decreases
            raise SolverError(f"Kac-Rice variational problem: no sign change of the derivative within "
                              f"{float(step):.3g} above {float(guess):.6g}")
    return mpmath.findroot(f, (guess, hi), solver="anderson", verify=False)


# ---------------------------------------------------------------- the variational problem
@dataclass
class KacRice:
    """The Kac-Rice variational problem of one covariance, at the current mpmath precision.

    ``nu``, ``dnu``, ``ddnu`` are ν(1), ν'(1), ν''(1); ``index`` is k or ``None`` (total count).
    """

    nu: object
    dnu: object
    ddnu: object
    index: int | None = None

    def __post_init__(self):
        self.nu, self.dnu, self.ddnu = (mpmath.mpf(v) for v in (self.nu, self.dnu, self.ddnu))
        self.alpha = self.ddnu + self.dnu - self.dnu ** 2 / self.nu
        # α is a difference of O(1) numbers that vanishes exactly for a pure model
        if self.alpha <= 16 * mpmath.eps * (self.ddnu + self.dnu):
            self.alpha = mpmath.mpf(0)
        self.c = self.dnu / (self.nu * mpmath.sqrt(self.ddnu))
        self.const = mpmath.mpf(1) / 2 + mpmath.log(self.ddnu / self.dnu) / 2
        self.k = 0 if self.index is None else self.index

    # inner problem: the Hessian shift x at energy v
    def _inner(self, x, v):
        val = log_potential(x) - self.k * top_eigenvalue_rate(-x)
        return val - self.ddnu * (x - self.c * v) ** 2 / (2 * self.alpha)

    def _inner_derivative(self, x, v):
        return (log_potential_derivative(x) + self.k * _rate_derivative(-x)
                - self.ddnu * (x - self.c * v) / self.alpha)

    def shift(self, v):
        """The Hessian shift x*(v) that dominates the Kac-Rice integral at energy v.

        ``None`` when no admissible shift exists (a pure model with finite index above −E_∞).
        """
        v = mpmath.mpf(v)
        if self.alpha == 0:
            x = self.c * v
            if self.index is not None:
                if x > -2 * (1 - 64 * mpmath.eps):
                    return None
                x = min(x, mpmath.mpf(-2))  # v = −2/c rounds to x = −2 ± ulp; the edge is exact
            return x
        d = lambda x: self._inner_derivative(x, v)
        if self.index is not None:
            if d(-2) >= 0:
                return mpmath.mpf(-2)
            # the root lies below −2 and within O(1) of c v (the potential's pull Ω' ~ 1/x is small
            # far out): bracket from there, not from −2 (c v ~ −1e50 for a model of ν(1) ~ 1e−100)
            return _decreasing_root_anywhere(d, min(self.c * v, mpmath.mpf(-2)))
        return _decreasing_root_anywhere(d, self.c * v)

    def local(self, v):
        """G_k(v): the exponential density of critical values at energy v, without the constant."""
        v = mpmath.mpf(v)
        x = self.shift(v)
        if x is None:
            return -mpmath.inf
        energy = -v * v / (2 * self.nu)
        if self.alpha == 0:
            return energy + log_potential(x) - self.k * top_eigenvalue_rate(-x)
        return energy + self._inner(x, v)

    def local_derivative(self, v):
        """G_k'(v) (envelope theorem in the mixed case)."""
        v = mpmath.mpf(v)
        x = self.shift(v)
        if self.alpha == 0:
            return -v / self.nu + self.c * (log_potential_derivative(x) + self.k * _rate_derivative(-x))
        return -v / self.nu + self.ddnu * self.c * (x - self.c * v) / self.alpha

    def argmax(self, u):
        """The energy v ≤ u where G_k is largest (the level that dominates Crt((−∞, u]))."""
        u = mpmath.mpf(u)
        if self.alpha == 0 and self.index is not None:
            u = min(u, -2 / self.c)  # finite index needs the whole bulk above zero
        f = self.local_derivative
        if f(u) >= 0:
            return u
        # G_k is concave, so the maximizer over (−∞, u] is its unconstrained one, which sits at energies
        # of order one: bracket it from there (from u = 1e100 doubling steps took minutes)
        start = min(u, mpmath.mpf(0))
        if f(start) < 0:
            return _decreasing_root(f, start)
        step = mpmath.mpf(1)
        lo, hi = start, min(start + step, u)
        while f(hi) >= 0:
            step *= 2
            lo, hi = hi, min(start + step, u)
        return mpmath.findroot(f, (lo, hi), solver="anderson", verify=False)

    def complexity(self, u, cumulative=True):
        if not cumulative:
            return self.const + self.local(u)
        return self.const + self.local(self.argmax(u))


def _run(dps, fn):
    with mpmath.workdps(dps + GUARD_DIGITS):
        value = fn()
    with mpmath.workdps(dps):
        return +value if value is not None else None


def complexity(nu, dnu, ddnu, u, index=None, cumulative=True, dps=30):
    """Θ_k(u) (or Θ(u) for ``index=None``) from the covariance, as an mpf good to ~``dps`` digits."""
    return _run(dps, lambda: KacRice(nu, dnu, ddnu, index).complexity(u, cumulative))


def typical_shift(nu, dnu, ddnu, u, index=None, dps=30):
    """x*(u): the Hessian at a typical critical point of energy u is ≈ √ν''(1) (M − x*) (see module)."""
    return _run(dps, lambda: KacRice(nu, dnu, ddnu, index).shift(u))


def threshold_energy(nu, dnu, ddnu, dps=30):
    """E_∞ from the covariance: −E_∞ is the energy where the dominant shift x*(v) reaches −2.

    Solves Ω'(−2) − ν''(−2 − c v)/α = 0, i.e. c v = −2 − α Ω'(−2)/ν'', for v (pure model:
    c v = −2), with Ω'(−2) by quadrature. Returns E_∞ = −v > 0.
    """
    def fn():
        kr = KacRice(nu, dnu, ddnu)
        if kr.alpha == 0:
            return 2 / kr.c
        return (2 + kr.alpha * log_potential_derivative(-2) / kr.ddnu) / kr.c
    return _run(dps, fn)
