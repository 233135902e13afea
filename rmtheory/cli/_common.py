"""What the sub-command modules share with the entry point, below both so neither imports the other."""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(ValueError):
    """Bad command-line input that is not a law parameter (e.g. ``--points 0``)."""
