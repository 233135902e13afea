"""Fast path for Tracy-Widom: Chebyshev interpolants built once from the Painlevé II solution.

What is interpolated. For each β ∈ {1, 2, 4} (in the Painlevé variable s of :mod:`.painleve`, where
"F_4(s)" is G4(s) = F4^{TW}(s/√2))
two smooth functions on [S_LEFT, S_RIGHT] = [−12, 10]:

* log D_β(s), D_β = −log F_β(s) > 0, so cdf = exp(−D), sf = −expm1(−D) and logsf = log(−expm1(−D))
  are all relative-accurate — D runs from ~150 at s = −12 down to ~1e-24 at s = 10;
* log r_β(s), r_β = F_β'(s)/F_β(s) > 0, so pdf = exp(log r − D), again relative-accurate.

On panels right of 0 (where it is analytic) the known decay k_β·(2/3)s^{3/2} (k = 1 for β = 1, 2 otherwise; the
exponent of the Airy tail) is subtracted before interpolating and added back after, so that the
interpolated remainder is O(1) and its rounding error does not grow with |log D| ≈ (4/3)s^{3/2}.
The values at the Chebyshev points come from the Hastings-McLeod solution at 20+ digits
(:func:`.painleve.solve`), converted to log D and log r in mpmath. Panels of width 2 with 32
points each reproduce both functions to ~2e-16 relative to their size (the tests check this
against an independently computed Painlevé solution at random points).

Outside [S_LEFT, S_RIGHT] no Painlevé solution is needed:

* s < S_LEFT: the left-tail asymptotic series (:func:`.painleve.left_series`), exact there to
  ~1e-16 relative in q, U, I and to rounding in L;
* s > S_RIGHT: q = Ai up to a relative O(Ai(s)²) < 1e-20, so U = ∫_s^∞ Ai², −L = ∫_s^∞ (x−s) Ai²,
  I = ∫_s^∞ Ai, computed by Gauss-Laguerre quadrature in u = ζ(x) − ζ(s) (ζ = (2/3)x^{3/2})
  with the scaled Airy function, so the Airy decay e^{−ζ(s)} is carried as a logarithm and
  nothing underflows (:func:`right_tail`). Up to S_FAR = 30 these values are tabulated on the same
  Chebyshev panels (evaluating the quadrature costs ~60 Airy calls per point); beyond, the
  quadrature is evaluated directly.

Evaluation. Two routes read the same tables. :func:`evaluate` and :func:`evaluate_law` (the one
:class:`.TracyWidom` uses) run the compiled kernel of :mod:`.kernels`: one pass per point from x to
the requested cdf, sf, pdf or log, with the panels re-expanded on sub-panels of width 1/8 as
12-term polynomials (:func:`fast_tables`), so that a call costs a few microseconds plus ~30 ns per
point and a scalar call returns exactly what the same point gives inside an array.
:func:`evaluate_reference` is the plain-NumPy twin (Clenshaw on the 32-term panels, the series and
the quadrature as array expressions), kept as the reference the kernel is tested against.

Cache. The coefficients (a few hundred kB) are kept in memory and written once to
``$RMTHEORY_CACHE_DIR`` or ``$XDG_CACHE_HOME/rmtheory`` or ``~/.cache/rmtheory``, in a file whose
name is a hash of the format version, the build parameters and the source of this module and
:mod:`.painleve` (so a code change invalidates it), written to a temporary file and moved into
place with ``os.replace`` (never half-written). An unreadable or unwritable cache is ignored: the
build takes about a second.

Example::

    >>> from rmtheory.laws.tracy_widom import interpolant
    >>> log_d, log_r = interpolant.evaluate(2, np.array([0.0]))
    >>> round(float(np.exp(-np.exp(log_d[0]))), 15)   # F2(0)
    0.969372828355263
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
import threading
from pathlib import Path

import mpmath
import numpy as np

from rmtheory.laws.tracy_widom import kernels, painleve

__all__ = ["evaluate", "evaluate_law", "evaluate_reference", "fast_tables", "tables", "S_LEFT", "S_RIGHT",
           "S_CLAMP", "cache_path", "build", "right_tail", "left_tail", "BETAS"]

BETAS = (1, 2, 4)
S_LEFT, S_RIGHT = -12.0, 10.0   # the Painlevé-built part
S_FAR = 30.0                    # panels on (S_RIGHT, S_FAR] are built from the Airy-tail formulas
PANEL_WIDTH = 2.0
POINTS = 32          # Chebyshev points (of the second kind) per panel
DIGITS = 20          # digits of the Painlevé solution behind the tables
FORMAT = 2           # bump when the file layout changes
LEFT_TERMS = 10      # terms of the left-tail series (the first omitted one is < 1e-16 relative at s = −12)

_lock = threading.Lock()
_tables = None


def _log_pair(beta: int, q, big_i, big_l, big_u, dps: int = 60):
    ld, lr = painleve.log_pair(beta, q, big_i, big_l, big_u, dps)
    return float(ld), float(lr)


def _decay(beta, s):
    """k_β (2/3) max(s, 0)^{3/2}: the Airy exponent of the right tail, taken out before interpolating."""
    return (1.0 if beta == 1 else 2.0) * (2.0 / 3.0) * np.maximum(s, 0.0) ** 1.5


def _panels():
    return np.arange(S_LEFT, S_FAR + 0.5 * PANEL_WIDTH, PANEL_WIDTH)


def _cheb_points(n):
    return np.cos(np.pi * np.arange(n) / (n - 1))  # x_j = cos(πj/(n−1)), from 1 down to −1


def _cheb_coefficients(values):
    """Chebyshev coefficients from values at the points of :func:`_cheb_points` (DCT-I)."""
    n = values.shape[-1]
    ext = np.concatenate([values, values[..., -2:0:-1]], axis=-1)
    coef = np.real(np.fft.rfft(ext, axis=-1))[..., :n] / (n - 1)
    coef[..., 0] /= 2
    coef[..., -1] /= 2
    return coef


def build(digits: int = DIGITS):
    """Compute the tables: Painlevé II at ``digits`` digits on [S_LEFT, S_RIGHT], Airy tail beyond."""
    edges = _panels()
    sol = painleve.solve(float(edges[0]), digits)
    x = _cheb_points(POINTS)
    n_panels = edges.size - 1
    values = {b: np.empty((n_panels, 2, POINTS)) for b in BETAS}
    with mpmath.workdps(sol.dps):
        for p in range(n_panels):
            a, b_ = edges[p], edges[p + 1]
            s_nodes = 0.5 * (a + b_) + 0.5 * (b_ - a) * x
            off = {beta: (_decay(beta, s_nodes) if a > 0 else 0.0) for beta in BETAS}
            if a >= S_RIGHT:
                for beta in BETAS:
                    log_d, log_r = right_tail(beta, s_nodes)
                    values[beta][p] = np.stack([log_d, log_r]) + off[beta]
                continue
            for j, sj in enumerate(s_nodes):
                q, _, big_i, big_l, big_u = sol.values(float(sj))
                for beta in BETAS:
                    values[beta][p, :, j] = _log_pair(beta, q, big_i, big_l, big_u, sol.dps)
            for beta in BETAS:
                values[beta][p] += off[beta]
    out = {"edges": edges}
    for beta in BETAS:
        out[f"coef{beta}"] = _cheb_coefficients(values[beta])
    return out


# --------------------------------------------------------------------------- cache
def _cache_key(digits: int) -> str:
    here = Path(__file__).parent
    h = hashlib.sha256()
    h.update(f"{FORMAT}|{S_LEFT}|{S_RIGHT}|{S_FAR}|{PANEL_WIDTH}|{POINTS}|{digits}".encode())
    for name in ("interpolant.py", "painleve.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def cache_path(digits: int = DIGITS) -> Path:
    """Where the tables are cached on disk (the file may not exist yet)."""
    root = os.environ.get("RMTHEORY_CACHE_DIR")
    if not root:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = os.path.join(xdg, "rmtheory") if xdg else os.path.join(Path.home(), ".cache", "rmtheory")
    return Path(root) / f"tracy_widom-{_cache_key(digits)}.npz"


def _load(path: Path):
    try:
        with np.load(path) as f:
            data = {k: f[k] for k in f.files}
        n_panels = _panels().size - 1
        ok = np.array_equal(data["edges"], _panels()) and all(
            data[f"coef{b}"].shape == (n_panels, 2, POINTS) and np.all(np.isfinite(data[f"coef{b}"]))
            for b in BETAS)
        return data if ok else None
    except Exception:  # missing, truncated or foreign file: rebuild
        return None


def _save(path: Path, data) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **data)
            os.replace(tmp, path)  # atomic: readers see the old file or the whole new one
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass  # read-only home, full disk: the in-memory tables still serve


def tables():
    """The tables, from memory, else from the disk cache, else built (and then cached)."""
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                path = cache_path()
                data = _load(path)
                if data is None:
                    data = build()
                    _save(path, data)
                _tables = data
    return _tables


# --------------------------------------------------------------------------- evaluation
def _clenshaw(coef, u):
    """Σ_k coef[:, k] T_k(u) for one panel's coefficients ``coef`` (2×n) at points ``u``: (2×N)."""
    n = coef.shape[-1]
    b1 = np.zeros((2, u.size))
    b2 = np.zeros((2, u.size))
    two_u = 2.0 * u
    for k in range(n - 1, 0, -1):
        b1, b2 = coef[:, k, None] + two_u * b1 - b2, b1
    return coef[:, 0, None] + u * b1 - b2


def _interpolate(beta, s):
    tab = tables()
    edges, coef = tab["edges"], tab[f"coef{beta}"]
    idx = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, edges.size - 2)
    log_d, log_r = np.empty(s.shape), np.empty(s.shape)
    for p in np.unique(idx):  # panel by panel: no per-point copies of the coefficients
        at = idx == p if s.size > 1 else slice(None)
        a, b = edges[p], edges[p + 1]
        sp = s[at]
        vals = _clenshaw(coef[p], (2.0 * sp - a - b) / (b - a))
        decay = _decay(beta, sp) if a > 0 else 0.0  # s^{3/2} is not analytic at 0
        log_d[at], log_r[at] = vals[0] - decay, vals[1] - decay
    return log_d, log_r


def _logcosh(y):
    y = np.abs(y)
    return y - math.log(2.0) + np.log1p(np.exp(-2.0 * y))


def left_tail(beta, s):
    """(log D_β, log r_β) for s ≤ S_LEFT from the asymptotic series."""
    q, big_u, big_i, big_l = painleve.left_series(s, terms=LEFT_TERMS)
    if beta == 2:
        d, r = -big_l, big_u
    elif beta == 1:
        d, r = 0.5 * (big_i - big_l), 0.5 * (big_u + q)
    else:
        d = -0.5 * big_l - _logcosh(0.5 * big_i)
        r = 0.5 * big_u - 0.5 * q * np.tanh(0.5 * big_i)
    return np.log(d), np.log(r)


#: u_k = Γ(3k + ½)/(54^k k! Γ(k + ½)) of Ai(x) e^{ζ} = x^{−1/4}/(2√π) Σ (−1)^k u_k ζ^{−k}
#: (DLMF 9.7.5, 9.7.2); u_0 = 1, u_1 = 5/72, u_2 = 385/10368
_AIRY_U = [math.exp(math.lgamma(3 * k + 0.5) - k * math.log(54.0) - math.lgamma(k + 1) - math.lgamma(k + 0.5))
           for k in range(16)]


def airye_ai(x):
    """e^{ζ(x)} Ai(x), ζ = (2/3)x^{3/2}, for x ≥ 0, to ~2e-16 relative (checked against mpmath).

    scipy's ``airye`` is as accurate up to x ≈ 1e6 but returns NaN from x ≈ 1e7 on; for x ≥ 20 the
    asymptotic series DLMF 9.7.5 with 16 terms is used (its first omitted term is below 1e-19 there).
    """
    from scipy import special

    x = np.asarray(x, dtype=float)
    out = np.empty(x.shape)
    small = x < 20.0
    if small.any():
        out[small] = special.airye(x[small])[0]
    if (~small).any():
        xb = x[~small]
        inv = -1.0 / ((2.0 / 3.0) * xb**1.5)
        acc = np.zeros_like(xb)
        for u in reversed(_AIRY_U):
            acc = acc * inv + u
        out[~small] = acc / (2.0 * math.sqrt(math.pi) * xb**0.25)
    return out


_LAGUERRE = {}


def _laguerre(n=32):
    """Gauss-Laguerre rule correct to the last bit (numpy's weights are off by ~1e-13 relative).

    Nodes polished by Newton steps on the three-term recurrence at 40 digits; weights
    x / ((n+1)² L_{n+1}(x)²).
    """
    if n not in _LAGUERRE:
        t0, _ = np.polynomial.laguerre.laggauss(n)
        t, w = np.empty(n), np.empty(n)
        with mpmath.workdps(40):
            for i, x0 in enumerate(t0):
                x = mpmath.mpf(float(x0))
                for it in range(4):
                    p0, p1 = mpmath.mpf(1), 1 - x
                    for k in range(1, n):
                        p0, p1 = p1, ((2 * k + 1 - x) * p1 - k * p0) / (k + 1)
                    dp = n * (p1 - p0) / x  # x L_n' = n (L_n − L_{n−1})
                    if it < 3:
                        x -= p1 / dp
                p_next = ((2 * n + 1 - x) * p1 - n * p0) / (n + 1)
                t[i], w[i] = float(x), float(x / ((n + 1) ** 2 * p_next**2))
        _LAGUERRE[n] = (t, w)
    return _LAGUERRE[n]


def right_tail(beta, s):
    """(log D_β, log r_β) for s ≥ S_RIGHT with q = Ai (relative error O(Ai(s)²) < 1e-20).

    With ζ(x) = (2/3)x^{3/2}, x(u) = (3(ζ(s) + u)/2)^{2/3} and dx = du/√x:
    Ĩ = e^{ζ(s)} ∫_s^∞ Ai = ∫_0^∞ e^{−u} A(x)/√x du,  Ũ = e^{2ζ(s)} ∫_s^∞ Ai² = ∫ e^{−2u} A(x)²/√x du,
    L̃ = e^{2ζ(s)} ∫_s^∞ (x − s) Ai² = ∫ e^{−2u} (x − s) A(x)²/√x du, A = airye (the scaled Ai).
    The integrands are smooth and slowly varying, so 32-point Gauss-Laguerre is exact to rounding.
    """
    s = np.asarray(s, dtype=float)
    zeta = (2.0 / 3.0) * s**1.5
    t, w = _laguerre()
    # ∫_0^∞ e^{−u} f(u) du for f = A/√x and ∫ e^{−2u} g(u) du = ½ ∫ e^{−v} g(v/2) dv
    x1 = (1.5 * (zeta[:, None] + t[None, :])) ** (2.0 / 3.0)
    x2 = (1.5 * (zeta[:, None] + 0.5 * t[None, :])) ** (2.0 / 3.0)
    # x − s = s((1 + u/ζ)^{2/3} − 1) without the cancellation of x2 − s near u = 0
    x2_minus_s = s[:, None] * np.expm1((2.0 / 3.0) * np.log1p(0.5 * t[None, :] / zeta[:, None]))
    a1 = airye_ai(x1)
    a2 = airye_ai(x2)
    i_t = (a1 / np.sqrt(x1)) @ w
    u_t = 0.5 * ((a2 * a2 / np.sqrt(x2)) @ w)
    l_t = 0.5 * ((a2 * a2 * x2_minus_s / np.sqrt(x2)) @ w)
    ai_t = airye_ai(s)          # e^{ζ(s)} Ai(s)
    c = np.exp(-zeta)           # may underflow to 0: only multiplies higher-order terms
    if beta == 2:
        return -2 * zeta + np.log(l_t), -2 * zeta + np.log(u_t)
    if beta == 1:
        return (-zeta + np.log(0.5 * (i_t + c * l_t)), -zeta + np.log(0.5 * (ai_t + c * u_t)))
    # β = 4: −L/2 − log cosh(I/2) = e^{−2ζ}(L̃/2 − Ĩ²/8) + O(e^{−4ζ});
    # U/2 − (q/2) tanh(I/2) = e^{−2ζ}(Ũ/2 − ãĨ/4) + O(e^{−4ζ}); e^{−2ζ} < 1e-18 here
    return (-2 * zeta + np.log(0.5 * l_t - 0.125 * i_t * i_t),
            -2 * zeta + np.log(0.5 * u_t - 0.25 * ai_t * i_t))


def evaluate_reference(beta: int, s):
    """(log D_β(s), log r_β(s)) for a float array s (finite values): the plain-NumPy reference.

    Panel by panel Clenshaw on the 32-term tables, the left series and the right-tail quadrature as
    NumPy array expressions; :func:`evaluate` (compiled) is tested against it.
    """
    s = np.asarray(s, dtype=float)
    log_d = np.empty(s.shape)
    log_r = np.empty(s.shape)
    left, right = s < S_LEFT, s > S_FAR
    mid = ~(left | right)
    if mid.any():
        log_d[mid], log_r[mid] = _interpolate(beta, s[mid])
    if left.any():
        log_d[left], log_r[left] = left_tail(beta, s[left])
    if right.any():
        log_d[right], log_r[right] = right_tail(beta, s[right])
    return log_d, log_r


# --------------------------------------------------------------------------- compiled fast path
SUB_PER_PANEL = 16   # sub-panels of width PANEL_WIDTH/16 = 1/8 for the compiled path
SUB_TERMS = 12       # monomial terms per sub-panel (the dropped Chebyshev terms are < 3e-16 of the function)
#: |s| beyond which the asymptotic forms would overflow (log D ~ |s|³/12): logcdf and logsf saturate there
#: (cdf and sf are exactly 0 or 1 long before)
S_CLAMP = 1e60
_FAST = {}


def _cheb_to_monomial(n):
    """M with Σ_k c_k T_k(u) = Σ_j (M c)_j u^j for n terms (integer entries, exact in float)."""
    m = np.zeros((n, n))
    for k in range(n):
        m[: k + 1, k] = np.polynomial.chebyshev.cheb2poly(np.eye(n)[k])[: k + 1]
    return m


def fast_tables(beta: int):
    """The arguments of :func:`.kernels.law_kernel` fixed by β, derived once per process from :func:`tables`.

    Each 2-wide Chebyshev panel is re-expanded exactly on its 16 sub-panels (its degree-31
    polynomial sampled at 32 Chebyshev points of the sub-panel, then the DCT), truncated to
    ``SUB_TERMS`` terms and converted to monomials in the sub-panel variable u ∈ [−1, 1]. On a
    sub-panel of width 1/8 the Chebyshev coefficients of degree ≥ 12 are below 3e-16 of the
    function's size (the rounding level of the samples), and Σ|monomial coefficients| is within 2 % of
    max |f| on every sub-panel, so Horner (one multiply and one add per term, against Clenshaw's three
    operations on 32 terms) rounds as the Chebyshev form does. The compiled path agrees with
    :func:`evaluate_reference` to < 1e-15 relative on the tables and in the left tail, < 3e-15 in
    the β = 4 right tail, where L̃/2 − Ĩ²/8 cancels (measured; tested at 1e-13).
    """
    tab = tables()
    key = (beta, id(tab))
    if key not in _FAST:
        coef = tab[f"coef{beta}"]
        n_panels = coef.shape[0]
        x = _cheb_points(POINTS)
        lo = -1.0 + 2.0 * np.arange(SUB_PER_PANEL) / SUB_PER_PANEL
        u = (lo[:, None] + (1.0 + x[None, :]) / SUB_PER_PANEL).ravel()  # the sub-panel's points in the panel
        conv = _cheb_to_monomial(SUB_TERMS)
        poly = np.empty((n_panels, SUB_PER_PANEL, 2, SUB_TERMS))
        for p in range(n_panels):
            vals = _clenshaw(coef[p], u).reshape(2, SUB_PER_PANEL, POINTS)
            cheb = _cheb_coefficients(vals)[..., :SUB_TERMS]          # (2, sub, terms)
            poly[p] = np.moveaxis(cheb @ conv.T, 0, 1)
        b, d = painleve._series_coefficients()
        series = np.zeros((4, LEFT_TERMS))
        for n in range(LEFT_TERMS):  # the Horner coefficients of painleve.left_series, same expressions
            series[0, n] = float(b[n])
            series[1, n] = float(b[n]) / (1.5 - 3 * n) if n >= 1 else 0.0
            series[2, n] = float(d[n]) / (2 - 3 * n) if n >= 2 else 0.0
            series[3, n] = float(d[n]) / ((2 - 3 * n) * (3 - 3 * n)) if n >= 2 else 0.0
        lag_t, lag_w = _laguerre()
        first_decay = int(np.searchsorted(tab["edges"], 0.0, side="right")) * SUB_PER_PANEL  # panels with a > 0
        poly = np.ascontiguousarray(poly.reshape(n_panels * SUB_PER_PANEL, 2, SUB_TERMS))
        # in the order of kernels.law_kernel's arguments from ``beta`` on
        _FAST[key] = (beta, S_CLAMP, S_LEFT, S_FAR, SUB_PER_PANEL / PANEL_WIDTH, first_decay,
                      1.0 if beta == 1 else 2.0, poly, series, float(painleve.LEFT_CONSTANTS["c_int"]),
                      float(painleve.LEFT_CONSTANTS["chi"]), lag_t, lag_w, np.array(_AIRY_U))
    return _FAST[key]


_LIMITS = {  # value at x = −inf, +inf
    "logcdf": (-np.inf, 0.0), "cdf": (0.0, 1.0), "sf": (1.0, 0.0), "logsf": (0.0, -np.inf),
    "pdf": (0.0, 0.0), "logpdf": (-np.inf, -np.inf),
}


def _run(beta, x, scale, what_code, limits, out, out2):
    kernels.law_kernel(x, out, out2, what_code, float(scale), math.log(scale), limits[0], limits[1],
                       *fast_tables(beta))


def evaluate_law(beta: int, x, what: str, scale: float = 1.0):
    """cdf, sf, logcdf, logsf, pdf or logpdf (``what``) of F_β at s = scale·x, compiled; any shape.

    x = ±inf gives the limits, NaN stays NaN; |s| is clamped at 1e60, where logcdf and logsf saturate
    (cdf and sf are exactly 0 or 1 long before). Returns an array of x's shape.
    """
    if beta not in BETAS:
        raise ValueError(f"beta = {beta!r} is outside the allowed range {{1, 2, 4}}")
    if what not in kernels.WHAT:
        raise ValueError(f"what = {what!r} is not one of {sorted(kernels.WHAT)}")
    if not (scale > 0 and math.isfinite(scale)):
        raise ValueError(f"scale = {scale!r} must be positive and finite")
    x = np.asarray(x, dtype=float)
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty(flat.shape)
    _run(beta, flat, scale, kernels.WHAT[what], _LIMITS[what], out, out)
    return out.reshape(x.shape)


def evaluate(beta: int, s):
    """(log D_β(s), log r_β(s)) for a float array s (finite values), compiled fast path.

    Agrees with :func:`evaluate_reference` to ~1e-15 relative (see :func:`fast_tables`); |s| is
    clamped at 1e60.
    """
    if beta not in BETAS:
        raise ValueError(f"beta = {beta!r} is outside the allowed range {{1, 2, 4}}")
    s = np.asarray(s, dtype=float)
    flat = np.ascontiguousarray(s).reshape(-1)
    log_d, log_r = np.empty(flat.shape), np.empty(flat.shape)
    _run(beta, flat, 1.0, kernels.PAIR, (np.nan, np.nan), log_d, log_r)
    return log_d.reshape(s.shape), log_r.reshape(s.shape)
