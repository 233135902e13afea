"""``rmtheory validate`` reaches the command line through validation's entry point, not an import."""

import subprocess
import sys
from importlib.metadata import entry_points

from rmtheory.cli import COMMAND_GROUP, build_parser, main


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
