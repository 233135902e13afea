"""SphericalSpinGlass: the covariance, and bad input refused with parameter, value and range named."""

import math

import numpy as np
import pytest

import rmtheory as rmt
from rmtheory.kacrice import SphericalSpinGlass
from rmtheory.params import ParameterError


def test_reachable_from_the_top_package():
    m = rmt.kacrice.SphericalSpinGlass(3)
    assert repr(m) == "SphericalSpinGlass(3)" and m.is_pure and m.p == 3
    assert m == SphericalSpinGlass(mixture={3: 1.0}) and hash(m) == hash(SphericalSpinGlass(mixture={3: 1}))


def test_covariance_and_derivatives():
    m = SphericalSpinGlass(mixture={2: 0.25, 4: 0.75, 5: 0.0})
    assert m.degrees == (2, 4) and not m.is_pure and m.p is None
    q = np.array([0.0, 0.3, 1.0])
    assert np.allclose(m.nu(q), 0.25 * q**2 + 0.75 * q**4)
    assert np.allclose(m.nu(q, 1), 0.5 * q + 3 * q**3)
    assert np.allclose(m.nu(q, 2), 0.5 + 9 * q**2)
    assert m.covariance == (1.0, 3.5, 9.5)
    assert m.alpha == pytest.approx(9.5 + 3.5 - 3.5**2)
    assert SphericalSpinGlass(3).alpha == 0.0
    assert m.total_complexity() == pytest.approx(0.5 * math.log(9.5 / 3.5))


@pytest.mark.parametrize("kwargs, fragment", [
    ({"p": 1}, "p = 1 is outside the allowed range [2, inf] (integers)"),
    ({"p": 2.5}, "p = 2.5 is outside the allowed range [2, inf] (integers)"),
    ({"p": "3"}, "p = '3'"),
    ({"mixture": {1: 0.5}}, "mixture degree = 1 is outside the allowed range [2, inf]"),
    ({"mixture": {3: -0.5}}, "mixture weight of degree 3 = -0.5 is outside the allowed range [0, 1e+100]"),
    ({"mixture": {3: 0.0}}, "at least one positive"),
    ({"mixture": {}}, "mixture = {}"),
    ({"mixture": [3, 4]}, "mixture = [3, 4]"),
])
def test_bad_models_are_refused(kwargs, fragment):
    with pytest.raises(ParameterError) as err:
        SphericalSpinGlass(**kwargs)
    assert fragment in str(err.value)


def test_p_and_mixture_exclusive():
    with pytest.raises(TypeError):
        SphericalSpinGlass(3, mixture={3: 1})
    with pytest.raises(TypeError):
        SphericalSpinGlass()


@pytest.mark.parametrize("call, fragment", [
    (lambda m: m.complexity(-1.7, index=-1), "index = -1 is outside the allowed range [0, inf]"),
    (lambda m: m.complexity(-1.7, index=1.5), "index = 1.5"),
    (lambda m: m.complexity(float("nan")), "u = nan"),
    (lambda m: m.complexity([0.0, float("inf")]), "u = inf"),
    (lambda m: m.complexity("a"), "u = 'a'"),
    (lambda m: m.complexity(-1.7, method="exact"), "method = 'exact'"),
    (lambda m: m.complexity(-1.7, dps=3), "dps = 3 is outside the allowed range [10, 1000]"),
    (lambda m: m.complexity([-1.7, 0.0], dps=20), "a scalar when dps is given"),
    (lambda m: m.energy_thresholds(-1), "kmax = -1"),
    (lambda m: m.nu(0.5, 3), "derivative = 3"),
])
def test_bad_arguments_are_refused(call, fragment):
    with pytest.raises(ParameterError) as err:
        call(SphericalSpinGlass(3))
    assert fragment in str(err.value)


def test_closed_method_refused_for_a_mixture():
    m = SphericalSpinGlass(mixture={3: 0.5, 4: 0.5})
    with pytest.raises(ParameterError, match="method = 'closed' is outside the allowed range"):
        m.complexity(-1.7, method="closed")
    with pytest.raises(ParameterError, match="pure p-spin"):
        m.symbolic_complexity()


def test_scalar_in_scalar_out_and_arrays_broadcast():
    m = SphericalSpinGlass(3)
    assert np.ndim(m.complexity(-1.7)) == 0
    grid = np.linspace(-2, 0, 6).reshape(2, 3)
    assert m.complexity(grid, 0).shape == (2, 3)
    assert np.ndim(m.complexity(-1.7, method="integral")) == 0
