"""``rmtheory density LAW``: x, pdf and cdf of a law on a grid."""

from __future__ import annotations

import textwrap

import numpy as np

from rmtheory.cli import _output
from rmtheory.expr import LIMITS
from rmtheory.params import LOCATION, Integer, Real, check

#: the most grid points: a solved law (a free convolution) takes up to ~7 s for 10^5 points on a
#: loaded 2-core machine, ~80 s for 10^6
MAX_POINTS = 100_000

HELP = "print x, pdf and cdf of a law on a grid"
DESCRIPTION = """\
Print the density (continuous part) and distribution function of a law on an evenly spaced grid.

LAW is an expression such as "mp(0.5)", "mp(ratio=2, variance=0.5)", "semicircle(1)" or "tw(1)";
'+' is free additive and '*' free multiplicative convolution where available. Atoms are listed
in the header (text), as "atoms" (JSON), and are included in the cdf.
Run 'rmtheory laws' for every law and its parameters.

""" + textwrap.fill(f"Input limits (refused with exit status 2 before any work): LAW has {LIMITS}; "
                    f"--points N from 2 to {MAX_POINTS}; --range A B within [-1e100, 1e100].", 100)


def _number(text: str):
    """argparse type: keep integers integral so errors echo what the user typed."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def register(sub) -> None:
    p = sub.add_parser("density", help=HELP, description=DESCRIPTION,
                       formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    p.add_argument("law", metavar="LAW", help='law expression, e.g. "mp(0.5)"')
    p.add_argument("--points", type=_number, default=201, metavar="N",
                   help=f"number of grid points (2 to {MAX_POINTS}, default 201)")
    p.add_argument("--range", nargs=2, type=float, metavar=("A", "B"), dest="grid_range",
                   help="grid from A to B, both in [-1e100, 1e100] (default: the support with a 5%% margin, or "
                        "the 1e-8 and 1-1e-8 quantiles for laws on the whole line)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable JSON")
    fmt.add_argument("--csv", action="store_true", help="comma-separated values with a header row")
    p.set_defaults(func=run)


def run(args) -> int:
    from rmtheory.expr import parse_law

    points = check("--points", args.points, Integer(2, MAX_POINTS))
    if args.grid_range is not None:
        a = check("--range A", args.grid_range[0], LOCATION)
        b = check("--range B", args.grid_range[1], Real(a, LOCATION.high, low_open=True),
                  detail="B must exceed A")
    law = parse_law(args.law)
    if args.grid_range is None:
        a, b = law.default_range()
    x = np.linspace(a, b, points)
    pdf, cdf = np.asarray(law.pdf(x), float), np.asarray(law.cdf(x), float)
    if args.json:
        _output.print_json({
            "law": law.expression(), "support": law.support,
            "atoms": [{"location": loc, "mass": w} for loc, w in law.atoms],
            "x": x, "pdf": pdf, "cdf": cdf,
        })
    elif args.csv:
        _output.print_csv({"x": x, "pdf": pdf, "cdf": cdf})
    else:
        header = [f"law: {law.expression()}",
                  "support: " + (", ".join(f"[{lo:.12g}, {hi:.12g}]" for lo, hi in law.support) or "none")]
        if law.atoms:
            header.append("atoms: " + ", ".join(f"{w:.12g} at {loc:.12g}" for loc, w in law.atoms))
        _output.print_table({"x": x, "pdf": pdf, "cdf": cdf}, header)
    return 0
