"""``rmtheory complexity``: Kac-Rice complexity and energy thresholds of spherical spin glasses."""

from __future__ import annotations

import argparse

import numpy as np

from rmtheory.cli import _output
from rmtheory.cli._common import UsageError
from rmtheory.cli.density import _number
from rmtheory.params import LOCATION, Integer, Real, check

#: closed forms cost microseconds a point: 10^5 points in ~0.7 s, 500 thresholds in ~3 s
MAX_GRID = 100_000
MAX_THRESHOLDS = 500
#: the Kac-Rice integral (mpmath quadrature) costs ~0.5 s a point and ~8 s a threshold for a mixture
#: (~0.03 s and ~1 s for a pure model), measured on a loaded 2-core machine
MAX_GRID_INTEGRAL = 100
MAX_THRESHOLDS_INTEGRAL = 5
#: terms of a --mixture
MAX_TERMS = 16

HELP = "complexity of critical points and energy thresholds of spherical spin glasses"
DESCRIPTION = """\
Annealed complexity Θ(u) = lim (1/N) ln E[# critical points with energy per spin ≤ u] of the spherical
p-spin glass (Auffinger, Ben Arous & Černý 2013), or Θ_k(u) for those of index k, and the energy
thresholds E_inf and E_0, E_1, ... (zeros of Θ_k). Energies are per spin with minima at negative u
(E[H(σ)H(σ')] = N ν(σ·σ'/N), |σ|² = N); the bottom energy of index-k critical points is -E_k.

Pure models use ABC's closed forms; mixtures (--mixture "3:0.5,4:0.5" for ν(q) = 0.5q³ + 0.5q⁴) use
the Kac-Rice integral by mpmath quadrature (about a second per point).

examples:
  rmtheory complexity --p 3 --u -1.7
  rmtheory complexity --p 3 --index 0 --grid -2 -1.6 5 --json
  rmtheory complexity --p 3 --thresholds 5

input limits (exit status 2 before any work), set by the cost of a point:
  closed forms (pure models):            --grid N from 2 to {grid}, --thresholds K from 0 to {k}
  the Kac-Rice integral (a mixture, or   --grid N from 2 to {grid_i}, --thresholds K from 0 to {k_i}
  --method integral)                     (a mixture costs ~0.5 s a point and ~8 s a threshold)
  --u U and --grid A B: energies in [-1e100, 1e100]
  --mixture: at most {terms} terms""".format(grid=MAX_GRID, k=MAX_THRESHOLDS, grid_i=MAX_GRID_INTEGRAL,
                                          k_i=MAX_THRESHOLDS_INTEGRAL, terms=MAX_TERMS)


def _mixture(text: str) -> dict:
    terms = {}
    parts = text.split(",")
    if len(parts) > MAX_TERMS:
        raise UsageError(f"--mixture has {len(parts)} terms; the allowed range is at most {MAX_TERMS}")
    for part in parts:
        bits = part.split(":")
        if len(bits) != 2 or not bits[0].strip() or not bits[1].strip():
            raise UsageError(f"--mixture = {text!r} is not of the form DEGREE:WEIGHT[,DEGREE:WEIGHT...], "
                             "e.g. '3:0.5,4:0.5'")
        deg, weight = _number(bits[0].strip()), _number(bits[1].strip())
        if deg in terms:
            raise UsageError(f"--mixture = {text!r} lists degree {deg} twice")
        terms[deg] = weight
    return terms


def register(sub) -> None:
    p = sub.add_parser("complexity", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    model = p.add_mutually_exclusive_group(required=True)
    model.add_argument("--p", type=_number, metavar="P", help="degree of the pure p-spin model (integer ≥ 2)")
    model.add_argument("--mixture", metavar="SPEC", help='mixed model, e.g. "3:0.5,4:0.5" (degree:a_p²)')
    what = p.add_mutually_exclusive_group()
    what.add_argument("--u", type=_number, metavar="U", help="one energy per spin")
    what.add_argument("--grid", nargs=3, type=_number, metavar=("A", "B", "N"),
                      help="N energies evenly spaced from A to B")
    what.add_argument("--thresholds", type=_number, metavar="K",
                      help="print E_inf and E_0 .. E_{K-1}")
    p.add_argument("--index", type=_number, metavar="K", help="count only critical points of index K (≥ 0)")
    p.add_argument("--local", action="store_true",
                   help="local complexity at u instead of the cumulative one (energies ≤ u)")
    p.add_argument("--method", choices=["auto", "closed", "integral"], default="auto",
                   help="closed forms (pure models), the Kac-Rice integral, or auto (default)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON")
    p.set_defaults(func=run)


def _model(args):
    from rmtheory.kacrice import SphericalSpinGlass

    if args.mixture is not None:
        return SphericalSpinGlass(mixture=_mixture(args.mixture))
    return SphericalSpinGlass(args.p)


def run(args) -> int:
    model = _model(args)
    integral = args.mixture is not None or args.method == "integral"
    cost = "for the Kac-Rice integral: a mixture or --method integral" if integral else ""
    index = None if args.index is None else check("--index", args.index, Integer(0, None))
    if args.thresholds is not None:
        if index is not None or args.local:
            raise UsageError("--thresholds takes no --index or --local (it lists every index up to K-1)")
        kmax = check("--thresholds", args.thresholds,
                     Integer(0, MAX_THRESHOLDS_INTEGRAL if integral else MAX_THRESHOLDS), detail=cost)
        table = model.energy_thresholds(kmax, method=args.method)
        if args.json:
            _output.print_json(table.as_dict())
        else:
            print(table)
        return 0
    if args.u is not None:
        u = np.array([check("--u", args.u, LOCATION)])
    elif args.grid is not None:
        a = check("--grid A", args.grid[0], LOCATION)
        b = check("--grid B", args.grid[1], Real(a, LOCATION.high, low_open=True), detail="B must exceed A")
        n = check("--grid N", args.grid[2], Integer(2, MAX_GRID_INTEGRAL if integral else MAX_GRID),
                  detail=cost)
        u = np.linspace(a, b, n)
    else:
        raise UsageError("complexity: give one of --u U, --grid A B N or --thresholds K")
    theta = np.atleast_1d(model.complexity(u, index, cumulative=not args.local, method=args.method))
    what = ("local" if args.local else "cumulative") + " complexity " + (
        "Theta(u)" if index is None else f"Theta_{index}(u)")
    if args.json:
        _output.print_json({"model": repr(model), "index": index, "cumulative": not args.local,
                            "method": args.method, "E_inf": model.energy_threshold(),
                            "u": u, "complexity": theta})
    else:
        header = [f"model: {model!r}  (energies per spin; E_inf = {model.energy_threshold():.15g})",
                  f"{what}: critical points "
                  + ("near N*u" if args.local else "with energy <= N*u")
                  + ("" if index is None else f" and index {index}") + "; -inf: none at exponential order"]
        _output.print_table({"u": u, "complexity": theta}, header)
    return 0
