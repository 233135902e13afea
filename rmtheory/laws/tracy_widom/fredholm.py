"""Tracy-Widom distributions as Fredholm determinants, in float64 (Bornemann 2010).

Bornemann, "On the numerical evaluation of distributions in random matrix theory: a review",
Markov Process. Relat. Fields 16 (2010), §2 (Nyström discretization of det(I − K) by Gauss-Legendre
quadrature, exponential convergence) and §4 (the kernels). Everything here comes from one matrix,
the Airy Hankel operator on L²(0, ∞),

    B_s(x, y) = Ai(s + x + y),

because K_Ai on L²(s, ∞) is B_s² (K_Ai(s+x, s+y) = ∫_0^∞ Ai(s+x+t) Ai(s+y+t) dt), so with μ_i the
eigenvalues of the symmetrized Nyström matrix of B_s (Ferrari & Spohn 2005, J. Phys. A 38, L557;
Sasamoto 2005):

    F2(s) = det(I − B_s²) = Π(1 − μ_i²),      F1(s) = det(I − B_s) = Π(1 − μ_i),
    F4(s/√2) = ½ (det(I − B_s) + det(I + B_s))  (Tracy-Widom 1996 F4, as G4(s)).

Derivatives: ∂_s B_s = B'_s with entries Ai'(s + x + y), and ∂_s log det(I ∓ B) = ∓tr((I ∓ B)^{-1} B').

Accuracy. The Nyström matrix gives det to about 1e-15 absolutely. Two cancellations are removed
so that the right tail keeps its relative accuracy (the quantity returned is D = −log F, so
sf = −expm1(−D) is relative-accurate wherever D is):

* for s > 0 the Airy factor c = exp(−(2/3)s^{3/2}) is taken out of B (scaled Airy functions,
  ``scipy.special.airye``), so log D stays finite where F − 1 underflows;
* for β = 4, 1 − F4 = −(e2 + e4 + …) in the elementary symmetric functions of the μ_i, and
  e2 = ½((tr B)² − ‖B‖_F²) — a cancellation of relative size ~s^{-3/2} between the two traces,
  which are computed from the matrix entries (sums of positive terms), not from the eigenvalues
  (where the loss would be m·ε·s^{3/2}). The same is done for the derivative.

What it cannot do: relative accuracy in the *left* tail (there 1 − μ_max is tiny and F is a product
of small factors each known to ~1e-16 absolutely); :mod:`.painleve` covers that.

Example::

    >>> from rmtheory.laws.tracy_widom import fredholm
    >>> log_d, log_r = fredholm.evaluate(0.0)[2]      # β = 2 at s = 0: D = −log F2(0)
    >>> round(float(np.exp(-np.exp(log_d))), 15)     # F2(0)
    0.969372828355263
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import special

__all__ = ["evaluate", "truncation", "nodes_for", "DEFAULT_NODES"]

#: Gauss-Legendre nodes for s ≥ −4: 40 already reach 1e-16 absolute there (the tests compare each
#: point's rule with one of 32 more nodes)
DEFAULT_NODES = 48


def nodes_for(s: float) -> int:
    """Nodes for the point s: the interval (0, T) grows and Ai oscillates faster as s → −∞.

    48 up to s = −4, then 8 more per unit of −s, rounded up to a multiple of 16 (cached rules).
    """
    if s >= -4.0:
        return DEFAULT_NODES
    return int(16 * math.ceil((DEFAULT_NODES + 8.0 * (-4.0 - s)) / 16.0))


@lru_cache(maxsize=32)
def _gauss_legendre(m: int):
    """Gauss-Legendre nodes and weights on [−1, 1], correct to the last bit.

    numpy's ``leggauss`` and scipy's ``roots_legendre`` weights are off by up to ~5e-12 relative
    for m = 40-80 (measured against this routine), which alone puts ~1e-11 errors into
    det(I − K); here the nodes are polished by Newton steps on the three-term recurrence in
    mpmath at 32 digits and the weights are 2/((1 − x²) P_m'(x)²). Costs ~0.1 s once per m.
    """
    import mpmath

    t0, _ = np.polynomial.legendre.leggauss(m)
    half = (m + 1) // 2
    nodes, weights = np.empty(half), np.empty(half)
    with mpmath.workdps(32):
        for i, x0 in enumerate(t0[:half]):
            x = mpmath.mpf(float(x0))
            for it in range(3):
                p0, p1 = mpmath.mpf(1), x
                for k in range(2, m + 1):
                    p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
                dp = m * (x * p1 - p0) / (x * x - 1)
                if it < 2:
                    x -= p1 / dp
            nodes[i], weights[i] = float(x), float(2 / ((1 - x * x) * dp * dp))
    if m % 2:  # the middle node is exactly 0
        nodes[-1] = 0.0
    t = np.concatenate([nodes, -nodes[: m // 2][::-1]])
    w = np.concatenate([weights, weights[: m // 2][::-1]])
    return t, w


def _zeta(x):
    return (2.0 / 3.0) * np.maximum(x, 0.0) ** 1.5


def truncation(s: float) -> float:
    """T with B_s negligible outside (0, T)²: Ai(s + T) ≤ e^{−40}·Ai(max(s, 0)).

    The neglected coupling B(x, y), x < T < y, is at most Ai(s + T) and enters det(I − B) squared
    (through ‖B_12‖²); ζ(s + T) = ζ(max(s, 0)) + 40, ζ(x) = (2/3)x^{3/2} the exponent of Ai, keeps
    it below e^{−80} relative to the right-tail scale Ai(s)².
    """
    top = (1.5 * (float(_zeta(s)) + 40.0)) ** (2.0 / 3.0)
    return top - s


def _scaled_airy(z, s):
    """Ai(z)/c and Ai'(z)/c with c = exp(−ζ(s)) for s > 0 (c = 1 otherwise); z ≥ s."""
    if s > 0:
        eai, eaip, _, _ = special.airye(z)
        damp = np.exp(-(_zeta(z) - _zeta(s)))
        return eai * damp, eaip * damp, -float(_zeta(s))
    ai, aip, _, _ = special.airy(z)
    return ai, aip, 0.0


def _phi(u):
    """−log1p(−u)/u, with its limit 1 + u/2 for tiny u (u < 1)."""
    u = np.asarray(u, dtype=float)
    out = np.ones_like(u)
    big = np.abs(u) > 1e-8
    out[big] = -np.log1p(-u[big]) / u[big]
    out[~big] = 1.0 + 0.5 * u[~big]
    return out


def _elementary(mu):
    """e_0..e_m of the values ``mu`` (coefficients of Π(1 + tμ_i))."""
    e = np.zeros(mu.size + 1)
    e[0] = 1.0
    for i, v in enumerate(mu):
        e[1:i + 2] += v * e[0:i + 1].copy()
    return e


def evaluate(s: float, m: int = DEFAULT_NODES) -> dict:
    """{β: (log D_β(s), log r_β(s))} for β = 1, 2, 4 at one point s (the Painlevé variable).

    D_β = −log F_β(s) and r_β = F_β'(s)/F_β(s), where F_1, F_2 are the classical Tracy-Widom
    distributions and F_4(s) = G4(s) is the TW-1996 F4 at s/√2. The log of a zero is −inf.
    """
    s = float(s)
    t, w = _gauss_legendre(m)
    big_t = truncation(s)
    x = 0.5 * big_t * (t + 1.0)
    wx = 0.5 * big_t * w
    sw = np.sqrt(wx)
    z = s + x[:, None] + x[None, :]
    a, ap, log_c = _scaled_airy(z, s)
    b = sw[:, None] * a * sw[None, :]    # B̃ (B = c B̃)
    bp = sw[:, None] * ap * sw[None, :]  # B̃' (B' = c B̃')
    c = math.exp(log_c)
    mu_t, v = np.linalg.eigh(b)          # μ = c μ̃
    g_t = np.sum(v * (bp @ v), axis=0)  # diag(Vᵀ B̃' V)
    mu = c * mu_t
    # the leading traces from the entries (sums of positive terms in the right tail), the rest from
    # the eigenvalues: Σμ̃ = tr B̃, Σμ̃² = ‖B̃‖², Σ g̃ = tr B̃', Σ g̃ μ̃ = tr(B̃' B̃)
    tr_b, tr_bp, fro_b, tr_bpb = np.trace(b), np.trace(bp), np.sum(b * b), np.sum(b * bp)
    out = {}
    # β = 2: D = −Σ log1p(−μ²) = c² Σ μ̃² φ(μ²);  r = Σ g (−2μ)/(1 − μ²) = c² Σ g̃ (−2μ̃)/(1 − μ²)
    d2 = fro_b + np.sum(mu_t**2 * (_phi(mu**2) - 1.0))
    r2 = -2.0 * tr_bpb - 2.0 * np.sum(g_t * mu_t * mu**2 / (1.0 - mu**2))
    out[2] = (2 * log_c + _log(d2), 2 * log_c + _log(r2))
    # β = 1: D = −Σ log1p(−μ) = c Σ μ̃ φ(μ);  r = −Σ g/(1 − μ) = c (−Σ g̃/(1 − μ))
    d1 = tr_b + np.sum(mu_t * (_phi(mu) - 1.0))
    r1 = -tr_bp - np.sum(g_t * mu / (1.0 - mu))
    out[1] = (log_c + _log(d1), log_c + _log(r1))
    out[4] = _beta4(b, bp, mu_t, g_t, c, log_c, tr_b, tr_bp, fro_b, tr_bpb)
    return out


def _log(v):
    return math.log(v) if v > 0 else (-math.inf if v == 0 else math.nan)


def _beta4(b, bp, mu_t, g_t, c, log_c, tr_b, tr_bp, fro_b, tr_bpb):
    """(log D4, log r4) with F4 = ½(Π(1 − μ) + Π(1 + μ)) = 1 + Σ_{k even ≥ 2} e_k(μ)."""
    mu = c * mu_t
    e = _elementary(mu_t)  # e_k(μ̃); e_k(μ) = c^k e_k(μ̃)
    e2_exact = 0.5 * (tr_b * tr_b - fro_b)   # e_2(μ̃) from the entries
    odd1_exact = tr_b * tr_bp - tr_bpb       # Σ_j g̃_j (e_1(μ̃) − μ̃_j)
    m = mu_t.size
    even = np.arange(4, m + 1, 2)
    x_t = e2_exact + float(np.sum(c ** (even - 2.0) * e[even]))  # X/c², X = F4 − 1
    x_full = c * c * x_t
    if abs(x_full) < 0.5:
        log_d = 2 * log_c + _log(-x_t) + math.log(float(_phi(np.array([-x_full]))[0]))
        # F4' = Σ_j g_j Σ_{k odd} e_k(μ without μ_j) = c² Σ_j g̃_j Σ_{k odd} c^{k−1} Q_k(j), with
        # Q(j) the coefficients of Π_{i≠j}(1 + tμ̃_i) (synthetic division); the k = 1 part is
        # Σ_j g̃_j (e_1 − μ̃_j) = odd1_exact, taken from the entries
        quot = np.zeros((m, m + 1))
        quot[:, 0] = 1.0
        for k in range(1, m):
            quot[:, k] = e[k] - mu_t * quot[:, k - 1]
        odd = np.arange(3, m, 2)
        rest = float(np.sum(g_t[:, None] * quot[:, odd] * (c ** (odd - 1.0))[None, :]))
        return log_d, 2 * log_c + _log((odd1_exact + rest) / (1.0 + x_full))
    # bulk and left tail (c = 1 here): the product form, weighted to avoid overflow/underflow
    lp, lm = np.sum(np.log1p(mu)), np.sum(np.log1p(-mu))
    log_f4 = np.logaddexp(lp, lm) - math.log(2.0)
    s_plus, s_minus = np.sum(g_t * c / (1.0 + mu)), np.sum(g_t * c / (1.0 - mu))
    w_plus = 1.0 / (1.0 + math.exp(lm - lp))
    r4 = w_plus * s_plus - (1.0 - w_plus) * s_minus
    return _log(-log_f4), _log(r4)
