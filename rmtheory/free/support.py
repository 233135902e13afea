"""Support intervals and edges of a law defined by a subordination solver.

1. Scan: solve on an even grid over the hull and classify every point as inside the support
   (the boundary value of ω₁ is genuinely complex: Im G(x + i0) ≠ 0 beyond rounding) or outside
   (ω₁ real). This only *brackets* edges; no density is thresholded.
2. Refine: each edge is a fold of the real solution branch, i.e. a root of the 2×2 real system
   Φ(ω; x) = 0, ∂_ω Φ(ω; x) = 0 (dx/dω = −Φ_ω/Φ_x vanishes). Newton from the outside point of the
   bracket converges quadratically; the result must lie in the bracket, otherwise the edge is
   bisected on the classification instead (≥ 50 halvings: full double precision).
   Before that, every interior local minimum of the density sampled on the grid is rescanned at 128×
   the resolution: a gap narrower than the spacing lies between two inside points, where the density
   falls towards both of its edges, so the samples show a minimum there (a gap of 5e-4 in a support of
   width 10.5 went unseen at 513 points, and the mass check below cannot see a missing gap).
3. Check: interval masses plus atoms must sum to 1 (done by the caller, which rescans finer if
   not): a missed interval narrower than the scan spacing cannot hide.
"""

from __future__ import annotations

import numpy as np

from rmtheory.free import kernels
from rmtheory.params import SolverError


def classify(result, solver, x, relative_floor: float = 1e-11) -> np.ndarray:
    """Inside-support mask from solver boundary values at real points ``x``.

    Polished points (boundary value at Im z = 0) are outside exactly when their value is real up to
    rounding. Where the polish failed (typically where G(x) = 0 inside a gap, so ω₁, ω₂ = ∞), the
    value at the certification height η decides: outside the support g is real-analytic, so
    Im g(x + iη) ≈ η g'(x) doubles with η, while inside Im g → πρ(x) does not change.
    """
    g = result.value  # library sign: Im g = π ρ
    inside = g.imag > relative_floor * np.abs(g)
    # decide by the doubling test wherever the polished value is not clear-cut: polish failed,
    # or the density is small against the natural size 1/scale of g (near edges, and at zeros of
    # G in gaps where ω₁, ω₂ = ∞ make the polished value unreliable)
    small_positive = inside & (g.imag < 1e-3 / solver.scale)
    diverging = np.abs(result.omega) > 1e6 * solver.scale
    unclear = (result.status != kernels.STATUS_OK) | small_positive | diverging
    idx = np.flatnonzero(unclear)
    if idx.size:
        low, high = _doubling_pair(solver, x[idx])
        inside[idx] = high < 1.5 * low
    return inside


def _doubling_pair(solver, x):
    """Im g at x + iη and x + 2iη, each from the better-conditioned of the two orderings.

    Near a zero of G in a gap one subordination function runs off to infinity and equations in
    the other become degenerate to rounding (any small ω₁ solves them); with the roles of the two
    laws swapped the unknown is the one that stays finite, which is well conditioned.
    """
    eta = solver.eta_certify
    z = np.concatenate([x + 1j * eta, x + 2j * eta])
    first = solver.at(z, strict=False)
    value = first.value.imag
    other = solver.swapped()
    if other is not None:
        second = other.at(z, strict=False)
        # the unknown ω₁ of each ordering; prefer the ordering whose partner ω₂ is the smaller
        # one, i.e. whose own unknown carries the information
        use_second = (np.abs(second.omega) > np.abs(first.omega)) & (second.status == kernels.STATUS_OK)
        value = np.where(use_second, second.value.imag, value)
    return value[: x.size], value[x.size:]


def _edge_newton(solver, w0, x0, scale, maxiter=60):
    """Newton on (Φ, Φ_ω) = 0 in real (ω, x), central-difference Jacobian, backtracking that keeps
    the iterate on the real branch (Φ real) and decreases ‖(Φ, Φ_ω)‖."""
    w, x = float(w0), float(x0)
    f1, f2, valid = solver.residual_real(w, x)
    if not valid:
        return None
    for _ in range(maxiter):
        hw = 1e-7 * (abs(w) + scale)
        hx = 1e-7 * scale
        a1, a2, _ = solver.residual_real(w + hw, x)
        b1, b2, _ = solver.residual_real(w - hw, x)
        c1, c2, _ = solver.residual_real(w, x + hx)
        d1, d2, _ = solver.residual_real(w, x - hx)
        jac = np.array([[(a1 - b1) / (2 * hw), (c1 - d1) / (2 * hx)],
                        [(a2 - b2) / (2 * hw), (c2 - d2) / (2 * hx)]])
        if not np.all(np.isfinite(jac)):
            return None
        try:
            step = np.linalg.solve(jac, np.array([f1, f2]))
        except np.linalg.LinAlgError:
            return None
        if abs(step[1]) <= 1e-15 * scale and abs(step[0]) <= 1e-12 * (abs(w) + scale):
            return w - step[0], x - step[1]
        norm = np.hypot(f1, f2)
        for _halving in range(40):
            wn, xn = w - step[0], x - step[1]
            g1, g2, valid = solver.residual_real(wn, xn)
            if valid and np.hypot(g1, g2) < norm:
                break
            step = 0.5 * step
        else:
            return None
        w, x, f1, f2 = wn, xn, g1, g2
    return None


def _bisect_edge(solver, x_in, x_out, steps=60):
    """Bisect the inside/outside classification; returns (x_in, x_out, ω at x_out)."""
    w_out = None
    for _ in range(steps):
        mid = 0.5 * (x_in + x_out)
        if mid in (x_in, x_out):
            break
        res = solver.on_real_line(np.array([mid]), strict=False)
        if classify(res, solver, np.array([mid]))[0]:
            x_in = mid
        else:
            x_out, w_out = mid, res.omega[0]
    return x_in, x_out, w_out


def _describe(solver) -> str:
    symbol = "+" if solver.op == "add" else "*"
    return f"({solver.a.expression()}) {symbol} ({solver.b.expression()})"


#: local minima of the sampled density rescanned, at most (the lowest first), and points per rescan
MINIMA_RESCANNED, MINIMUM_RESCAN_POINTS = 24, 129


def _around_density_minima(res, inside, x) -> np.ndarray:
    """Fine grids over [x_{j−1}, x_{j+1}] around the interior local minima j of the density sampled at
    the inside points (at most :data:`MINIMA_RESCANNED`, lowest density first): 128× the scan's
    resolution where a narrow gap can hide. Minima at the end of a run of inside points are edges,
    already bracketed, and are skipped."""
    rho = np.where(inside, np.abs(res.value.imag), np.nan)
    j = np.arange(1, x.size - 1)
    with np.errstate(invalid="ignore"):
        minima = j[inside[j - 1] & inside[j] & inside[j + 1] & (rho[j] <= rho[j - 1]) & (rho[j] <= rho[j + 1])]
    if not minima.size:
        return np.empty(0)
    minima = minima[np.argsort(rho[minima])][:MINIMA_RESCANNED]
    return np.concatenate([np.linspace(x[k - 1], x[k + 1], MINIMUM_RESCAN_POINTS)[1:-1] for k in minima])


def find_support(solver, scan_points: int = 2049, exclude=()):
    """Support intervals [(a, b), ...] of the law behind ``solver``.

    ``exclude`` lists atom locations: grid points exactly there are skipped (the boundary value has
    a pole, not a density).
    Returns (intervals, diagnostics).
    """
    lo, hi = solver.hull
    span = hi - lo
    if span <= 0:
        return [], {"scan_points": 0}
    margin = 1e-3 * span
    x = np.linspace(lo - margin, hi + margin, scan_points)
    for loc in exclude:
        x = x[np.abs(x - loc) > 1e-12 * solver.scale]
    if solver.op == "mul":  # z = 0 is the scale-free centre of a product, not a spectral point to solve at
        x = x[np.abs(x) > 1e-12 * solver.scale]
    res = solver.on_real_line(x, strict=True)
    inside = classify(res, solver, x)
    # a gap narrower than the spacing hides between two inside points, where the sampled density has
    # a local minimum (it falls towards both edges of the gap): rescan around each such minimum finely
    fine = _around_density_minima(res, inside, x)
    rescanned = 0
    if fine.size:
        x = np.unique(np.concatenate([x, fine]))
        res = solver.on_real_line(x, strict=True)
        inside = classify(res, solver, x)
        rescanned = int(fine.size)
    if inside[0] or inside[-1]:
        raise SolverError(f"support scan of {_describe(solver)}: density at the end of the hull, so the hull "
                          "estimate is wrong; no support is reported")
    edges = []
    refined, bisected = 0, 0  # edges from the fold equation or the hull, edges from bisection
    for i in np.flatnonzero(inside[1:] != inside[:-1]):
        x_left, x_right = x[i], x[i + 1]
        if inside[i]:  # right edge of an interval: outside point on the right
            x_in, x_out, w_out = x_left, x_right, res.omega[i + 1]
        else:
            x_in, x_out, w_out = x_right, x_left, res.omega[i]
        # a hard edge on the hull itself (e.g. at 0 for a product of laws on [0, ∞)) is no fold
        # of the real branch: if density persists to within 1e-13 of the hull end, that end is the edge
        hull_end = lo if min(x_left, x_right) <= lo <= max(x_left, x_right) else (
            hi if min(x_left, x_right) <= hi <= max(x_left, x_right) else None)
        if hull_end is not None:
            inward = 1.0 if hull_end == lo else -1.0
            at_atom = any(abs(hull_end - loc) <= 1e-12 * solver.scale for loc in exclude)
            # beside an atom its pole w/(x − a) swamps Im g, and the boundary value there is noise
            # down to ~1e-9 of the scale; probe outside that zone, and if the probe is outside the
            # support, the true edge lies between it and the first inside point
            offsets = (1e-9, 1e-7) if at_atom else (1e-13,)
            probes = hull_end + inward * np.array(offsets) * solver.scale
            inside_probes = classify(solver.on_real_line(probes, strict=False), solver, probes)
            if np.all(inside_probes):
                edges.append(hull_end)
                refined += 1
                continue
            if at_atom:
                k = int(np.argmin(inside_probes))
                x_out = float(probes[k])
                w_out = solver.on_real_line(np.array([x_out]), strict=False).omega[0]
        # the edge lies strictly between the inside and the outside point; a Newton root elsewhere
        # is another fold (e.g. the far side of a gap narrower than the scan spacing)
        found = _edge_newton(solver, w_out.real, x_out, solver.scale)
        if found is None or not min(x_in, x_out) <= found[1] <= max(x_in, x_out):
            # shrink the bracket 1000-fold: Newton then starts within quadratic reach of the fold
            x_in, x_out, w_near = _bisect_edge(solver, x_in, x_out, steps=10)
            if w_near is not None:
                w_out = w_near
            found = _edge_newton(solver, w_out.real, x_out, solver.scale)
        if found is not None and min(x_in, x_out) <= found[1] <= max(x_in, x_out):
            edges.append(found[1])
            refined += 1
        else:
            x_in, x_out, _ = _bisect_edge(solver, x_in, x_out)
            edges.append(0.5 * (x_in + x_out))
            bisected += 1
    if len(edges) % 2:
        raise SolverError(f"support scan of {_describe(solver)}: an odd number of edges ({len(edges)}), so the "
                          "intervals cannot be paired; no support is reported")
    # the hull is exact (sums or products of the components' extremes): an edge found a rounding
    # error outside it, typically a hard edge at 0 of a product, belongs on it
    edges = [min(max(e, lo), hi) for e in edges]
    intervals = [(edges[k], edges[k + 1]) for k in range(0, len(edges), 2)]
    return intervals, {"scan_points": int(x.size), "minimum_rescan_points": rescanned, "exact_edges": refined,
                       "bisected_edges": bisected}
