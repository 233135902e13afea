"""Laws whose Stieltjes transform is defined through an explicit inverse function z = Z(u).

Every bulk law of :mod:`rmtheory.predict` that is not a plain free convolution (the random-features
Gram matrix, the deep-network Jacobian, GLM Hessians, the two-layer NTK Gram) has this form: one
auxiliary unknown u (a Stieltjes transform of a component, a subordination function, ...) with

    z = Z(u)  explicit and analytic,      g(z) = Γ(u, z)  explicit,

so that solving for g at a spectral point is one complex equation in one unknown (the inverse
function method of Marchenko & Pastur 1967 and Silverstein & Choi 1995, J. Multivariate Anal. 54;
for products of S-transforms, Pennington, Schoenholz & Ganguli 2018, AISTATS, §3). This module
solves it for any such law, the way :mod:`rmtheory.free.kernels` does for ⊞ and ⊠:

* **Off the axis**: Newton on Z(u) = z at z = x + iH (H = 4·scale, from the asymptotic guess of the
  subclass), then a vertical descent to the target height with a first-order predictor
  u + Δz/Z'(u) and a guard (the corrector may not move farther than the predictor). Each accepted
  step is certified: Im g > 0 and the subclass's certificate (e.g. Im u > 0 for a subordination
  function, or u equal to the component's own transform), which selects the physical root.
* **Many points, repeated calls**: a point starts from the nearest real point solved before, and
  of the rest one in eight (in sorted order) descends and the others start from their nearest
  such anchor, all under the same certificate and a stricter guard (:meth:`_anchored_descent`).
* **On the axis**: the descent stops at η = 1e-10·scale and Newton polishes at Im z = 0; a polish
  that leaves the certified branch is retried after a further descent (×1e-3, three times) and
  otherwise the value at η is kept (status "unpolished", density error O(η)).
* **Support**: outside the support the physical u(x) is real, and the edges are folds of that
  real branch, Z'(u) = 0 (Silverstein & Choi 1995, Thm 4.1-4.2 for the GMP family). Real critical
  points of Z are found on every real u-segment between the poles of Z (sign changes of Z' on a
  geometric grid, refined by Brent's method); their values Z(u_c), with 0 and the atoms, cut the
  line into intervals, and each interval is classified by the boundary value at its midpoint.
  Edges are therefore exact roots of Z' = 0, not thresholded densities. The mass check of the
  quadrature tables (below) guards the scan: a missed pair of critical points shows as a hidden
  zero of the density or a mass defect, and the scan is repeated 4× finer (the mass check, edge
  exponents, edge continuation, cdf tables and stated tolerance are those of every solved law:
  :class:`rmtheory.laws.numerical.NumericalLaw`).

Subclasses implement ``_inverse(u) -> (Z, Z')``, ``_gamma(u, z) -> g``, ``_u_far(z)``,
``_real_poles()``, ``_certify(u, z, closed)``, ``_atoms()``, ``_hull_bounds()`` and, where they
can, ``exact_moments`` and ``_sample``.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
from scipy import optimize

from rmtheory.laws.numerical import NumericalLaw, SolverError

__all__ = ["InverseFunctionLaw", "SolverError"]

OK, UNPOLISHED, FAILED = 0, 1, 2


class InverseFunctionLaw(NumericalLaw):
    """Base class; see the module docstring for what a subclass supplies."""

    #: Newton tolerance (relative to |u| + u_scale)
    tol = 1e-14
    #: points per real u-segment in the critical-point scan
    SUPPORT_RESOLUTION = 400

    # ------------------------------------------------------------------ subclass interface
    def _inverse(self, u):
        raise NotImplementedError

    def _gamma(self, u, z):
        raise NotImplementedError

    def _u_far(self, z):
        raise NotImplementedError

    def _real_poles(self) -> list[float]:
        """Real u where Z is singular (the scan splits the real line there)."""
        return []

    def _excluded_ranges(self) -> list[tuple[float, float]]:
        """Real u-intervals on which Z is not real (branch cuts of a continuous component)."""
        return []

    def _certify(self, u, z, closed: bool):
        """Extra branch conditions besides Im g > 0 (``closed``: on the real axis, with tolerance)."""
        return np.ones(np.shape(u), dtype=bool)

    def _hull_bounds(self) -> tuple[float, float]:
        """A lower bound of the spectrum (e.g. 0 for a positive matrix) and a scale estimate."""
        raise NotImplementedError

    @property
    def u_scale(self) -> float:
        return 1.0

    # ------------------------------------------------------------------ scales
    @cached_property
    def scale(self) -> float:
        m1 = float(self.moment(1))
        m2 = float(self.moment(2))
        return max(math.sqrt(max(m2, 0.0)), abs(m1), 1e-300)

    @property
    def height(self) -> float:
        return 4.0 * self.scale

    @property
    def eta_certify(self) -> float:
        return 1e-10 * self.scale

    # ------------------------------------------------------------------ Newton and certification
    def _newton(self, u, z, maxiter=60):
        u = np.array(u, dtype=complex)
        z = np.broadcast_to(np.asarray(z, dtype=complex), u.shape)
        done = np.zeros(u.shape, dtype=bool)
        bad = np.zeros(u.shape, dtype=bool)
        for _ in range(maxiter):
            todo = np.flatnonzero(~done & ~bad)
            if todo.size == 0:
                break
            with np.errstate(all="ignore"):
                zz, dz = self._inverse(u[todo])
                residual = zz - z[todo]
                step = residual / dz
            # near a fold Z' → 0 amplifies the rounding of Z: a residual at rounding level is
            # converged even when the step is not below tol
            at_rounding = np.abs(residual) <= 8e-16 * (np.abs(z[todo]) + self.scale)
            finite = np.isfinite(step)
            bad[todo[~finite & ~at_rounding]] = True
            ok = todo[finite]
            step = step[finite]
            u[ok] = u[ok] - step
            small = np.abs(step) <= self.tol * (np.abs(u[ok]) + self.u_scale)
            done[ok[small]] = True
            done[todo[at_rounding]] = True
        return u, done & ~bad & np.isfinite(u)

    def _certified(self, u, z, closed=False):
        # a far Newton iterate may overflow a subclass's formulas: it fails the certificate instead
        with np.errstate(all="ignore"):
            g = self._gamma(u, z)
            certified = self._certify(u, z, closed)
        if closed:
            ok = np.isfinite(g) & (g.imag >= -1e-12 * np.abs(g))
        else:
            ok = np.isfinite(g) & (g.imag > 0)
        return ok & certified, g

    # ------------------------------------------------------------------ descent
    def _descend(self, x, eta_target, u_start=None, eta_start=None):
        """Certified u at x + i·eta_target, from x + i·H (or from ``u_start`` at ``eta_start``)."""
        x = np.asarray(x, dtype=float)
        n = x.size
        eta_target = np.broadcast_to(np.asarray(eta_target, float), (n,)).copy()
        if u_start is None:
            # from H, or from the target itself where that is higher (the descent only goes down)
            eta = np.maximum(self.height, eta_target)
            z = x + 1j * eta
            u, conv = self._newton(self._u_far(z), z)
            cert, _ = self._certified(u, z)
            ok = conv & cert
            # a larger start height for points where the asymptotic guess was not good enough
            for factor in (10.0, 100.0):
                redo = np.flatnonzero(~ok)
                if redo.size == 0:
                    break
                eta[redo] = np.maximum(factor * self.height, eta_target[redo])
                z = x[redo] + 1j * eta[redo]
                u_r, conv = self._newton(self._u_far(z), z)
                cert, _ = self._certified(u_r, z)
                u[redo] = u_r
                ok[redo] = conv & cert
        else:
            u = np.array(u_start, dtype=complex)
            eta = np.broadcast_to(np.asarray(eta_start, float), (n,)).copy()
            ok = np.ones(n, dtype=bool)
        factor = np.full(n, 0.25)
        failures = np.zeros(n, dtype=int)
        while True:
            active = np.flatnonzero(ok & (eta > eta_target))
            if active.size == 0:
                break
            eta_new = np.maximum(eta[active] * factor[active], eta_target[active])
            z_old = x[active] + 1j * eta[active]
            z_new = x[active] + 1j * eta_new
            with np.errstate(all="ignore"):
                _, dz = self._inverse(u[active])
                u_pred = u[active] + (z_new - z_old) / dz
            u_pred = np.where(np.isfinite(u_pred), u_pred, u[active])
            u_new, conv = self._newton(u_pred, z_new)
            cert, _ = self._certified(u_new, z_new)
            guard = np.abs(u_new - u_pred) <= np.abs(u_pred - u[active]) + 1e-10 * (np.abs(u[active]) + self.u_scale)
            good = conv & cert & guard
            acc = active[good]
            u[acc] = u_new[good]
            eta[acc] = eta_new[good]
            factor[acc] = np.maximum(factor[acc] ** 2, 0.25)
            failures[acc] = 0
            rej = active[~good]
            factor[rej] = np.sqrt(factor[rej])
            failures[rej] += 1
            ok[rej[failures[rej] > 40]] = False
        return u, ok

    #: on many points, one in ANCHOR_STRIDE (in sorted order) descends from x + iH; the others start
    #: from their nearest such anchor
    ANCHOR_STRIDE = 8
    #: most real points whose certified solution is kept as a starting point for later calls
    SOLUTION_CACHE = 20000

    def _seeded(self, x, eta, x_seed, u_seed):
        """Newton at x + i·eta from the solutions u_seed at x_seed + i·eta (one seed per point):
        (u, accepted), accepted under the descent's certificate and a guard ten times stricter than
        the descent's (the corrector moves less than a tenth of the predictor's step); where the
        branch certificate is weak (a degenerate factor) a far seed could otherwise land on another
        root."""
        z_a = x_seed + 1j * eta
        z = x + 1j * eta
        with np.errstate(all="ignore"):
            _, dz = self._inverse(u_seed)
            u_pred = u_seed + (z - z_a) / dz
        u_pred = np.where(np.isfinite(u_pred), u_pred, u_seed)
        u_new, conv = self._newton(u_pred, z)
        cert, _ = self._certified(u_new, z)
        guard = np.abs(u_new - u_pred) <= 0.1 * np.abs(u_pred - u_seed) + 1e-10 * (np.abs(u_seed) + self.u_scale)
        return u_new, conv & cert & guard

    def _anchored_descent(self, x, eta):
        """Certified u at x + i·eta, like :meth:`_descend`, at a fraction of its cost on many points.

        A descent from x + iH costs some twenty certified Newton solves per point. Instead, a point
        first starts from the nearest real point solved before (kept, up to SOLUTION_CACHE of them,
        for the law's later calls: a quadrature or a plot asks for neighbouring points again and
        again); of the points that remain, on a dense set (quadrature nodes, a plotting grid) every
        ANCHOR_STRIDE-th in sorted order descends and the others start from their nearest anchor.
        Every start is accepted only under :meth:`_seeded`'s certificate and guard; what fails
        descends itself.
        """
        n = x.size
        u = np.zeros(n, dtype=complex)
        ok = np.zeros(n, dtype=bool)
        cache = self.__dict__.get("_solution_cache")
        same_height = np.all(eta == self.eta_certify)
        if cache is not None and same_height:
            xc, uc = cache
            near = _nearest(xc, x)
            u, ok = self._seeded(x, eta, xc[near], uc[near])
        rest = np.flatnonzero(~ok)
        if rest.size:
            u[rest], ok[rest] = self._anchor_and_seed(x[rest], eta[rest])
        if same_height and ok.any():
            xs, us = x[ok], u[ok]
            if cache is not None:
                xs, us = np.concatenate([cache[0], xs]), np.concatenate([cache[1], us])
            xs, first = np.unique(xs, return_index=True)
            us = us[first]
            if xs.size > self.SOLUTION_CACHE:           # keep an even thinning of the points
                keep = np.linspace(0, xs.size - 1, self.SOLUTION_CACHE).astype(int)
                xs, us = xs[keep], us[keep]
            self.__dict__["_solution_cache"] = (xs, us)
        return u, ok

    def _anchor_and_seed(self, x, eta):
        """One point in ANCHOR_STRIDE (sorted) descends, the others start from their nearest anchor."""
        n = x.size
        if n < 4 * self.ANCHOR_STRIDE:
            return self._descend(x, eta)
        order = np.argsort(x, kind="stable")
        xs, es = x[order], eta[order]
        anchors = np.unique(np.append(np.arange(0, n, self.ANCHOR_STRIDE), n - 1))
        u_s = np.zeros(n, dtype=complex)
        ok_s = np.zeros(n, dtype=bool)
        u_s[anchors], ok_s[anchors] = self._descend(xs[anchors], es[anchors])
        rest = np.setdiff1d(np.arange(n), anchors)
        near = anchors[_nearest(xs[anchors], xs[rest])]
        seeded = rest[ok_s[near]]
        near = near[ok_s[near]]
        if seeded.size:
            u_s[seeded], ok_s[seeded] = self._seeded(xs[seeded], es[seeded], xs[near], u_s[near])
        redo = np.flatnonzero(~ok_s)
        redo = redo[~np.isin(redo, anchors)]
        if redo.size:
            u_s[redo], ok_s[redo] = self._descend(xs[redo], es[redo])
        u, ok = np.empty(n, dtype=complex), np.empty(n, dtype=bool)
        u[order], ok[order] = u_s, ok_s
        return u, ok

    def _solve_complex(self, z, strict=True):
        """g at points with Im z ≠ 0 (conjugate symmetry below the axis)."""
        z = np.asarray(z, dtype=complex).ravel()
        lower = z.imag < 0
        zu = np.where(lower, z.conj(), z)
        u, ok = self._descend(zu.real, zu.imag)
        with np.errstate(all="ignore"):
            g = self._gamma(u, zu)
        if strict and not np.all(ok):
            bad = np.flatnonzero(~ok)
            raise SolverError(f"{self.expression()}: the inverse-function solver did not reach a certified "
                              f"branch at {bad.size} of {z.size} points (first at {z[bad[0]]!r})")
        g = np.where(lower, np.conj(g), g)
        return g, u, ok

    def _solve_real(self, x, strict=True):
        """Boundary values g(x + i0) at real x: descent to eta_certify, then the polish."""
        x = np.asarray(x, dtype=float).ravel()
        n = x.size
        status = np.full(n, FAILED)
        eta = np.full(n, self.eta_certify)
        u_c, ok = self._anchored_descent(x, eta)
        if strict and not np.all(ok):
            bad = np.flatnonzero(~ok)
            raise SolverError(f"{self.expression()}: the inverse-function solver did not reach a certified "
                              f"branch at {bad.size} of {n} points (first at x = {x[bad[0]]!r})")
        with np.errstate(all="ignore"):
            g_c = self._gamma(u_c, x + 1j * eta)
        u_out, g_out = u_c.copy(), g_c.copy()
        status[ok] = UNPOLISHED
        todo = np.flatnonzero(ok)
        for _attempt in range(4):
            if todo.size == 0:
                break
            u_p, conv = self._newton(u_c[todo], x[todo] + 0j, maxiter=30)
            cert, g_p = self._certified(u_p, x[todo] + 0j, closed=True)
            near = np.abs(u_p - u_c[todo]) <= 1e-3 * (np.abs(u_c[todo]) + self.u_scale)
            good = conv & cert & near
            done = todo[good]
            u_out[done], g_out[done] = u_p[good], g_p[good]
            status[done] = OK
            todo = todo[~good]
            if todo.size == 0:
                break
            # descend further and retry
            lower = eta[todo] * 1e-3
            u_n, ok_n = self._descend(x[todo], lower, u_start=u_c[todo], eta_start=eta[todo])
            keep = todo[ok_n]
            u_c[keep], eta[keep] = u_n[ok_n], lower[ok_n]
            with np.errstate(all="ignore"):
                g_out[keep] = self._gamma(u_n[ok_n], x[keep] + 1j * lower[ok_n])
            u_out[keep] = u_n[ok_n]
            todo = keep
        return g_out, u_out, status, eta

    # ------------------------------------------------------------------ support
    def _scan_grid(self, a, b, points):
        """A grid on the open real segment (a, b) (ends may be infinite): geometric toward finite ends
        (poles), where critical points crowd, and uniform across the segment's own scale, where a
        close pair of critical points (a narrow gap) would fall between two geometric points."""
        us = self.u_scale
        k = max(8, points // 2)
        if math.isfinite(a) and math.isfinite(b):
            half = 0.5 * (b - a)
            if not 1e-13 * half > 0.0:  # poles a few subnormals apart (a deep saturated network): no
                return np.linspace(a, b, points)[1:-1]  # geometric refinement is representable there
            s = np.geomspace(1e-13 * half, half, k)
            return np.unique(np.concatenate([a + s, b - s, np.linspace(a, b, points)[1:-1]]))
        if math.isfinite(a):
            w = max(us, abs(a))
            return np.unique(np.concatenate([a + np.geomspace(1e-13 * w, 1e7 * w, 2 * k),
                                             a + np.linspace(0.0, 4.0 * w, points)[1:]]))
        if math.isfinite(b):
            w = max(us, abs(b))
            return np.unique(np.concatenate([b - np.geomspace(1e-13 * w, 1e7 * w, 2 * k),
                                             b - np.linspace(0.0, 4.0 * w, points)[1:]]))
        s = np.geomspace(1e-13 * us, 1e7 * us, k)
        return np.unique(np.concatenate([-s[::-1], s, np.linspace(-4.0 * us, 4.0 * us, points)]))

    def _critical_points(self, points):
        """Real u with Z'(u) = 0 on every real segment between poles, and their values Z(u)."""
        excluded = self._excluded_ranges()
        poles = sorted(set(float(p) for p in self._real_poles()) | {e for r in excluded for e in r})
        ends = [-math.inf] + poles + [math.inf]
        found = []
        for a, b in zip(ends[:-1], ends[1:]):
            if any(lo <= a and b <= hi for lo, hi in excluded):
                continue
            grid = self._scan_grid(a, b, points)
            grid = grid[(grid > a) & (grid < b)]
            with np.errstate(all="ignore"):
                _, dz = self._inverse(grid.astype(complex))
            d = dz.real
            keep = np.isfinite(d)
            with np.errstate(all="ignore"):
                zero = keep & (d == 0.0)
                values = self._inverse(grid[zero].astype(complex))[0]
            # a grid point exactly on a critical point (Z' = 0 to the last bit) is one
            found += [(float(u), float(v.real)) for u, v in zip(grid[zero], values) if np.isfinite(v)]
            # sign changes between consecutive finite values, a point exactly at zero set aside
            grid, d, finite = grid[~zero], d[~zero], keep[~zero]
            for i in np.flatnonzero(finite[:-1] & finite[1:] & (np.sign(d[:-1]) * np.sign(d[1:]) < 0)):
                def fprime(t):
                    with np.errstate(all="ignore"):
                        return float(self._inverse(np.array([complex(t)]))[1][0].real)
                try:
                    uc = optimize.brentq(fprime, grid[i], grid[i + 1], xtol=1e-15 * (abs(grid[i]) + self.u_scale),
                                         rtol=4 * np.finfo(float).eps, maxiter=200)
                except ValueError:
                    continue
                with np.errstate(all="ignore"):
                    zc = self._inverse(np.array([complex(uc)]))[0][0]
                if np.isfinite(zc):
                    found.append((uc, float(zc.real)))
        return found

    def _classify(self, x):
        """Inside-support mask at real points x (boundary value at the midpoint of each candidate
        interval); unpolished points are decided by the doubling test of Im g (outside, g is real
        analytic, so Im g(x + iη) doubles with η)."""
        g, _, status, eta = self._solve_real(x, strict=True)
        inside = g.imag > 1e-9 * np.abs(g)
        unclear = np.flatnonzero(status != OK)
        if unclear.size:
            z1 = x[unclear] + 1j * eta[unclear]
            g1, _, _ = self._solve_complex(z1)
            g2, _, _ = self._solve_complex(x[unclear] + 2j * eta[unclear])
            inside[unclear] = g2.imag < 1.5 * g1.imag
        return inside

    def _locate_support(self, resolution):
        lower, _ = self._hull_bounds()
        crit = self._critical_points(resolution)
        cands = sorted({c for _, c in crit if c > lower} | {float(lower)} | {x for x, _ in self._atoms() if x >= lower})
        cands = [c for c in cands if math.isfinite(c)]
        # critical values within rounding of each other (or of 0) are one candidate
        merged_c = []
        for c in cands:
            if merged_c and c - merged_c[-1] <= 1e-12 * self.scale:
                continue
            merged_c.append(c)
        cands = merged_c
        if len(cands) < 1:
            return [], {"critical_points": 0}
        # the interval above the largest candidate is outside (g ~ −1/z real there)
        mids = np.array([0.5 * (a + b) for a, b in zip(cands[:-1], cands[1:])])
        inside = self._classify(mids) if mids.size else np.zeros(0, dtype=bool)
        intervals = []
        for (a, b), flag in zip(zip(cands[:-1], cands[1:]), inside):
            if not flag:
                continue
            if intervals and intervals[-1][1] == a and a not in {x for x, _ in self._atoms()}:
                intervals[-1] = (intervals[-1][0], b)
            else:
                intervals.append((a, b))
        # adjacent intervals separated only by an atom are one interval of the continuous part
        merged = []
        for a, b in intervals:
            if merged and merged[-1][1] == a:
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        return merged, {"critical_points": len(crit), "candidates": len(cands)}

    def _real_points(self, x):
        """x with exact zeros moved to 1e-24·scale when the law has an atom at 0 (limit from the right)."""
        x = np.asarray(x, dtype=float)
        if any(loc == 0.0 for loc, _ in self._atoms()):
            return np.where(x == 0, 1e-24 * self.scale, x)
        return x

    def _raw_density(self, x):
        x = self._real_points(np.asarray(x, dtype=float).ravel())
        g, _, _, _ = self._solve_real(x)
        return np.maximum(g.imag / np.pi, 0.0)

    # ------------------------------------------------------------------ Stieltjes transform
    def _stieltjes(self, z):
        z = np.asarray(z, dtype=complex)
        out = np.empty(z.shape, dtype=complex)
        flat, res = z.ravel(), out.ravel()
        real = flat.imag == 0
        if real.any():
            res[real] = self._solve_real(self._real_points(flat[real].real))[0]
        if (~real).any():
            res[~real] = self._solve_complex(flat[~real])[0]
        return out

    # ------------------------------------------------------------------ moments
    def _moment(self, k):
        if k == 0:
            return 1.0
        return float(self.exact_moments(k)[k - 1])


def _nearest(sorted_x, x):
    """Index into the sorted array ``sorted_x`` of the entry nearest to each of ``x``."""
    right = np.clip(np.searchsorted(sorted_x, x), 0, sorted_x.size - 1)
    left = np.maximum(right - 1, 0)
    return np.where(np.abs(sorted_x[right] - x) < np.abs(x - sorted_x[left]), right, left)
