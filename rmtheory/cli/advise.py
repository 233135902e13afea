"""``rmtheory advise``: theory before training — critical initialization, the Gauss-Newton λ_max at
initialization and the largest stable full-batch GD step (:mod:`rmtheory.predict.before_training`)."""

from __future__ import annotations

import argparse
import textwrap

from rmtheory.cli import _output
from rmtheory.cli.predict import MAX_DEPTH, MAX_SIZE, _size
from rmtheory.params import LOCATION, Integer, check

HELP = "theory before training: critical initialization, GGN lambda_max at init, the stable GD step"
DESCRIPTION = f"""\
What theory says about a network before it is trained, each number with its source and assumptions:

  the critical initialization: sigma_w on the order-to-chaos line (chi = 1) at the given --sigma-b
    (Poole et al. 2016; Schoenholz et al. 2017);
  the Gauss-Newton matrix's lambda_max at initialization (the two-layer NTK Gram law; depth 1,
    half-MSE loss averaged over P, no biases), with the bound on how far the Hessian's residual part
    moves it;
  the largest stable full-batch gradient-descent step, 2/lambda_max.

--sigma-w defaults to the critical value. Where no theory applies (depth > 1, sigma_b > 0 for the GGN,
an activation with no critical point) the command exits 2 with one line naming what is missing.

examples:
  rmtheory advise --width 512 --depth 1 --activation tanh --d 784 --P 10000
  rmtheory advise --width 200 --depth 1 --activation relu --d 100 --P 300 --json

input limits (exit status 2 before any work): --width, --d, --P at most {MAX_SIZE:,}; --depth at most
{MAX_DEPTH}; --sigma-w, --sigma-b, --target-variance in [-1e100, 1e100] (the theories' ranges are
narrower)."""


def register(sub) -> None:
    p = sub.add_parser("advise", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--width", type=_size, help="hidden width N")
    p.add_argument("--depth", type=_size, help="hidden layers L")
    p.add_argument("--d", type=_size, help="input dimension d")
    p.add_argument("--P", type=_size, help="number of samples P")
    p.add_argument("--activation", default="tanh", help="activation name (default tanh)")
    p.add_argument("--sigma-w", type=float, help="weight scale σ_w (default: the critical one)")
    p.add_argument("--sigma-b", type=float, default=0.0, help="bias scale σ_b (default 0)")
    p.add_argument("--target-variance", type=float, default=1.0,
                   help="variance of the regression targets (default 1), for the residual part's bound")
    p.add_argument("--json", action="store_true", help="machine-readable JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from rmtheory.predict.before_training import advise

    for flag, value, limit in (("--width", args.width, MAX_SIZE), ("--depth", args.depth, MAX_DEPTH),
                               ("--d", args.d, MAX_SIZE), ("--P", args.P, MAX_SIZE)):
        if value is not None:
            check(flag, value, Integer(1, limit))
    for flag, value in (("--sigma-w", args.sigma_w), ("--sigma-b", args.sigma_b),
                        ("--target-variance", args.target_variance)):
        if value is not None:
            check(flag, value, LOCATION)
    advice = advise(width=args.width, depth=args.depth, d=args.d, P=args.P, activation=args.activation,
                    sigma_w=args.sigma_w, sigma_b=args.sigma_b, target_variance=args.target_variance)
    if args.json:
        _output.print_json(advice.to_dict())
        return 0
    print(advice.summary())
    wrap = textwrap.TextWrapper(100, initial_indent="  - ", subsequent_indent="    ", break_on_hyphens=False)
    print("\nwhat this advice assumes\n------------------------")
    for a in advice.assumptions:
        print(wrap.fill(a))
    for key, text in advice.sources.items():
        print(textwrap.fill(f"source ({key}): {text}", 100, subsequent_indent="    ", break_on_hyphens=False))
    return 0
