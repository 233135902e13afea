"""Input limits (stated in --help, checked before any work) and the entry point's error contract:
ParameterError / NoTheoryError / SolverError, UsageError and file errors are one line with exit
status 2; any other exception is a bug and is not masked."""

import sys
import types
import warnings
from importlib.metadata import EntryPoint

import pytest

import rmtheory.cli as cli
from rmtheory.cli import COMMAND_GROUP, main
from rmtheory.expr import MAX_DEPTH, MAX_LAWS, MAX_LENGTH, MAX_LIST, ExpressionError, parse, parse_law
from rmtheory.params import ParameterError, SolverError


def _one_line(capsys):
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1 and "Traceback" not in captured.err, captured
    return lines[0]


# -- the expression limits, at and just past each boundary


def test_length_limit():
    parse("mp(0.5)" + " " * (MAX_LENGTH - 7))
    with pytest.raises(ExpressionError, match=f"is {MAX_LENGTH + 1} characters long.*at most {MAX_LENGTH} characters"):
        parse("mp(0.5)" + " " * (MAX_LENGTH - 6))


def test_depth_limit_parentheses_lists_and_arguments_together():
    assert MAX_DEPTH == 32
    parse("(" * 31 + "mp(0.5)" + ")" * 31)  # 31 parentheses + the call's argument list = 32
    with pytest.raises(ExpressionError, match="nested 33 levels deep at column 35.*at most 32 levels"):
        parse("(" * 32 + "mp(0.5)" + ")" * 32)
    parse("(" * 30 + "atoms([1])" + ")" * 30)  # 30 + the argument list + the [...] list = 32
    with pytest.raises(ExpressionError, match="at most 32 levels"):
        parse("(" * 31 + "atoms([1])" + ")" * 31)


def test_no_recursion_error_at_any_nesting_within_the_length_limit():
    for text in ("(" * 1999, "mp(" * 600, "atoms(" * 300, "gmp(0.5, " * 150 + "mp(0.5)" + ")" * 150):
        with pytest.raises(ExpressionError, match="levels|laws"):  # whichever limit it reaches first
            parse(text)
    with pytest.raises(ExpressionError, match="expected a law"):  # lists do not nest: a syntax error
        parse("[" * 1999)


def test_law_count_limit():
    parse_law(" + ".join(["semicircle(1)"] * MAX_LAWS))     # 16 operands: solved in well under a second
    with pytest.raises(ExpressionError, match=f"more than {MAX_LAWS} laws .*'mp' at column 129 is law 17"):
        parse("*".join(["mp(0.5)"] * 200))
    with pytest.raises(ExpressionError, match="more than 16 laws"):
        parse("gmp(0.5, " * 16 + "atoms([1])" + ")" * 16)   # laws given as arguments count


def test_list_limit():
    parse("atoms([" + ",".join(["1"] * MAX_LIST) + "])")
    with pytest.raises(ExpressionError, match=f"more than {MAX_LIST} numbers.*at most {MAX_LIST} numbers"):
        parse("atoms([" + ",".join(["1"] * (MAX_LIST + 1)) + "])")


def test_an_expression_error_is_a_parameter_error_naming_the_expression():
    with pytest.raises(ParameterError) as info:
        parse("mp(0.5")
    assert isinstance(info.value, ExpressionError) and isinstance(info.value, ValueError)
    assert info.value.name == "expression" and info.value.value == "mp(0.5"


def test_long_sources_are_shortened_in_messages():
    with pytest.raises(ExpressionError) as info:
        parse("mp(0.5) +" + " semicircle(1) +" * 100 + " )")
    assert len(str(info.value)) < 300 and "characters)" in str(info.value)


# -- the limits are stated in --help and refused in one line, before any work


@pytest.mark.parametrize("command, words", [
    ("density", ["2000 characters", "32", "16 laws", "64 numbers", "--points N from 2 to 100000",
                 "[-1e100, 1e100]"]),
    ("edges", ["2000 characters", "32", "16 laws", "64 numbers"]),
    ("predict", ["--points from 0 to 10000", "1,000,000,000", "--depth at most 100", "64 --covariance",
                 "[-1e100, 1e100]", "hessian/ggn at depth 0 with loss mse"]),
    ("complexity", ["--grid N from 2 to 100000", "--thresholds K from 0 to 500", "--grid N from 2 to 100",
                    "--thresholds K from 0 to 5", "[-1e100, 1e100]", "at most 16 terms"]),
])
def test_help_states_the_limits(command, words, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for w in words:
        assert " ".join(w.split()) in text, w


@pytest.mark.parametrize("argv, fragment", [
    (["density", "mp(0.5)", "--points", "100000000"], "--points = 100000000 is outside the allowed range [2, 100000]"),
    (["density", "mp(0.5)", "--range", "-1e308", "1"], "--range A = -1e+308 is outside the allowed range"),
    (["density", "(" * 1000 + "mp(0.5)" + ")" * 1000], "at most 2000 characters"),
    (["edges", " + ".join(["mp(0.5)"] * 300)], "at most 2000 characters"),
    (["edges", " * ".join(["mp(0.5)"] * 200)], "at most 16 laws"),
    (["predict", "jacobian", "--width", "5", "--depth", "2", "--points", "100000000"],
     "--points = 100000000 is outside the allowed range [0, 10000]"),
    (["predict", "jacobian", "--width", "1" + "0" * 30, "--depth", "2"], "--width = 1" + "0" * 30),
    (["predict", "gram", "--width", "30", "--d", "20", "--P", "40", "--sigma-w", "1e308"],
     "--sigma-w = 1e+308 is outside the allowed range [-1e+100, 1e+100]"),
    (["predict", "jacobian", "--width", "5", "--depth", "1000"],
     "--depth = 1000 is outside the allowed range [0, 100]"),
    (["predict", "hessian", "--depth", "0", "--d", "2", "--P", "9", "--covariance"] + ["1"] * 65,
     "number of --covariance values = 65 is outside the allowed range [1, 64]"),
    (["complexity", "--mixture", "3:1", "--grid", "-2", "-1", "101"],
     "--grid N = 101 is outside the allowed range [2, 100]"),
    (["complexity", "--p", "3", "--method", "integral", "--thresholds", "50"], "[0, 5]"),
    (["complexity", "--p", "3", "--u", "-1e308"], "--u = -1e+308 is outside the allowed range [-1e+100, 1e+100]"),
    (["complexity", "--mixture", ",".join(f"{k}:1" for k in range(2, 20)), "--u", "0"], "at most 16"),
])
def test_beyond_a_limit_is_one_line_exit_2(argv, fragment, capsys):
    assert main(argv) == 2
    assert fragment in _one_line(capsys)


def test_negative_numbers_in_exponent_notation_are_values_not_options(capsys):
    assert main(["complexity", "--p", "3", "--grid", "-2e0", "-1e0", "3"]) == 0
    assert main(["density", "semicircle(1)", "--range", "-1e0", "1e0", "--points", "3"]) == 0


def test_no_command_is_one_line_naming_the_commands(capsys):
    assert main([]) == 2
    line = _one_line(capsys)
    assert "give a COMMAND (density, edges, laws, predict, complexity" in line


def test_a_solver_error_is_one_line(capsys):
    assert main(["edges", " * ".join(["mp(0.5)"] * 16)]) == 2    # within the limits; the engine refuses it
    assert _one_line(capsys).startswith("rmtheory: error: ")


# -- the entry point's contract, through fake contributed commands


def _register_raisers(sub):
    for name, make in RAISERS.items():
        p = sub.add_parser(name)

        def run(args, make=make):
            return make()

        p.set_defaults(func=run)


def _warn_then(result):
    def run():
        warnings.warn("invalid value encountered in divide", RuntimeWarning, stacklevel=1)
        warnings.warn("invalid value encountered in divide", RuntimeWarning, stacklevel=1)  # same: shown once
        if isinstance(result, BaseException):
            raise result
        return result
    return run


def _raise(exc):
    def run():
        raise exc
    return run


RAISERS = {
    "solver": _raise(SolverError("free additive subordination did not converge at 3 of 513 points")),
    "oserror": _raise(PermissionError(13, "Permission denied", "/results/out.csv")),
    "oserror-nofile": _raise(ConnectionRefusedError(111, "Connection refused")),
    "bug": _raise(ZeroDivisionError("division by zero")),
    "warns-ok": _warn_then(0),
    "warns-then-fails": _warn_then(ParameterError("ratio", -1.0, "[1e-12, 1e+12]")),
}


@pytest.fixture
def raisers(monkeypatch):
    plugin = types.ModuleType("fake_raising_plugin")
    plugin.register = _register_raisers
    monkeypatch.setitem(sys.modules, "fake_raising_plugin", plugin)
    eps = [EntryPoint("raisers", "fake_raising_plugin:register", COMMAND_GROUP)]
    monkeypatch.setattr(cli, "entry_points", lambda *, group: eps)


def test_contract_errors_and_file_errors_are_one_line(raisers, capsys):
    assert main(["solver"]) == 2
    assert _one_line(capsys) == "rmtheory: error: free additive subordination did not converge at 3 of 513 points"
    assert main(["oserror"]) == 2
    assert _one_line(capsys) == "rmtheory: error: cannot use /results/out.csv: Permission denied"
    assert main(["oserror-nofile"]) == 2
    assert _one_line(capsys) == "rmtheory: error: Connection refused"


def test_a_programming_error_is_not_masked(raisers):
    with pytest.raises(ZeroDivisionError):
        main(["bug"])


def test_warnings_are_one_line_each_on_success_and_silent_on_error(raisers, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # both warnings reach main, which prints the pair once
        assert main(["warns-ok"]) == 0
        captured = capsys.readouterr()
        assert captured.err.splitlines() == [
            "rmtheory: warning: RuntimeWarning: invalid value encountered in divide"]
        assert main(["warns-then-fails"]) == 2
        assert _one_line(capsys).startswith("rmtheory: error: ratio = -1.0")
