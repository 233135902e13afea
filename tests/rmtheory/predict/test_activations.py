"""Gaussian moments of activations against closed forms and against scipy.integrate.quad."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special

import rmtheory.predict as P
from rmtheory.params import ParameterError


def quad_moment(g, v):
    """E g(x), x ~ N(0, v), by adaptive quadrature (independent of the library's Gauss rules)."""
    s = math.sqrt(v)
    val, _ = integrate.quad(lambda z: g(s * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -14, 14,
                            points=[0.0, 1 / s, -1 / s], limit=400, epsabs=1e-14, epsrel=1e-13)  # kinks at 0, ±1
    return val


@pytest.mark.parametrize("v", [0.3, 1.0, 4.0])
def test_relu_and_linear_closed_forms(v):
    m = P.activation_moments("relu", v)
    assert m.mean == pytest.approx(math.sqrt(v / (2 * math.pi)), rel=1e-13)
    assert m.eta == pytest.approx(v / 2, rel=1e-13)
    assert m.zeta == pytest.approx(0.25, rel=1e-13) and m.eta_prime == pytest.approx(0.5, rel=1e-13)
    lin = P.activation_moments("linear", v)
    assert (lin.eta, lin.zeta, lin.linear_power) == (pytest.approx(v), pytest.approx(1.0), pytest.approx(v))
    c = P.activation_moments("relu_centered", v)
    assert abs(c.mean) < 1e-14 and c.eta == pytest.approx(v / 2 - v / (2 * math.pi), rel=1e-12)


@pytest.mark.parametrize("v", [0.5, 2.0])
def test_erf_closed_form(v):
    m = P.activation_moments("erf", v)
    assert m.eta == pytest.approx(2 / math.pi * math.asin(2 * v / (1 + 2 * v)), rel=1e-13)
    assert m.mean_prime == pytest.approx(2 / math.sqrt(math.pi * (1 + 2 * v)), rel=1e-13)


@pytest.mark.parametrize("name, f, df", [
    ("tanh", math.tanh, lambda x: 1 / math.cosh(x) ** 2),
    ("gelu", lambda x: x * special.ndtr(x),
     lambda x: special.ndtr(x) + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)),
    ("softplus", lambda x: math.log1p(math.exp(-abs(x))) + max(x, 0.0), lambda x: special.expit(x)),
    ("hard_tanh", lambda x: min(max(x, -1.0), 1.0), lambda x: float(abs(x) < 1)),
])
@pytest.mark.parametrize("v", [0.5, 3.0])
def test_against_adaptive_quadrature(name, f, df, v):
    m = P.activation_moments(name, v)
    assert m.mean == pytest.approx(quad_moment(f, v), abs=1e-11)
    assert m.eta == pytest.approx(quad_moment(lambda x: f(x) ** 2, v), rel=1e-10)
    assert m.mean_prime == pytest.approx(quad_moment(df, v), rel=1e-10)
    assert m.eta_prime == pytest.approx(quad_moment(lambda x: df(x) ** 2, v), rel=1e-10)


def test_callable_with_derivative_matches_the_name():
    m = P.activation_moments(np.tanh, 1.5, derivative=lambda x: 1 / np.cosh(x) ** 2)
    ref = P.activation_moments("tanh", 1.5)
    assert m.eta == pytest.approx(ref.eta, rel=1e-12) and m.zeta == pytest.approx(ref.zeta, rel=1e-12)


def test_bad_input():
    with pytest.raises(ParameterError, match="activation"):
        P.activation_moments("swishy")
    with pytest.raises(ParameterError) as err:
        P.activation_moments("relu", variance=0.0)
    assert err.value.name == "variance"
