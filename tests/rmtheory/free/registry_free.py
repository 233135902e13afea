"""Free convolutions in the generic law registry (loaded by tests/conftest.py beside
tests/rmtheory/laws/registry.py): every generic check — mass, cdf = ∫pdf, ppf, moments, Stieltjes
against quadrature, KS of Haar-rotated Monte-Carlo samples at n = 2000 — runs on them too.

Reference moments are written out by hand from the moment-cumulant relation for n ≤ 4
(m₂ = κ₂ + κ₁², m₃ = κ₃ + 3κ₁κ₂ + κ₁³, m₄ = κ₄ + 4κ₁κ₃ + 2κ₂² + 6κ₁²κ₂ + κ₁⁴) with the free
cumulants of the components (they add under ⊞), and for ⊠ from
m₂(ab) = m₂(a)m₁(b)² + m₁(a)²m₂(b) − m₁(a)²m₁(b)² — independent of rmtheory.free.transforms.
"""

import rmtheory as rmt
from rmtheory.free import Atoms, free_add, free_mul

LawCase = __import__("rmtheory_test_registry").LawCase

LAW_CASES = [
    # κ(sc(1)) = (0, 1, 0, 0); κ(mp(1/2)) = (1, 1/2, 1/4, 1/8): κ = (1, 3/2, 1/4, 1/8)
    LawCase("sc(1)+mp(0.5)", lambda: free_add(rmt.Semicircle(1.0), rmt.MarchenkoPastur(0.5)),
            {1: 1.0, 2: 2.5, 3: 0.25 + 4.5 + 1.0, 4: 0.125 + 1.0 + 4.5 + 9.0 + 1.0}),
    # Fuss-Catalan numbers binom(3n, n)/(2n + 1)
    LawCase("mp(1)*mp(1)", lambda: free_mul(rmt.MarchenkoPastur(1.0), rmt.MarchenkoPastur(1.0)),
            {1: 1.0, 2: 3.0, 3: 12.0, 4: 55.0}, mass_tol=1e-9),
    # ±3 with equal weights: κ₂ = 9, κ₄ = m₄ − 2m₂² = −81; plus semicircle κ₂ = 1
    LawCase("atoms(±3)+sc(1)", lambda: free_add(Atoms([-3.0, 3.0]), rmt.Semicircle(1.0)),
            {1: 0.0, 2: 10.0, 3: 0.0, 4: -81.0 + 2 * 100.0}),
    # Σ = {1, 10}: m₁ = 5.5, m₂(Σ) = 50.5; m₂ = m₂(Σ) + ratio·m₁(Σ)²
    LawCase("mp(0.5)*atoms(1,10)", lambda: free_mul(rmt.MarchenkoPastur(0.5), Atoms([1.0, 10.0])),
            {1: 5.5, 2: 50.5 + 0.5 * 5.5**2}),
    # two atomic laws: atoms survive at 0 (mass 0.3) and 2 (mass 0.1)
    LawCase("atoms+atoms", lambda: free_add(Atoms([0.0, 1.0], [0.7, 0.3]), Atoms([0.0, 2.0], [0.6, 0.4])),
            {1: 0.3 + 0.8, 2: (0.21 + 0.96) + 1.1**2}),
    # a product with a law that is not positive: MP(0.3) ⊠ semicircle(1, 1/2)
    LawCase("mp(0.3)*sc(1,0.5)", lambda: free_mul(rmt.MarchenkoPastur(0.3), rmt.Semicircle(1.0, 0.5)),
            {1: 0.5, 2: 1.3 * 0.25 + 1.25 - 0.25}),
    # nested convolutions, solved as one chain of composed transforms (rmtheory.free.chain):
    # Fuss-Catalan numbers binom(5n, n)/(4n + 1) for four Wishart factors
    LawCase("mp(1)^4 (chain)", lambda: free_mul(free_mul(free_mul(rmt.MarchenkoPastur(1.0), rmt.MarchenkoPastur(1.0)),
                                                         rmt.MarchenkoPastur(1.0)), rmt.MarchenkoPastur(1.0)),
            {1: 1.0, 2: 5.0, 3: 35.0, 4: 285.0}, mass_tol=1e-8, sample_n=1000),
    # κ = κ(sc(1)) + κ(mp(1/2)) + κ(mp(2)) = (2, 7/2, 17/4, 65/8)
    LawCase("sc(1)+mp(0.5)+mp(2) (chain)",
            lambda: free_add(free_add(rmt.Semicircle(1.0), rmt.MarchenkoPastur(0.5)), rmt.MarchenkoPastur(2.0)),
            {1: 2.0, 2: 3.5 + 4.0, 3: 4.25 + 3 * 2 * 3.5 + 8.0,
             4: 8.125 + 4 * 2 * 4.25 + 2 * 3.5**2 + 6 * 4 * 3.5 + 16}, sample_n=1000),
    # {1, 4} ⊠ MP(1/2) ⊠ MP(1/4, σ² = 2): m₂ by the two-factor rule twice (module docstring)
    LawCase("atoms(1,4)*mp(0.5)*mp(0.25,2) (chain)",
            lambda: free_mul(free_mul(Atoms([1.0, 4.0]), rmt.MarchenkoPastur(0.5)), rmt.MarchenkoPastur(0.25, 2.0)),
            {1: 5.0, 2: 11.625 * 4 + 6.25 * 5 - 6.25 * 4}, sample_n=1000),
    LawCase("gmp(0.25, 4 atoms)", lambda: rmt.GeneralizedMarchenkoPastur(0.25, Atoms([0.5, 1.0, 2.0, 4.0])),
            {1: 1.875, 2: (0.25 + 1 + 4 + 16) / 4 + 0.25 * 1.875**2}),
]
