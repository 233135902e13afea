"""Fixtures of the suite tests: tiny suites written to a temporary directory."""

import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]

#: a tiny real suite: two cheap experiments with theory, plus self-checks (seconds in all)
TINY = """
[suite]
name = "tiny"
seeds = [0]

[[experiment]]
name = "tracy_widom"
params = { p = 20, n = 40, samples = 200 }

[[experiment]]
name = "least_squares_mp"
params = { d = 40, P = 160, train_steps = 5 }

[[experiment]]
name = "selfcheck"
grid = { label = [1, 2] }
seeds = [0, 1]
"""


@pytest.fixture
def write_suite(tmp_path):
    def write(text, name="suite.toml"):
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


def cli(*args):
    """argv for running the command line in a subprocess with this interpreter."""
    return [sys.executable, "-m", "rmtheory.cli", *map(str, args)]
