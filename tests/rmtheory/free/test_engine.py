"""The subordination engine: compiled kernels vs the NumPy reference, closed-form special cases,
the branch certificate, atoms, support structure, and the solver's loud failure."""

import numpy as np
import pytest

import rmtheory as rmt
from rmtheory.free import Atoms, SubordinationSolver, free_add, free_mul
from rmtheory.free.subordination import SolverError

PAIRS = [
    ("add", rmt.Semicircle(1.0), rmt.MarchenkoPastur(0.5)),
    ("add", Atoms([-3.0, 3.0]), rmt.Semicircle(1.0)),
    ("add", Atoms([0.0, 1.0], [0.7, 0.3]), Atoms([0.0, 2.0], [0.6, 0.4])),
    ("mul", rmt.MarchenkoPastur(1.0), rmt.MarchenkoPastur(1.0)),
    ("mul", Atoms([1.0, 10.0]), rmt.MarchenkoPastur(0.5)),
    ("mul", rmt.MarchenkoPastur(0.3), rmt.Semicircle(1.0, 0.5)),
]


@pytest.mark.parametrize("op, a, b", PAIRS, ids=lambda v: v.expression() if hasattr(v, "expression") else v)
def test_numba_kernel_matches_numpy_reference(op, a, b):
    fast = SubordinationSolver(op, a, b, backend="numba")
    slow = SubordinationSolver(op, a, b, backend="numpy")
    lo, hi = fast.hull
    x = np.linspace(lo - 0.3, hi + 0.3, 61)
    x = x[np.abs(x) > 1e-9] if op == "mul" else x
    rf, rs = fast.on_real_line(x), slow.on_real_line(x)
    # where G(x) = 0 inside a gap (a subordination function is infinite) the boundary value is 0
    # and both paths return it from a height h ~ 1e-7·scale above the axis (|g| ≈ h|g'|, flagged
    # unpolished); everywhere else they agree to rounding
    degenerate = np.abs(rs.value) < 1e-5
    assert np.allclose(rf.value[~degenerate], rs.value[~degenerate], rtol=1e-10, atol=1e-12)
    assert np.all(np.abs(rf.value[degenerate]) < 1e-5) and np.all(np.abs(rs.value[degenerate]) < 1e-5)
    z = x + 1j * np.geomspace(1e-6, 3.0, x.size)
    # 2e-9: just above a zero of G in a gap (x = 0 for the ±3 atoms) ω₂ ~ 1/Im z amplifies rounding
    assert np.allclose(fast.at(z).value, slow.at(z).value, rtol=2e-9, atol=1e-13)


@pytest.mark.parametrize("op, a, b", PAIRS[:2] + PAIRS[3:5], ids=str)
def test_branch_certificate_holds_and_solution_solves_the_equations(op, a, b):
    solver = SubordinationSolver(op, a, b)
    rng = np.random.default_rng(0)
    lo, hi = solver.hull
    z = rng.uniform(lo, hi, 200) + 1j * 10 ** rng.uniform(-8, 0.5, 200)
    res = solver.at(z)
    g = res.value
    assert np.all(g.imag > 0)
    if op == "add":
        # subordination: G(z) = G_a(ω₁), ω₁ + ω₂ = z + 1/G(z), G_b(ω₂) = G(z), with Im ω_i ≥ Im z
        w1 = res.omega
        G = -g
        w2 = z + 1.0 / G - w1
        assert np.all(w1.imag >= z.imag * (1 - 1e-9)) and np.all(w2.imag >= z.imag * (1 - 1e-9))
        assert np.allclose(-a.stieltjes(w1), G, rtol=1e-10)
        assert np.allclose(-b.stieltjes(w2), G, rtol=1e-9)


def test_semicircles_add_to_a_semicircle():
    law = free_add(rmt.Semicircle(1.0), rmt.Semicircle(3.0))
    exact = rmt.Semicircle(4.0)
    x = np.linspace(-4.5, 4.5, 301)
    assert np.allclose(law.pdf(x), exact.pdf(x), atol=1e-13)
    assert np.allclose(law.cdf(x), exact.cdf(x), atol=1e-12)
    (a, b), = law.support
    assert abs(a + 4) < 1e-12 and abs(b - 4) < 1e-12


def test_adding_an_atom_shifts_and_multiplying_by_an_atom_scales():
    base = rmt.MarchenkoPastur(0.5)
    shifted = free_add(base, Atoms([2.0]))
    x = np.linspace(2.0, 5.0, 101)
    assert np.allclose(shifted.pdf(x), base.pdf(x - 2.0), atol=1e-12)
    scaled = free_mul(base, Atoms([3.0]))  # = MP(0.5, variance 3)
    y = np.linspace(0.1, 9.0, 101)
    assert np.allclose(scaled.pdf(y), rmt.MarchenkoPastur(0.5, variance=3.0).pdf(y), atol=1e-12)
    assert np.allclose(scaled.support, rmt.MarchenkoPastur(0.5, variance=3.0).support, atol=1e-11)


def test_mp_is_the_free_product_of_mp_and_identity_with_atom_at_zero():
    law = free_mul(rmt.MarchenkoPastur(2.0), Atoms([1.0]))
    assert law.atoms == [(0.0, pytest.approx(0.5))]
    x = np.linspace(0.05, 6.0, 50)
    assert np.allclose(law.pdf(x), rmt.MarchenkoPastur(2.0).pdf(x), atol=1e-11)


def test_atoms_of_sums_and_products_follow_bercovici_voiculescu():
    law = free_add(Atoms([0.0, 1.0], [0.7, 0.3]), Atoms([0.0, 2.0], [0.6, 0.4]))
    (x0, m0), (x1, m1) = law.atoms
    assert (x0, x1) == (0.0, 2.0) and m0 == pytest.approx(0.3) and m1 == pytest.approx(0.1)
    assert law.continuous_mass == pytest.approx(0.6)
    assert float(law.cdf(law.support[-1][1])) == pytest.approx(1.0, abs=1e-12)
    prod = free_mul(rmt.MarchenkoPastur(2.0), Atoms([0.0, 1.0, 3.0], [0.2, 0.3, 0.5]))
    assert prod.atoms == [(0.0, pytest.approx(0.5))]  # max(1 − 1/2, 0.2)


def test_well_separated_atoms_split_the_support():
    law = free_add(Atoms([-3.0, 3.0]), rmt.Semicircle(1.0))
    assert len(law.support) == 2
    (a, b), (c, d) = law.support
    assert a == pytest.approx(-d, abs=1e-12) and b == pytest.approx(-c, abs=1e-12)
    # each bulk carries exactly half of the mass
    assert float(law.cdf(0.0)) == pytest.approx(0.5, abs=1e-12)
    assert float(law.pdf(0.0)) == 0.0


def test_edges_solve_the_fold_equation_and_density_vanishes_outside():
    law = free_add(rmt.Semicircle(1.0), rmt.MarchenkoPastur(0.5))
    (a, b), = law.support
    for edge, inward in ((a, 1.0), (b, -1.0)):
        assert float(law.pdf(edge - inward * 1e-6)) == 0.0
        inside = float(law.pdf(edge + inward * 1e-6))
        assert inside > 0
        # square-root edge: ρ(e + δ) ∝ √δ
        ratio = float(law.pdf(edge + inward * 4e-6)) / inside
        assert ratio == pytest.approx(2.0, rel=1e-3)


def test_hard_edges_of_products_are_exact_and_integrate_to_one():
    law = free_mul(rmt.MarchenkoPastur(1.0), rmt.MarchenkoPastur(1.0))
    (a, b), = law.support
    assert a == 0.0 and b == pytest.approx(27 / 4, abs=1e-10)  # Fuss-Catalan L = 2 edge
    assert float(law.cdf(b)) == pytest.approx(1.0, abs=1e-12)
    assert float(law.pdf(0.0)) > 1e14  # ρ(0) = ∞, reported as the limit from the right (x = 1e-24·scale)
    # ρ ~ (√3/2π) x^{−2/3} at the hard edge
    x = 1e-15
    assert float(law.pdf(x)) * x ** (2 / 3) == pytest.approx(np.sqrt(3) / (2 * np.pi), rel=1e-4)


def test_free_mul_refuses_two_laws_on_the_whole_line():
    with pytest.raises(rmt.ParameterError, match="at least one law supported on"):
        free_mul(rmt.Semicircle(), rmt.Semicircle(1.0, 0.1))


def test_free_ops_refuse_non_laws():
    with pytest.raises(rmt.ParameterError, match="a = 3"):
        free_add(3, rmt.Semicircle())


def test_solver_fails_loudly_and_reports_statistics():
    solver = SubordinationSolver("add", rmt.Semicircle(), rmt.Semicircle())
    res = solver.on_real_line(np.array([0.0, 1.0]))
    assert res.ok and res.method == "numba" and res.stats["failed"] == 0
    # a NaN point cannot converge: strict mode raises with a message saying where
    with pytest.raises(SolverError, match="did not converge"):
        solver.on_real_line(np.array([np.nan]))
    lenient = solver.on_real_line(np.array([np.nan]), strict=False)
    assert not lenient.ok


def test_nested_convolution_equals_the_flat_one():
    # (s₁ ⊞ s₂) ⊞ s₃ with semicircles of variance 1, 2, 3 is the semicircle of variance 6
    nested = free_add(free_add(rmt.Semicircle(1.0), rmt.Semicircle(2.0)), rmt.Semicircle(3.0))
    z = np.array([0.5 + 0.3j, -2.0 + 1e-3j, 4.0 + 2.0j])
    assert np.allclose(nested.stieltjes(z), rmt.Semicircle(6.0).stieltjes(z), rtol=1e-11)
    assert np.allclose(nested.stieltjes_derivative(z), rmt.Semicircle(6.0).stieltjes_derivative(z), rtol=1e-9)


def test_r_and_s_transforms_are_additive_and_multiplicative():
    from rmtheory.free import r_transform, s_transform

    a, b = rmt.Semicircle(1.0, 0.5), rmt.MarchenkoPastur(0.5)
    w = np.array([0.05 + 0.02j, -0.03 + 0.01j])
    assert np.allclose(r_transform(free_add(a, b), w), r_transform(a, w) + r_transform(b, w), rtol=1e-9)
    # closed forms: R_sc(w) = c + σ² w, R_mp(w) = σ²/(1 − c σ² w)
    assert np.allclose(r_transform(a, w), 0.5 + w, rtol=1e-10)
    assert np.allclose(r_transform(b, w), 1 / (1 - 0.5 * w), rtol=1e-10)
    c, d = rmt.MarchenkoPastur(0.5, 2.0), rmt.MarchenkoPastur(0.25)
    z = np.array([0.1 + 0.05j, -0.05 + 0.02j])
    assert np.allclose(s_transform(c, z), 1 / (2.0 * (1 + 0.5 * z)), rtol=1e-10)
    assert np.allclose(s_transform(free_mul(c, d), z), s_transform(c, z) * s_transform(d, z), rtol=1e-8)
