"""WeightLaw (mixtures of uniform pieces): the numba kernel of its transform against the NumPy
reference path, and the transform against direct quadrature."""

import numpy as np
import pytest
from scipy import integrate

from rmtheory.predict import activations as acts
from rmtheory.predict.weight_law import WeightLaw


@pytest.fixture(scope="module")
def tanh_law():
    # the law of t = tanh'(h)², h ~ N(0, 1): the weight law of the deep tanh Jacobian
    act = acts.activation("tanh")
    return WeightLaw.of(lambda x: act.derivative(x) ** 2, 1.0)


def test_kernel_matches_the_numpy_reference(tanh_law):
    rng = np.random.default_rng(5)
    y = np.concatenate([rng.uniform(-3, 3, 40) + 1j * np.geomspace(1e-8, 10, 40),      # near and far
                        rng.uniform(0.01, 1.0, 10) + 1e-12j,                          # on the support
                        np.array([1e6 + 1j, -1e6 + 1e3j])])                            # |y| ≫ b − a
    fast, slow = tanh_law.ratio(y), tanh_law._ratio_numpy(y)
    for f, s in zip(fast, slow):
        assert np.allclose(f, s, rtol=1e-12, atol=1e-300)


def test_ratio_is_the_expectation_it_names():
    law = WeightLaw(np.array([0.0, 0.5, 2.0]), np.array([0.4, 1.5, 3.0]), np.array([0.2, 0.3, 0.5]))
    y = 1.0 + 0.7j
    # E[t/(y − t)] by quadrature over the uniform pieces (a_j = b_j would be an atom; none here)
    ref = sum(p / (b - a) * (integrate.quad(lambda t: (t / (y - t)).real, a, b, epsabs=1e-14)[0]
                             + 1j * integrate.quad(lambda t: (t / (y - t)).imag, a, b, epsabs=1e-14)[0])
              for a, b, p in zip(law.a, law.b, law.p))
    dref = sum(p / (b - a) * (integrate.quad(lambda t: (-t / (y - t) ** 2).real, a, b, epsabs=1e-14)[0]
                              + 1j * integrate.quad(lambda t: (-t / (y - t) ** 2).imag, a, b, epsabs=1e-14)[0])
               for a, b, p in zip(law.a, law.b, law.p))
    val, der = law.ratio(np.array([y]))
    assert val[0] == pytest.approx(ref, rel=1e-12) and der[0] == pytest.approx(dref, rel=1e-10)


def test_sample_follows_the_law_convention():
    """sample(n, rng=None): n iid draws of t; the old keyword size= still works with a warning."""
    law = WeightLaw.of(lambda h: acts.activation("tanh").derivative(h) ** 2, 1.0)
    a = law.sample(500, np.random.default_rng(4))
    with pytest.warns(DeprecationWarning, match=r"sample\(size=\.\.\.\) is deprecated; use sample\(n=\.\.\.\)"):
        b = law.sample(size=500, rng=np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, law.sample(500, 4))      # a seed is a Generator's seed
    assert a.shape == (500,) and law.lower <= a.min() and a.max() <= law.upper
    assert law.sample(3).shape == (3,)
