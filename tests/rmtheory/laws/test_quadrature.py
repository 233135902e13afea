"""The interval cdf's fast path (one cosine series summed by Clenshaw) against the plain term-by-term
integrals it replaced, and against closed forms."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtheory.laws import quadrature
from rmtheory.laws.quadrature import _integrals, build


def _reference(table, x):
    """∫_a^x ρ term by term: Σ_k c_k ∫_0^θ cos(kφ) sin(φ)/2 dφ (the closed-form integrals)."""
    from scipy import special

    u = np.clip((np.asarray(x, float) - table.a) / (table.b - table.a), 0.0, 1.0)
    theta = np.arccos(np.clip(1.0 - 2.0 * special.betaincinv(table.p, table.q, u), -1.0, 1.0))
    return _integrals(theta, table.coefficients.size - 1) @ table.coefficients


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(8, 1200))
def test_the_clenshaw_sum_equals_the_term_by_term_integrals(seed, terms):
    rng = np.random.default_rng(seed)
    from rmtheory.laws.quadrature import IntervalCdf

    c = rng.standard_normal(terms) * np.exp(-np.arange(terms) / rng.uniform(5, 300))
    table = IntervalCdf(a=-1.0, b=2.0, coefficients=c, error_estimate=0.0, nodes=terms - 1,
                        p=float(rng.integers(1, 5)), q=float(rng.integers(1, 5)))
    x = np.concatenate([rng.uniform(-1.5, 2.5, 300), [-1.0, 2.0, -1.0 + 1e-12, 2.0 - 1e-12]])
    assert x.size >= quadrature._CLENSHAW_FROM > 5          # both summations: many points, and a few
    assert np.max(np.abs(table.partial(x) - _reference(table, x))) <= 1e-14 * np.abs(c).sum()
    assert np.max(np.abs(table.partial(x[:5]) - _reference(table, x[:5]))) <= 1e-14 * np.abs(c).sum()


def test_semicircle_cdf_from_the_table_matches_its_closed_form():
    # semicircle on [-2, 2]: F(x) = 1/2 + x√(4 − x²)/(4π) + arcsin(x/2)/π
    table = build(lambda x: np.sqrt(np.maximum(4 - x * x, 0)) / (2 * np.pi), -2.0, 2.0)
    x = np.linspace(-2, 2, 1001)
    exact = 0.5 + x * np.sqrt(4 - x * x) / (4 * np.pi) + np.arcsin(x / 2) / np.pi
    assert np.max(np.abs(table.partial(x) - exact)) < 1e-13
    assert abs(table.mass - 1.0) < 1e-14
