"""Registry of (law, parameters) cases that every generic check in test_generic.py runs on.

Each case carries its independent references: exact moments from combinatorics (Catalan, Narayana)
or published tables, and the algebraic equation its Stieltjes transform must satisfy. To add a law,
add cases here; the generic tests pick them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import comb
from typing import Callable

import rmtheory as rmt


def catalan(j):
    return comb(2 * j, j) // (j + 1)


def narayana_moment(k, c, s2):
    # E X^k of MP = s2^k Σ_{j=1}^k N(k,j) c^{j-1},  N(k,j) = C(k,j)C(k,j-1)/k  (Narayana numbers)
    return s2**k * sum(comb(k, j) * comb(k, j - 1) // k * c ** (j - 1) for j in range(1, k + 1))


@dataclass
class LawCase:
    id: str
    make: Callable
    #: k → exact E X^k, each from an independent source
    moments: dict = field(default_factory=dict)
    #: residual(law, g, z) of the defining equation of the Stieltjes transform, or None
    stieltjes_equation: Callable | None = None
    sample_n: int = 2000
    #: tolerance of ∫pdf + Σatoms = 1
    mass_tol: float = 1e-10
    #: True when ``sample(n)`` returns n iid draws (Tracy-Widom) rather than one matrix's spectrum
    iid_samples: bool = False
    #: relative tolerance of one sampled matrix's trace moments (O(1/n) fluctuations for a Wigner- or
    #: Wishart-like matrix; a deep network's Jacobian has O(n^-1/2) ones from its random D_l)
    moment_rtol: float = 0.03


def _semicircle_eq(law, g, z):
    return law.variance * g * g + (z - law.center) * g + 1.0


def _mp_eq(law, g, z):
    c, s2 = law.ratio, law.variance
    return c * s2 * z * g * g + (z - s2 * (1 - c)) * g + 1.0


LAW_CASES = [
    LawCase("semicircle(1)", lambda: rmt.Semicircle(),
            {k: (catalan(k // 2) if k % 2 == 0 else 0) for k in range(9)}, _semicircle_eq),
    LawCase("semicircle(0.25,c=3)", lambda: rmt.Semicircle(variance=0.25, center=3.0),
            # E X^k = Σ_j C(k,2j) c^{k-2j} Catalan(j) σ^{2j}, written out for k ≤ 4
            {1: 3.0, 2: 9.0 + 0.25, 3: 27.0 + 3 * 3 * 0.25, 4: 81.0 + 6 * 9 * 0.25 + 2 * 0.0625},
            _semicircle_eq),
    LawCase("mp(0.5)", lambda: rmt.MarchenkoPastur(0.5),
            {k: narayana_moment(k, 0.5, 1.0) for k in range(1, 8)}, _mp_eq),
    LawCase("mp(1)", lambda: rmt.MarchenkoPastur(1.0),
            # ratio = 1: moments are the Catalan numbers C_k
            {k: catalan(k) for k in range(1, 8)}, _mp_eq, mass_tol=1e-9),
    LawCase("mp(4,var=0.5)", lambda: rmt.MarchenkoPastur(4.0, variance=0.5),
            {k: narayana_moment(k, 4.0, 0.5) for k in range(1, 7)}, _mp_eq),
    LawCase("mp(0.01)", lambda: rmt.MarchenkoPastur(0.01),
            {k: narayana_moment(k, 0.01, 1.0) for k in range(1, 6)}, _mp_eq, sample_n=3000),
    LawCase("mp(50)", lambda: rmt.MarchenkoPastur(50.0),
            {k: narayana_moment(k, 50.0, 1.0) for k in range(1, 5)}, _mp_eq, sample_n=5000),
    # affine images: E(cX + s)^k by the binomial expansion of the Narayana / Catalan moments; the
    # Stieltjes equation of X at u = (z − s)/c with g_X = c·g_Y
    LawCase("affine(mp(0.5),-2,1)", lambda: rmt.AffineImage(rmt.MarchenkoPastur(0.5), scale=-2.0, shift=1.0),
            {k: sum(comb(k, j) * (-2.0) ** j * narayana_moment(j, 0.5, 1.0) if j else 1.0 for j in range(k + 1))
             for k in range(1, 6)},
            lambda law, g, z: _mp_eq(law.law, law.scale * g, (z - law.shift) / law.scale)),
    LawCase("free_mul(δ3, semicircle)", lambda: rmt.free_mul(rmt.Atoms([3.0]), rmt.Semicircle()),
            # δ_3 ⊠ SC(1) is the semicircle of variance 9: 9^{k/2} Catalan(k/2)
            {k: (9 ** (k // 2) * catalan(k // 2) if k % 2 == 0 else 0) for k in range(1, 7)},
            lambda law, g, z: 9.0 * g * g + z * g + 1.0),
    # Tracy-Widom: published mean and variance (Bornemann 2010, Markov Process. Relat. Fields 16,
    # Table 4; β = 4 in the TW-1996 scaling), as E X = mean and E X² = var + mean²
    *(LawCase(f"tw({b})", (lambda b=b: rmt.TracyWidom(b)), {1: m, 2: v + m * m}, sample_n=1000,
              iid_samples=True)
      for b, m, v in ((1, -1.2065335745820, 1.607781034581), (2, -1.771086807411, 0.8131947928329),
                      (4, -2.306884893241, 0.5177237207726))),
]
