"""Old names of rmtheory.predict kept for one release: each still works, warns with a
DeprecationWarning naming the new spelling, and gives exactly what the new name gives."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import rmtheory.predict as P
from rmtheory.predict._deprecation import renamed_keywords


def _warned(call, *args, **kwargs):
    """``call``'s result and the messages of the DeprecationWarnings it raised (all of them: one per
    old keyword)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = call(*args, **kwargs)
    return out, [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]


def _same(a, b):
    """Two predictions are the same: law, outliers, quantities and recorded inputs."""
    assert a.law.expression() == b.law.expression()
    assert [o.to_dict() for o in a.outliers] == [o.to_dict() for o in b.outliers]
    assert a.quantities == b.quantities and a.parameters == b.parameters and a.dimension == b.dimension


@pytest.mark.parametrize("old, new, words", [
    (dict(n0=100, n1=200, m=400), dict(d=100, width=200, P=400), ["n0=", "d=", "n1=", "width=", "m=", "P="]),
    (dict(n1=200, m=400), dict(width=200, P=400), ["n1=", "width="]),
])
def test_random_features_gram_old_keywords(old, new, words):
    args = (100,) if "n0" not in old else ()
    a, messages = _warned(P.random_features_gram, *args, **old, activation="relu")
    assert len(messages) == len(old)
    assert all(word in " ".join(messages) for word in words), messages
    b = P.random_features_gram(*args, **new, activation="relu")
    _same(a, b)
    assert b.parameters["d"] == 100 and b.parameters["width"] == 200 and b.parameters["P"] == 400


def test_positional_calls_are_unchanged_and_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _same(P.random_features_gram(100, 200, 400, "tanh"), P.random_features_gram(d=100, width=200, P=400))
        _same(P.two_layer_ntk_gram(100, 200, 400, "tanh"), P.two_layer_ntk_gram(d=100, width=200, P=400))


def test_two_layer_ntk_gram_old_keywords():
    a, messages = _warned(P.two_layer_ntk_gram, n0=100, n1=200, P=400, activation="relu")
    tail = " (the old keyword is kept for one release)"
    assert messages == ["two_layer_ntk_gram(n0=...) is deprecated; use two_layer_ntk_gram(d=...)" + tail,
                        "two_layer_ntk_gram(n1=...) is deprecated; use two_layer_ntk_gram(width=...)" + tail]
    b = P.two_layer_ntk_gram(d=100, width=200, P=400, activation="relu")
    _same(a, b)
    assert b.quantities["n"] == 200 * 101


def test_class_outliers_old_keywords():
    gram = np.diag([9.0, 0, 0, 0, 4.0, 0, 0, 0, 1.0])
    a, messages = _warned(P.class_outliers, classes=3, class_mean_gram=gram, parameters=500, samples=900)
    assert len(messages) == 2
    assert "use class_outliers(n=...)" in messages[0] and "use class_outliers(P=...)" in messages[1]
    b = P.class_outliers(classes=3, class_mean_gram=gram, n=500, P=900)
    assert a.law is None and b.law is None
    assert [o.to_dict() for o in a.outliers] == [o.to_dict() for o in b.outliers]
    assert a.parameters == b.parameters and b.parameters["n"] == 500 and b.parameters["P"] == 900
    assert a.dimension == b.dimension == 500


def test_old_and_new_keyword_together_is_an_error():
    with pytest.raises(TypeError, match="n1=.*width="):
        P.random_features_gram(100, n1=200, width=200, P=400)


@pytest.mark.parametrize("old, new, kwargs", [
    ("RandomFeaturesGram", "random_features_law", dict(eta=1.3, zeta=0.4)),
    ("TwoLayerNTKGram", "two_layer_ntk_law", dict(eta=1.3, zeta=0.4, kappa=0.2)),
])
def test_camel_case_law_constructors_warn_and_forward(old, new, kwargs):
    by_keyword, messages = _warned(getattr(P, old), phi=0.5, psi=0.8, **kwargs)
    assert messages == [f"{old} is deprecated; use rmtheory.predict.{new} (the old name is kept for one release)"]
    by_position, messages = _warned(getattr(P, old), 0.5, 0.8, *kwargs.values())
    assert len(messages) == 1
    law = getattr(P, new)(d_over_P=0.5, d_over_width=0.8, **kwargs)
    assert by_keyword.expression() == by_position.expression() == law.expression()
    x = np.linspace(0.1, 3.0, 7)
    np.testing.assert_array_equal(by_keyword.cdf(x), law.cdf(x))


def test_all_is_exactly_the_public_names():
    import types

    public = {k for k, v in vars(P).items() if not k.startswith("_") and not isinstance(v, types.ModuleType)}
    assert len(set(P.__all__)) == len(P.__all__) and set(P.__all__) == public
    assert {"random_features_law", "two_layer_ntk_law", "RandomFeaturesGram", "TwoLayerNTKGram"} <= set(P.__all__)


def test_renamed_keywords_keeps_the_docstring_and_signature():
    @renamed_keywords(old="new")
    def f(new, other=1):
        """Doc."""
        return new, other

    import inspect

    assert f.__doc__ == "Doc." and list(inspect.signature(f).parameters) == ["new", "other"]
    with pytest.warns(DeprecationWarning, match=r"f\(old=\.\.\.\) is deprecated; use f\(new=\.\.\.\)"):
        assert f(old=2, other=3) == (2, 3)


@pytest.mark.parametrize("old, new, names", [
    ("papyan", "class_structure", ["class_outliers", "SOURCE"]),
    ("pennington_bahri", "critical_point_hessian",
     ["pennington_bahri", "pennington_bahri_law", "pennington_bahri_index", "critical_epsilon", "index_prefactor"]),
    ("pennington_schoenholz_ganguli", "input_output_jacobian",
     ["deep_jacobian", "DeepJacobian", "mean_field", "MeanField", "jacobian_edge_growth", "WEIGHTS"]),
])
def test_modules_named_by_paper_are_deprecated_aliases(old, new, names):
    import importlib
    import sys

    sys.modules.pop(f"rmtheory.predict.{old}", None)     # a fresh import, so that it warns here
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        alias = importlib.import_module(f"rmtheory.predict.{old}")
    messages = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert messages == [f"module rmtheory.predict.{old} is deprecated; import rmtheory.predict.{new} (the old "
                        "module is kept for one release)"]
    module = importlib.import_module(f"rmtheory.predict.{new}")
    assert alias.__all__ == module.__all__
    for name in set(names) | set(module.__all__):
        assert getattr(alias, name) is getattr(module, name), name
    # importing the old module must not rebind the package's attribute of the same name (the module
    # pennington_bahri would otherwise hide the function pennington_bahri)
    for name in P.__all__:
        assert not isinstance(getattr(P, name), type(sys)), name
    assert P.pennington_bahri is importlib.import_module("rmtheory.predict.critical_point_hessian").pennington_bahri
