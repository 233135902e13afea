"""Plain-NumPy subordination solver: the reference the numba kernels are tested against, and the
path used for laws without a closed-form Cauchy transform (Tracy-Widom, nested convolutions).

Same equations, certificate and status codes as :mod:`rmtheory.free.kernels`; vectorized over the
points instead of continued along them: every point descends vertically from ``height`` to its
target in lock-step, which needs no ordering and no per-point Python loop.
"""

from __future__ import annotations

import numpy as np

from rmtheory.free.kernels import OP_ADD, STATUS_FAILED, STATUS_OK, STATUS_UNPOLISHED


def _stieltjes_pair(law, z):
    """(g, g') of a law at points z; NaN where z is not finite or a nested solver did not certify.

    A trial Newton iterate of an outer solver can be anything; it must get NaN back (and then
    backtrack), not an exception from an inner law.
    """
    z = np.asarray(z, dtype=complex)
    g = np.full(z.shape, np.nan + 0j)
    dg = np.full(z.shape, np.nan + 0j)
    ok = np.isfinite(z)
    solver = getattr(law, "solver", None)
    if solver is not None and hasattr(solver, "at"):  # a free convolution: ask its solver leniently
        ok &= z.imag != 0
        if ok.any():
            res = solver.at(z[ok], strict=False)
            good = res.status != STATUS_FAILED
            vals = np.where(good, res.value, np.nan)
            ders = np.full(vals.shape, np.nan + 0j)
            if good.any():
                ders[good] = solver.derivative_at(z[ok][good], res.omega[good])
            g[ok], dg[ok] = vals, ders
        return g, dg
    if ok.any():
        g[ok] = np.asarray(law.stieltjes(z[ok]), dtype=complex)
        dg[ok] = np.asarray(law.stieltjes_derivative(z[ok]), dtype=complex)
    return g, dg


def _cauchy(law, z):
    """(G, G', T, T') of a law through its public Stieltjes transform (G = −g, T = zG − 1)."""
    g, dg = _stieltjes_pair(law, z)
    g, dg = -g, -dg
    return g, dg, z * g - 1.0, g + z * dg


def residual(op, z, w, a, b):
    if op == OP_ADD:
        ga, dga, ta, dta = _cauchy(a, w)
        h = -ta / ga
        dh = -(dta * ga - ta * dga) / ga**2
        w2 = z + h
        gb, dgb, _, _ = _cauchy(b, w2)
        return ga - gb, dga - dgb * dh, ga, w2
    ga, dga, t, dt = _cauchy(a, w)
    w2 = z * ga / t
    dw2 = z * (dga * t - ga * dt) / t**2
    gb, dgb, tb, dtb = _cauchy(b, w2)
    pa_, pb_ = w * ga, w2 * gb  # 1 + T as a product (see the kernel)
    psi = np.where(np.abs(t) <= np.abs(pa_), tb - t, pb_ - pa_)
    return psi, dtb * dw2 - dt, pa_ / z, w2


def derivative(op, z, w, a, b):
    """G'(z) at solved points by implicit differentiation (same formulas as the kernel)."""
    psi, dpsi, g, w2 = residual(op, z, w, a, b)
    ga, dga, ta, dta = _cauchy(a, w)
    gb, dgb, tb, dtb = _cauchy(b, w2)
    if op == OP_ADD:
        return dga * dgb / dpsi
    dw = -dtb * (ga / ta) / dpsi
    return dta * dw / z - w * ga / z**2


def _fixed_point_step(z, w, a, b):
    """Belinschi-Bercovici map w ↦ z + h_b(z + h_a(w)), h = F − id."""
    ga, _, ta, _ = _cauchy(a, w)
    w2 = z - ta / ga
    gb, _, tb, _ = _cauchy(b, w2)
    return z - tb / gb


def newton(op, z, w0, a, b, tol=1e-14, maxiter=60):
    """Vectorized damped Newton; returns (w, g, w2, iterations, converged) arrays."""
    w = np.array(w0, dtype=complex)
    active = np.ones(w.shape, dtype=bool)
    converged = np.zeros(w.shape, dtype=bool)
    iterations = np.zeros(w.shape, dtype=int)
    previous = np.full(w.shape, np.inf)
    with np.errstate(all="ignore"):
        phi, dphi, g, w2 = residual(op, z, w, a, b)
        for _ in range(maxiter):
            if not active.any():
                break
            idx = np.flatnonzero(active)
            step = phi[idx] / dphi[idx]
            zi = z[idx]
            trial = w[idx] - step
            phi_t, dphi_t, g_t, w2_t = residual(op, zi, trial, a, b)
            for _halving in range(30):  # backtracking, as in the kernel
                bad = ~(np.abs(phi_t) <= np.abs(phi[idx]))
                if not bad.any():
                    break
                step[bad] *= 0.5
                trial[bad] = w[idx][bad] - step[bad]
                p2, d2, g2, w22 = residual(op, zi[bad], trial[bad], a, b)
                phi_t[bad], dphi_t[bad], g_t[bad], w2_t[bad] = p2, d2, g2, w22
            w[idx], phi[idx], dphi[idx], g[idx], w2[idx] = trial, phi_t, dphi_t, g_t, w2_t
            iterations[idx] += 1
            size = np.abs(step)
            # converged, or at the rounding floor (steps tiny and no longer shrinking), as in the kernel
            done = ((size <= tol * np.abs(trial)) | (phi_t == 0)
                    | ((size <= 1e-9 * np.abs(trial)) & (size >= 0.25 * previous[idx])))
            previous[idx] = size
            broken = ~np.isfinite(trial)
            converged[idx[done]] = True
            active[idx[done | broken]] = False
    return w, g, w2, iterations, converged


def certified(op, z, w, w2, g, certify_positive):
    slack = 1e-12 * (np.abs(w) + np.abs(w2) + np.abs(z) + 1.0)
    ok = g.imag <= slack * np.abs(g) + 1e-300
    if op == OP_ADD:
        return ok & (w.imag >= 0.5 * z.imag) & (w2.imag >= 0.5 * z.imag)
    if certify_positive:  # arg Ω ≥ arg z, as in the kernel
        floor = 0.5 * np.angle(z)
        return ok & (np.angle(w) >= floor) & (np.angle(w2) >= floor) & (w.imag > 0) & (w2.imag > 0)
    return ok


def initial_guess(op, z, moments):
    mean_a, mean_b, mean_c, second_c = moments
    if op == OP_ADD:
        return z - mean_b
    if mean_c != 0:
        return z / mean_b
    return mean_a * z * z / second_c


def solve(op, x, eta, a, b, moments, height, tol=1e-14, certify_positive=True, polish=False):
    """Solve at x + i·eta (arrays), descending from x + i·height; optionally polish to Im z = 0."""
    x = np.asarray(x, dtype=float)
    eta = np.broadcast_to(np.asarray(eta, dtype=float), x.shape).copy()
    if polish and op != OP_ADD:  # ⊠ is scale-free near 0: certify at a height relative to |x| there
        eta = np.maximum(np.minimum(eta, 1e-10 * np.abs(x)), 1e-300)
    top = np.maximum(height, eta)
    z = x + 1j * top
    w, g, w2, its, ok = newton(op, z, initial_guess(op, z, moments), a, b, tol)
    ok &= certified(op, z, w, w2, g, certify_positive)
    if op == OP_ADD and not ok.all():  # Belinschi-Bercovici fixed point from the asymptotic guess
        bad = ~ok
        wb = initial_guess(op, z[bad], moments)
        with np.errstate(all="ignore"):
            for _ in range(2000):
                wb = _fixed_point_step(z[bad], wb, a, b)
        w_b, g_b, w2_b, its_b, ok_b = newton(op, z[bad], wb, a, b, tol)
        w[bad], g[bad], w2[bad] = w_b, g_b, w2_b
        ok[bad] = ok_b & certified(op, z[bad], w_b, w2_b, g_b, certify_positive)
    iterations = its.copy()
    current = top.copy()
    factor = np.full(x.shape, 0.25)
    failures = np.zeros(x.shape, dtype=int)
    w_previous, eta_previous = w.copy(), top.copy()
    have_previous = np.zeros(x.shape, dtype=bool)
    guarded = op != OP_ADD and not certify_positive  # as in the kernel's descend
    for _ in range(2000):
        moving = ok & (current > eta)
        if not moving.any():
            break
        idx = np.flatnonzero(moving)
        nxt = np.maximum(current[idx] * factor[idx], eta[idx])
        zn = x[idx] + 1j * nxt
        hp = have_previous[idx]
        with np.errstate(all="ignore"):
            slope = (w[idx] - w_previous[idx]) / (current[idx] - eta_previous[idx])
        w_pred = np.where(hp, w[idx] + slope * (nxt - current[idx]), w[idx])
        wn, gn, w2n, itn, okn = newton(op, zn, w_pred, a, b, tol)
        iterations[idx] += itn
        if guarded:  # speed |dω/dη| may grow at most 4× per step, as in the kernel
            with np.errstate(all="ignore"):
                speed = np.abs(w[idx] - w_previous[idx]) / (eta_previous[idx] - current[idx])
            okn &= ~hp | (np.abs(wn - w[idx]) <= 4.0 * speed * (current[idx] - nxt) + 1e-10 * np.abs(w[idx]))
        okn &= certified(op, zn, wn, w2n, gn, certify_positive)
        good, badi = idx[okn], idx[~okn]
        w_previous[good], eta_previous[good], have_previous[good] = w[good], current[good], True
        w[good], g[good], w2[good], current[good] = wn[okn], gn[okn], w2n[okn], nxt[okn]
        failures[good] = 0
        factor[good] = np.maximum(factor[good] ** 2, 0.25)
        failures[badi] += 1
        factor[badi] = np.sqrt(factor[badi])
        ok[badi[failures[badi] > 12]] = False
    status = np.where(ok, STATUS_OK, STATUS_FAILED)
    if polish and not ok.all():  # as in the kernel: a certified value a few decades higher
        bad = np.flatnonzero(~ok)
        for lift in (1e3, 1e6):
            gl, wl, sl, il = solve(op, x[bad], eta[bad] * lift, a, b, moments, height, tol, certify_positive)
            iterations[bad] += il
            fixed = sl == STATUS_OK
            g[bad[fixed]], w[bad[fixed]], status[bad[fixed]] = gl[fixed], wl[fixed], STATUS_UNPOLISHED
            bad = bad[~fixed]
            if not bad.size:
                break
    if polish and (op == OP_ADD or certify_positive):  # as in the kernel: no polish without a certificate
        z0 = x + 0j
        sel = ok.copy()  # (points lifted above are left at their height)
        wp, gp, w2p, itp, okp = newton(op, z0[sel], w[sel], a, b, tol, maxiter=30)
        iterations[sel] += itp
        finite = (np.abs(wp) < 1e8 * height) & (np.abs(w2p) < 1e8 * height)  # as in the kernel's _polish
        upper = (op != OP_ADD) | (wp.imag >= -1e-12 * (np.abs(wp) + 1.0))
        good = okp & finite & upper & (gp.imag <= 1e-12 * np.abs(gp))
        idx = np.flatnonzero(sel)
        w[idx[good]], g[idx[good]] = wp[good], gp[good]
        status[idx[~good]] = STATUS_UNPOLISHED
    return g, w, status, iterations
