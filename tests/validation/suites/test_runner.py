"""Running suites: local runs, resume after kill -9, Dask gives the same records, failures recorded."""

import os
import random
import signal
import subprocess
import time

import numpy as np
import pandas as pd
import pytest

from validation.suites import RecordStore, load_suite, parse_suite, run_suite

from .conftest import ROOT, TINY, cli

#: columns that legitimately differ between two runs of the same task
VOLATILE = {"wall_s", "host", "finished_at", "traceback"}


def _frame(out):
    df = RecordStore(out).read()
    return df.sort_values(["run_id", "check"]).reset_index(drop=True)


def test_local_run_writes_records_report_figures_and_resumes(tmp_path, write_suite):
    suite = load_suite(write_suite(TINY))
    summary = run_suite(suite, tmp_path / "out", progress=False)
    assert summary.total == summary.ran == len(suite.tasks) == 6
    df = _frame(tmp_path / "out")
    assert set(df.run_id) == {t.id for t in suite.tasks}
    assert set(df.status) == {"pass"}, df[["run_id", "status", "error"]]
    report = (tmp_path / "out" / "report.md").read_text()
    assert "| 10 | [tracy_widom]" in report and "6 runs recorded of 6: 6 pass" in report
    assert len(list((tmp_path / "out" / "figures").glob("*.png"))) == 6
    # resume: nothing left to do, records untouched
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out" / "records").iterdir()}
    again = run_suite(suite, tmp_path / "out", progress=False)
    assert again.ran == 0 and again.skipped == 6
    assert before == {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out" / "records").iterdir()}


def test_a_failing_run_is_recorded_and_the_suite_goes_on(tmp_path, write_suite):
    text = TINY.replace('grid = { label = [1, 2] }', 'grid = { label = [1, 2], fail = ["none", "raise"] }')
    suite = load_suite(write_suite(text))
    summary = run_suite(suite, tmp_path / "out", progress=False, report=False)
    assert summary.statuses == {"pass": 6, "error": 4}
    df = _frame(tmp_path / "out")
    errors = df[df.status == "error"]
    assert errors.error.str.contains("selfcheck asked to fail").all()
    # errors are retried on resume, verdicts are not
    assert run_suite(suite, tmp_path / "out", progress=False, report=False).ran == 4


@pytest.mark.slow
def test_kill_9_at_random_moments_loses_and_duplicates_nothing(tmp_path, write_suite):
    """Kill the runner (SIGKILL) mid-suite twice, then let it finish: every run has exactly
    one complete record and every record file is readable."""
    runs = "\n".join(f'[[experiment]]\nname = "selfcheck"\nparams = {{ label = {i}, sleep = 0.15 }}'
                     for i in range(12))
    path = write_suite(f'[suite]\nname = "killme"\n{runs}\n[[experiment]]\nname = "tracy_widom"\n'
                       'params = { p = 10, n = 20, samples = 50 }\n')
    suite = load_suite(path)
    out = tmp_path / "out"
    rng = random.Random(1)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    kills = 0
    for _attempt in range(2):
        proc = subprocess.Popen(cli("validate", path, "--out", out, "--no-progress"), cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # wait for this attempt to add at least one record, then kill at a random moment after it
        start = len(list((out / "records").glob("*.parquet"))) if (out / "records").exists() else 0
        deadline = time.time() + 60
        while time.time() < deadline and proc.poll() is None:
            n = len(list((out / "records").glob("*.parquet"))) if (out / "records").exists() else 0
            if n > start:
                break
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        files = list((out / "records").glob("*.parquet"))
        assert 0 < len(files) and len({f.stem for f in files}) == len(files)
        for f in files:                               # every visible file is complete
            pd.read_parquet(f)
    assert kills >= 1
    done = subprocess.run(cli("validate", path, "--out", out, "--no-progress"), cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    df = _frame(out)
    assert sorted(df.run_id) == sorted(t.id for t in suite.tasks)     # none lost, none twice
    assert set(df.status) == {"pass"}
    assert not list((out / "records").glob(".*"))                    # leftovers cleaned


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_records_and_survives_a_dead_worker(tmp_path, write_suite):
    suite = load_suite(write_suite(TINY))
    run_suite(suite, tmp_path / "local", progress=False, report=False)
    crash = parse_suite(TINY + '\n[[experiment]]\nname = "selfcheck"\nparams = { fail = "exit", label = 99 }\n',
                        "crash.toml")
    summary = run_suite(crash, tmp_path / "dask", workers=2, progress=False, report=False,
                        allowed_failures=0)       # KilledWorker at the first death: one restart, not two
    assert summary.statuses == {"pass": 6, "error": 1}
    local, dask = _frame(tmp_path / "local"), _frame(tmp_path / "dask")
    lost = dask[dask.status == "error"]
    assert len(lost) == 1 and "KilledWorker" in lost.error.iloc[0]
    dask = dask[dask.status != "error"].reset_index(drop=True)
    assert list(local.run_id) == list(dask.run_id)
    for col in local.columns:
        if col in VOLATILE:
            continue
        a, b = local[col], dask[col]
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-12, atol=0, err_msg=col)
        else:
            assert a.tolist() == b.tolist(), col


def test_progress_lines_when_not_a_terminal(tmp_path, write_suite):
    import io

    from validation.suites.runner import Progress

    suite = parse_suite('[[experiment]]\nname = "selfcheck"\ngrid = { label = [1, 2, 3] }')
    stream = io.StringIO()
    bar = Progress(len(suite.tasks), 1, stream=stream)
    from validation.experiments import execute

    for task in suite.tasks[1:]:
        bar.update(execute(task))
    bar.close()
    lines = stream.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["[2/3]", "[3/3]"]
    assert lines[0].split()[1] == suite.tasks[1].id and lines[0].split()[2] == "pass"


def test_a_run_over_its_cpu_time_limit_is_retried_once_then_recorded_as_an_error(tmp_path):
    """The limit counts CPU time, not wall time: 1 s of waiting passes a 0.3 s limit (so does a run
    slowed down by other jobs on the machine), 5 s of computing does not, on either attempt."""
    suite = parse_suite('[suite]\nrun_timeout = 0.3\n[[experiment]]\nname = "selfcheck"\n'
                        'grid = { sleep = [1.0], busy = [0.0, 5.0] }')
    t0 = time.perf_counter()
    summary = run_suite(suite, tmp_path, progress=False, report=False)
    # 1 s asleep + two attempts cut at 0.3 s CPU each (~2.6 s); uncut, the busy run alone takes 12 s
    assert time.perf_counter() - t0 < 9.0
    assert summary.statuses == {"pass": 1, "error": 1}
    error = _frame(tmp_path).set_index("status").error["error"]
    assert error.startswith("RunTimeout: the run exceeded its time limit of 0.3 s of CPU time; "
                            "the first attempt timed out too"), error


def test_a_run_that_waits_past_the_wall_clock_net_is_ended(tmp_path):
    suite = parse_suite('[suite]\nrun_timeout = 0.1\n[[experiment]]\nname = "selfcheck"\n'
                        'grid = { sleep = [5.0] }')
    t0 = time.perf_counter()
    summary = run_suite(suite, tmp_path, progress=False, report=False)
    assert time.perf_counter() - t0 < 9.0   # two attempts cut at 10 × 0.1 s; uncut they take 10 s
    assert summary.statuses == {"error": 1}
    assert "wall-clock safety net of 1 s (10 × its CPU-time limit of 0.1 s)" in _frame(tmp_path).error.iloc[0]


def test_existing_cluster_by_scheduler_address(tmp_path):
    """--scheduler: the runner connects to a cluster it did not start (here an in-process one)."""
    from distributed import LocalCluster

    suite = parse_suite('[[experiment]]\nname = "selfcheck"\ngrid = { label = [1, 2, 3] }')
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster:
        summary = run_suite(suite, tmp_path, scheduler=cluster.scheduler_address, progress=False, report=False)
        assert cluster.scheduler_address.startswith(("tcp://", "inproc://"))
    assert summary.statuses == {"pass": 3}
    assert sorted(_frame(tmp_path).run_id) == sorted(t.id for t in suite.tasks)
