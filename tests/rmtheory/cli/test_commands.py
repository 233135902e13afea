"""Sub-commands contributed by other packages through the entry-point group ``rmtheory.commands``.

The group is replaced by fakes here, so these tests hold whether or not ``validation`` is installed;
that its real entry point is registered is tested in tests/validation/test_cli.py.
"""

import sys
import types
from importlib.metadata import EntryPoint

import pytest

import rmtheory.cli as cli
from rmtheory.cli import COMMAND_GROUP, UsageError, build_parser, main

EXTRA_HINT = 'pip install -e ".[validation]"'


def _register_hello(sub):
    p = sub.add_parser("hello", help="say hello from a contributed command")
    p.add_argument("--times", type=int, default=1)
    p.add_argument("--shout", action="store_true")

    def run(args):
        if args.times < 1:
            raise UsageError(f"rmtheory hello: --times = {args.times} is outside the allowed range [1, inf)")
        print(("HELLO" if args.shout else "hello") * args.times)
        return 0

    p.set_defaults(func=run)


@pytest.fixture
def contributed(monkeypatch):
    """Make the group hold exactly the given ``name -> "module:function"`` entry points."""
    def install(**targets):
        eps = [EntryPoint(name, value, COMMAND_GROUP) for name, value in targets.items()]

        def fake_entry_points(*, group):
            assert group == COMMAND_GROUP
            return eps

        monkeypatch.setattr(cli, "entry_points", fake_entry_points)

    plugin = types.ModuleType("fake_rmtheory_plugin")
    plugin.register = _register_hello
    monkeypatch.setitem(sys.modules, "fake_rmtheory_plugin", plugin)
    return install


def _one_error_line(capsys):
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1, captured
    assert "Traceback" not in captured.err
    return lines[0]


def test_a_registered_command_is_listed_and_dispatched(contributed, capsys):
    contributed(hello="fake_rmtheory_plugin:register")
    help_text = build_parser().format_help()
    assert "hello" in help_text and "say hello from a contributed command" in help_text
    assert main(["hello", "--times", "2", "--shout"]) == 0
    assert capsys.readouterr().out == "HELLOHELLO\n"


def test_a_registered_command_refuses_bad_input_in_one_line(contributed, capsys):
    contributed(hello="fake_rmtheory_plugin:register")
    assert main(["hello", "--times", "0"]) == 2
    assert "--times = 0 is outside the allowed range" in _one_error_line(capsys)
    assert main(["hello", "--nonsense"]) == 2         # argparse's errors: one line too (the shared parser class)
    assert "unrecognized arguments: --nonsense" in _one_error_line(capsys)


def test_validate_without_its_package_names_the_extra(contributed, capsys):
    contributed(hello="fake_rmtheory_plugin:register")  # validation's entry point absent
    assert "validate" in build_parser().format_help()
    for argv in (["validate", "quick"], ["validate", "--list"], ["validate", "--help"], ["validate"]):
        assert main(argv) == 2, argv
        line = _one_error_line(capsys)
        assert "[validation] extra" in line and EXTRA_HINT in line, line
    assert main(["hello"]) == 0                        # the other commands are unaffected


def test_validate_whose_package_fails_to_import_names_the_extra(contributed, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "fake_missing_validation", None)  # import raises ImportError
    contributed(validate="fake_missing_validation.cli:register")
    assert "validate" in build_parser().format_help()
    assert main(["validate", "quick"]) == 2
    line = _one_error_line(capsys)
    assert EXTRA_HINT in line and "fake_missing_validation" in line, line


def test_an_unknown_command_that_fails_to_import_says_so_when_used(contributed, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "fake_broken_plugin", None)
    contributed(broken="fake_broken_plugin:register")
    assert "broken" in build_parser().format_help()
    assert main(["density", "mp(0.5)", "--points", "3"]) == 0     # the rest of the CLI still works
    capsys.readouterr()
    assert main(["broken"]) == 2
    assert "fake_broken_plugin:register cannot be imported" in _one_error_line(capsys)
