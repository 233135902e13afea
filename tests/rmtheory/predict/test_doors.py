"""Front doors: each dispatches to the theory the table in rmtheory.predict.doors names, and raises
NoTheoryError naming what is missing otherwise."""

from __future__ import annotations

import pytest

import rmtheory.predict as P
from rmtheory.params import ParameterError


def test_dispatch():
    assert P.jacobian(width=200, depth=3, activation="relu").law.expression() == \
        P.deep_jacobian(3, "relu").law.expression()
    assert P.gram(width=300, d=200, P=400, activation="tanh").law.expression() == \
        P.random_features_gram(200, 300, 400, "tanh").law.expression()
    assert P.hessian(depth=0, d=100, P=400).law.expression() == "mp(ratio=0.25, variance=1)"
    assert P.ggn(depth=0, d=100, P=400, loss="cross_entropy", classes=3).dimension == 300
    assert P.hessian(depth=0, d=100, P=400, loss="logistic", weight_norm=0.0).law.expression() == \
        "mp(ratio=0.25, variance=0.25)"
    pb = P.hessian(width=10, depth=1, d=30, P=1000, epsilon=0.05)
    assert pb.quantities["phi"] == pytest.approx((30 * 10 + 10) / 1000) and pb.dimension == 310
    co = P.ggn(depth=1, width=10, d=5, classes=2, class_mean_gram=[[1.0, 0, 0, 0], [0] * 4, [0] * 4, [0] * 4])
    assert co.quantities["class_rank"] == 1


@pytest.mark.parametrize("door, kwargs, words", [
    (P.hessian, dict(width=10, depth=2, d=5, P=100), "epsilon"),
    (P.hessian, dict(d=5, P=100), "depth"),
    (P.hessian, dict(depth=0, d=5, P=100, loss="logistic"), "weight_norm"),
    (P.hessian, dict(depth=0, d=5, P=100, loss="cross_entropy"), "classes"),
    (P.hessian, dict(depth=0, d=5, P=100, loss="cross_entropy", classes=3, weight_norm=1.0), "weight_norm"),
    (P.hessian, dict(width=10, depth=1, d=5, epsilon=0.1), "P"),
    (P.ggn, dict(width=10, depth=2, d=5, P=100), "depth 0, depth 1"),
    (P.ggn, dict(width=10, depth=1, d=5, classes=2, loss="logistic", class_mean_gram=[[1.0, 0], [0, 1.0]]), "loss"),
    (P.ggn, dict(width=10, depth=1, d=5, P=100, sigma_b=0.1), "sigma_b"),
    (P.hessian, dict(width=10, depth=1, d=5, P=100, epsilon=0.1, loss="logistic"), "loss"),
    (P.jacobian, dict(depth=0), "depth"),
    (P.jacobian, dict(width=10, depth=2, d=20), "d = width"),
    (P.gram, dict(width=10, depth=2, d=5, P=100), "depth"),
    (P.gram, dict(width=10, d=5, P=100, sigma_b=0.1), "sigma_b"),
    (P.gram, dict(width=10, d=5, P=100, weights="orthogonal"), "gaussian"),
])
def test_no_theory_names_what_is_missing(door, kwargs, words):
    with pytest.raises(P.NoTheoryError, match=words):
        door(**kwargs)


@pytest.mark.parametrize("kwargs, name", [
    (dict(width=0, depth=2), "width"), (dict(depth=-1), "depth"), (dict(depth=2, weights="uniform"), "weights"),
])
def test_bad_values_name_the_parameter(kwargs, name):
    with pytest.raises(ParameterError) as err:
        P.jacobian(**kwargs)
    assert err.value.name == name


@pytest.mark.parametrize("door", [P.jacobian, P.gram])
def test_an_unknown_keyword_is_refused_not_dropped(door):
    with pytest.raises(ParameterError) as err:
        door(width=100, depth=1, d=100, P=200, activation="relu", sigmaw=2 ** 0.5)   # typo of sigma_w
    assert err.value.name == "sigmaw" and "not a parameter" in str(err.value)


def test_out_of_range_values_are_range_errors_not_missing_theories():
    with pytest.raises(ParameterError) as err:
        P.gram(width=10, d=5, P=100, sigma_b=-1.0)
    assert err.value.name == "sigma_b" and not isinstance(err.value, P.NoTheoryError)
    with pytest.raises(ParameterError, match="strictly increasing"):
        P.jacobian_edge_growth([2, 2])
