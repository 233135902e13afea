"""`rmtheory predict` as a user runs it: text and JSON output, and one-line errors with exit status 2."""

import json
import subprocess
import sys

import numpy as np
import pytest

import rmtheory.predict as P
from rmtheory.cli import main


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "rmtheory.cli", "predict", *args], capture_output=True, text=True)


def test_jacobian_json_matches_the_prediction():
    r = run_cli("jacobian", "--width", "300", "--depth", "2", "--activation", "relu",
                "--sigma-w", str(2 ** 0.5), "--points", "7", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    p = P.deep_jacobian(2, "relu", sigma_w=2 ** 0.5, width=300)
    assert out["support"] == [{"lower": a, "upper": b} for a, b in p.edges]
    assert out["atoms"] == [{"location": 0.0, "mass": 0.5}]
    assert out["quantities"]["critical"] is True and out["dimension"] == 300
    assert out["scaling"]["lambda_max_fluctuation"]["exponent"] == -0.5          # D² data-dependent (relu)
    assert out["scaling"]["lambda_max_fluctuation_given_D"]["exponent"] == pytest.approx(-2 / 3)
    x = np.array(out["density"]["x"])
    assert len(x) == 7 and np.allclose(out["density"]["cdf"], p.law.cdf(x), atol=1e-12)


def test_gram_hessian_ggn_text(capsys):
    assert main(["predict", "gram", "--width", "300", "--d", "200", "--P", "400", "--activation", "tanh",
                 "--points", "0"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("theory: gram (depth 1, random features)\nmatrix: M = (1/P) Y Yᵀ")
    assert "source: Pennington & Worah" in text
    assert main(["predict", "hessian", "--depth", "0", "--d", "200", "--P", "800", "--json", "--points", "0"]) == 0
    assert json.loads(capsys.readouterr().out)["support"] == [{"lower": 0.25, "upper": 2.25}]
    assert main(["predict", "ggn", "--width", "300", "--depth", "1", "--d", "200", "--P", "400", "--json",
                 "--points", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["outliers"][0]["count"] == 1 and "NTK Gram" in out["matrix"] and out["dimension"] == 400
    assert main(["predict", "ggn", "--width", "300", "--depth", "1", "--d", "200", "--P", "400", "--json",
                 "--points", "0", "--block", "readout"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "readout block" in out["matrix"] and out["dimension"] == 300
    assert main(["predict", "hessian", "--depth", "0", "--d", "100", "--P", "1000", "--covariance", "1", "10",
                 "--json", "--points", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["support"]) == 2 and out["parameters"]["covariance"].startswith("atoms")


def test_no_theory_is_one_line_exit_2_in_a_fresh_interpreter():
    for args, words in ((("hessian", "--width", "50", "--depth", "2", "--d", "20", "--P", "100"), "epsilon"),
                        (("jacobian", "--depth", "2", "--weights", "uniform"), "weights")):
        r = run_cli(*args)
        assert r.returncode == 2 and r.stdout == ""
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("rmtheory: error:") and words in lines[0], r.stderr


@pytest.mark.parametrize("args, words", [
    (("hessian", "--width", "50", "--depth", "2", "--d", "20", "--P", "100"), "epsilon"),
    (("jacobian", "--depth", "0"), "depth"),
    (("jacobian", "--depth", "2", "--weights", "uniform"), "weights"),
    (("jacobian", "--depth", "2", "--activation", "swishy"), "activation"),
    (("jacobian", "--width", "-3", "--depth", "2"), "width"),
    (("gram", "--width", "30", "--d", "20"), "P"),
    (("hessian", "--depth", "0", "--d", "20", "--P", "100", "--loss", "hinge"), "loss"),
    (("jacobian", "--depth", "2", "--points", "-1"), "points"),
    (("hessian", "--depth", "0", "--d", "20", "--P", "100", "--covariance", "1", "-2"), "covariance"),
    (("jacobian", "--depth", "2", "--covariance", "1"), "covariance"),
    (("gram", "--width", "30", "--d", "20", "--P", "40", "--block", "readout"), "block"),
    (("ggn", "--width", "30", "--depth", "1", "--d", "20", "--P", "40", "--outputs", "2"), "outputs"),
])
def test_bad_input_is_one_line_exit_2(args, words, capsys):
    assert main(["predict", *args]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1 and lines[0].startswith("rmtheory") and words in lines[0], err


def test_epsilon_reaches_the_pennington_bahri_hessian(capsys):
    # the CLI's job here is plumbing: --epsilon must arrive (the numbers are tested in test_critical_point_hessian)
    assert main(["predict", "hessian", "--width", "50", "--depth", "1", "--d", "20", "--P", "1000",
                 "--epsilon", "0.1", "--json", "--points", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    ref = P.hessian(width=50, depth=1, d=20, P=1000, epsilon=0.1)
    assert out["quantities"]["index"] == pytest.approx(ref.quantities["index"], rel=1e-12)
    assert out["quantities"]["index"] > 0
    assert out["parameters"]["epsilon"] == 0.1
    r = run_cli("jacobian", "--width", "10", "--depth", "2", "--epsilon", "0.3")
    assert r.returncode == 2 and "--epsilon is not used by the theory chosen here" in r.stderr
    assert "hessian at depth >= 1 (Pennington-Bahri" in r.stderr


@pytest.mark.parametrize("args, flag, used_by", [
    (("hessian", "--depth", "0", "--d", "20", "--P", "80", "--sigma-w", "inf"), "--sigma-w", "jacobian"),
    (("hessian", "--depth", "0", "--d", "20", "--P", "80", "--sigma-w", "2"), "--sigma-w", "gram"),
    (("hessian", "--depth", "0", "--d", "20", "--P", "80", "--activation", "tanh"), "--activation", "ggn at depth 1"),
    (("hessian", "--depth", "0", "--d", "20", "--P", "80", "--epsilon", "0.1"), "--epsilon", "Pennington-Bahri"),
    (("hessian", "--depth", "0", "--d", "20", "--P", "80", "--outputs", "1"), "--outputs", "hessian at depth >= 1"),
    (("hessian", "--depth", "0", "--d", "20", "--P", "80", "--weight-norm", "1"), "--weight-norm", "loss logistic"),
    (("hessian", "--depth", "0", "--d", "20", "--P", "80", "--block", "full"), "--block", "ggn at depth 1"),
    (("hessian", "--width", "50", "--depth", "1", "--d", "20", "--P", "1000", "--epsilon", "0.1", "--sigma-b", "0.1"),
     "--sigma-b", "jacobian"),
    (("jacobian", "--width", "50", "--depth", "2", "--P", "100"), "--P", "gram"),
    (("jacobian", "--width", "50", "--depth", "2", "--loss", "mse"), "--loss", "hessian/ggn"),
    (("gram", "--width", "30", "--d", "20", "--P", "40", "--outputs", "2"), "--outputs", "NTK Gram"),
    (("ggn", "--width", "30", "--depth", "1", "--d", "20", "--P", "40", "--epsilon", "0.1"), "--epsilon",
     "hessian at depth >= 1"),
    (("ggn", "--width", "30", "--depth", "1", "--d", "20", "--P", "40", "--block", "readout", "--outputs", "1"),
     "--outputs", "NTK Gram"),
    (("ggn", "--depth", "3", "--epsilon", "0.1"), "--epsilon", "hessian at depth >= 1"),   # no theory, still named
])
def test_a_flag_the_theory_does_not_use_is_refused_naming_who_uses_it(args, flag, used_by, capsys):
    assert main(["predict", *args]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1, err
    assert f"{flag} is not used by the theory chosen here" in lines[0] and used_by in lines[0], lines[0]


@pytest.mark.parametrize("value", ["inf", "-inf", "nan"])
@pytest.mark.parametrize("flag", ["--sigma-w", "--sigma-b", "--epsilon", "--weight-norm", "--covariance"])
def test_a_non_finite_value_is_refused(flag, value, capsys):
    base = {"--sigma-w": ["jacobian", "--width", "5", "--depth", "2"],
            "--sigma-b": ["jacobian", "--width", "5", "--depth", "2"],
            "--epsilon": ["hessian", "--width", "5", "--depth", "1", "--d", "3", "--P", "9"],
            "--weight-norm": ["hessian", "--depth", "0", "--d", "3", "--P", "9", "--loss", "logistic"],
            "--covariance": ["hessian", "--depth", "0", "--d", "3", "--P", "9"]}[flag]
    assert main(["predict", *base, f"{flag}={value}"]) == 2
    line = capsys.readouterr().err.strip()
    assert "\n" not in line and line.startswith(f"rmtheory: error: {flag}") and f"= {value}" in line, line


def test_flags_left_at_their_defaults_reach_the_theory_unchanged(capsys):
    # the CLI passes only what was given; the door's defaults (relu, gaussian, σ_w = 1, σ_b = 0) apply
    assert main(["predict", "jacobian", "--width", "300", "--depth", "2", "--json", "--points", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    ref = P.jacobian(width=300, depth=2)
    assert out["lambda_max"] == pytest.approx(ref.lambda_max, rel=1e-12)
    assert main(["predict", "hessian", "--depth", "0", "--d", "20", "--P", "80", "--covariance", "1", "4",
                 "--covariance-weights", "3", "--json", "--points", "0"]) == 2
    assert "--covariance-weights has 1 values and --covariance 2" in capsys.readouterr().err


def test_two_layer_hessian_answers_with_its_theory_and_assumptions():
    r = run_cli("hessian", "--width", "30", "--depth", "1", "--d", "20", "--P", "100", "--activation", "tanh",
                "--target-variance", "1", "--points", "5")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("theory: hessian at depth 1 with loss mse at initialization")
    text = " ".join(r.stdout.split())
    assert "what this answer assumes" in text and "(Pennington-Bahri free independence)" in text
    j = run_cli("hessian", "--width", "30", "--depth", "1", "--d", "20", "--P", "100", "--activation", "tanh",
                "--json", "--points", "5")
    out = json.loads(j.stdout)
    assert out["theory"].startswith("hessian at depth 1") and len(out["density"]["x"]) == 5
    assert out["quantities"]["n"] == 630 and out["support"]


def test_deep_hessian_without_epsilon_names_the_door_that_answers():
    r = run_cli("hessian", "--width", "30", "--depth", "2", "--d", "20", "--P", "100")
    assert r.returncode == 2 and "predict ggn" in r.stderr and "Traceback" not in r.stderr


def test_class_mean_gram_file(tmp_path):
    path = tmp_path / "gram.npy"
    np.save(path, np.diag([9.0, 0, 0, 0, 4.0, 0, 0, 0, 1.0]))
    r = run_cli("ggn", "--classes", "3", "--loss", "cross_entropy", "--class-mean-gram", str(path), "--points", "0")
    assert r.returncode == 0, r.stderr
    assert "theory: hessian/ggn with --classes and --class-mean-gram" in r.stdout and "outlier:" in r.stdout
    bad = tmp_path / "bad.npy"
    np.save(bad, np.ones(3))
    r = run_cli("ggn", "--classes", "3", "--class-mean-gram", str(bad))
    assert r.returncode == 2 and "square numeric matrix" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run_cli("ggn", "--classes", "3", "--class-mean-gram", str(tmp_path / "missing.npy"))
    assert r.returncode == 2 and "cannot read" in r.stderr
