"""Acceptance of the free-probability engine against references computed independently with mpmath.

Issue 3: "Semicircle ⊞ MP, MP ⊠ MP and products of L Wishart factors (Fuss-Catalan moments) agree
with closed forms / cubic equations you solve independently with mpmath: density to 1e-9 on the
interior, edges to 1e-10, mass to 1e-10, moments exactly."

The references use nothing from rmtheory. Each law's equation is derived by hand below (comments
next to each), solved with ``mpmath.polyroots`` at 30 digits; edges are the critical values of the
inverse function z(G) (a different criterion from the engine's fold equation and from the
discriminant of rmtheory.algebraic); moments are exact power series (``fractions.Fraction``) of the
same equations, and the Fuss-Catalan numbers binom((L+1)n, n)/(Ln + 1).

Conventions: G(z) = ∫dμ(x)/(z − x) is the Cauchy transform (G = −g with the library's g);
MP(c, s²) is the law of (1/n) X Xᵀ, X p×n, c = p/n, entries of variance s². The density is
ρ(x) = Im g(x + i0)/π = −Im G(x + i0)/π.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import mpmath
import numpy as np
import pytest
from scipy import integrate

import rmtheory as rmt

DPS = 30


# ----------------------------------------------------------------- the hand-derived equations
# Each returns the coefficients (highest degree first) of a polynomial in G whose physical root is
# the Cauchy transform at z.

def semicircle_plus_mp(var, c, s2):
    """σ² semicircle ⊞ MP(c, s²).

    R-transforms: R_sc(w) = σ² w; MP has free cumulants κ_n = s^{2n} c^{n−1}, so
    R_mp(w) = Σ κ_n w^{n−1} = s²/(1 − c s² w). With z = R(G) + 1/G:
        z = σ² G + s²/(1 − c s² G) + 1/G
    ⇔ (z G − σ² G² − 1)(1 − c s² G) − s² G = 0, a cubic in G:
        c s² σ² G³ − (σ² + c s² z) G² + (z + c s² − s²) G − 1 = 0.
    (σ² → 0 gives c s² z G² − (z + c s² − s²) G + 1 = 0, MP's own quadratic: a check of the algebra.)
    """
    a = c * s2

    def coeffs(z):
        return [a * var, -(var + a * z), z + a - s2, -1]

    def z_of_G(G):  # the inverse function
        return var * G + s2 / (1 - a * G) + 1 / G

    def critical_points():  # dz/dG = σ² + c s⁴/(1 − aG)² − 1/G² = 0, times G²(1 − aG)²
        # σ² G² (1 − aG)² + c s⁴ G² − (1 − aG)² = 0
        p_one_minus = [a * a, -2 * a, 1]            # (1 − aG)² = a²G² − 2aG + 1
        quartic = np.polyadd(np.polymul([var, 0, 0], p_one_minus), [c * s2 * s2, 0, 0])
        quartic = np.polysub(quartic, p_one_minus)
        return [mpmath.mpf(x) for x in _real_roots(list(quartic))]

    return coeffs, z_of_G, critical_points


def mp_times_mp(c1, c2, s2):
    """MP(c1, 1) ⊠ MP(c2, s²).

    S_mp(m) = 1/(s²(1 + c m)) (ratio c, variance s²), S_{a⊠b} = S_a S_b, and with the moment series
    m = M(z) = zG − 1 the S-transform reads z = (1 + m)/(m S(m)):
        z m = s² (1 + m)(1 + c1 m)(1 + c2 m),   m = zG − 1,
    a cubic in m (hence in G). At the edges dz/dm = 0.
    """
    def p_of_m():  # s² (1 + m)(1 + c1 m)(1 + c2 m), coefficients in m
        return np.polymul(np.polymul([1, 1], [c1, 1]), [s2 * c2, s2])

    def coeffs(z):
        # substitute m = zG − 1 into s² p(m) − z m, as a polynomial in G (mpmath arithmetic)
        p = [mpmath.mpf(x) for x in p_of_m()]
        lin = [z, -1]  # m = z G − 1
        out = [p[0]]
        for coef in p[1:]:  # Horner in m
            out = _polymul(out, lin)
            out[-1] += coef
        out = _polyadd(out, [-z * z, z])  # − z m = −z² G + z
        return out

    def z_of_m(m):
        return mpmath.polyval([mpmath.mpf(x) for x in p_of_m()], m) / m

    def critical_points():  # m p'(m) − p(m) = 0
        p = p_of_m()
        num = np.polysub(np.polymul([1, 0], np.polyder(p)), p)
        return [mpmath.mpf(x) for x in _real_roots(list(num))]

    return coeffs, z_of_m, critical_points


def fuss_catalan(L):
    """Product of L free MP(1) factors: S(m) = 1/(1 + m)^L, so z m = (1 + m)^{L+1}, m = zG − 1.

    Support [0, (L+1)^{L+1}/L^L] (dz/dm = 0 at m = 1/L), moments binom((L+1)n, n)/(Ln + 1).
    """
    def coeffs(z):
        out = [1]
        for _ in range(L + 1):
            out = _polymul(out, [z, 0])  # (1 + m) = z G
        return _polyadd(out, [-z * z, z])  # − z m = −z² G + z

    return coeffs


# ----------------------------------------------------------------- mpmath machinery
def _polymul(p, q):
    out = [mpmath.mpf(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += a * b
    return out


def _polyadd(p, q):
    n = max(len(p), len(q))
    p = [mpmath.mpf(0)] * (n - len(p)) + list(p)
    q = [mpmath.mpf(0)] * (n - len(q)) + list(q)
    return [a + b for a, b in zip(p, q)]


def _real_roots(coeffs):
    with mpmath.workdps(DPS):
        roots = mpmath.polyroots([mpmath.mpf(x) for x in coeffs], maxsteps=200, extraprec=100)
    return sorted(mpmath.re(r) for r in roots if abs(mpmath.im(r)) < mpmath.mpf(10) ** (-DPS // 2))


def _roots(coeffs):
    """mpmath.polyroots after scaling G = s·H with s the Fujiwara bound max|c_k/c_n|^{1/(n−k)}, so
    that roots of very different size (G ~ x^{−2/3} at a hard edge) stay well conditioned."""
    n = len(coeffs) - 1
    lead = coeffs[0]
    s = max(abs(coeffs[k] / lead) ** (mpmath.mpf(1) / k) for k in range(1, n + 1) if coeffs[k] != 0)
    scaled = [c * s ** (n - k) for k, c in enumerate(coeffs)]  # c_k G^{n−k} = c_k s^{n−k} H^{n−k}
    return [s * r for r in mpmath.polyroots(scaled, maxsteps=400, extraprec=40)]


def density_cubic(coeffs, x):
    """ρ(x) from a cubic: at real x its non-real roots are one conjugate pair, so the physical
    boundary value G(x + i0) (Im G < 0) is the unique root with negative imaginary part."""
    with mpmath.workdps(DPS):
        roots = _roots(coeffs(mpmath.mpf(x)))
        lower = [r for r in roots if mpmath.im(r) < -mpmath.mpf(10) ** (-DPS // 2)]
        assert len(roots) == 3 and len(lower) <= 1
        return -mpmath.im(lower[0]) / mpmath.pi if lower else mpmath.mpf(0)


def density_by_continuation(coeffs, x, scale):
    """ρ(x) for any degree: follow the root G ≈ 1/z from z = x + 4i·scale down to the real axis
    (halving Im z, nearest root each step); the physical branch is analytic in the upper half-plane,
    so it never meets another root on the way."""
    with mpmath.workdps(DPS):
        eta = 4 * mpmath.mpf(scale)
        zc = mpmath.mpc(x, eta)
        current = 1 / zc
        while eta > mpmath.mpf(10) ** -12 * scale:
            zc = mpmath.mpc(x, eta)
            roots = _roots(coeffs(zc))
            current = min(roots, key=lambda r: abs(r - current))
            eta /= 2
        roots = _roots(coeffs(mpmath.mpf(x)))
        current = min(roots, key=lambda r: abs(r - current))
        return -mpmath.im(current) / mpmath.pi


def series_fixed_point(step, order):
    """Iterate a power-series map u ↦ step(series) from 0, truncated at ``order`` (exact Fractions);
    each iteration fixes one more coefficient."""
    series = [Fraction(0)] * (order + 1)
    for _ in range(order + 2):
        series = step(series)
    return series


def _mul(p, q, order):
    out = [Fraction(0)] * (order + 1)
    for i, a in enumerate(p):
        if a:
            for j in range(order + 1 - i):
                out[i + j] += a * q[j]
    return out


def _engine_density(law, x):
    """The engine's density at real x as its Stieltjes boundary value Im g(x + i0)/π (equal to
    law.pdf(x) inside the support; this form skips the support scan, which is slow for nested ⊠)."""
    return np.asarray(law.stieltjes(np.asarray(x, dtype=float))).imag / np.pi


# ----------------------------------------------------------------- semicircle ⊞ MP
SC_MP = [(1.0, 0.5, 1.0), (0.5, 0.25, 2.0), (2.0, 2.0, 1.0)]  # (σ², c, s²), exact binary floats


def _sc_mp_edges(var, c, s2):
    _, z_of_G, crit = semicircle_plus_mp(var, c, s2)
    with mpmath.workdps(DPS):
        pole = 1 / (c * s2)  # z(G) has a pole at G = 1/(c s²); the physical branch stays below it
        positive = [G for G in crit() if 0 < G < pole]
        negative = [G for G in crit() if G < 0]
        # right edge: the first critical point from G = 0+ (x = +∞); left edge: from G = 0−
        return z_of_G(max(negative)), z_of_G(min(positive))


@pytest.mark.parametrize("var, c, s2", SC_MP)
def test_semicircle_plus_mp(var, c, s2):
    law = rmt.free_add(rmt.Semicircle(var), rmt.MarchenkoPastur(c, variance=s2))
    coeffs, _, _ = semicircle_plus_mp(var, c, s2)
    lo, hi = _sc_mp_edges(var, c, s2)
    _check_law(law, lambda x: density_cubic(coeffs, x), lo, hi)

    # moments: G = u M(u), u = 1/z, M = 1 + Σ m_k u^k; the cubic becomes
    # M = 1 + σ² u² M² + s² u M / (1 − c s² u M)   (geometric series in c s² u M)
    order = 8
    fvar, fc, fs2 = Fraction(var), Fraction(c), Fraction(s2)

    def step(M):
        M = M[:]
        M[0] = Fraction(1)
        uM = [Fraction(0)] + M[:-1]
        geo = [Fraction(1)] + [Fraction(0)] * order
        power = geo[:]
        for _ in range(order):
            power = _mul(power, [fc * fs2 * t for t in uM], order)
            geo = [a + b for a, b in zip(geo, power)]
        quad = _mul(M, M, order)
        new = [Fraction(0)] * (order + 1)
        new[0] = Fraction(1)
        for k in range(2, order + 1):
            new[k] += fvar * quad[k - 2]
        term = _mul(uM, geo, order)
        return [a + fs2 * b for a, b in zip(new, term)]

    reference = series_fixed_point(step, order)[1:]
    assert law.exact_moments(order) == reference
    # sanity of the series: free cumulants add, so m_1 = s² and m_2 = σ² + s²(1 + c) + s⁴
    assert reference[0] == fs2 and reference[1] == fvar + fs2 * fs2 * (1 + fc)


# ----------------------------------------------------------------- MP ⊠ MP
MP_MP = [(0.5, 0.25, 1.0), (0.5, 0.5, 2.0)]


def _mp_mp_edges(c1, c2, s2):
    _, z_of_m, crit = mp_times_mp(c1, c2, s2)
    with mpmath.workdps(DPS):
        # x > b: m = Σ m_k x^{−k} decreases from m(b) to 0+; x ∈ (0, a): m = ∫t/(x − t)dμ decreases
        # from −1 (x = 0, no atom) to m(a). The edges are the first critical points met from 0+ and −1−.
        positive = [m for m in crit() if m > 0]
        below = [m for m in crit() if m < -1]
        return z_of_m(max(below)), z_of_m(min(positive))


@pytest.mark.parametrize("c1, c2, s2", MP_MP)
def test_mp_times_mp(c1, c2, s2):
    law = rmt.free_mul(rmt.MarchenkoPastur(c1), rmt.MarchenkoPastur(c2, variance=s2))
    coeffs, _, _ = mp_times_mp(c1, c2, s2)
    lo, hi = _mp_mp_edges(c1, c2, s2)
    _check_law(law, lambda x: density_cubic(coeffs, x), lo, hi)

    # moments: m(u) = Σ_{k≥1} m_k u^k (u = 1/z) solves m = u s² (1 + m)(1 + c1 m)(1 + c2 m)
    order = 8
    f1, f2, fs = Fraction(c1), Fraction(c2), Fraction(s2)

    def step(m):
        one = [Fraction(1)] + [Fraction(0)] * order
        a = [x + c for x, c in zip([t for t in m], one)]
        b = [f1 * x + c for x, c in zip(m, one)]
        cc = [f2 * x + c for x, c in zip(m, one)]
        prod = _mul(_mul(a, b, order), cc, order)
        return [Fraction(0)] + [fs * t for t in prod[:-1]]

    reference = series_fixed_point(step, order)[1:]
    assert law.exact_moments(order) == reference
    assert reference[0] == fs and reference[1] == fs * fs * (1 + f1 + f2)  # E X² of a product law


# ----------------------------------------------------------------- Fuss-Catalan
def fuss_catalan_numbers(L, order):
    return [Fraction(comb((L + 1) * n, n), L * n + 1) for n in range(1, order + 1)]


def _product_of_mp(L):
    law = rmt.MarchenkoPastur(1.0)
    for _ in range(L - 1):
        law = rmt.free_mul(law, rmt.MarchenkoPastur(1.0))
    return law


@pytest.mark.parametrize("L", [2, 3])
def test_fuss_catalan_moments_exactly(L):
    assert _product_of_mp(L).exact_moments(10) == fuss_catalan_numbers(L, 10)
    assert fuss_catalan_numbers(2, 4) == [1, 3, 12, 55]  # the table (OEIS A001764)


def test_fuss_catalan_L2():
    law = _product_of_mp(2)
    coeffs = fuss_catalan(2)
    _check_law(law, lambda x: density_cubic(coeffs, x), mpmath.mpf(0), mpmath.mpf(27) / 4, hard_lower=True)


def test_fuss_catalan_L3_density_at_a_few_points():
    """Nested ⊠ runs the NumPy solver path, so only a few points; edges and mass of the nested law
    are checked on the real line without the (slow) support scan."""
    law = _product_of_mp(3)
    coeffs = fuss_catalan(3)
    hi = mpmath.mpf(4) ** 4 / 27
    for x in [0.3, 1.0, 3.0, 6.0, 9.0]:
        ref = density_by_continuation(coeffs, x, scale=10)
        assert abs(float(_engine_density(law, x)) - float(ref)) <= 1e-9
    # outside [0, 256/27] the density is zero, inside near the edge positive
    outside = _engine_density(law, [-0.01, float(hi) + 1e-6])
    assert np.all(np.abs(outside) < 1e-12)
    assert _engine_density(law, float(hi) - 1e-4) > 0


def test_continuation_agrees_with_the_cubic_rule():
    """The two root selections used above agree where both apply (a check of the references)."""
    coeffs, _, _ = semicircle_plus_mp(1.0, 0.5, 1.0)
    for x in [-1.0, 0.5, 2.0, 3.5]:
        assert abs(density_cubic(coeffs, x) - density_by_continuation(coeffs, x, scale=5)) < 1e-25


# ----------------------------------------------------------------- shared checks
def _reference_integral(density, lo, x, hard_lower):
    """∫_lo^x ρ with mpmath tanh-sinh; at a hard edge ρ ~ (t − lo)^{−2/3}(a₀ + a₁(t − lo)^{1/3} + ...)
    mixes fractional powers, so integrate in s = (t − lo)^{1/3}, where the integrand is smooth."""
    with mpmath.workdps(20):
        if not hard_lower:
            return mpmath.quad(density, [lo, x])
        return mpmath.quad(lambda s: 3 * s * s * density(lo + s**3), [0, (x - lo) ** (mpmath.mpf(1) / 3)])


def _check_law(law, reference_density, lo, hi, hard_lower=False):
    """Edges to 1e-10, density to 1e-9 on the interior, mass to 1e-10 (engine cdf and ∫pdf, and
    the reference density's own integral), cdf at interior points against the reference integral."""
    lo_f, hi_f = float(lo), float(hi)
    (a, b), = law.support
    assert abs(a - lo_f) <= 1e-10 and abs(b - hi_f) <= 1e-10

    span = hi_f - lo_f
    xs = lo_f + span * np.array([0.01, 0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 0.99])
    ref = np.array([float(reference_density(x)) for x in xs])
    assert np.all(ref > 0)
    np.testing.assert_allclose(law.pdf(xs), ref, rtol=0, atol=1e-9)
    np.testing.assert_allclose(_engine_density(law, xs), ref, rtol=0, atol=1e-9)

    # mass: the reference integrates to 1 (validates the derivation), and so does the engine's
    # density; the engine's cdf at interior points matches ∫ of the reference density
    cuts = [lo, lo + (hi - lo) * mpmath.mpf(3) / 10, lo + (hi - lo) * mpmath.mpf(7) / 10, hi]
    pieces = [_reference_integral(reference_density, cuts[0], cuts[1], hard_lower)]
    pieces += [_reference_integral(reference_density, left, right, False)
               for left, right in zip(cuts[1:-1], cuts[2:])]
    assert abs(sum(pieces) - 1) <= 1e-10
    assert abs(float(law.cdf(float(cuts[1]))) - float(pieces[0])) <= 1e-10
    assert abs(float(law.cdf(float(cuts[2]))) - float(pieces[0] + pieces[1])) <= 1e-10
    assert abs(float(law.cdf(hi_f + 1e-9 * span)) - 1.0) <= 1e-10
    assert float(law.cdf(lo_f - 1e-9 * span)) == 0.0
    quad_mass = sum(integrate.quad(law.pdf, left, right, limit=200, epsabs=1e-13)[0]
                    for left, right in [(lo_f, lo_f + span / 2), (lo_f + span / 2, hi_f)])
    assert abs(quad_mass - 1.0) <= 1e-10
