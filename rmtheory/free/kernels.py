"""Compiled (numba) subordination solvers for free additive and multiplicative convolution.

One complex unknown per spectral point, Newton's method, continuation along a sorted grid, and a
vertical descent from high above the real axis wherever continuation cannot be certified. The
plain-NumPy twin in :mod:`rmtheory.free.reference` implements the same equations and is what these
kernels are tested against.

Equations (Cauchy transform G = −g, F = 1/G, T(z) = z G(z) − 1):

* ⊞ (Belinschi & Bercovici 2007, J. Anal. Math. 101, Thm 4.1; Biane 1998): unknown ω₁,
  ω₂ = z + F_a(ω₁) − ω₁ and F_b(ω₂) = F_a(ω₁), solved as Ψ(ω₁) = G_a(ω₁) − G_b(ω₂) = 0 (same
  roots, no poles where a G vanishes); then G(z) = G_a(ω₁).
  For Im z > 0, ω₁ is the Denjoy-Wolff point of w ↦ z + F_b(z + F_a(w) − w) − (z + F_a(w) − w),
  the unique fixed point with Im ω₁ > 0 and Im ω₂ > 0 (in fact Im ω_i ≥ Im z). A Newton root that
  satisfies these inequalities is therefore the physical one: that is the branch certificate.
* ⊠ (Belinschi & Bercovici 2007, Thm 4.? for measures on [0, ∞); written with T = ψ∘(1/z)):
  unknown Ω_a, Ω_b = z (1 + T_a(Ω_a)) / (T_a(Ω_a) Ω_a) = z G_a(Ω_a)/T_a(Ω_a),
  Ψ = T_b(Ω_b) − T_a(Ω_a) = 0; G(z) = (1 + T_a(Ω_a))/z = Ω_a G_a(Ω_a)/z. For both laws on [0, ∞)
  and Im z > 0 the physical solution has Im Ω_a > 0 and Im Ω_b > 0 (the η-transform subordination
  functions map C⁺ to itself), which is the certificate used.

Status codes per point: 0 converged and certified, 1 converged at the certification height but
the η → 0 polish did not converge (value from the certification height), 2 failed.
"""

from __future__ import annotations

import cmath

import numba
import numpy as np

from rmtheory.free.components import KIND_ATOMS, KIND_SEMICIRCLE

OP_ADD = 0
OP_MUL = 1

STATUS_OK = 0
STATUS_UNPOLISHED = 1
STATUS_FAILED = 2

# error_model="numpy": a division by zero gives inf/nan (caught by the finiteness checks) instead of
# raising inside the kernel
_JIT = dict(cache=True, nogil=True, error_model="numpy")


_NAN = complex(np.nan, np.nan)


@numba.njit(**_JIT)
def _div(num, den):
    """num/den, NaN instead of numba's ZeroDivisionError (the callers test finiteness)."""
    if den == 0:
        return _NAN
    return num / den


@numba.njit(**_JIT)
def _stable_root(a, b, root):
    """(−b + root)/(2a) without cancellation (see rmtheory.laws.base.stable_quadratic_root)."""
    plus = b + root
    minus = -b + root
    if abs(plus) >= abs(minus):
        return _div(-2.0, plus)
    return _div(minus, 2.0 * a)


@numba.njit(**_JIT)
def cauchy(kind, params, locations, weights, z):
    """(G, G', T, T') of a component law: G = −g (Cauchy convention), T(z) = z G(z) − 1.

    T is formed without the cancellation of z·G − 1 at large |z| (T → m₁/z): for atoms
    T = Σ w x/(z − x); for the semicircle T = σ²G² + cG; for Marchenko-Pastur
    T = σ²G(c z G + 1 − c) — each read off the law's defining equation.
    """
    if kind == KIND_ATOMS:
        g = 0j
        dg = 0j
        t = 0j
        dt = 0j
        for i in range(locations.shape[0]):
            inv = _div(1.0, z - locations[i])
            g += weights[i] * inv
            dg -= weights[i] * inv * inv
            t += weights[i] * locations[i] * inv
            dt -= weights[i] * locations[i] * inv * inv
        return g, dg, t, dt
    if kind == KIND_SEMICIRCLE:
        variance, center, radius = params[0], params[1], params[2]
        u = z - center
        root = cmath.sqrt(u - radius) * cmath.sqrt(u + radius)
        m = _stable_root(variance, u, root)  # Stieltjes convention
        g = -m
        dg = _div(m, root)
        return g, dg, variance * g * g + center * g, (2.0 * variance * g + center) * dg
    # Marchenko-Pastur
    ratio, variance, lower, upper = params[0], params[1], params[2], params[3]
    root = cmath.sqrt(z - lower) * cmath.sqrt(z - upper)
    a = ratio * variance * z
    b = z - variance * (1.0 - ratio)
    if a == 0:
        m = _div(-1.0, b)
    else:
        m = _stable_root(a, b, root)
    g = -m
    dg = _div(ratio * variance * m * m + m, root)
    inner = ratio * z * g + 1.0 - ratio
    t = variance * g * inner
    dt = _div(variance * dg * inner, 1.0 - variance * ratio * g)
    return g, dg, t, dt


@numba.njit(**_JIT)
def residual(op, z, w, ka, pa, la, wa, kb, pb, lb, wb):
    """Ψ(w), Ψ'(w), G(z), and the second subordination function, for operation ``op``.

    ⊞: Ψ = G_a(ω₁) − G_b(ω₂) with ω₂ = z + h_a(ω₁), h = F − id = −T/G (no 1/G − ω cancellation,
    and no pole where G_a vanishes). ⊠: Ψ = T_b(Ω_b) − T_a(Ω_a).
    """
    if op == OP_ADD:
        ga, dga, ta, dta = cauchy(ka, pa, la, wa, w)
        h = _div(-ta, ga)
        dh = _div(-(dta * ga - ta * dga), ga * ga)
        w2 = z + h
        gb, dgb, tb, dtb = cauchy(kb, pb, lb, wb, w2)
        return ga - gb, dga - dgb * dh, ga, w2
    ga, dga, t, dt = cauchy(ka, pa, la, wa, w)
    # Ω_b = z(1 + T_a)/(T_a Ω_a) = z G_a/T_a, and 1 + T = Ω G(Ω) =: P formed as a product: near
    # z → 0 (hard edges at 0) T → −1 and 1 + T would cancel
    w2 = _div(z * ga, t)
    dw2 = _div(z * (dga * t - ga * dt), t * t)
    gb, dgb, tb, dtb = cauchy(kb, pb, lb, wb, w2)
    pa_ = w * ga
    pb_ = w2 * gb
    # T_b − T_a = P_b − P_a: take the difference of the pair that is small, not of the pair near ±1
    psi = tb - t if abs(t) <= abs(pa_) else pb_ - pa_
    return psi, dtb * dw2 - dt, _div(pa_, z), w2


@numba.njit(**_JIT)
def newton(op, z, w0, tol, maxiter, ka, pa, la, wa, kb, pb, lb, wb):
    """Damped Newton on Φ from w0. Returns (w, G, w2, iterations, converged)."""
    w = w0
    previous = np.inf
    phi, dphi, g, w2 = residual(op, z, w, ka, pa, la, wa, kb, pb, lb, wb)
    for it in range(1, maxiter + 1):
        if dphi == 0 or not (np.isfinite(dphi.real) and np.isfinite(dphi.imag)):
            return w, g, w2, it, False
        step = _div(phi, dphi)
        trial = w - step
        phi_t, dphi_t, g_t, w2_t = residual(op, z, trial, ka, pa, la, wa, kb, pb, lb, wb)
        # backtrack while the residual grows (keeps Newton inside the basin near branch points)
        halvings = 0
        while (not (abs(phi_t) <= abs(phi)) or not np.isfinite(abs(phi_t))) and halvings < 30:
            step *= 0.5
            trial = w - step
            phi_t, dphi_t, g_t, w2_t = residual(op, z, trial, ka, pa, la, wa, kb, pb, lb, wb)
            halvings += 1
        w, phi, dphi, g, w2 = trial, phi_t, dphi_t, g_t, w2_t
        size = abs(step)
        if size <= tol * (abs(w) + 1e-300) or phi == 0:
            return w, g, w2, it, True
        # rounding floor: steps that stop shrinking at a tiny size are noise of a converged root
        # (Ψ' small near a fold amplifies the rounding of Ψ beyond tol)
        if size <= 1e-9 * (abs(w) + 1e-300) and size >= 0.25 * previous:
            return w, g, w2, it, True
        previous = size
    return w, g, w2, maxiter, False


@numba.njit(**_JIT)
def certified(op, z, w, w2, g, certify_positive):
    """The branch certificate of the module docstring (plus Im G ≤ 0 in the Cauchy convention)."""
    eta = z.imag
    slack = 1e-12 * (abs(w) + abs(w2) + abs(z) + 1.0)
    if g.imag > slack * abs(g) + 1e-300:
        return False
    if op == OP_ADD:
        return w.imag >= 0.5 * eta and w2.imag >= 0.5 * eta
    if certify_positive:
        # arg Ω ≥ arg z for both subordination functions (Belinschi-Bercovici: arg ω(ζ) ≥ arg ζ on C⁺
        # in the η-picture, ζ = 1/z); this rejects the spurious root at infinity Ω_b = ∞, T_a(Ω_a) = 0
        floor = 0.5 * cmath.phase(z)
        return cmath.phase(w) >= floor and cmath.phase(w2) >= floor and w.imag > 0.0 and w2.imag > 0.0
    return True


@numba.njit(**_JIT)
def initial_guess(op, z, mean_a, mean_b, mean_c, second_c):
    if op == OP_ADD:
        return z - mean_b
    if mean_c != 0.0:
        return z / mean_b
    return mean_a * z * z / second_c  # centred product: T ~ m₂/z², T_a(Ω) ~ m₁(a)/Ω


@numba.njit(**_JIT)
def descend(op, x, eta_target, height, w_top, have_top, tol, certify_positive, moments,
            ka, pa, la, wa, kb, pb, lb, wb):
    """Solve at x + i·height from the asymptotic guess, then step down to x + i·eta_target.

    Steps shrink the height geometrically (×0.25); a failed step is retried with half the
    logarithmic step, up to 12 times in a row. Returns (w, g, w2, iterations, ok).
    """
    z = complex(x, height)
    w0 = w_top if have_top else initial_guess(op, z, moments[0], moments[1], moments[2], moments[3])
    w, g, w2, its, ok = newton(op, z, w0, tol, 60, ka, pa, la, wa, kb, pb, lb, wb)
    total = its
    if not (ok and certified(op, z, w, w2, g, certify_positive)) and op == OP_ADD:
        # Belinschi-Bercovici fixed-point iteration w ← z + h_b(z + h_a(w)), convergent for Im z > 0
        w = w0
        for _ in range(2000):
            ga, dga, ta, dta = cauchy(ka, pa, la, wa, w)
            w2 = z + _div(-ta, ga)
            gb, dgb, tb, dtb = cauchy(kb, pb, lb, wb, w2)
            w = z + _div(-tb, gb)
        w, g, w2, its, ok = newton(op, z, w, tol, 60, ka, pa, la, wa, kb, pb, lb, wb)
        total += its + 2000
    if not (ok and certified(op, z, w, w2, g, certify_positive)):
        return w, g, w2, total, False
    current = height
    factor = 0.25
    failures = 0
    have_previous = False
    w_previous = w
    eta_previous = height
    # without a certificate (⊠ with a factor off [0, ∞)) a step must also stay on its branch: the
    # speed |dω/dη| may grow by at most 4× per step (a square-root approach to an edge doubles it
    # per ×1/4 in η); a jump to another root moves ω by O(scale) and fails this
    guarded = op != OP_ADD and not certify_positive
    while current > eta_target:
        nxt = max(current * factor, eta_target)
        z = complex(x, nxt)
        # predictor: linear extrapolation of ω(η) from the last two heights
        w_pred = w
        if have_previous:
            w_pred = w + (w - w_previous) * (nxt - current) / (current - eta_previous)
        w_n, g_n, w2_n, its, ok = newton(op, z, w_pred, tol, 60, ka, pa, la, wa, kb, pb, lb, wb)
        total += its
        if ok and guarded and have_previous:
            speed = abs(w - w_previous) / (eta_previous - current)
            ok = abs(w_n - w) <= 4.0 * speed * (current - nxt) + 1e-10 * abs(w)
        if ok and certified(op, z, w_n, w2_n, g_n, certify_positive):
            w_previous, eta_previous, have_previous = w, current, True
            w, g, w2, current = w_n, g_n, w2_n, nxt
            failures = 0
            factor = max(factor * factor, 0.25)  # recover the large step after a hard patch
            continue
        failures += 1
        if failures > 12:
            return w, g, w2, total, False
        factor = np.sqrt(factor)
    return w, g, w2, total, True


@numba.njit(**_JIT)
def _polish(op, x, w_c, eta_certify, height, tol, certify_positive, moments, ka, pa, la, wa, kb, pb, lb, wb):
    """From a certified solution at x + i·eta_certify, the boundary value at x + i0.

    Near an edge the two roots of Φ that merge there are only ~√(distance) apart, so a start
    eta_certify above the axis may fall between them. Each failed polish descends a further factor
    1e-3 (the certificate still holds there) before trying again.
    """
    eta = eta_certify
    w = w_c
    total = 0
    for _ in range(4):
        wp, gp, w2p, its, okp = newton(op, complex(x, 0.0), w, tol, 30, ka, pa, la, wa, kb, pb, lb, wb)
        total += its
        # a subordination function beyond 1e8 × the spectrum's scale means G(x) ≈ 0 in a gap, where
        # the real-axis equation is degenerate to rounding: keep the certified value above the axis
        finite = abs(wp) < 1e8 * height and abs(w2p) < 1e8 * height
        upper = op != OP_ADD or wp.imag >= -1e-12 * (abs(wp) + 1.0)  # ⊞: ω₁ stays in the closed C⁺
        if okp and finite and gp.imag <= 1e-12 * abs(gp) and upper:
            return wp, gp, w2p, total, True
        if okp and not finite:
            break
        lower = eta * 1e-3
        w, g, w2, its, ok = descend(op, x, lower, eta, w, True, tol, certify_positive, moments,
                                    ka, pa, la, wa, kb, pb, lb, wb)
        total += its
        if not ok:
            break
        eta = lower
    return w, 0j, 0j, total, False


@numba.njit(**_JIT)
def solve_grid(op, xs, eta_certify, polish, height, tol, certify_positive, moments,
               ka, pa, la, wa, kb, pb, lb, wb):
    """Solve at every x of a sorted real grid by continuation along it.

    Fast path: Newton directly on the real axis from the previous point's boundary value; a root
    with Im ω₁ > 0 and Im ω₂ > 0 there is the unique fixed point in C⁺ (module docstring), hence
    physical — this certifies interior points of the support. Otherwise (outside the support, near
    an edge, after a failure) the point is solved at Im z = eta_certify, certified there, and
    polished to Im z = 0.

    Returns (G at x + i0 — or at the certification height where the polish failed —, ω₁, status,
    iterations) per point.
    """
    n = xs.shape[0]
    g_out = np.empty(n, dtype=np.complex128)
    w_out = np.empty(n, dtype=np.complex128)
    status = np.empty(n, dtype=np.int64)
    iterations = np.empty(n, dtype=np.int64)
    have_real = False  # previous point has an interior boundary value
    have_cert = False  # previous point has a certified value at eta_certify
    w_real = 0j
    w_cert = 0j
    for j in range(n):
        x = xs[j]
        total = 0
        if polish and have_real:
            w, g, w2, its, ok = newton(op, complex(x, 0.0), w_real, tol, 30, ka, pa, la, wa, kb, pb, lb, wb)
            total += its
            slack = 1e-9 * (abs(w) + abs(w2) + abs(x) + 1.0)
            if ok and w.imag > slack and w2.imag > slack and g.imag < 0 and (op == OP_ADD or certify_positive):
                g_out[j], w_out[j], status[j], iterations[j] = g, w, STATUS_OK, total
                w_real, w_cert, have_cert = w, w, True
                continue
        # ⊠ is scale-free near 0: certify at a height relative to |x| there
        eta_x = eta_certify if op == OP_ADD else max(min(eta_certify, 1e-10 * abs(x)), 1e-300)
        z = complex(x, eta_x)
        ok = False
        # continuation along the grid needs the certificate to catch a jump to another root;
        # without one (⊠ with a factor off [0, ∞)) every point descends on its own, guarded
        if have_cert and (op == OP_ADD or certify_positive):
            w, g, w2, its, ok = newton(op, z, w_cert, tol, 30, ka, pa, la, wa, kb, pb, lb, wb)
            total += its
            ok = ok and certified(op, z, w, w2, g, certify_positive)
        if not ok:
            w, g, w2, its, ok = descend(op, x, eta_x, height, 0j, False, tol, certify_positive,
                                        moments, ka, pa, la, wa, kb, pb, lb, wb)
            total += its
        if not ok:
            # near a zero of G in a gap a subordination function grows like 1/η and the lowest
            # heights are degenerate to rounding: a certified value a few decades higher is still
            # the right function, just less close to the axis (reported as unpolished)
            for lift in (1e3, 1e6):
                w, g, w2, its, ok = descend(op, x, eta_x * lift, height, 0j, False, tol, certify_positive,
                                            moments, ka, pa, la, wa, kb, pb, lb, wb)
                total += its
                if ok:
                    break
            if ok:
                g_out[j], w_out[j], status[j], iterations[j] = g, w, STATUS_UNPOLISHED, total
            else:
                g_out[j], w_out[j], status[j], iterations[j] = g, w, STATUS_FAILED, total
            have_real = have_cert = False
            continue
        have_cert = True
        w_cert = w
        st = STATUS_OK
        have_real = False
        # ⊠ with a factor off [0, ∞): at Im z = 0 a subordination function can sit exactly on the
        # other law's support (for a = δ_c, Ω_b = z/c), where a closed form's boundary value depends
        # on the sign of a zero imaginary part; the value at eta_x = 1e-10·min(scale, |x|) above the
        # axis is the answer instead (error ~ eta_x·|g'|)
        if polish and (op == OP_ADD or certify_positive):
            wp, gp, w2p, its, okp = _polish(op, x, w, eta_x, height, tol, certify_positive, moments,
                                            ka, pa, la, wa, kb, pb, lb, wb)
            total += its
            if okp:
                w, g = wp, gp
                have_real = wp.imag > 1e-9 * (abs(wp) + 1.0)
                w_real = wp
            else:
                st = STATUS_UNPOLISHED
        g_out[j], w_out[j], status[j], iterations[j] = g, w, st, total
    return g_out, w_out, status, iterations


@numba.njit(**_JIT)
def derivative(op, z, w, ka, pa, la, wa, kb, pb, lb, wb):
    """G'(z) at a solved point (z, ω₁) by implicit differentiation of Ψ(ω₁; z) = 0."""
    psi, dpsi, g, w2 = residual(op, z, w, ka, pa, la, wa, kb, pb, lb, wb)
    ga, dga, ta, dta = cauchy(ka, pa, la, wa, w)
    gb, dgb, tb, dtb = cauchy(kb, pb, lb, wb, w2)
    if op == OP_ADD:
        dw = _div(dgb, dpsi)  # Ψ_z = −G_b'(ω₂)
        return dga * dw
    dw = _div(-dtb * _div(ga, ta), dpsi)  # Ψ_z = T_b'(Ω_b) ∂Ω_b/∂z, ∂Ω_b/∂z = G_a/T_a
    return _div(dta * dw, z) - _div(w * ga, z * z)


@numba.njit(**_JIT)
def derivatives(op, zs, ws, ka, pa, la, wa, kb, pb, lb, wb):
    out = np.empty(zs.shape[0], dtype=np.complex128)
    for j in range(zs.shape[0]):
        out[j] = derivative(op, zs[j], ws[j], ka, pa, la, wa, kb, pb, lb, wb)
    return out


@numba.njit(**_JIT)
def solve_points(op, zs, height, tol, certify_positive, moments, ka, pa, la, wa, kb, pb, lb, wb):
    """Solve at arbitrary points of the upper half-plane, each by its own vertical descent."""
    n = zs.shape[0]
    g_out = np.empty(n, dtype=np.complex128)
    w_out = np.empty(n, dtype=np.complex128)
    status = np.empty(n, dtype=np.int64)
    iterations = np.empty(n, dtype=np.int64)
    for j in range(n):
        z = zs[j]
        top = max(height, z.imag)
        w, g, w2, its, ok = descend(op, z.real, z.imag, top, 0j, False, tol, certify_positive, moments,
                                    ka, pa, la, wa, kb, pb, lb, wb)
        g_out[j] = g
        w_out[j] = w
        status[j] = STATUS_OK if ok else STATUS_FAILED
        iterations[j] = its
    return g_out, w_out, status, iterations
