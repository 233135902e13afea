"""Shared output helpers for the sub-commands: one-line errors, tables, JSON and CSV."""

from __future__ import annotations

import json
import math
import sys

import numpy as np


def error_line(message: str) -> None:
    """Print ``rmtheory: error: MESSAGE`` as exactly one line on stderr."""
    text = " ".join(str(message).split())
    if not text.startswith("rmtheory"):
        text = f"rmtheory: error: {text}"
    print(text, file=sys.stderr)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if math.isfinite(v) else None  # JSON has no NaN/inf; null is explicit
    if isinstance(value, np.integer):
        return int(value)
    return value


def print_json(payload: dict) -> None:
    json.dump(_jsonable(payload), sys.stdout, indent=2)
    sys.stdout.write("\n")


def print_csv(columns: dict[str, np.ndarray]) -> None:
    names = list(columns)
    print(",".join(names))
    rows = zip(*(np.asarray(columns[n]) for n in names))
    for row in rows:
        print(",".join(f"{float(v):.17g}" for v in row))


def print_table(columns: dict[str, np.ndarray], header_lines=()) -> None:
    for line in header_lines:
        print(f"# {line}")
    names = list(columns)
    print("  ".join(f"{n:>22}" for n in names))
    for row in zip(*(np.asarray(columns[n]) for n in names)):
        print("  ".join(f"{float(v):>22.15g}" for v in row))
