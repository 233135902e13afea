"""Shared test configuration: hypothesis profile and the law registry hook.

Any test that takes an argument named ``law_case`` is run once per entry of
``tests/rmtheory/laws/registry.py::LAW_CASES`` (the scipy.stats pattern: one registry, generic
checks for every law).
"""

import importlib.util
import pathlib
import sys

from hypothesis import HealthCheck, settings

settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

_REGISTRY = pathlib.Path(__file__).parent / "rmtheory" / "laws" / "registry.py"


def _load_registry():
    name = "rmtheory_test_registry"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _REGISTRY)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name]


def pytest_generate_tests(metafunc):
    if "law_case" in metafunc.fixturenames:
        cases = _load_registry().LAW_CASES
        metafunc.parametrize("law_case", cases, ids=[c.id for c in cases])
