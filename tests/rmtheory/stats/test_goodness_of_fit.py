"""KS and Wasserstein-1 against laws: calibration on iid samples, atoms, and exact references."""

import numpy as np
import pytest
from scipy import integrate
from scipy import stats as st

import rmtheory as rmt
from rmtheory.stats import ks_test, ks_two_sample, wasserstein1, wasserstein1_two_sample


class _Uniform(rmt.SpectralLaw):
    """Uniform on [0, 1] with an optional atom — a law with an exact, hand-checkable cdf."""

    name = "uniform_test"

    def __init__(self, atom_mass=0.0, atom_at=0.5):
        self.atom_mass, self.atom_at = atom_mass, atom_at

    @property
    def params(self):
        return {"atom_mass": self.atom_mass}

    def _support(self):
        return [(0.0, 1.0)]

    def _atoms(self):
        return [(self.atom_at, self.atom_mass)] if self.atom_mass else []

    def _pdf(self, x):
        return np.full(x.shape, 1.0 - self.atom_mass)

    def _cdf(self, x):
        out = (1.0 - self.atom_mass) * np.clip(x, 0.0, 1.0)
        return out + np.where(x >= self.atom_at, self.atom_mass, 0.0)


def test_ks_statistic_equals_scipy_for_continuous_law():
    x = np.random.default_rng(0).uniform(size=500)
    ours = ks_test(x, _Uniform())
    ref = st.kstest(x, "uniform", method="exact")
    assert ours.statistic == pytest.approx(ref.statistic, abs=1e-15)
    assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-6)


def test_ks_pvalue_is_calibrated_on_iid_samples():
    # under H0 the rejection rate at alpha is ≤ alpha (+ 3 binomial standard errors)
    rng = np.random.default_rng(1)
    law = _Uniform()
    reps, alpha = 400, 0.05
    rejections = sum(ks_test(rng.uniform(size=200), law).rejects(alpha) for _ in range(reps))
    assert rejections / reps <= alpha + 3 * np.sqrt(alpha * (1 - alpha) / reps)
    assert rejections > 0  # not vacuously conservative on a continuous law


def test_ks_handles_atoms_exactly():
    law = _Uniform(atom_mass=0.3, atom_at=0.5)
    rng = np.random.default_rng(2)
    n = 2000
    on_atom = rng.uniform(size=n) < 0.3
    x = np.where(on_atom, 0.5, rng.uniform(size=n))
    result = ks_test(x, law)
    assert not result.rejects(0.01)
    assert result.statistic < 0.05  # the jump at 0.5 is matched, not counted as a discrepancy
    # the same data against the law without the atom is rejected
    assert ks_test(x, _Uniform()).rejects(0.01)


def test_ks_detects_wrong_mp_ratio_on_iid_eigenvalue_draws():
    # iid draws: one uniformly chosen eigenvalue from each of many independent small Wishart matrices
    rng = np.random.default_rng(3)
    lam = np.array([rmt.MarchenkoPastur(0.5).sample(100, rng)[rng.integers(100)] for _ in range(1500)])
    assert not ks_test(lam, rmt.MarchenkoPastur(0.5)).rejects(0.01)
    assert ks_test(lam, rmt.MarchenkoPastur(0.7)).rejects(0.01)


@pytest.mark.parametrize("law", [rmt.MarchenkoPastur(0.3), rmt.MarchenkoPastur(3.0), rmt.Semicircle(2.0)])
def test_wasserstein1_matches_adaptive_quadrature(law):
    # independent reference: ∫ |i/n − F(x)| dx on each gap between order statistics, by scipy quad
    x = np.sort(law.sample(200, rng=4))
    x = x + 0.02 * np.random.default_rng(5).standard_normal(x.size)  # off the law, W1 not tiny
    x.sort()
    n = x.size
    lo, hi = law._hull()
    nodes = np.concatenate([[min(lo, x[0])], x, [max(hi, x[-1])]])
    reference = 0.0
    for i in range(n + 1):
        # tell quad where the integrand has kinks: atoms and the crossing F(t) = i/n
        kinks = [loc for loc, _ in law.atoms] + ([float(law.ppf(i / n))] if 0 < i < n else [])
        kinks = [t for t in kinks if nodes[i] < t < nodes[i + 1]]
        reference += integrate.quad(lambda t, i=i: abs(i / n - float(law.cdf(t))), nodes[i], nodes[i + 1],
                                    points=kinks or None, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
    assert wasserstein1(x, law).statistic == pytest.approx(reference, rel=1e-8)


def test_wasserstein1_of_a_shift_is_the_shift():
    law = rmt.Semicircle()
    x = np.asarray(law.ppf((np.arange(20000) + 0.5) / 20000))  # a nearly exact quantile sample
    assert wasserstein1(x + 0.1, law).statistic == pytest.approx(0.1, rel=1e-3)


def test_two_sample_versions_agree_with_scipy():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=300), rng.normal(0.3, size=400)
    assert ks_two_sample(a, b).statistic == pytest.approx(st.ks_2samp(a, b).statistic)
    assert wasserstein1_two_sample(a, b).statistic == pytest.approx(st.wasserstein_distance(a, b))


def test_bad_samples_are_refused():
    # ParameterErrors (the CLI and the suites report them as one line)
    with pytest.raises(rmt.ParameterError, match=r"eigenvalues = '\[\]' .* at least one value"):
        ks_test([], rmt.Semicircle())
    with pytest.raises(rmt.ParameterError, match="finite values only"):
        ks_test([0.0, np.nan], rmt.Semicircle())


def test_rejects_is_p_value_below_alpha_and_passed_is_its_deprecated_negation():
    lam = rmt.MarchenkoPastur(0.5).sample(400, rng=3)
    for law in (rmt.MarchenkoPastur(0.5), rmt.MarchenkoPastur(0.7)):
        res = ks_test(lam, law)
        for alpha in (1e-6, 0.01, 0.5):
            assert res.rejects(alpha) == (res.pvalue < alpha)
            with pytest.warns(DeprecationWarning, match=r"passed\(alpha\) is deprecated; use not TestResult.rejects"):
                assert res.passed(alpha) is (not res.rejects(alpha))


def test_a_result_without_p_value_is_not_judged_at_a_level():
    res = wasserstein1([0.2, 0.4, 0.6], _Uniform())
    with pytest.raises(ValueError, match="no p-value"):
        res.rejects(0.01)
    with pytest.warns(DeprecationWarning):
        assert res.passed(0.01) is False       # the old behaviour, kept by the alias
    with pytest.raises(rmt.ParameterError, match="alpha"):
        ks_test([0.5], _Uniform()).rejects(1.5)
