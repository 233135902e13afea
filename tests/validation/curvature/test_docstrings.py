"""The docstring examples of validation.curvature run (pytest's doctest collection covers
rmtheory/ only, so they are run from here)."""

import doctest
import importlib

import pytest

MODULES = ["operators", "lanczos", "slq", "kpm", "trace", "exact", "determinism", "metrics"]


@pytest.mark.parametrize("name", ["__init__"] + MODULES)
def test_docstring_examples(name):
    module = importlib.import_module("validation.curvature" + ("" if name == "__init__" else f".{name}"))
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0
