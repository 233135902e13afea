"""``rmtheory edges EXPR``: support intervals and atoms of a law, edges to full precision."""

from __future__ import annotations

import textwrap

from rmtheory.cli import _output
from rmtheory.expr import LIMITS

HELP = "print the support intervals and atoms of a law"
DESCRIPTION = """\
Print the support intervals (edges refined by Newton on the edge equation, ~1e-13 relative) and
the atoms (location, mass) of a law expression, e.g.

  rmtheory edges "semicircle(1) + mp(0.5)"
  rmtheory edges "gmp(0.1, atoms([1, 10]))" --json

'+' is free additive (⊞) and '*' free multiplicative (⊠) convolution.

""" + textwrap.fill(f"Input limits (refused with exit status 2 before any work): EXPR has {LIMITS}.", 100)


def register(sub) -> None:
    p = sub.add_parser("edges", help=HELP, description=DESCRIPTION,
                       formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    p.add_argument("law", metavar="EXPR", help='law expression, e.g. "semicircle(1) + mp(0.5)"')
    p.add_argument("--json", action="store_true", help="machine-readable JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from rmtheory.expr import parse_law

    law = parse_law(args.law)
    intervals, atoms = law.support, law.atoms
    mass = law.continuous_mass
    if args.json:
        _output.print_json({
            "law": law.expression(),
            "support": [{"lower": a, "upper": b} for a, b in intervals],
            "atoms": [{"location": loc, "mass": w} for loc, w in atoms],
            "continuous_mass": mass,
        })
        return 0
    print(f"law: {law.expression()}")
    if intervals:
        print("support intervals:")
        for a, b in intervals:
            print(f"  [{a:.17g}, {b:.17g}]")
    else:
        print("support intervals: none (purely atomic)")
    if atoms:
        print("atoms (location, mass):")
        for loc, w in atoms:
            print(f"  {loc:.17g}  {w:.17g}")
    print(f"continuous mass: {mass:.17g}")
    return 0
