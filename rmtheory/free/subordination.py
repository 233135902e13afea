"""The subordination solver as an object: validates, picks the compiled or NumPy path, returns a
result record (value, status, statistics) and fails loudly by default (optimistix pattern).

Example::

    >>> import numpy as np, rmtheory as rmt
    >>> from rmtheory.free.subordination import SubordinationSolver
    >>> solver = SubordinationSolver("add", rmt.Semicircle(), rmt.Semicircle())
    >>> res = solver.on_real_line(np.array([0.0]))
    >>> bool(res.ok), round(float(res.value[0].imag / np.pi), 12)   # semicircle of variance 2 at 0
    (True, 0.225079079039)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rmtheory.free import components, kernels, reference
from rmtheory.laws.numerical import SolverError

__all__ = ["SubordinationSolver", "SubordinationResult", "SolverError"]


@dataclass
class SubordinationResult:
    """Stieltjes transform g (library sign) at the requested points, with diagnostics."""

    value: np.ndarray
    omega: np.ndarray
    status: np.ndarray
    iterations: np.ndarray
    method: str
    stats: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(np.all(self.status != kernels.STATUS_FAILED))


def _hull(law):
    lo, hi = law._hull()
    return float(lo), float(hi)


class SubordinationSolver:
    """Solve the subordination equations of ``a ⊞ b`` (``op="add"``) or ``a ⊠ b`` (``op="mul"``).

    For ⊠, ``a`` must be supported on [0, ∞) (callers swap the laws if needed).
    """

    def __init__(self, op: str, a, b, *, tol: float = 1e-14, backend: str = "auto"):
        if op not in ("add", "mul"):
            raise ValueError(f"op = {op!r} is outside the allowed range {{'add', 'mul'}}")
        if backend not in ("auto", "numba", "numpy"):
            raise ValueError(f"backend = {backend!r} is outside the allowed range {{'auto', 'numba', 'numpy'}}")
        self.op, self.a, self.b, self.tol = op, a, b, tol
        self._op = kernels.OP_ADD if op == "add" else kernels.OP_MUL
        lo_a, hi_a = _hull(a)
        lo_b, hi_b = _hull(b)
        if op == "add":
            self.hull = (lo_a + lo_b, hi_a + hi_b)
        else:
            products = [lo_a * lo_b, lo_a * hi_b, hi_a * lo_b, hi_a * hi_b]
            self.hull = (min(products + [0.0]), max(products + [0.0]))
        self.scale = max(abs(self.hull[0]), abs(self.hull[1]), self.hull[1] - self.hull[0], 1e-300)
        self.height = 4.0 * self.scale
        self.eta_certify = 1e-10 * self.scale
        m1a, m1b = float(a.moment(1)), float(b.moment(1))
        m2a, m2b = float(a.moment(2)), float(b.moment(2))
        m1c = m1a * m1b
        m2c = m2a * m1b**2 + m1a**2 * m2b - m1a**2 * m1b**2
        self.moments = np.array([m1a, m1b, m1c, m2c])
        self.certify_positive = op == "add" or (lo_a >= 0 and lo_b >= 0)
        ca, cb = components.describe(a), components.describe(b)
        if backend == "numba" and (ca is None or cb is None):
            raise ValueError("backend = 'numba' needs both laws to have closed-form Cauchy transforms "
                             "(Atoms, EmpiricalLaw, Semicircle, MarchenkoPastur)")
        self.backend = "numpy" if backend == "numpy" or ca is None or cb is None else "numba"
        self._components = (ca, cb)

    def swapped(self):
        """The same problem with the two laws' roles exchanged (⊞ always; ⊠ when both are ≥ 0)."""
        if self.op == "mul" and not self.certify_positive:
            return None
        if getattr(self, "_swapped", None) is None:
            self._swapped = SubordinationSolver(self.op, self.b, self.a, tol=self.tol, backend=self.backend)
        return self._swapped

    def _kernel_args(self):
        ca, cb = self._components
        return (ca.kind, ca.params, ca.locations, ca.weights, cb.kind, cb.params, cb.locations, cb.weights)

    def _finish(self, g_cauchy, omega, status, iterations, where, strict):
        result = SubordinationResult(-np.asarray(g_cauchy), np.asarray(omega), np.asarray(status),
                                     np.asarray(iterations), self.backend,
                                     {"max_iterations": int(np.max(iterations, initial=0)),
                                      "failed": int(np.sum(status == kernels.STATUS_FAILED)),
                                      "unpolished": int(np.sum(status == kernels.STATUS_UNPOLISHED))})
        if strict and not result.ok:
            bad = np.flatnonzero(result.status == kernels.STATUS_FAILED)
            raise SolverError(
                f"free {'additive' if self.op == 'add' else 'multiplicative'} subordination did not "
                f"converge to a certified branch at {bad.size} of {result.status.size} points "
                f"(first at {where[bad[0]]!r}); the laws may be too singular there — try "
                f"backend='numpy' or report the case")
        return result

    def on_real_line(self, x, *, strict: bool = True) -> SubordinationResult:
        """Boundary values g(x + i0) on real points (any order), by continuation along them."""
        x = np.asarray(x, dtype=float).ravel()
        order = np.argsort(x, kind="stable")
        xs = np.ascontiguousarray(x[order])
        if self.backend == "numba":
            g, w, st, its = kernels.solve_grid(self._op, xs, self.eta_certify, True, self.height, self.tol,
                                               self.certify_positive, self.moments, *self._kernel_args())
        else:
            g, w, st, its = reference.solve(self._op, xs, self.eta_certify, self.a, self.b, self.moments,
                                            self.height, self.tol, self.certify_positive, polish=True)
        inverse = np.empty_like(order)
        inverse[order] = np.arange(order.size)
        return self._finish(g[inverse], w[inverse], st[inverse], its[inverse], x, strict)

    def at(self, z, *, strict: bool = True) -> SubordinationResult:
        """g(z) at complex points off the real axis (conjugate symmetry for Im z < 0)."""
        z = np.asarray(z, dtype=complex).ravel()
        lower = z.imag < 0
        zu = np.where(lower, z.conj(), z)
        if np.any(zu.imag == 0):
            raise ValueError("SubordinationSolver.at needs Im z ≠ 0; use on_real_line for real points")
        if self.backend == "numba":
            g, w, st, its = kernels.solve_points(self._op, np.ascontiguousarray(zu), self.height, self.tol,
                                                 self.certify_positive, self.moments, *self._kernel_args())
        else:
            g, w, st, its = reference.solve(self._op, zu.real, zu.imag, self.a, self.b, self.moments,
                                            self.height, self.tol, self.certify_positive)
        g = np.where(lower, np.conj(g), g)
        w = np.where(lower, np.conj(w), w)
        return self._finish(g, w, st, its, z, strict)

    def derivative_at(self, z, omega=None) -> np.ndarray:
        """g'(z) (library sign) off the real axis, by implicit differentiation at the solution.

        ``omega``: the subordination values of a result of :meth:`at` at the same points, which saves
        solving again (an outer solver asks for g and g' at every trial point).
        """
        zc = np.asarray(z, dtype=complex).ravel()
        omega = self.at(z).omega if omega is None else np.asarray(omega, dtype=complex).ravel()
        lower = zc.imag < 0
        zu, wu = np.where(lower, zc.conj(), zc), np.where(lower, omega.conj(), omega)
        if self.backend == "numba":
            dg = kernels.derivatives(self._op, np.ascontiguousarray(zu), np.ascontiguousarray(wu),
                                     *self._kernel_args())
        else:
            with np.errstate(all="ignore"):
                dg = reference.derivative(self._op, zu, wu, self.a, self.b)
        dg = np.where(lower, np.conj(dg), dg)
        return -dg

    def residual_real(self, w: float, x: float):
        """(Φ, Φ', valid) at real w and real spectral point x (used by the edge refinement).

        ``valid`` is False where w or ω₂ falls on the support of a component (Φ then turns complex),
        i.e. off the real solution branch.
        """
        z = complex(x, 0.0)
        with np.errstate(all="ignore"):
            if self.backend == "numba":
                phi, dphi, _, _ = kernels.residual(self._op, z, complex(w, 0.0), *self._kernel_args())
            else:
                phi, dphi, _, _ = reference.residual(self._op, np.array([z]), np.array([complex(w, 0.0)]),
                                                     self.a, self.b)
                phi, dphi = complex(phi[0]), complex(dphi[0])
        valid = (np.isfinite(phi) and np.isfinite(dphi) and abs(phi.imag) <= 1e-10 * (abs(phi) + 1.0)
                 and abs(dphi.imag) <= 1e-10 * (abs(dphi) + 1.0))
        return phi.real, dphi.real, bool(valid)
