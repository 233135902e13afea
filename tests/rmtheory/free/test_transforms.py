"""Moments ↔ free cumulants (exact), non-crossing partitions, product moments."""

from fractions import Fraction
from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmtheory.free.transforms import (
    _kreweras_block_sizes,
    _noncrossing_partitions,
    free_cumulants_to_moments,
    moments_to_free_cumulants,
    product_moments,
)


def catalan(n):
    return comb(2 * n, n) // (n + 1)


@pytest.mark.parametrize("n", range(0, 9))
def test_noncrossing_partitions_are_counted_by_catalan_and_kreweras_is_complementary(n):
    parts = _noncrossing_partitions(n)
    assert len(parts) == catalan(n)
    assert len(set(parts)) == len(parts)
    for sizes_pi, sizes_k in _kreweras_block_sizes(n) if n else []:
        # |π| + |K(π)| = n + 1 and K(π) is again a partition of n points
        assert len(sizes_pi) + len(sizes_k) == n + 1 and sum(sizes_k) == n


fractions = st.fractions(min_value=-5, max_value=5, max_denominator=20)


@given(st.lists(fractions, min_size=1, max_size=8))
def test_cumulant_moment_round_trip_is_exact(kappa):
    moments = free_cumulants_to_moments(kappa)
    assert moments_to_free_cumulants(moments) == kappa
    assert all(isinstance(m, Fraction) for m in moments)


def test_known_cumulants():
    # semicircle: κ₂ = 1 only; moments are Catalan numbers
    assert free_cumulants_to_moments([0, 1, 0, 0, 0, 0]) == [0, 1, 0, 2, 0, 5]
    # free Poisson (MP, ratio c): κ_n = c^{n−1}; moments are Narayana polynomials
    c = Fraction(1, 3)
    m = free_cumulants_to_moments([c ** (n - 1) for n in range(1, 5)])
    assert m == [1, 1 + c, 1 + 3 * c + c * c, 1 + 6 * c + 6 * c * c + c**3]


@pytest.mark.parametrize("factors", [2, 3, 4])
def test_products_of_wishart_factors_have_fuss_catalan_moments(factors):
    # m_n of a product of L free MP(1) factors = binom((L+1)n, n)/(Ln + 1)
    order = 6
    mp1 = [Fraction(catalan(n)) for n in range(1, order + 1)]
    moments = mp1
    for _ in range(factors - 1):
        moments = product_moments(moments_to_free_cumulants(mp1), moments, order)
    assert moments == [Fraction(comb((factors + 1) * n, n), factors * n + 1) for n in range(1, order + 1)]


def test_product_of_centred_free_semicircles():
    # s₁ s₂ with free standard semicircles: E(s₁s₂)² = 0, E(s₁s₂)⁴ = 0, odd moments 0... but
    # the moments of the *product law* A^{1/2}BA^{1/2} need A ≥ 0; use a = MP(1), b = semicircle:
    # m_n(ab) = Σ_π κ_π[a] m_{K(π)}[b]; with b symmetric every odd moment vanishes
    mp1 = [Fraction(catalan(n)) for n in range(1, 7)]
    sc = [0, 1, 0, 2, 0, 5]
    m = product_moments(moments_to_free_cumulants(mp1), sc, 6)
    assert m[0] == 0 and m[2] == 0 and m[4] == 0
    assert m[1] == 1  # E tr(A B A B)... = m₂(a) m₁(b)² + m₁(a)² m₂(b) − m₁(a)² m₁(b)² = 1
