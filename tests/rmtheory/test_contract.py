"""The library's contract under random input: a correct answer or a documented error (issue 12).

Every law the library can build — free convolutions of random components (far-apart atoms beside a
narrow bulk included), generalized Marchenko-Pastur laws with random populations, the laws behind
random ``rmtheory.predict`` calls, closed forms anywhere in their declared parameter range — either
raises one of the contract errors (:class:`~rmtheory.params.ParameterError`, its subclass
``NoTheoryError``, :class:`~rmtheory.params.SolverError`) or satisfies, within its stated tolerance:

* the support does not depend on the order of calls (support first, or cdf first);
* total mass 1: cdf 0 below the hull and 1 at its top;
* cdf monotone, and right-continuous with the reported jump at every reported atom;
* the first two moments of the distribution (integrated from its cdf) equal the exact moments;
* a sample's Kolmogorov distance is within the DKW bound at level 1e-6 (eigenvalues of one matrix are
  more rigid than iid draws, so the iid bound is conservative).

The cases are drawn by hypothesis (derandomized, so CI is deterministic); none is an example from
the issue.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import rmtheory as rmt
from rmtheory import predict
from rmtheory.params import MAGNITUDE, ParameterError, SolverError

CONTRACT = (ParameterError, SolverError)

settings.register_profile("contract", deadline=None, max_examples=15, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow],
                          phases=[Phase.explicit, Phase.reuse, Phase.generate])
PROFILE = settings.get_profile("contract")

# nodes of Gauss-Legendre on [-1, 1] for the moment integrals
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)


def _tolerance(law):
    return float(getattr(law, "numerical_tolerance", 0.0)) + 1e-12


def _breakpoints(law):
    points = {a for a, _ in law.support} | {b for _, b in law.support} | {x for x, _ in law.atoms}
    return sorted(points)


def _moment_from_cdf(law, k, points):
    """E X^k = b^k − ∫_a^b k x^{k−1} F(x) dx on the hull [a, b] (integration by parts), piecewise
    between edges and atoms, where F is smooth."""
    hi = points[-1]
    total = hi**k
    for a, b in zip(points[:-1], points[1:]):
        if b <= a:
            continue
        x = 0.5 * (a + b) + 0.5 * (b - a) * _NODES
        total -= 0.5 * (b - a) * np.sum(_WEIGHTS * k * x ** (k - 1) * np.asarray(law.cdf(x)))
    return total


def check_law(make, sample_size=300):
    """Assert the contract on the law ``make()`` builds; return "refused" for a contract error."""
    try:
        first = make()
        support = first.support
    except CONTRACT:
        return "refused"
    second = make()
    # order independence: ask the cdf first (at points chosen without the support), then the support
    mean, second_moment = (float(m) for m in second.exact_moments(2))
    spread = math.sqrt(max(second_moment - mean**2, 0.0)) + abs(mean) + 1e-300
    second.cdf(np.linspace(mean - 5 * spread, mean + 5 * spread, 7))
    assert second.support == support
    assert second.atoms == first.atoms

    law, tol = first, _tolerance(first)
    assert tol <= 1e-2 + 1e-12
    points = _breakpoints(law)
    lo, hi = points[0], points[-1]
    scale = max(abs(lo), abs(hi), hi - lo)
    assert float(law.cdf(np.nextafter(lo, -np.inf))) <= tol
    assert abs(float(law.cdf(hi)) - 1.0) <= tol
    assert sum(w for _, w in law.atoms) + sum(float(law.cdf(b) - law.cdf(a)) for a, b in support) \
        == pytest.approx(1.0, abs=4 * tol)

    grid = np.unique(np.concatenate([np.linspace(lo, hi, 601)] + [np.array([p, np.nextafter(p, -np.inf)])
                                                                  for p in points]))
    values = np.asarray(law.cdf(grid))
    assert np.all(np.diff(values) >= -4e-16 - 1e-3 * tol), "cdf not monotone"
    for x, w in law.atoms:
        jump = float(law.cdf(x)) - float(law.cdf(np.nextafter(x, -np.inf)))
        assert jump == pytest.approx(w, abs=2 * tol), f"cdf jump {jump} at the atom ({x}, {w})"

    for k, exact in zip((1, 2), (mean, second_moment)):
        numeric = _moment_from_cdf(law, k, points)
        assert numeric == pytest.approx(exact, abs=(1e-5 + 4 * tol) * scale**k), f"moment {k}"

    if sample_size:
        try:
            lam = np.sort(law.sample(sample_size, rng=12345))
        except NotImplementedError:
            return "no sampler"
        n, x = lam.size, np.unique(lam)
        # sup of F_n − F and F − F_n on both sides of every sample point (ties, e.g. a sampled atom,
        # jump at once), with the cdf read δ = 1e-11·scale away: an eigensolver places an eigenvalue
        # that sits exactly on an atom within ~1e-15·‖M‖ of it, on either side
        delta = 1e-11 * scale
        distance = max(np.max(np.searchsorted(lam, x, "right") / n - np.asarray(law.cdf(x + delta))),
                       np.max(np.asarray(law.cdf(np.nextafter(x - delta, -np.inf)))
                              - np.searchsorted(lam, x, "left") / n))
        assert distance <= math.sqrt(math.log(2e6) / (2 * n)) + tol, f"sample KS distance {distance}"
    return "ok"


# ------------------------------------------------------------------ random components
def _round(v):
    return float(f"{v:.4g}")


semicircles = st.builds(rmt.Semicircle, st.floats(1e-3, 4.0).map(_round), st.floats(-5, 5).map(_round))
mps = st.builds(rmt.MarchenkoPastur, st.floats(0.02, 5.0).map(_round), st.floats(0.1, 3.0).map(_round))


@st.composite
def atoms(draw, positive=False, spread=5.0):
    size = draw(st.integers(1, 6))
    low = 0.05 if positive else -spread
    locs = draw(st.lists(st.floats(low, spread).map(_round), min_size=size, max_size=size, unique=True))
    weights = draw(st.lists(st.floats(0.02, 1.0).map(_round), min_size=size, max_size=size))
    return rmt.Atoms(locs, weights)


components = st.one_of(semicircles, mps, atoms(), atoms(spread=100.0))
positive_components = st.one_of(mps, atoms(positive=True), atoms(positive=True, spread=100.0))


@PROFILE
@given(components, components, st.booleans())
def test_free_additive_convolutions_keep_the_contract(a, b, nest):
    def make():
        return rmt.free_add(rmt.free_add(a, b), rmt.Semicircle(0.5)) if nest else rmt.free_add(a, b)
    check_law(make)


# fewer draws: a ⊠ of two atomic laws nested under MP(0.5) is solved pairwise (two factors lack an
# explicit S-transform, so it is no single chain) and one such draw takes about a minute
@settings(PROFILE, max_examples=8)
@given(positive_components, positive_components, st.booleans())
def test_free_multiplicative_convolutions_keep_the_contract(a, b, nest):
    def make():
        return rmt.free_mul(rmt.free_mul(a, b), rmt.MarchenkoPastur(0.5)) if nest else rmt.free_mul(a, b)
    check_law(make)


@PROFILE
@given(st.floats(0.02, 8.0).map(_round), atoms(positive=True, spread=20.0))
def test_generalized_marchenko_pastur_with_random_populations_keeps_the_contract(ratio, population):
    check_law(lambda: rmt.GeneralizedMarchenkoPastur(ratio, population))


# ------------------------------------------------------------------ random predictions
_ACTIVATIONS = ("relu", "tanh", "erf", "linear", "leaky_relu", "gelu", "sigmoid", "hard_tanh", "selu")


@st.composite
def predictions(draw):
    door = draw(st.sampled_from(["jacobian", "gram", "ggn", "hessian0", "pennington_bahri", "logistic"]))
    activation = draw(st.sampled_from(_ACTIVATIONS))
    if door == "jacobian":
        kwargs = {"depth": draw(st.integers(1, 40)), "activation": activation,
                  "sigma_w": _round(draw(st.floats(0.3, 3.0))), "sigma_b": _round(draw(st.floats(0.0, 0.5))),
                  "weights": draw(st.sampled_from(["gaussian", "orthogonal"]))}
        return "jacobian", kwargs, lambda: predict.jacobian(**kwargs)
    if door in ("gram", "ggn"):
        kwargs = {"width": draw(st.integers(1, 4000)), "depth": 1, "d": draw(st.integers(1, 4000)),
                  "P": draw(st.integers(1, 4000)), "activation": activation,
                  "sigma_w": _round(draw(st.floats(0.3, 3.0)))}
        fn = predict.gram if door == "gram" else predict.ggn
        return door, kwargs, lambda: fn(**kwargs)
    if door == "hessian0":
        kwargs = {"depth": 0, "d": draw(st.integers(1, 3000)), "P": draw(st.integers(1, 3000)),
                  "loss": draw(st.sampled_from(["mse", "logistic", "cross_entropy"])),
                  "classes": draw(st.sampled_from([None, 2, 5])),
                  "weight_norm": draw(st.sampled_from([None, 0.0, 1.5]))}
        return door, kwargs, lambda: predict.hessian(**kwargs)
    if door == "pennington_bahri":
        eps, phi = _round(draw(st.floats(0.0, 2.0))), _round(draw(st.floats(0.01, 0.99)))
        return door, {"epsilon": eps, "phi": phi}, lambda: predict.pennington_bahri(eps, phi)
    d, P, norm = draw(st.integers(1, 2000)), draw(st.integers(1, 2000)), _round(draw(st.floats(0.0, 6.0)))
    return door, {"d": d, "P": P, "weight_norm": norm}, lambda: predict.logistic_hessian(d, P, norm)


@settings(PROFILE, max_examples=30)
@given(predictions())
def test_random_predictions_keep_the_contract(case):
    door, kwargs, make = case
    try:
        prediction = make()
    except CONTRACT:
        return
    assert 0.0 <= prediction.tolerance <= 1e-2, (door, kwargs, prediction.tolerance)
    if prediction.law is not None:
        # the law of a prediction is rebuilt by the same call, so order independence is tested too
        check_law(lambda: make().law, sample_size=200 if door != "jacobian" else 0)


# ------------------------------------------------------------------ the whole parameter range
def _log_uniform(low, high):
    return st.floats(math.log10(low), math.log10(high)).map(lambda e: _round(10.0**e))


@settings(PROFILE, max_examples=60)
@given(st.sampled_from(["semicircle", "mp", "atoms"]), _log_uniform(1e-100, 1e100), _log_uniform(1e-12, 1e12),
       st.floats(-1.0, 1.0))
def test_closed_forms_are_finite_everywhere_in_their_declared_range(kind, scale, ratio, where):
    try:
        if kind == "semicircle":
            law = rmt.Semicircle(scale, _round(where * scale))
        elif kind == "mp":
            law = rmt.MarchenkoPastur(ratio, scale)
        else:
            law = rmt.Atoms([_round(where * scale), -scale, scale], [1.0, 2.0, 3.0])
    except ParameterError:
        return
    lo, hi = law.default_range()
    assert math.isfinite(lo) and math.isfinite(hi) and lo < hi
    x = np.linspace(lo, hi, 101)
    pdf = np.asarray(law.pdf(x))
    edges = np.isin(x, [e for interval in law.support for e in interval])
    assert np.all(np.isfinite(pdf[~edges])) and np.all(pdf >= 0)   # +inf only on a hard edge
    for values in (law.cdf(x), law.sf(x), law.ppf(np.linspace(0, 1, 11)), law.sample(20, rng=0),
                   np.abs(law.stieltjes(x + 1j * (hi - lo))), [law.moment(1), law.moment(2)]):
        assert np.all(np.isfinite(values))
    cdf = np.asarray(law.cdf(x))
    assert np.all(np.diff(cdf) >= -4e-16) and cdf[0] == 0.0 and cdf[-1] == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("make, name", [
    (lambda: rmt.Semicircle(1e308), "variance"),
    (lambda: rmt.Semicircle(1.0, 1e300), "center"),
    (lambda: rmt.Semicircle(1e-30, 1.0), "center"),
    (lambda: rmt.MarchenkoPastur(0.5, 1e308), "variance"),
    (lambda: rmt.MarchenkoPastur(1e-300), "ratio"),
    (lambda: rmt.Atoms([1e308, -1e308]), "locations"),
    (lambda: rmt.AffineImage(rmt.Semicircle(), scale=1e200), "scale"),
    (lambda: rmt.AffineImage(rmt.Semicircle(), scale=1e-200), "scale"),
])
def test_parameters_that_would_overflow_are_refused_with_their_range(make, name):
    with pytest.raises(ParameterError, match=name) as err:
        make()
    assert "allowed range" in str(err.value)
    assert f"{MAGNITUDE:g}" in str(err.value) or "1e8" in str(err.value) or "1e-12" in str(err.value)


# ------------------------------------------------------------------ closed-form cdfs at their edges
@PROFILE
@given(st.floats(1e-6, 1e6).map(_round))
def test_marchenko_pastur_cdf_is_monotone_and_vanishes_at_its_lower_edge(ratio):
    law = rmt.MarchenkoPastur(ratio)
    a, b = law.support[0]
    # geometric approach to both edges, down to the smallest offsets a float can hold
    offsets = np.geomspace(1e-300, 1.0, 600) * (b - a)
    x = np.unique(np.concatenate([a + offsets, b - offsets, [a, b]]))
    x = x[(x >= a) & (x <= b)]
    cdf = np.asarray(law.cdf(x))
    assert np.all(np.diff(cdf) >= -4e-16)
    continuous = min(1.0, 1.0 / ratio)
    atom = 1.0 - continuous
    # near the lower edge the cdf is a vanishing power of the offset: ≤ C·offset^{1/2} at a hard edge
    # (ratio = 1), ≤ C·offset^{3/2} at a soft one; the former bug returned 0.5 there
    near = x[(x > a) & (x - a < 1e-12 * (b - a))]
    assert np.all(np.asarray(law.cdf(near)) - atom <= 1e-5)
    assert float(law.cdf(b)) == pytest.approx(1.0, abs=1e-15)


def test_marchenko_pastur_hard_edge_cdf_against_its_leading_term():
    # ratio 1: ρ(x) = √((4 − x)x)/(2πx) ~ 1/(π√x), so F(x) = (2/π)√x (1 − x/24 + …) at the hard edge
    law = rmt.MarchenkoPastur(1.0)
    x = np.array([1e-300, 1e-100, 1e-30, 1e-17, 1e-16, 1e-12])
    assert np.allclose(law.cdf(x), 2.0 / math.pi * np.sqrt(x), rtol=1e-7, atol=0)


# ------------------------------------------------------------------ samplers
@PROFILE
@given(atoms(), st.integers(1, 500))
def test_atom_sampling_is_unbiased_and_within_one_of_the_expected_count(law, n):
    locations, weights = np.array([x for x, _ in law.atoms]), np.array([w for _, w in law.atoms])
    draws = [law.sample(n, rng=seed) for seed in range(200)]
    counts = np.array([[np.sum(d == x) for x in locations] for d in draws])
    expected = n * weights
    assert np.all(counts >= np.floor(expected - 1e-9)) and np.all(counts <= np.ceil(expected + 1e-9))
    # unbiased: the mean count over 200 draws is n·w_i within 5 standard errors (counts are
    # Bernoulli-rounded, so each has variance ≤ 1/4)
    assert np.all(np.abs(counts.mean(axis=0) - expected) <= 5 * 0.5 / math.sqrt(200) + 1e-12)


def test_an_empirical_law_sampled_below_its_size_spreads_over_the_whole_range():
    values = np.arange(1000.0)
    lam = rmt.EmpiricalLaw(values).sample(400, rng=3)
    # systematic sampling keeps every 2.5th value: the sample's cdf is within 1/400 of the law's
    ecdf = np.arange(1, 401) / 400
    assert np.max(np.abs(ecdf - (lam + 1) / 1000)) <= 1 / 400 + 1e-3
    assert lam.max() > 990 and lam.min() < 3
