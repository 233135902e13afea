"""``rmtheory validate`` reaches the command line through validation's entry point, not an import; an
output directory it cannot write and a scheduler it cannot reach are one line with exit status 2."""

import socket
import subprocess
import sys
import time
from importlib.metadata import entry_points

import pytest

from rmtheory.cli import COMMAND_GROUP, build_parser, main
from validation.cli import SCHEDULER_TIMEOUT, _check_scheduler


def test_validate_is_registered_in_the_command_group():
    # missing after an edit of pyproject.toml until `pip install -e .` runs again
    registered = {ep.name: ep.value for ep in entry_points(group=COMMAND_GROUP)}
    assert registered.get("validate") == "validation.cli:register"


def test_rmtheory_help_lists_validate_and_its_help_is_complete():
    assert "validate" in build_parser().format_help()
    out = subprocess.run([sys.executable, "-m", "rmtheory.cli", "validate", "--help"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for words in ("SUITE", "--list", "--workers", "DIR/report.md", "rmtheory validate quick"):
        assert words in out.stdout


def test_missing_measurement_dependencies_are_one_line_naming_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pyarrow", None)   # import raises ImportError
    assert main(["validate", "--list"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1, captured
    assert "needs pyarrow" in lines[0] and 'pip install -e ".[validation]"' in lines[0]


def _one_line_exit_2(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1 and "Traceback" not in captured.err, captured
    assert lines[0].startswith("rmtheory: error: ")
    return lines[0]


def test_an_unwritable_out_is_one_line_naming_it_before_any_run(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    out = blocker / "results"           # below a file: no user, root included, can create it
    line = _one_line_exit_2(["validate", "quick", "--out", str(out), "--no-progress"], capsys)
    assert f"--out {out}: cannot write there: Not a directory" in line


def _refused_address():
    with socket.socket() as s:          # a port that was just free: nothing listens there
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


def test_an_unreachable_scheduler_is_one_line_naming_it_within_seconds(tmp_path, capsys):
    address = _refused_address()
    t0 = time.perf_counter()
    line = _one_line_exit_2(["validate", "quick", "--out", str(tmp_path / "out"), "--scheduler", address,
                             "--no-progress"], capsys)
    assert time.perf_counter() - t0 < SCHEDULER_TIMEOUT + 10   # the imports and the probe, not Dask's 30 s
    assert f"--scheduler {address}: cannot reach a Dask scheduler there within 5 s" in line
    assert not list((tmp_path / "out").glob("records/*"))      # nothing ran


def test_a_malformed_scheduler_address_is_one_line(tmp_path, capsys):
    line = _one_line_exit_2(["validate", "quick", "--out", str(tmp_path), "--scheduler", "head-node"], capsys)
    assert "--scheduler head-node: cannot reach a Dask scheduler" in line and "ValueError" in line


def test_a_running_scheduler_passes_the_probe():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as cluster:
        _check_scheduler(cluster.scheduler_address, timeout=10)   # no error
