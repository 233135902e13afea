"""Edges of algebraic laws from the discriminant: against the numeric engine's support (an
independent method: subordination + Newton on the fold equation), against closed forms, and a
precision ladder (15/30/60 digits agree)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

import rmtheory as rmt
from rmtheory.algebraic import discriminant, edges, support, z
from rmtheory.params import ParameterError

SC, MP, AT = rmt.Semicircle, rmt.MarchenkoPastur, rmt.Atoms

ENGINE_CASES = {
    "semicircle+mp(0.5)": lambda: rmt.free_add(SC(1.0), MP(0.5)),
    "mp*mp": lambda: rmt.free_mul(MP(0.5), MP(0.25)),
    "atoms([-3,3])+semicircle(1) (two intervals)": lambda: rmt.free_add(AT([-3.0, 3.0]), SC(1.0)),
    "mp(0.5)*atoms([1,10]) (two intervals)": lambda: rmt.free_mul(MP(0.5), AT([1.0, 10.0])),
}


@pytest.mark.parametrize("name", sorted(ENGINE_CASES))
def test_discriminant_edges_match_the_engine_support(name):
    law = ENGINE_CASES[name]()
    algebraic = [float(e) for e in edges(law, dps=30)]
    numeric = [e for interval in law.support for e in interval]
    assert len(algebraic) == len(numeric)
    np.testing.assert_allclose(algebraic, numeric, rtol=0, atol=1e-10)
    intervals = support(law, dps=30)
    np.testing.assert_allclose(np.array(intervals, dtype=float), np.array(law.support), rtol=0, atol=1e-10)


def test_spurious_discriminant_roots_are_removed():
    # MP(1/2) ⊠ δ-pair: Disc has the extra real root z = 0 (a z⁴ factor) that is not an edge, and the
    # gap between the intervals holds no root; semicircle ⊞ MP has a quartic with 2 real roots only.
    law = ENGINE_CASES["mp(0.5)*atoms([1,10]) (two intervals)"]()
    real_roots = sympy.Poly(discriminant(law), z).count_roots()
    assert real_roots > len(edges(law, dps=20)) == 4
    assert 0.0 not in [float(e) for e in edges(law, dps=20)]


def test_closed_form_edges_exactly():
    with mpmath.workdps(60):
        mp_edges = edges(MP(0.25), dps=60)           # (1 ∓ 1/2)²
        assert mp_edges == [mpmath.mpf(1) / 4, mpmath.mpf(9) / 4]
        sc = edges(SC(2.0, center=1.0), dps=60)      # 1 ∓ 2√2
        assert abs(sc[0] - (1 - 2 * mpmath.sqrt(2))) < mpmath.mpf(10) ** -58
        assert abs(sc[1] - (1 + 2 * mpmath.sqrt(2))) < mpmath.mpf(10) ** -58
        fc = edges(rmt.free_mul(MP(1.0), MP(1.0)), dps=60)   # Fuss-Catalan L = 2: [0, 27/4]
        assert fc == [0, mpmath.mpf(27) / 4]
    # MP with ratio > 1: the atom at 0 is not an edge
    assert [float(e) for e in edges(MP(4.0), dps=20)] == [1.0, 9.0]


def test_precision_ladder():
    laws = [ENGINE_CASES["semicircle+mp(0.5)"](), ENGINE_CASES["mp(0.5)*atoms([1,10]) (two intervals)"]()]
    for law in laws:
        e15, e30, e60 = (edges(law, dps=d) for d in (15, 30, 60))
        with mpmath.workdps(80):
            scale = max(abs(e) for e in e60)
            for a, b in zip(e15, e60):
                assert abs(a - b) <= mpmath.mpf(10) ** -14 * scale
            for a, b in zip(e30, e60):
                assert abs(a - b) <= mpmath.mpf(10) ** -29 * scale
            # the 60-digit edges are roots of the discriminant to 60 digits (relative to its terms)
            coeffs = [int(c) for c in discriminant(law).all_coeffs()]
            for e in e60:
                terms = [abs(c) * abs(e) ** (len(coeffs) - 1 - k) for k, c in enumerate(coeffs)]
                assert abs(mpmath.polyval(coeffs, e)) <= mpmath.mpf(10) ** -55 * sum(terms)


def test_dps_is_validated():
    with pytest.raises(ParameterError, match="dps"):
        edges(SC(1.0), dps=5)
