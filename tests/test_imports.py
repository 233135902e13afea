"""The theory core stays light: importing rmtheory pulls in none of torch, Dask, matplotlib."""

import subprocess
import sys

HEAVY = ("torch", "dask", "distributed", "matplotlib")


def test_import_rmtheory_is_light():
    code = ("import sys, rmtheory, rmtheory.stats, rmtheory.ensembles, rmtheory.cli; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing rmtheory imported {out.stdout.strip()}"


def test_cli_help_is_light():
    code = ("import sys; from rmtheory.cli import build_parser; build_parser(); "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
