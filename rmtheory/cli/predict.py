"""``rmtheory predict {hessian,ggn,jacobian,gram}``: network-level random-matrix predictions."""

from __future__ import annotations

import argparse

from rmtheory.cli import _output
from rmtheory.cli._common import UsageError

HELP = "predict the Hessian / GGN / Jacobian / Gram spectrum of a network"
DESCRIPTION = """\
Predict the spectrum random-matrix theory gives for one matrix of a network: edges, atoms,
outliers, scaling exponents and a density grid, with the assumptions and the source. The theory is
chosen from the architecture and the data (rmtheory.predict.doors); where none applies the command
says what is missing (exit status 2). Examples:

  rmtheory predict jacobian --width 300 --depth 4 --activation relu --sigma-w 1.4142135623730951
  rmtheory predict gram --width 300 --d 200 --P 400 --activation tanh --json
  rmtheory predict hessian --depth 0 --d 200 --P 800                       (least squares)
  rmtheory predict hessian --depth 0 --d 200 --P 800 --covariance 1 10     (two-bulk population)
  rmtheory predict hessian --depth 0 --d 200 --P 800 --loss logistic --weight-norm 2
  rmtheory predict hessian --width 50 --depth 1 --d 20 --P 1000 --epsilon 0.1  (Pennington-Bahri)
  rmtheory predict ggn --width 300 --depth 1 --d 200 --P 400 --activation relu   (NTK Gram)
  rmtheory predict ggn --width 300 --depth 1 --d 200 --P 400 --block readout    (readout block)"""

MATRICES = ("hessian", "ggn", "jacobian", "gram")


def register(sub) -> None:
    p = sub.add_parser("predict", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("matrix", choices=MATRICES, help="which matrix")
    p.add_argument("--width", type=int, help="hidden width N")
    p.add_argument("--depth", type=int, help="hidden layers L (0: a linear / generalized linear model)")
    p.add_argument("--d", type=int, help="input dimension d")
    p.add_argument("--P", type=int, help="number of samples P")
    p.add_argument("--activation", default="relu", help="activation name (default relu)")
    p.add_argument("--weights", default="gaussian", help="gaussian or orthogonal (default gaussian)")
    p.add_argument("--sigma-w", type=float, default=1.0, help="weight scale σ_w (default 1)")
    p.add_argument("--sigma-b", type=float, default=0.0, help="bias scale σ_b (default 0)")
    p.add_argument("--outputs", type=int, default=1, help="network outputs (default 1)")
    p.add_argument("--covariance", type=float, nargs="+", metavar="EIG",
                   help="population eigenvalues of the data covariance (default: identity)")
    p.add_argument("--covariance-weights", type=float, nargs="+", metavar="W",
                   help="their weights (default: equal)")
    p.add_argument("--classes", type=int, help="number of classes")
    p.add_argument("--loss", default="mse", help="mse, logistic or cross_entropy (default mse)")
    p.add_argument("--weight-norm", type=float, help="norm of the weights (logistic Hessian)")
    p.add_argument("--block", choices=("full", "readout"), default="full",
                   help="ggn of a two-layer network: full (the NTK Gram, default) or readout (its readout block)")
    p.add_argument("--epsilon", type=float, help="loss level of a critical point (Pennington-Bahri)")
    p.add_argument("--points", type=int, default=21, help="density grid points (default 21; 0: none)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    import rmtheory.predict as predict

    if args.points < 0:
        raise UsageError(f"rmtheory predict: --points must be ≥ 0, got {args.points}")
    kwargs = dict(width=args.width, depth=args.depth, d=args.d, P=args.P, activation=args.activation,
                  weights=args.weights, sigma_w=args.sigma_w, sigma_b=args.sigma_b, outputs=args.outputs)
    if args.covariance_weights is not None and args.covariance is None:
        raise UsageError("rmtheory predict: --covariance-weights needs --covariance")
    if args.matrix in ("hessian", "ggn"):
        cov = None
        if args.covariance is not None:
            from rmtheory.free.atoms import Atoms

            cov = Atoms(args.covariance, args.covariance_weights)
        kwargs.update(classes=args.classes, loss=args.loss, weight_norm=args.weight_norm, covariance=cov)
        if args.matrix == "ggn":
            kwargs["block"] = args.block
    elif args.covariance is not None:
        raise UsageError(f"rmtheory predict: --covariance applies to hessian and ggn, not {args.matrix}")
    if args.block != "full" and args.matrix != "ggn":
        raise UsageError("rmtheory predict: --block applies to the ggn only")
    if args.matrix == "hessian":
        kwargs["epsilon"] = args.epsilon
    elif args.epsilon is not None:
        raise UsageError("rmtheory predict: --epsilon applies to the hessian only")
    pred = getattr(predict, args.matrix)(**kwargs)
    points = args.points if pred.law is not None else 0
    if args.json:
        out = pred.to_dict(points)
        _output.print_json(out)
        return 0
    print(pred.summary())
    print(f"lambda_max: {pred.lambda_max:.10g}")
    for a in pred.assumptions:
        print(f"assumption: {a}")
    print(f"source: {pred.source}")
    print(f"tolerance: {pred.tolerance:.3g}")
    if points:
        dens = pred.density(points)
        _output.print_table({"x": dens["x"], "pdf": dens["pdf"], "cdf": dens["cdf"]})
    return 0
