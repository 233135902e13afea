"""Generic checks run on every registered law (tests/rmtheory/laws/registry.py)."""

import numpy as np
import pytest
from scipy import integrate

from rmtheory.stats import ks_test


def _grid(law, n=801):
    lo, hi = law.default_range()
    return np.linspace(lo, hi, n)


def _quad_pdf(law, a, b):
    """∫_a^b pdf by adaptive quadrature, independent of the law's cdf."""
    total = 0.0
    for lo, hi in law.support:
        lo, hi = max(lo, a), min(hi, b)
        if hi > lo:
            total += integrate.quad(lambda t: float(law.pdf(t)), lo, hi, limit=500,
                                    epsabs=1e-13, epsrel=1e-13)[0]
    return total


def test_pdf_nonnegative(law_case):
    law = law_case.make()
    assert np.all(np.asarray(law.pdf(_grid(law))) >= 0)


def test_total_mass_is_one(law_case):
    law = law_case.make()
    lo, hi = law._hull()
    mass = _quad_pdf(law, lo, hi) + sum(w for _, w in law.atoms)
    assert abs(mass - 1.0) < law_case.mass_tol


def test_cdf_monotone_and_equals_integral_of_pdf(law_case):
    law = law_case.make()
    x = _grid(law)
    f = np.asarray(law.cdf(x))
    assert np.all(np.diff(f) >= -1e-15)
    lo, _ = law._hull()
    for xi in x[:: len(x) // 12]:
        expected = _quad_pdf(law, lo, xi) + sum(w for loc, w in law.atoms if loc <= xi)
        assert abs(float(law.cdf(xi)) - expected) < 1e-10, xi


def test_sf_complements_cdf(law_case):
    law = law_case.make()
    x = _grid(law, 101)
    assert np.allclose(np.asarray(law.sf(x)) + np.asarray(law.cdf(x)), 1.0, atol=1e-14)


def test_ppf_inverts_cdf(law_case):
    law = law_case.make()
    x = _grid(law, 201)
    inside = np.asarray(law.pdf(x)) > 1e-3
    x = x[inside]
    back = np.asarray(law.ppf(law.cdf(x)))
    assert np.allclose(back, x, rtol=1e-9, atol=1e-9)
    assert np.isnan(law.ppf(1.5)) and np.isnan(law.ppf(-0.1))


def test_moments_match_exact_values(law_case):
    law = law_case.make()
    for k, expected in law_case.moments.items():
        assert float(law.moment(k)) == pytest.approx(expected, rel=1e-12, abs=1e-12), k


def test_moments_match_quadrature(law_case):
    law = law_case.make()
    for k in (1, 2, 3):
        numeric = sum(integrate.quad(lambda t, k=k: t**k * float(law.pdf(t)), a, b, limit=500,
                                     epsabs=1e-13, epsrel=1e-12)[0] for a, b in law.support)
        numeric += sum(w * loc**k for loc, w in law.atoms)
        assert float(law.moment(k)) == pytest.approx(numeric, rel=1e-8, abs=1e-10), k


def test_stieltjes_solves_its_equation_and_is_herglotz(law_case):
    law = law_case.make()
    rng = np.random.default_rng(0)
    lo, hi = law.default_range()
    z = rng.uniform(lo, hi, 50) + 1j * 10 ** rng.uniform(-6, 1, 50)
    g = np.asarray(law.stieltjes(z))
    assert np.all(g.imag > 0)
    assert np.allclose(np.asarray(law.stieltjes(z.conj())), g.conj())
    if law_case.stieltjes_equation is not None:
        residual = law_case.stieltjes_equation(law, g, z)
        assert np.max(np.abs(residual)) < 1e-9


def test_stieltjes_matches_quadrature_away_from_support(law_case):
    law = law_case.make()
    lo, hi = law.default_range()
    for z in (0.5 * (lo + hi) + 1j * (hi - lo), hi + 2.0 + 0.5j, lo - 1.0 - 0.25j):
        direct = sum(w / (loc - z) for loc, w in law.atoms)
        for a, b in law.support:
            def f(t, part, z=z):
                r = float(law.pdf(t)) / (t - z)
                return r.real if part == 0 else r.imag
            direct += integrate.quad(f, a, b, args=(0,), limit=500, epsabs=1e-13)[0]
            direct += 1j * integrate.quad(f, a, b, args=(1,), limit=500, epsabs=1e-13)[0]
        assert abs(complex(law.stieltjes(z)) - direct) < 1e-9


def test_boundary_value_of_stieltjes_gives_density(law_case):
    law = law_case.make()
    x = _grid(law, 101)
    inside = np.asarray(law.pdf(x)) > 1e-6
    g = np.asarray(law.stieltjes(x[inside]))
    assert np.allclose(g.imag / np.pi, np.asarray(law.pdf(x[inside])), rtol=1e-10, atol=1e-12)


_SAMPLES = {}


def _sample(law_case, law, seed=1):
    """One Monte-Carlo spectrum per (case, seed), shared by the KS and the moment test (a Haar
    rotated n = 2000 sample of a free convolution costs a QR and an eigendecomposition)."""
    key = (law_case.id, seed)
    if key not in _SAMPLES:
        _SAMPLES[key] = law.sample(law_case.sample_n, rng=np.random.default_rng(seed))
    return _SAMPLES[key]


def test_sample_passes_ks_and_a_shifted_law_fails(law_case):
    law = law_case.make()
    lam = _sample(law_case, law)
    assert lam.shape == (law_case.sample_n,)
    result = ks_test(lam, law)
    if result.rejects(0.01):  # one redraw before failing, as in scipy's generic checks
        result = ks_test(_sample(law_case, law, seed=2), law)
    assert not result.rejects(0.01), result
    # teeth: the same sample, shifted by a quarter standard deviation, must be rejected
    assert ks_test(lam + 0.25 * law.std(), law).rejects(0.01)


def test_sample_moments_match_law(law_case):
    # trace moments of one matrix fluctuate O(1/n), far tighter than iid samples
    law = law_case.make()
    lam = _sample(law_case, law)
    scale = max(abs(law.mean()), law.std())
    for k in (1, 2, 3):
        expected = float(law.moment(k))
        if law_case.iid_samples:  # iid draws: 5 standard errors of the sample mean of X^k
            se = np.sqrt((float(law.moment(2 * k)) - expected**2) / law_case.sample_n)
            assert abs(np.mean(lam**k) - expected) < 5 * se, k
        else:
            tol = law_case.moment_rtol
            assert np.mean(lam**k) == pytest.approx(expected, rel=tol, abs=tol * scale**k), k
