"""`rmtheory advise` as a user runs it: the acceptance command, its JSON twin, one-line refusals."""

import json
import subprocess
import sys

import pytest

import rmtheory as rmt
from rmtheory.cli import main

ACCEPTANCE = ["advise", "--width", "512", "--depth", "1", "--activation", "tanh", "--d", "784", "--P", "10000"]


def test_the_acceptance_command_prints_each_number_with_its_source(capsys):
    assert main(ACCEPTANCE) == 0
    text = capsys.readouterr().out
    advice = rmt.predict.advise(width=512, depth=1, d=784, P=10000, activation="tanh")
    assert text.startswith("critical initialization (chi = 1): sigma_w = 1 at sigma_b = 0")
    assert f"GGN lambda_max at initialization: {advice.lambda_max_ggn:.10g}" in text
    assert f"eta = 2/lambda_max = {advice.stable_step:.10g}" in text
    assert "source (critical): Poole" in text and "source (ggn):" in text and "source (step):" in text
    assert main(ACCEPTANCE + ["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stable_step"]["eta"] == advice.stable_step
    assert out["ggn_at_init"]["lambda_max"] == advice.lambda_max_ggn
    assert out["critical_initialization"]["sigma_w"] == 1.0


@pytest.mark.parametrize("extra,needle", [
    (["--depth", "3"], "no theory for depth = 3"),
    (["--sigma-b", "0.1", "--activation", "relu"], "no theory for sigma_b = 0.1"),
    (["--sigma-w", "1e308"], "--sigma-w"),
    (["--P", "0"], "--P = 0"),
    (["--target-variance", "-5"], "target_variance = -5"),
])
def test_where_no_theory_applies_it_is_one_line_and_exit_2(extra, needle):
    argv = ACCEPTANCE[:1] + ["--width", "30", "--depth", "1", "--d", "20", "--P", "40"] + extra
    r = subprocess.run([sys.executable, "-m", "rmtheory.cli", *argv], capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and needle in r.stderr, r.stderr
