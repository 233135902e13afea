"""The ``rmtheory`` command line: one entry point, one sub-command per use.

Each sub-command lives in its own module exposing ``register(subparsers)``, which adds its parser and
sets ``func``. Bad input of any kind (a parameter out of range, a malformed expression, a bad flag)
ends with exit status 2 and one line on stderr, never a traceback: :func:`main` reports the library's
error contract — :class:`~rmtheory.params.ParameterError` (with its subclasses ``NoTheoryError`` and
``ExpressionError``) and :class:`~rmtheory.params.SolverError` —, :class:`UsageError`, and an
``OSError`` of a file the command reads or writes, each as one line. Any other exception is a bug and
keeps its traceback. Sizes are bounded before any work (the expression limits of
:mod:`rmtheory.expr`, ``--points``, ``--grid N``, ``--thresholds K``, sizes and scales), so an
accepted input is answered in seconds; the shapes the engine still solves slowly within them are
listed in tests/rmtheory/cli/test_fuzz.py (``KNOWN_SLOW``).

Warnings raised while a command runs (numpy's "invalid value encountered", say) are not printed in
Python's two-line format: on success each distinct one is one ``rmtheory: warning:`` line on stderr;
on an error only the error line is printed.

Other packages add sub-commands without this package importing them (``rmtheory`` never imports
``validation``): an entry point in the group ``rmtheory.commands`` names a ``register`` function,
e.g. in pyproject.toml::

    [project.entry-points."rmtheory.commands"]
    validate = "validation.cli:register"

Such a module is loaded for every parse (``rmtheory --help`` lists its command), so it must import
nothing heavy at module level. It raises :class:`UsageError` for bad input and may print with
:func:`print_json`, like the built-in commands.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from importlib.metadata import entry_points

from rmtheory.cli import _output
from rmtheory.cli._common import UsageError
from rmtheory.cli._output import print_json
from rmtheory.params import ParameterError, SolverError

__all__ = ["main", "build_parser", "UsageError", "print_json", "COMMAND_GROUP"]

#: the entry-point group of sub-commands contributed by other packages
COMMAND_GROUP = "rmtheory.commands"

#: sub-commands of this project that an extra installs: listed (and explained) even when it is not
_OPTIONAL = {
    "validate": ("validation",
                 "run a validation suite: train, measure spectra, test predictions (needs the [validation] extra)"),
}


class _Parser(argparse.ArgumentParser):
    """argparse prints usage plus the error; the contract is one line, so only the error.

    ``unavailable``: set on a sub-command whose package cannot be loaded; parsing it (``--help``
    included) is then that one-line error instead.
    """

    unavailable: str | None = None
    #: the sub-command names (set on the top-level parser by build_parser)
    commands: tuple = ()

    #: what argparse takes for a negative number rather than an option: its own pattern misses
    #: exponents and infinity ("--u -1e308" was "expected one argument")
    _NEGATIVE = re.compile(r"^-(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^-inf(?:inity)?$", re.IGNORECASE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if hasattr(self, "_negative_number_matcher"):
            self._negative_number_matcher = self._NEGATIVE

    def error(self, message):  # noqa: D401 - argparse API
        raise UsageError(f"{self.prog}: {message}")

    def parse_known_args(self, args=None, namespace=None):
        if self.unavailable:
            raise UsageError(self.unavailable)
        return super().parse_known_args(args, namespace)


def _commands():
    # imported here so `rmtheory --help` does not pay for every sub-command's imports
    from rmtheory.cli import advise, complexity, density, edges, laws_cmd, predict

    return [density, edges, laws_cmd, predict, complexity, advise]


def _install_hint(extra: str) -> str:
    return f"pip install -e \".[{extra}]\""


def _add_unavailable(sub, name: str, text: str, message: str) -> None:
    parser = sub.add_parser(name, help=text, add_help=False)
    parser.unavailable = message


def _add_contributed(sub) -> None:
    found = {ep.name: ep for ep in entry_points(group=COMMAND_GROUP)}
    for name, ep in found.items():
        try:
            register = ep.load()
        except ImportError as err:
            # a package or a dependency missing: the command is still listed and says what to install
            if name in _OPTIONAL:
                extra, text = _OPTIONAL[name]
                message = f"rmtheory {name} needs the [{extra}] extra ({err}): {_install_hint(extra)}"
            else:
                text = f"(unavailable: {ep.value} cannot be imported)"
                message = f"rmtheory {name}: {ep.value} cannot be imported ({err})"
            _add_unavailable(sub, name, text, message)
            continue
        register(sub)
    for name, (extra, text) in _OPTIONAL.items():
        if name not in found:
            _add_unavailable(sub, name, text, f"rmtheory {name} needs the [{extra}] extra: {_install_hint(extra)}")


def build_parser() -> argparse.ArgumentParser:
    from rmtheory import __version__

    parser = _Parser(
        prog="rmtheory",
        description="Random-matrix and Kac-Rice predictions for neural-network loss landscapes.",
        epilog="Run 'rmtheory COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"rmtheory {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in _commands():
        module.register(sub)
    _add_contributed(sub)
    parser.commands = list(sub.choices)
    return parser


def _os_error_line(err: OSError) -> str:
    """``PATH: REASON`` for a file error (the path and the operating system's reason), else the error."""
    if err.filename is None:
        return f"{err.strerror or err}"
    paths = f"{err.filename}" + ("" if err.filename2 is None else f" -> {err.filename2}")
    return f"cannot use {paths}: {err.strerror or type(err).__name__}"


def _warning_lines(caught) -> list[str]:
    lines = []
    for w in caught:
        line = f"rmtheory: warning: {w.category.__name__}: {w.message}"
        if line not in lines:
            lines.append(line)
    return lines


def main(argv=None) -> int:
    """Run ``rmtheory ARGV``; return the exit status (0 success, 2 bad input or no answer, 130 ^C)."""
    parser = build_parser()
    caught = []
    try:
        with warnings.catch_warnings(record=True) as caught:  # the filters in force still apply
            args = parser.parse_args(argv)
            if getattr(args, "func", None) is None:
                raise UsageError(f"rmtheory: error: give a COMMAND ({', '.join(parser.commands)}); "
                                 "'rmtheory --help' explains each")
            status = int(args.func(args) or 0)
        for line in _warning_lines(caught):
            _output.error_line(line)
        return status
    except (ParameterError, SolverError, UsageError) as err:
        # ParameterError includes NoTheoryError and rmtheory.expr.ExpressionError
        _output.error_line(str(err) or type(err).__name__)
        return 2
    except KeyboardInterrupt:
        _output.error_line("interrupted")
        return 130
    except BrokenPipeError:  # `rmtheory density ... | head`
        sys.stderr.close()
        return 0
    except OSError as err:  # a file the command reads or writes: the path and the reason
        _output.error_line(_os_error_line(err))
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
