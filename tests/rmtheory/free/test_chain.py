"""Nested free convolutions solved as one chain (rmtheory.free.chain), against independent truths:

* the Fuss-Catalan law of s Wishart factors, whose density has the closed parametrization
  x(φ) = sin((s+1)φ)^{s+1} / (sin φ · sin(sφ)^s), ρ(x(φ)) = sin(φ)² sin(sφ)^{s−1} / (π sin((s+1)φ)^s),
  0 < φ < π/(s+1) (Haagerup & Möller 2012, "The law of large numbers for the free multiplicative
  convolution", Prop. 5; checked here for s = 1 against Marchenko-Pastur), moments
  binom((s+1)n, n)/(sn + 1) and right edge (s+1)^{s+1}/s^s;
* the defining equations of free subordination, evaluated with each factor's own closed-form
  transform (Marchenko-Pastur, semicircle, atoms), not with the chain's;
* laws whose chain collapses: semicircles add to a semicircle, and a chain of semicircles beside
  atoms equals the two-factor convolution that the compiled pairwise kernel solves.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import integrate

import rmtheory as rmt
from rmtheory.free import Atoms, free_add, free_mul
from rmtheory.free.chain import ProductChain, SumChain


def _power(law, s):
    out = law
    for _ in range(s - 1):
        out = free_mul(out, law)
    return out


def _fuss_catalan(s, phi):
    x = np.sin((s + 1) * phi) ** (s + 1) / (np.sin(phi) * np.sin(s * phi) ** s)
    rho = np.sin(phi) ** 2 * np.sin(s * phi) ** (s - 1) / (np.pi * np.sin((s + 1) * phi) ** s)
    dlogx = (s + 1) ** 2 / np.tan((s + 1) * phi) - 1.0 / np.tan(phi) - s * s / np.tan(s * phi)
    return x, rho, np.abs(x * dlogx)


def test_the_parametrization_is_marchenko_pastur_for_one_factor():
    phi = np.linspace(0.05, 1.5, 30)
    x, rho, _ = _fuss_catalan(1, phi)
    np.testing.assert_allclose(rho, rmt.MarchenkoPastur(1.0).pdf(x), rtol=1e-12)


@pytest.mark.parametrize("s", [3, 4, 5, 6, 7, 8])
def test_products_of_wishart_factors_are_fuss_catalan(s):
    law = _power(rmt.MarchenkoPastur(1.0), s)
    assert isinstance(law.chain, ProductChain)
    (a, b), = law.support
    edge = (s + 1) ** (s + 1) / s**s
    assert a == 0.0 and abs(b - edge) <= 1e-10 * edge
    assert law.exact_moments(4) == [Fraction(math.comb((s + 1) * n, n), s * n + 1) for n in range(1, 5)]
    phi = np.linspace(0.02, 0.97, 25) * np.pi / (s + 1)
    x, rho, _ = _fuss_catalan(s, phi)
    np.testing.assert_allclose(law.pdf(x), rho, rtol=1e-9)
    # cdf(x(φ)) = ∫_φ^{π/(s+1)} ρ |dx/dφ| dφ, by adaptive quadrature in φ (smooth there)
    top = np.pi / (s + 1)
    ref = [integrate.quad(lambda t: float(np.prod(_fuss_catalan(s, t)[1:])), p, top, epsabs=1e-14, epsrel=1e-13,
                          limit=200)[0] for p in phi]
    np.testing.assert_allclose(law.cdf(x), ref, atol=max(1e-10, 10 * law.numerical_tolerance))
    assert law.numerical_tolerance < 1e-8


def _mp_t(law, omega):
    """T(Ω) = Ω G(Ω) − 1 from the Marchenko-Pastur law's own closed-form transform."""
    return omega * -np.asarray(law.stieltjes(omega)) - 1.0


@pytest.mark.parametrize("make", [
    lambda: free_mul(free_mul(Atoms([1.0, 4.0]), rmt.MarchenkoPastur(0.5)), rmt.MarchenkoPastur(0.25, 2.0)),
    lambda: free_mul(rmt.GeneralizedMarchenkoPastur(0.5, Atoms([1.0, 4.0])), rmt.MarchenkoPastur(0.25, 2.0)),
    lambda: free_mul(free_mul(rmt.MarchenkoPastur(2.0), rmt.MarchenkoPastur(1.0)), rmt.MarchenkoPastur(0.5, 0.7)),
], ids=["atoms*mp*mp", "gmp*mp", "mp(2)*mp(1)*mp(0.5)"])
def test_product_chains_solve_every_subordination_equation(make):
    law = make()
    chain = law.chain
    assert isinstance(chain, ProductChain)
    (lo, hi) = law._hull()
    z = np.concatenate([np.linspace(lo, hi, 9)[1:-1] + 1e-3j * hi, np.linspace(-1, hi + 1, 7) + 0.5j * hi])
    G = -np.asarray(law.stieltjes(z))
    m = z * G - 1.0
    s_total = np.ones_like(m)
    for f in chain.explicit:
        omega = (1 + m) / m * f.variance * (1 + f.ratio * m)        # Ω_i = (1 + m)/(m S_i(m))
        assert np.all(omega.imag > 0)
        np.testing.assert_allclose(_mp_t(f, omega), m, rtol=1e-9, atol=1e-12)
        s_total = s_total / (f.variance * (1 + f.ratio * m))
    if chain.other is not None:
        omega = z * s_total                                           # Ω_A = z Π S_i(m)
        assert np.all(omega.imag > 0)
        t_a = omega * -np.asarray(chain.other.stieltjes(omega)) - 1.0
        np.testing.assert_allclose(t_a, m, rtol=1e-9, atol=1e-12)
    assert abs(float(law.cdf(hi)) - 1.0) <= 1e-9


def test_semicircles_add_to_a_semicircle():
    law = free_add(free_add(rmt.Semicircle(1.0), rmt.Semicircle(2.0, 0.5)), rmt.Semicircle(0.5, -1.0))
    ref = rmt.Semicircle(3.5, -0.5)
    assert isinstance(law.chain, SumChain)
    (a, b), = law.support
    assert a == pytest.approx(ref.support[0][0], abs=1e-12) and b == pytest.approx(ref.support[0][1], abs=1e-12)
    x = np.linspace(a, b, 41)[1:-1]
    np.testing.assert_allclose(law.pdf(x), ref.pdf(x), rtol=1e-10)
    np.testing.assert_allclose(law.cdf(x), ref.cdf(x), atol=1e-12)


def test_a_chain_beside_atoms_equals_the_pairwise_convolution():
    atoms = Atoms([-1.0, 1.0], [0.3, 0.7])
    law = free_add(free_add(atoms, rmt.Semicircle(0.3)), rmt.Semicircle(0.7))
    ref = free_add(atoms, rmt.Semicircle(1.0))
    assert isinstance(law.chain, SumChain) and ref.chain is None
    for (a, b), (c, d) in zip(law.support, ref.support, strict=True):
        assert abs(a - c) <= 1e-11 and abs(b - d) <= 1e-11
    lo, hi = ref._hull()
    x = np.linspace(lo, hi, 57)[1:-1]
    np.testing.assert_allclose(law.pdf(x), ref.pdf(x), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(law.cdf(x), ref.cdf(x), atol=1e-10)


def test_sum_chains_solve_every_subordination_equation():
    factors = [rmt.MarchenkoPastur(0.5), rmt.Semicircle(1.0), rmt.MarchenkoPastur(2.0, 0.5)]
    law = free_add(free_add(factors[0], factors[1]), factors[2])
    assert isinstance(law.chain, SumChain)
    lo, hi = law._hull()
    z = np.linspace(lo, hi, 11)[1:-1] + 1e-3j
    G = -np.asarray(law.stieltjes(z))
    for f in factors:
        if isinstance(f, rmt.Semicircle):
            r = f.center + f.variance * G
        else:
            r = f.variance / (1 - f.ratio * f.variance * G)
        omega = 1.0 / G + r                                            # G_i(Ω_i) = G
        assert np.all(omega.imag > 0)
        np.testing.assert_allclose(-np.asarray(f.stieltjes(omega)), G, rtol=1e-9)
    assert abs(float(law.cdf(hi)) - 1.0) <= 1e-9


def test_trees_the_chain_does_not_cover_keep_the_pairwise_solver():
    mp = rmt.MarchenkoPastur(1.0)
    # two factors without an explicit S-transform (a ⊞ inside a ⊠ is one such factor)
    mixed = free_mul(free_mul(free_add(mp, mp), Atoms([1.0, 2.0])), mp)
    two_atomic = free_mul(free_mul(Atoms([1.0, 2.0]), Atoms([1.0, 3.0])), mp)
    pair = free_mul(mp, mp)
    assert mixed.chain is None and two_atomic.chain is None and pair.chain is None


def test_a_scaled_chain_states_the_chain_s_tolerance():
    # δ_2 ⊠ μ is μ scaled by 2, evaluated exactly through μ: its cdf is as accurate as μ's, not more
    inner = _power(rmt.MarchenkoPastur(1.0), 3)
    scaled = free_mul(Atoms([2.0]), inner)
    assert scaled.numerical_tolerance == inner.numerical_tolerance > 1e-12
    assert float(scaled.cdf(2.0)) == float(inner.cdf(1.0))
