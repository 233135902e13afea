"""The ``rmtheory`` command line: one entry point, one sub-command per use.

Each sub-command lives in its own module exposing ``register(subparsers)``, which adds its parser and
sets ``func``. Bad input of any kind (a parameter out of range, a malformed expression, a bad flag)
ends with exit status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from rmtheory.cli import _output
from rmtheory.params import ParameterError

__all__ = ["main", "UsageError"]


class UsageError(ValueError):
    """Bad command-line input that is not a law parameter (e.g. ``--points 0``)."""


class _Parser(argparse.ArgumentParser):
    """argparse prints usage plus the error; the contract is one line, so only the error."""

    def error(self, message):  # noqa: D401 - argparse API
        raise UsageError(f"{self.prog}: {message}")


def _commands():
    # imported here so `rmtheory --help` does not pay for every sub-command's imports
    from rmtheory.cli import complexity, density, edges, laws_cmd, predict, validate

    return [density, edges, laws_cmd, predict, complexity, validate]


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
    return parser


def main(argv=None) -> int:
    from rmtheory.expr import ExpressionError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "func", None) is None:
            parser.print_help()
            return 2
        return int(args.func(args) or 0)
    except (ParameterError, ExpressionError, UsageError) as err:
        _output.error_line(str(err))
        return 2
    except KeyboardInterrupt:
        _output.error_line("interrupted")
        return 130
    except BrokenPipeError:  # `rmtheory density ... | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
