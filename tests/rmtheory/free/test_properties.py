"""Property tests (hypothesis) of ⊞ and ⊠ over random parameters and random atomic laws.

For every drawn pair: total mass 1 (cdf at the top of the support plus atoms), pdf ≥ 0, Im g > 0
on a grid above the axis, first moments additive (⊞) / multiplicative (⊠) against the components'
own moments, and free cumulants additive (exact rationals).
"""

from fractions import Fraction

import numpy as np
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import rmtheory as rmt
from rmtheory.free import Atoms, free_add, free_mul
from rmtheory.free.transforms import moments_to_free_cumulants

# no shrinking: each example solves two free convolutions, and a shrink of a failure could take
# many minutes; the failing example is reported as drawn
settings.register_profile("free", deadline=None, max_examples=12, derandomize=True,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate])

locations = st.lists(st.floats(-4, 4, allow_nan=False).map(lambda v: round(v, 3)), min_size=1, max_size=5, unique=True)
positive_locations = st.lists(st.floats(0.05, 6, allow_nan=False).map(lambda v: round(v, 3)), min_size=1, max_size=5,
                              unique=True)


@st.composite
def atomic(draw, positive=False):
    locs = draw(positive_locations if positive else locations)
    weights = draw(st.lists(st.floats(0.05, 1.0), min_size=len(locs), max_size=len(locs)))
    return Atoms(locs, weights)


closed_form = st.one_of(
    st.builds(rmt.Semicircle, st.floats(0.05, 3.0), st.floats(-2, 2)),
    st.builds(rmt.MarchenkoPastur, st.floats(0.05, 3.0), st.floats(0.2, 2.0)),
)


def _check_law(law):
    lo, hi = law.solver.hull
    top = max([b for _, b in law.support] + [x for x, _ in law.atoms] + [lo])
    assert abs(float(law.cdf(top)) - 1.0) < 1e-9
    x = np.linspace(lo - 0.5, hi + 0.5, 301)
    assert np.all(np.asarray(law.pdf(x)) >= 0)
    z = np.linspace(lo - 1, hi + 1, 41) + 1j * np.geomspace(1e-6, 2.0, 41)
    assert np.all(np.asarray(law.stieltjes(z)).imag > 0)


@settings(settings.get_profile("free"))
@given(st.one_of(closed_form, atomic()), st.one_of(closed_form, atomic()))
def test_free_add_properties(a, b):
    law = free_add(a, b)
    _check_law(law)
    assert abs(law.mean() - (a.mean() + b.mean())) < 1e-12 * (1 + abs(a.mean()) + abs(b.mean()))
    # free cumulants add, exactly
    ka = moments_to_free_cumulants(a.exact_moments(4))
    kb = moments_to_free_cumulants(b.exact_moments(4))
    kc = moments_to_free_cumulants(law.exact_moments(4))
    assert kc == [x + y for x, y in zip(ka, kb)]
    assert all(isinstance(v, Fraction) for v in kc)


positive_law = st.one_of(st.builds(rmt.MarchenkoPastur, st.floats(0.05, 3.0), st.floats(0.2, 2.0)),
                        atomic(positive=True))


@settings(settings.get_profile("free"))
@given(positive_law, positive_law)
def test_free_mul_properties(a, b):
    """Both factors on [0, ∞): the certified case. (A factor off [0, ∞) has no branch certificate;
    the solver then raises SolverError where it cannot follow the branch — see
    test_engine.py for the cases covered.)"""
    law = free_mul(a, b)
    _check_law(law)
    assert abs(law.mean() - a.mean() * b.mean()) < 1e-12 * (1 + abs(a.mean() * b.mean()))
    # second moment of a product of free variables: m₂(a)m₁(b)² + m₁(a)²m₂(b) − m₁(a)²m₁(b)²
    ma, mb = a.exact_moments(2), b.exact_moments(2)
    expected = ma[1] * mb[0] ** 2 + ma[0] ** 2 * mb[1] - ma[0] ** 2 * mb[0] ** 2
    assert law.exact_moments(2)[1] == expected
