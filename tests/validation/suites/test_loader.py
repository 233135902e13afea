"""Suite files: built-ins parse, grids expand, and every kind of bad input is one line."""

import contextlib
import io

import pytest

from rmtheory.cli import main
from validation.experiments import REGISTRY
from validation.suites import SuiteError, builtin_suites, load_suite, parse_suite


def test_builtin_suites_cover_every_experiment():
    suites = builtin_suites()
    assert {"quick", "full"} <= set(suites)
    real = {name for name, e in REGISTRY.items() if e.number > 0}
    assert len(real) == 16
    for name in ("quick", "full"):
        suite = load_suite(name)
        assert {t.experiment for t in suite.tasks} == real, name
        assert len({t.id for t in suite.tasks}) == len(suite.tasks)


def test_grid_and_seeds_expand_and_resolve_defaults():
    suite = parse_suite("""
        [suite]
        seeds = [3]
        [[experiment]]
        name = "selfcheck"
        grid = { label = [1, 2, 3] }
        seeds = [0, 1]
        [[experiment]]
        name = "selfcheck"
        params = { label = 1 }
        seeds = [0]
        [[experiment]]
        name = "tracy_widom"
    """)
    assert len(suite.tasks) == 3 * 2 + 1
    assert suite.duplicates == 1                   # selfcheck label=1 seed 0 listed twice
    tw = suite.tasks[-1]
    assert tw.seed == 3 and tw.params == REGISTRY["tracy_widom"].resolve({})
    assert tw.id == parse_suite('[[experiment]]\nname = "tracy_widom"\nseeds = [3]').tasks[0].id


@pytest.mark.parametrize("text, needle", [
    ("[[experiment]\nname = 'x'", "malformed TOML"),
    ('[[experiment]]\nname = "no_such_experiment"', "unknown experiment 'no_such_experiment'"),
    ('[[experiment]]\nname = "tracy_widom"\nparams = { q = 1 }', "tracy_widom.q"),
    ('[[experiment]]\nname = "tracy_widom"\nparams = { p = -3 }', "tracy_widom.p = -3 is outside"),
    ('[[experiment]]\nname = "tracy_widom"\ngrid = { p = 3 }', "grid.p must be a non-empty list"),
    ('[[experiment]]\nname = "tracy_widom"\nseed = [1]', "unknown key 'seed'"),
    ('[suite]\nseeds = [-1]\n[[experiment]]\nname = "tracy_widom"', "seeds"),
    ('[suite]\nname = "x"', "no experiments"),
    ('[suite]\nrun_timeout = 0\n[[experiment]]\nname = "tracy_widom"', "run_timeout = 0 must be"),
    ('title = "x"\n[[experiment]]\nname = "tracy_widom"', "unknown top-level key 'title'"),
    ('[suite]\nrun_timeout = inf\n[[experiment]]\nname = "tracy_widom"', "run_timeout = inf must be"),
    ('[[experiment]]\nname = "deep_jacobian"\nparams = { activation = "nope" }', "deep_jacobian.activation = 'nope'"),
    ('[[experiment]]\nname = "training_density"\nparams = { dataset = "mnist" }', "training_density.dataset"),
    ('[[experiment]]\nname = "selfcheck"\nparams = { label = 1979-05-27 }', "selfcheck"),
])
def test_bad_suites_raise_one_line(text, needle):
    with pytest.raises(SuiteError) as info:
        parse_suite(text, "bad.toml")
    message = str(info.value)
    assert needle in message and "\n" not in message and message.startswith("bad.toml")


@pytest.mark.parametrize("text, needle", [
    ("[[experiment]\n", "malformed TOML"),
    ('[[experiment]]\nname = "nope"', "unknown experiment 'nope'"),
])
def test_cli_bad_suite_exits_2_with_one_line(tmp_path, text, needle):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["validate", str(path), "--out", str(tmp_path / "out")])
    lines = err.getvalue().strip().splitlines()
    assert code == 2 and len(lines) == 1 and needle in lines[0]
    assert not (tmp_path / "out").exists()          # nothing written for a refused suite


@pytest.mark.parametrize("argv, needle", [
    (["validate", "no-such-suite"], "neither a built-in suite"),
    (["validate", "quick", "--workers", "0"], "--workers = 0"),
    (["validate", "quick", "--workers", "2", "--scheduler", "tcp://x:1"], "not allowed with"),
    (["validate", "quick", "--device", "tpu"], "invalid choice"),
    (["validate"], "give a SUITE"),
])
def test_cli_bad_arguments_exit_2(argv, needle):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(argv)
    lines = err.getvalue().strip().splitlines()
    assert code == 2 and len(lines) == 1 and needle in lines[0], lines


def test_cli_list_names_suites_and_experiments(capsys):
    assert main(["validate", "--list"]) == 0
    out = capsys.readouterr().out
    assert "quick" in out and "full" in out
    for name in ("least_squares_mp", "deep_jacobian", "tracy_widom", "class_outliers"):
        assert name in out
