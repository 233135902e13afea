"""A diverged training is not a measurement: end to end, ``rmtheory validate`` records a run whose
training really diverged as ``diverged`` (record, report, summary) and exits with status 1."""

import json
import subprocess

import pandas as pd
import pytest

from rmtheory.cli import main
from validation.suites import RecordStore, load_suite

from .conftest import ROOT, cli

#: logistic regression trained with a learning rate far past stability (lr × weight decay = 100:
#: the weights grow a hundredfold per step), next to a run that passes
DIVERGING = """
[suite]
name = "diverging"
seeds = [0]

[[experiment]]
name = "logistic_hessian"
params = { at = "trained", lr = 1e4, d = 40, P = 160, train_steps = 50 }

[[experiment]]
name = "selfcheck"
"""


@pytest.fixture
def diverging_run(tmp_path, write_suite):
    path = write_suite(DIVERGING)
    out = tmp_path / "out"
    done = subprocess.run(cli("validate", path, "--out", out, "--no-progress", "--json"), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    return path, out, done


def test_a_real_divergence_is_recorded_reported_and_fails_the_suite(diverging_run, capsys):
    path, out, done = diverging_run
    # exit status 1 (a measurement the suite asked for was not made), no traceback
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    summary = json.loads(done.stdout)
    assert summary["statuses"] == {"diverged": 1, "pass": 1}

    # the record: its own status, no check, where and how the training diverged
    df = RecordStore(out).read()
    rec = df[df.experiment == "logistic_hessian"]
    assert len(rec) == 1                                          # one row: no check
    row = rec.iloc[0]
    assert row.status == "diverged" and pd.isna(row.check) and pd.isna(row.passed)
    measured = json.loads(row.run_measured)
    assert measured["train_status"] == "diverged"
    assert measured["train_diverged_step"] >= 1 and measured["train_restored_step"] < measured["train_diverged_step"]
    loss = measured["train_diverged_loss"]
    assert loss in ("inf", "nan") or loss > 1e6 * measured["train_initial_loss"]
    assert f"diverged at step {measured['train_diverged_step']}" in row.error
    assert "no check was evaluated" in row.error
    assert "weight_norm" not in measured                          # nothing was measured

    # the report: the status in the table and the section, the reason stated
    report = (out / "report.md").read_text()
    assert "2 runs recorded of 2: 1 diverged, 1 pass." in report
    assert "| 3 | [logistic_hessian]" in report and "| **diverged** | training diverged at step" in report
    assert "Logistic-regression Hessian vs generalized Marchenko-Pastur — **diverged**" in report
    assert "Reason: training diverged at step" in report
    assert "A **diverged** run is not a measurement" in report

    # resume: a diverged run is final (seeded, it would diverge again), and the suite still exits 1
    assert main(["validate", str(path), "--out", str(out), "--no-progress", "--json"]) == 1
    again = json.loads(capsys.readouterr().out)
    assert again["ran"] == 0 and again["skipped"] == 2 and again["statuses"] == {"diverged": 1, "pass": 1}


def test_the_same_suite_with_a_stable_learning_rate_passes_and_exits_0(tmp_path, write_suite):
    from validation.suites import run_suite

    suite = load_suite(write_suite(DIVERGING.replace("lr = 1e4", "lr = 0.5")))
    summary = run_suite(suite, tmp_path / "out", progress=False, report=False)
    assert summary.statuses == {"pass": 2} and summary.exit_status == 0
    measured = json.loads(RecordStore(tmp_path / "out").read().query("number == 3").run_measured.iloc[0])
    assert measured["train_status"] == "max_steps" and measured["weight_norm"] > 0
