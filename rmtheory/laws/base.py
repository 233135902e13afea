"""The :class:`SpectralLaw` abstraction: the unit of the theory.

A law describes the limiting eigenvalue distribution of a random-matrix ensemble (or, for
Tracy-Widom, the limiting law of a rescaled extreme eigenvalue). Subclasses write only their private
formulas (``_pdf``, ``_cdf``, ``_stieltjes``, ...) on already-validated float arrays; this public layer
does broadcasting, support masks, NaN handling, atoms and the generic fallbacks (ppf by bracketing
root-finding on ``cdf``, moments and Stieltjes transform by quadrature). That split follows
``scipy.stats``: parameter domains are declared as data on the class (``parameters``), checked once
at construction, and named in the error.

Conventions, fixed for the whole library:

* ``stieltjes(z) = ∫ ρ(x) / (x − z) dx`` (Bai-Silverstein sign), so Im g(z) > 0 when Im z > 0 and
  g(z) ~ −1/z at infinity. For real z inside the support the boundary value from the upper
  half-plane is returned, so ``stieltjes(x).imag / π == pdf(x)`` there.
* ``pdf`` is the density of the continuous part; atoms are reported separately by ``atoms`` and are
  included in ``cdf`` (right-continuous), ``ppf`` (left-continuous inverse), ``moment`` and
  ``stieltjes``.
* Scalars in, scalars out; arrays broadcast elementwise.

Example::

    >>> import rmtheory as rmt
    >>> law = rmt.Semicircle(variance=1.0)
    >>> law.support
    [(-2.0, 2.0)]
    >>> round(float(law.moment(4)), 12)   # Catalan number C_2
    2.0
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

import numpy as np

from rmtheory.params import Integer, Parameter, SolverError, check

__all__ = ["SpectralLaw"]


class SpectralLaw:
    """Base class of every law. See the module docstring for conventions.

    Subclasses set ``name`` (the grammar name, e.g. ``"mp"``), ``parameters`` (a tuple of
    :class:`~rmtheory.params.Parameter`) and call ``self._init_parameters(locals())``-style via
    :meth:`_set_parameters`. They implement at least ``_pdf`` and ``_support``; everything else has a
    generic fallback that subclasses override where a closed form exists.
    """

    name: str = "law"
    parameters: tuple[Parameter, ...] = ()
    #: one line for ``rmtheory laws``
    summary: str = ""

    # ----------------------------------------------------------------- parameters
    def _set_parameters(self, **values) -> None:
        """Validate ``values`` against the declared ``parameters`` and store them as attributes."""
        declared = {p.name: p for p in self.parameters}
        unknown = set(values) - set(declared)
        if unknown:  # a programming error in a subclass, not user input
            raise TypeError(f"{type(self).__name__}: undeclared parameters {sorted(unknown)}")
        for p in self.parameters:
            value = values.get(p.name, p.default)
            setattr(self, p.name, check(p.name, value, p.domain))

    @property
    def params(self) -> dict:
        """The law's parameters as a dict (name → value)."""
        return {p.name: getattr(self, p.name) for p in self.parameters}

    def expression(self) -> str:
        """The law as an expression of the ``rmtheory density`` grammar, e.g. ``mp(ratio=0.5, variance=1)``."""
        args = ", ".join(f"{k}={_fmt_number(v)}" for k, v in self.params.items())
        return f"{self.name}({args})"

    def __repr__(self) -> str:
        return self.expression()

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.params == other.params

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(self.params.items())))

    # ----------------------------------------------------------------- support and atoms
    @property
    def support(self) -> list[tuple[float, float]]:
        """Closed intervals ``(a, b)`` carrying the continuous part, sorted, disjoint."""
        return [(float(a), float(b)) for a, b in self._support()]

    @property
    def atoms(self) -> list[tuple[float, float]]:
        """Point masses as ``(location, mass)``, sorted by location."""
        return [(float(x), float(w)) for x, w in self._atoms()]

    def _support(self) -> Sequence[tuple[float, float]]:
        raise NotImplementedError

    def _atoms(self) -> Sequence[tuple[float, float]]:
        return []

    @property
    def continuous_mass(self) -> float:
        """Mass of the continuous part, ``1 − Σ atoms``."""
        return 1.0 - sum(w for _, w in self.atoms)

    def _hull(self) -> tuple[float, float]:
        """Smallest interval holding the support and the atoms (may be infinite)."""
        points = [a for a, _ in self.support] + [b for _, b in self.support] + [x for x, _ in self.atoms]
        if not points:  # a law carries mass 1 somewhere; no interval and no atom is a solver's failure
            raise SolverError(f"{self.expression()}: neither a support interval nor an atom was found")
        return min(points), max(points)

    def _inside(self, x: np.ndarray) -> np.ndarray:
        mask = np.zeros(x.shape, dtype=bool)
        for a, b in self.support:
            mask |= (x >= a) & (x <= b)
        return mask

    # ----------------------------------------------------------------- density and distribution
    def pdf(self, x):
        """Density of the continuous part at ``x`` (0 outside the support; NaN for NaN)."""
        x = np.asarray(x, dtype=float)
        out = np.zeros(x.shape)
        inside = self._inside(x)
        if inside.any():
            out[inside] = self._pdf(x[inside])
        out[np.isnan(x)] = np.nan
        return _scalar(out)

    def cdf(self, x):
        """P(X ≤ x), atoms included."""
        return _probability(self._cdf, x)

    def sf(self, x):
        """P(X > x) = 1 − cdf(x); laws with tails override it to keep relative accuracy."""
        return _probability(self._sf, x)

    def ppf(self, q):
        """Quantile function: the smallest x with cdf(x) ≥ q; NaN outside [0, 1]."""
        q = np.asarray(q, dtype=float)
        out = np.full(q.shape, np.nan)
        ok = (q >= 0) & (q <= 1)
        if ok.any():
            out[ok] = self._ppf(q[ok])
        return _scalar(out)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        """Fallback: adaptive quadrature of the density on each interval, plus atoms."""
        from scipy import integrate

        out = np.zeros(x.shape)
        flat_x, flat_out = x.ravel(), out.ravel()
        for i, xi in enumerate(flat_x):
            if np.isnan(xi):
                continue
            total = sum(w for loc, w in self.atoms if loc <= xi)
            for a, b in self.support:
                if xi <= a:
                    continue
                upper = min(xi, b)
                total += integrate.quad(lambda t: float(self._pdf(np.array([t]))[0]), a, upper,
                                        limit=200, epsabs=1e-14, epsrel=1e-12)[0]
            flat_out[i] = total
        return out

    def _sf(self, x: np.ndarray) -> np.ndarray:
        return 1.0 - self._cdf(x)

    def _ppf(self, q: np.ndarray) -> np.ndarray:
        """Vectorized bisection on ``cdf`` inside the hull; exact to the last bit of x.

        Bisection (not Newton) because it is robust across atoms and square-root edges; 200
        halvings reach adjacent floats from any bracket.
        """
        lo_edge, hi_edge = self._hull()
        lo = np.full(q.shape, lo_edge if math.isfinite(lo_edge) else -1.0)
        hi = np.full(q.shape, hi_edge if math.isfinite(hi_edge) else 1.0)
        # an infinite side: widen until cdf(lo) < q ≤ cdf(hi)
        for _ in range(200 if not math.isfinite(lo_edge) else 0):
            bad = np.asarray(self._cdf(lo)) >= q
            if not bad.any():
                break
            lo[bad] = lo[bad] - 2.0 * np.maximum(1.0, np.abs(lo[bad]))
        for _ in range(200 if not math.isfinite(hi_edge) else 0):
            bad = np.asarray(self._cdf(hi)) < q
            if not bad.any():
                break
            hi[bad] = hi[bad] + 2.0 * np.maximum(1.0, np.abs(hi[bad]))
        # the bracket's lower end may itself be the answer (a quantile sitting on an atom there)
        at_lower = np.asarray(self._cdf(lo)) >= q
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            done = (mid <= lo) | (mid >= hi)
            if done.all():
                break
            below = np.asarray(self._cdf(mid)) < q
            lo = np.where(below & ~done, mid, lo)
            hi = np.where(~below & ~done, mid, hi)
        return np.where(at_lower, lo, hi)

    # ----------------------------------------------------------------- moments
    def moment(self, k):
        """Raw moment E[X^k] for an integer k ≥ 0 (atoms included)."""
        k = check("k", k, Integer(0, None))
        return self._moment(k)

    def _moment(self, k: int) -> float:
        from scipy import integrate

        total = sum(w * loc**k for loc, w in self.atoms)
        for a, b in self.support:
            total += integrate.quad(lambda t: t**k * float(self._pdf(np.array([t]))[0]), a, b,
                                    limit=200, epsabs=1e-14, epsrel=1e-12)[0]
        return float(total)

    def exact_moments(self, order: int) -> list:
        """[m_1..m_order] as exact rationals where the law's formulas allow (``fractions.Fraction``).

        The default converts the float moments to the binary rationals they are; closed-form laws
        override it to compute from their parameters exactly, so free cumulants and moments of
        free convolutions built from them are exact.
        """
        order = check("order", order, Integer(0, None))
        return [exact_number(float(self.moment(k))) for k in range(1, order + 1)]

    def mean(self) -> float:
        return float(self.moment(1))

    def var(self) -> float:
        m1 = self.mean()
        return float(self.moment(2) - m1 * m1)

    def std(self) -> float:
        return math.sqrt(self.var())

    # ----------------------------------------------------------------- Stieltjes transform
    def stieltjes(self, z):
        """g(z) = ∫ ρ(x)/(x − z) dx + Σ w/(loc − z); Im g > 0 for Im z > 0.

        For real z inside the support the boundary value g(z + i0) is returned.
        """
        z = np.asarray(z, dtype=complex)
        out = np.array(self._stieltjes(z), dtype=complex)
        out[np.isnan(z)] = np.nan
        return _scalar(out)

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        """Fallback: quadrature of ρ(x)/(x − z); slow and inaccurate within ~1e-6 of the support."""
        from scipy import integrate

        out = np.zeros(z.shape, dtype=complex)
        flat_z, flat_out = z.ravel(), out.ravel()
        for i, zi in enumerate(flat_z):
            val = sum(w / (loc - zi) for loc, w in self.atoms)
            for a, b in self.support:
                def f(t, part, zi=zi):
                    r = float(self._pdf(np.array([t]))[0]) / (t - zi)
                    return r.real if part == 0 else r.imag
                val += integrate.quad(f, a, b, args=(0,), limit=400)[0]
                val += 1j * integrate.quad(f, a, b, args=(1,), limit=400)[0]
            flat_out[i] = val
        return out

    def stieltjes_derivative(self, z):
        """g'(z) = ∫ ρ(x)/(x − z)² dx + Σ w/(loc − z)², for z off the support."""
        z = np.asarray(z, dtype=complex)
        out = np.array(self._stieltjes_derivative(z), dtype=complex)
        return _scalar(out)

    def _stieltjes_derivative(self, z: np.ndarray) -> np.ndarray:
        """Fallback: Cauchy's integral formula on a circle around z that avoids the real axis.

        g'(z) = (1/N) Σ_k g(z + r e^{iθ_k}) e^{−iθ_k} / r with r half the distance to the
        support (or to the real axis); the trapezoid rule on a circle converges like 2^{−N}.
        """
        lo, hi = self._hull()
        dist_axis = np.abs(z.imag)
        dist_hull = np.maximum(np.maximum(lo - z.real, z.real - hi), 0.0)
        radius = 0.5 * np.maximum(dist_axis, dist_hull)
        if np.any(radius == 0):
            raise ValueError("stieltjes_derivative needs z off the support (Im z ≠ 0 or z outside the hull)")
        n = 64
        phase = np.exp(2j * np.pi * np.arange(n) / n)
        ring = z[..., None] + radius[..., None] * phase
        values = np.asarray(self.stieltjes(ring), dtype=complex)
        return np.mean(values / phase, axis=-1) / radius

    # ----------------------------------------------------------------- polynomial method
    def polynomial(self):
        """The sympy polynomial P(g, z) with P(stieltjes(z), z) = 0, for algebraic laws.

        Delegates to :func:`rmtheory.algebraic.polynomial` (which registers itself here when
        ``rmtheory.algebraic`` is imported, as ``import rmtheory`` does: the laws sit below the
        polynomial method and do not import it); raises :class:`rmtheory.algebraic.NotAlgebraicError`
        for laws without one (e.g. Tracy-Widom).
        """
        if _POLYNOMIAL_METHOD[0] is None:
            raise RuntimeError("the polynomial method is rmtheory.algebraic's: import rmtheory.algebraic first")
        return _POLYNOMIAL_METHOD[0](self)

    # ----------------------------------------------------------------- Monte-Carlo
    def sample(self, n: int, rng=None) -> np.ndarray:
        """Eigenvalues (sorted) of one n-dimensional random matrix whose spectrum follows this law.

        That is the meaning of ``sample`` for a spectral law: one matrix's spectrum, whose
        empirical law converges to this one (its eigenvalues are not independent). A law of a single
        number, such as :class:`~rmtheory.laws.tracy_widom.TracyWidom` (a rescaled largest
        eigenvalue), returns n independent draws instead, and says so in its docstring.
        """
        n = check("n", n, Integer(1, None))
        rng = np.random.default_rng(rng)
        return np.sort(np.asarray(self._sample(n, rng), dtype=float))

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} has no matrix model to sample from")

    # ----------------------------------------------------------------- plotting range
    def default_range(self) -> tuple[float, float]:
        """A range showing the whole law: the hull with a 5 % margin, or the 1e-8 quantiles."""
        lo, hi = self._hull()
        if math.isfinite(lo) and math.isfinite(hi):
            span = max(hi - lo, 1e-12 * max(1.0, abs(lo)))
            return lo - 0.05 * span, hi + 0.05 * span
        return float(self.ppf(1e-8)), float(self.ppf(1 - 1e-8))


#: the polynomial method, registered by rmtheory.algebraic (see SpectralLaw.polynomial)
_POLYNOMIAL_METHOD = [None]


def register_polynomial_method(method) -> None:
    """Install ``method(law) -> P(g, z)`` as what :meth:`SpectralLaw.polynomial` calls."""
    _POLYNOMIAL_METHOD[0] = method


def exact_number(value):
    """A float as the exact binary rational it is (so exact arithmetic starts from the true input).

    Example::

        >>> exact_number(0.1)
        Fraction(3602879701896397, 36028797018963968)
    """
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, (float, np.floating)):
        return Fraction(float(value))
    return value  # sympy numbers and others pass through


def stable_quadratic_root(a, b, root):
    """The root (−b + root)/(2a) of a·g² + b·g + 1 = 0, evaluated without cancellation.

    ``root`` is the branch of √(b² − 4a) chosen by the caller (it fixes which root is physical).
    The same root equals −2/(b + root) (product of the roots is 1/a); each form is used where its
    denominator/numerator does not cancel, which keeps full relative accuracy both far from the
    support (where −b + root → 0) and for degenerate parameters (a → 0).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = (-b + root) / (2 * a)
        conjugate = -2.0 / (b + root)
    return np.where(np.abs(b + root) >= np.abs(-b + root), conjugate, direct)


def _probability(private, x):
    """Shared public layer of cdf/sf: float arrays in, clipped to [0, 1], NaN kept."""
    x = np.asarray(x, dtype=float)
    out = np.array(private(x), dtype=float)
    np.clip(out, 0.0, 1.0, out=out)
    out[np.isnan(x)] = np.nan
    return _scalar(out)


def _scalar(out: np.ndarray):
    """0-d arrays become numpy scalars (scalars in, scalars out)."""
    return out[()] if out.ndim == 0 else out


def _fmt_number(v) -> str:
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    v = float(v)
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)


def as_generator(rng) -> np.random.Generator:
    """``None``, an int seed or a Generator → a Generator."""
    return np.random.default_rng(rng)
