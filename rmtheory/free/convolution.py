"""Free additive (⊞) and multiplicative (⊠) convolution of any two laws, as SpectralLaws.

``free_add(a, b)`` is the limiting spectrum of A + U B Uᵀ and ``free_mul(a, b)`` that of
A^{1/2} U B Uᵀ A^{1/2} (A ≥ 0), with U Haar-distributed and A, B of spectra a, b (Voiculescu 1991;
Nica & Speicher 2006, Lectures 12 and 14). The Stieltjes transform comes from the subordination
solver (:mod:`rmtheory.free.subordination`), the support from its edge equation
(:mod:`rmtheory.free.support`), the mass check, cdf and stated tolerance from the engine every
solved law shares (:mod:`rmtheory.laws.numerical`), moments exactly from free cumulants
(:mod:`rmtheory.free.transforms`), and atoms from the rules of Bercovici & Voiculescu (1998) and
Belinschi (2003): μ⊞ν has an atom at α+β of mass μ({α}) + ν({β}) − 1 when that is positive;
μ⊠ν has mass max(μ({0}), ν({0})) at 0 and μ({α}) + ν({β}) − 1 at αβ ≠ 0. A tree of three or more
factors of one operation (``free_mul(free_mul(a, b), c)``) is solved as one equation of composed
S- or R-transforms where its factors allow (:mod:`rmtheory.free.chain`, the ``chain`` attribute),
instead of nesting one subordination solve inside the next.

Example::

    >>> import rmtheory as rmt
    >>> law = rmt.free_add(rmt.Semicircle(1.0), rmt.Semicircle(3.0))   # = semicircle of variance 4
    >>> [round(e, 10) for e in law.support[0]]
    [-4.0, 4.0]
    >>> round(float(law.cdf(1.0)), 12) == round(float(rmt.Semicircle(4.0).cdf(1.0)), 12)
    True
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from scipy import linalg

from rmtheory.free import chain as chain_mod
from rmtheory.free import support as support_mod
from rmtheory.free import transforms
from rmtheory.free.atoms import Atoms
from rmtheory.free.subordination import SubordinationSolver
from rmtheory.laws.affine import AffineImage
from rmtheory.laws.base import SpectralLaw
from rmtheory.laws.numerical import NumericalLaw
from rmtheory.params import ParameterError

__all__ = ["FreeAdditiveConvolution", "FreeMultiplicativeConvolution", "free_add", "free_mul", "haar_orthogonal"]


def haar_orthogonal(n: int, rng) -> np.ndarray:
    """Haar-distributed orthogonal n×n matrix (QR of a Gaussian matrix with the sign fix of
    Mezzadri 2007, "How to generate random matrices from the classical compact groups")."""
    q, r = linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def _require_law(value, name):
    if not isinstance(value, SpectralLaw):
        raise ParameterError(name, value, "a SpectralLaw (e.g. rmt.Semicircle(), rmt.Atoms([...]))")
    return value


def _require_compact(law, name):
    """The subordination engine scans a bounded hull: an operand with unbounded support (Tracy-Widom)
    is refused here rather than failing deep in the support scan. Solved laws are compact by
    construction and are not solved just to check."""
    inner = law
    while isinstance(inner, AffineImage):
        inner = inner.law
    if isinstance(inner, NumericalLaw):
        return law
    lo, hi = inner._hull()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ParameterError(name, law.expression(), "a law of bounded support",
                             f"its support is [{lo:g}, {hi:g}]; free convolution here needs compact operands")
    return law


class _FreeConvolution(NumericalLaw):
    """What ⊞ and ⊠ share: the subordination solver, atoms, exact moments, the point-mass shortcut.
    Support verification, cdf tables and tolerance are the engine's (:class:`NumericalLaw`)."""

    op = ""
    symbol = ""
    SUPPORT_RESOLUTION = 513

    def __init__(self, a, b, backend: str = "auto"):
        self.left = _require_compact(_require_law(a, "a"), "a")
        self.right = _require_compact(_require_law(b, "b"), "b")
        self.backend = backend

    # -- identity
    @property
    def params(self):
        return {"left": self.left, "right": self.right}

    def expression(self) -> str:
        return f"({self.left.expression()} {self.symbol} {self.right.expression()})"

    # -- solver (operands in solver order)
    def _operands(self):
        return self.left, self.right

    @cached_property
    def solver(self) -> SubordinationSolver:
        a, b = self._operands()
        return SubordinationSolver(self.op, a, b, backend=self.backend)

    # -- a point-mass operand: the result is affine in the other law
    @cached_property
    def exact_image(self):
        """For an operand δ_c (one atom of mass 1): the exact law of the result, else None.

        δ_c ⊞ μ is μ shifted by c (R_{δ_c} = c) and δ_c ⊠ μ is μ scaled by c (S_{δ_c} = 1/c; Nica &
        Speicher 2006, Lectures 12 and 14). The subordination equations are degenerate there (one
        subordination function is free), so density, cdf and Stieltjes transform come from the
        :class:`~rmtheory.laws.affine.AffineImage` instead of the solver.
        """
        for one, other in ((self.left, self.right), (self.right, self.left)):
            atoms = one.atoms
            if len(atoms) == 1 and not one.support and abs(atoms[0][1] - 1.0) <= 1e-14:
                c = atoms[0][0]
                if self.op == "add":
                    return AffineImage(other, 1.0, c)
                return Atoms([0.0], [1.0]) if c == 0.0 else AffineImage(other, c, 0.0)
        return None

    # -- atoms
    def _atoms(self):
        return self._atom_list

    @cached_property
    def _atom_list(self):
        out = {}
        for alpha, wa in self.left.atoms:
            for beta, wb in self.right.atoms:
                mass = wa + wb - 1.0
                loc = self._combine(alpha, beta)
                if mass > 1e-14 and loc not in self._special_atoms():
                    out[loc] = out.get(loc, 0.0) + mass
        out.update(self._extra_atoms())
        return sorted(out.items())

    def _special_atoms(self):
        """Locations whose mass follows a rule of its own (⊠: 0), set by ``_extra_atoms``."""
        return ()

    def _extra_atoms(self):
        return {}

    # -- a nested convolution: one equation for the whole chain of factors
    @cached_property
    def chain(self):
        """The flattened law of a tree of three or more factors (:mod:`rmtheory.free.chain`), whose
        S- or R-transform composition replaces the nested pairwise solves; None otherwise."""
        if self.exact_image is not None:
            return None
        return chain_mod.chain_law(self)

    # -- the engine's interface (rmtheory.laws.numerical): support search and density
    @property
    def scale(self) -> float:
        if self.chain is not None:
            return self.chain.scale
        return self.solver.scale

    def _locate_support(self, resolution):
        if self.chain is not None:
            intervals, diag = self.chain._locate_support(resolution)
            return intervals, dict(diag, method=f"{self.chain.name}: composed transforms")
        exclude = [loc for loc, _ in self._atom_list]
        return support_mod.find_support(self.solver, resolution, exclude)

    def _raw_density(self, x):
        if self.chain is not None:
            return self.chain._raw_density(x)
        res = self.solver.on_real_line(self._real_points(np.asarray(x, dtype=float).ravel()))
        return np.maximum(res.value.imag / np.pi, 0.0)

    def _real_points(self, x):
        """x with exact zeros moved to 1e-24 × scale for ⊠: a product is scale-free at 0, where the
        subordination equations divide by z; the value there is the limit from the right (at a
        hard edge ρ(0) = ∞ shows as a large finite density, ~1e16 for an x^{−2/3} edge)."""
        x = np.asarray(x, dtype=float)
        return np.where(x == 0, 1e-24 * self.solver.scale, x) if self.op == "mul" else x

    # -- a point-mass operand: everything from the exact image
    def _support(self):
        if self.exact_image is not None:
            return self.exact_image.support
        return super()._support()

    @property
    def diagnostics(self) -> dict:
        """How the support was found and integrated (see rmtheory.laws.numerical), or the exact image."""
        if self.exact_image is not None:
            return {"exact_image": self.exact_image.expression()}
        return super().diagnostics

    @property
    def numerical_tolerance(self) -> float:
        if self.exact_image is not None:
            # an affine image is as accurate as the law it maps (a closed form: rounding)
            inner = getattr(self.exact_image, "law", self.exact_image)
            return float(getattr(inner, "numerical_tolerance", 1e-15))
        return super().numerical_tolerance

    def _pdf(self, x):
        if self.exact_image is not None:
            return np.asarray(self.exact_image.pdf(x), dtype=float)
        return super()._pdf(x)

    def _cdf(self, x):
        x = np.asarray(x, dtype=float)
        if self.exact_image is not None:
            return np.asarray(self.exact_image.cdf(x), dtype=float)
        return super()._cdf(x)

    # -- moments: exact, from free cumulants
    def exact_moments(self, order: int) -> list:
        return self._exact_moments(order)

    def _moment(self, k):
        if k == 0:
            return 1.0
        return float(self._exact_moments(k)[k - 1])

    # -- Stieltjes transform
    def _stieltjes(self, z):
        z = np.asarray(z, dtype=complex)
        if self.exact_image is not None:
            return np.asarray(self.exact_image.stieltjes(z), dtype=complex)
        if self.chain is not None:
            return self.chain._stieltjes(z)
        out = np.empty(z.shape, dtype=complex)
        flat, res = z.ravel(), out.ravel()
        real = flat.imag == 0
        if real.any():
            res[real] = self.solver.on_real_line(self._real_points(flat[real].real)).value
        if (~real).any():
            res[~real] = self.solver.at(flat[~real]).value
        return out

    def _stieltjes_derivative(self, z):
        z = np.asarray(z, dtype=complex)
        if self.exact_image is not None:
            return np.asarray(self.exact_image.stieltjes_derivative(z), dtype=complex)
        flat = z.ravel()
        if np.any(flat.imag == 0) or self.chain is not None:
            # the generic contour formula (real points need z off the support)
            return SpectralLaw._stieltjes_derivative(self, z)
        return self.solver.derivative_at(flat).reshape(z.shape)


class FreeAdditiveConvolution(_FreeConvolution):
    """a ⊞ b: the limiting spectrum of A + U B Uᵀ (U Haar). See the module docstring."""

    name = "free_add"
    op = "add"
    symbol = "+"
    summary = "free additive convolution a ⊞ b"

    @staticmethod
    def _combine(alpha, beta):
        return alpha + beta

    def _exact_moments(self, order):
        ka = transforms.moments_to_free_cumulants(self.left.exact_moments(order))
        kb = transforms.moments_to_free_cumulants(self.right.exact_moments(order))
        return transforms.free_cumulants_to_moments(transforms.add_free_cumulants(ka, kb))

    def _sample(self, n, rng):
        la, lb = self.left.sample(n, rng), self.right.sample(n, rng)
        u = haar_orthogonal(n, rng)
        return linalg.eigvalsh(np.diag(la) + (u * lb) @ u.T)


class FreeMultiplicativeConvolution(_FreeConvolution):
    """a ⊠ b: the limiting spectrum of A^{1/2} U B Uᵀ A^{1/2} with A ≥ 0 (U Haar).

    One of the two laws must be supported on [0, ∞); it plays A. When both are, the subordination
    branch is certified (see rmtheory.free.kernels). When B is not, there is no certificate: every
    point descends on its own with a continuity guard, values come from 1e-10·min(scale, |x|) above
    the axis (relative error ~1e-8 measured), and where the branch cannot be followed the solver
    raises :class:`~rmtheory.free.subordination.SolverError` rather than return a guess.
    """

    name = "free_mul"
    op = "mul"
    symbol = "*"
    summary = "free multiplicative convolution a ⊠ b"

    def __init__(self, a, b, backend: str = "auto"):
        super().__init__(a, b, backend)
        if chain_mod.lower_bound(self.left) < 0 and chain_mod.lower_bound(self.right) < 0:
            raise ParameterError("a, b", f"{self.left.expression()}, {self.right.expression()}",
                                 "at least one law supported on [0, inf)",
                                 "free_mul(a, b) is the law of A^{1/2} B A^{1/2} with A ≥ 0")

    def _operands(self):
        if chain_mod.lower_bound(self.left) >= 0:
            return self.left, self.right
        return self.right, self.left

    @staticmethod
    def _combine(alpha, beta):
        return alpha * beta

    def _special_atoms(self):
        return (0.0,)

    def _extra_atoms(self):
        # μ⊠ν({0}) = max(μ({0}), ν({0})) (Belinschi 2003): the kernel of A^{1/2}BA^{1/2}
        zero = max([w for loc, w in self.left.atoms if loc == 0] + [w for loc, w in self.right.atoms if loc == 0]
                   + [0.0])
        return {0.0: zero} if zero > 0 else {}

    def _exact_moments(self, order):
        a, b = self._operands()
        ka = transforms.moments_to_free_cumulants(a.exact_moments(order))
        return transforms.product_moments(ka, b.exact_moments(order), order)

    def _sample(self, n, rng):
        a, b = self._operands()
        la, lb = a.sample(n, rng), b.sample(n, rng)
        u = haar_orthogonal(n, rng)
        root = np.sqrt(np.maximum(la, 0.0))
        m = (u * lb) @ u.T
        return linalg.eigvalsh(root[:, None] * m * root[None, :])


def free_add(a, b, backend: str = "auto") -> FreeAdditiveConvolution:
    """The free additive convolution a ⊞ b (limit spectrum of A + U B Uᵀ).

    Example::

        >>> import rmtheory as rmt
        >>> law = rmt.free_add(rmt.Semicircle(1.0), rmt.MarchenkoPastur(0.5))
        >>> float(law.moment(2))   # free cumulants add: κ₂ = 1 + 0.5, κ₁ = 1
        2.5

    With a point mass δ_c on either side the result is the other law shifted by c, evaluated
    exactly (see ``_FreeConvolution.exact_image``).
    """
    return FreeAdditiveConvolution(a, b, backend)


def free_mul(a, b, backend: str = "auto") -> FreeMultiplicativeConvolution:
    """The free multiplicative convolution a ⊠ b (limit spectrum of A^{1/2} U B Uᵀ A^{1/2}, A ≥ 0).

    Example::

        >>> import rmtheory as rmt
        >>> law = rmt.free_mul(rmt.MarchenkoPastur(1.0), rmt.MarchenkoPastur(1.0))
        >>> [float(law.moment(k)) for k in (1, 2, 3)]   # Fuss-Catalan numbers
        [1.0, 3.0, 12.0]

    With a point mass δ_c on either side the result is the other law scaled by c, evaluated
    exactly (δ_0 ⊠ μ = δ_0).
    """
    return FreeMultiplicativeConvolution(a, b, backend)
