"""The command line as a user runs it: output, JSON/CSV, and one-line errors with exit status 2."""

import json
import subprocess
import sys

import numpy as np
import pytest

import rmtheory as rmt
from rmtheory.cli import main


def run_cli(*args):
    """Run `rmtheory ARGS` in a fresh interpreter, as a user would."""
    return subprocess.run([sys.executable, "-m", "rmtheory.cli", *args], capture_output=True, text=True)


def test_density_json_matches_the_law(capsys):
    assert main(["density", "mp(ratio=2, variance=0.5)", "--points", "11", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    law = rmt.MarchenkoPastur(2, variance=0.5)
    x = np.array(payload["x"])
    assert len(x) == 11
    assert np.allclose(payload["pdf"], law.pdf(x), rtol=1e-15)
    assert np.allclose(payload["cdf"], law.cdf(x), rtol=1e-15)
    assert payload["atoms"] == [{"location": 0.0, "mass": 0.5}]


def test_density_of_tracy_widom(capsys):
    assert main(["density", "tw(1)", "--points", "5", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    x = np.array(payload["x"])
    assert payload["law"] == "tw(1)" and np.allclose(payload["cdf"], rmt.TracyWidom(1).cdf(x), rtol=1e-15)
    assert payload["cdf"][0] == pytest.approx(1e-8, rel=1e-9)  # default range: the 1e-8 quantiles


def test_density_csv_and_range(capsys):
    assert main(["density", "semicircle(1)", "--range", "-1", "1", "--points", "3", "--csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "x,pdf,cdf"
    x, pdf, cdf = map(float, lines[2].split(","))
    assert (x, cdf) == (0.0, 0.5) and pdf == pytest.approx(1 / np.pi, rel=1e-15)


def test_density_table_is_default(capsys):
    assert main(["density", "mp(4)", "--points", "5"]) == 0
    out = capsys.readouterr().out
    assert "# atoms: 0.75 at 0" in out


@pytest.mark.parametrize("args, fragment", [
    (["density", "mp(-1)"], "ratio = -1.0 is outside the allowed range [1e-12, 1e+12]"),
    (["density", "mp(0)"], "ratio = 0.0"),
    (["density", "mp(ratio=0.5, variance=0)"], "variance = 0.0"),
    (["density", "mp(nan)"], "ratio = nan"),
    (["density", "semicircle(-2)"], "variance = -2.0"),
    (["density", "tw(3)"], "beta = 3 is outside the allowed range {1, 2, 4}"),
    (["density", "tracy_widom(2.5)"], "beta = 2.5 is outside the allowed range {1, 2, 4}"),
    (["density", "foo(1)"], "unknown law 'foo'"),
    (["density", "mp(0.5"], "expected ')' at column 7"),
    (["density", "mp(0.5) mp(1)"], "unexpected 'mp' at column 9"),
    (["density", "mp(1, 2, 3)"], "takes at most 2 arguments"),
    (["density", "mp(x=1)"], "has no parameter 'x'"),
    (["density", "mp()"], "needs parameter 'ratio'"),
    (["density", "mp(0.5)", "--points", "0"], "--points = 0 is outside the allowed range [2, 100000]"),
    (["density", "mp(0.5)", "--range", "2", "1"], "--range B = 1.0"),
    (["density", "mp(0.5)", "--points", "abc"], "--points = 'abc'"),
    (["density"], "required: LAW"),
    (["nonsense"], "invalid choice"),
    (["complexity", "--p", "1", "--u", "0"], "p = 1 is outside the allowed range [2, inf] (integers)"),
    (["complexity", "--p", "2.5", "--u", "0"], "p = 2.5 is outside the allowed range [2, inf] (integers)"),
    (["complexity", "--p", "3", "--index", "-1", "--u", "0"], "--index = -1 is outside the allowed range [0, inf]"),
    (["complexity", "--p", "3", "--u", "nan"], "--u = nan is outside the allowed range [-1e+100, 1e+100]"),
    (["complexity", "--p", "3", "--grid", "1", "0", "3"], "--grid B = 0 is outside the allowed range (1, 1e+100]"),
    (["complexity", "--p", "3", "--thresholds", "-2"], "--thresholds = -2 is outside the allowed range [0, 500]"),
    (["complexity", "--mixture", "3:0.5,4", "--u", "0"], "--mixture = '3:0.5,4' is not of the form"),
    (["complexity", "--mixture", "1:0.5", "--u", "0"], "mixture degree = 1 is outside the allowed range [2, inf]"),
    (["complexity", "--mixture", "3:-1", "--u", "0"], "mixture weight of degree 3 = -1"),
    (["complexity", "--p", "3", "--method", "closed", "--mixture", "3:1"], "not allowed with argument"),
    (["complexity", "--mixture", "3:0.5,4:0.5", "--method", "closed", "--u", "0"], "method = 'closed'"),
    (["complexity", "--p", "3"], "give one of --u U, --grid A B N or --thresholds K"),
    (["complexity", "--u", "0"], "one of the arguments --p --mixture is required"),
])
def test_bad_input_exits_2_with_one_line(args, fragment):
    out = run_cli(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert fragment in lines[0]
    assert "Traceback" not in out.stderr


def test_help_texts_explain_themselves():
    top = run_cli("--help")
    assert top.returncode == 0 and "density" in top.stdout and "laws" in top.stdout
    sub = run_cli("density", "--help")
    assert sub.returncode == 0 and "mp(0.5)" in sub.stdout and "--json" in sub.stdout


def test_laws_lists_every_law_with_parameters(capsys):
    assert main(["laws", "--json"]) == 0
    laws = {e["name"]: e for e in json.loads(capsys.readouterr().out)["laws"]}
    assert {"mp", "semicircle"} <= set(laws)
    assert [p["name"] for p in laws["mp"]["parameters"]] == ["ratio", "variance"]
    assert laws["mp"]["parameters"][0]["allowed"] == "[1e-12, 1e+12]"
