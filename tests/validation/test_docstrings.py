"""The docstring examples of validation's data, models, train and suites run (pytest's doctest
collection covers rmtheory/ only)."""

import doctest
import importlib

import pytest

MODULES = ["validation.data", "validation.data.synthetic", "validation.models", "validation.train",
           "validation.suites", "validation.critical_points"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
