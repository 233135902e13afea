"""Shared test configuration: hypothesis profile and the law registry hook.

Any test that takes an argument named ``law_case`` is run once per entry of the registries
(``tests/rmtheory/laws/registry.py``, ``tests/rmtheory/free/registry_free.py`` and
``tests/rmtheory/laws/registry_predict.py``) (the scipy.stats pattern: one registry, generic
checks for every law).
"""

import importlib.util
import os
import pathlib
import sys

from hypothesis import HealthCheck, settings

if os.environ.get("PYTEST_XDIST_WORKER"):
    # one BLAS/OpenMP thread per pytest-xdist worker: with `-n 2` on 2 cores, two workers of two
    # threads each oversubscribe the machine (a 4 s Monte-Carlo test measured 43 s)
    os.environ.setdefault("OMP_NUM_THREADS", "1")      # read by torch when it is first imported
    from threadpoolctl import threadpool_limits

    _THREAD_LIMITS = threadpool_limits(limits=1)       # BLAS already loaded by numpy

settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

_HERE = pathlib.Path(__file__).parent
_REGISTRIES = [_HERE / "rmtheory" / "laws" / "registry.py", _HERE / "rmtheory" / "free" / "registry_free.py",
               _HERE / "rmtheory" / "laws" / "registry_predict.py"]


def _load(name, path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name]


def _load_registry():
    return _load("rmtheory_test_registry", _REGISTRIES[0])


# loaded now, so that registry_free.py (imported on its own by --doctest-modules) finds LawCase
_load_registry()


def law_cases():
    cases = list(_load_registry().LAW_CASES)
    for i, path in enumerate(_REGISTRIES[1:]):
        cases += _load(f"rmtheory_test_registry_{i}", path).LAW_CASES
    return cases


def pytest_generate_tests(metafunc):
    if "law_case" in metafunc.fixturenames:
        cases = law_cases()
        metafunc.parametrize("law_case", cases, ids=[c.id for c in cases])
