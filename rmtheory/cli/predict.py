"""``rmtheory predict {hessian,ggn,jacobian,gram}``: network-level random-matrix predictions.

The matrix and the architecture pick one theory (a *route* of :mod:`rmtheory.predict.doors`); a flag
that route does not read is refused with one line naming the flag and the routes that read it,
never silently dropped (``predict hessian --depth 0 --sigma-w 2`` would otherwise print the
least-squares Hessian as if σ_w had been taken into account). Flags keep ``None`` as their default
here so that "given" can be told from "default"; the doors' own defaults apply to the rest.
"""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass

from rmtheory.cli import _output
from rmtheory.cli._common import UsageError
from rmtheory.params import LOCATION, Integer, check

#: the most density grid points: a solved prediction law takes up to ~2 s for 10^4 points and up
#: to ~25 s for 10^5 on a loaded 2-core machine
MAX_POINTS = 10_000
#: the most population eigenvalues in --covariance (a free convolution with more atoms is slow)
MAX_EIGENVALUES = 64
#: sizes (--width, --d, --P, --classes, --outputs): far above any network the theories describe, and
#: where the sizes still convert to floats exactly enough (n = d·N + (L-1)·N² + …)
MAX_SIZE = 10**9
#: --depth: the deep Jacobian law stops resolving (NoTheoryError) well before 50 layers; at 100 the
#: refusal takes up to ~5 s, at 1000 up to minutes
MAX_DEPTH = 100

#: rows of --class-mean-gram: C² for C ≤ 100 classes
MAX_SIZE_GRAM = 10_000

HELP = "predict the Hessian / GGN / Jacobian / Gram spectrum of a network"
DESCRIPTION = """\
Predict the spectrum random-matrix theory gives for one matrix of a network: edges, atoms,
outliers, scaling exponents and a density grid, with the assumptions and the source. The theory is
chosen from the architecture and the data (rmtheory.predict.doors); where none applies the command
says what is missing (exit status 2). A flag the chosen theory does not use is refused (exit
status 2), as is a value beyond the input limits below. Examples:

  rmtheory predict jacobian --width 300 --depth 4 --activation relu --sigma-w 1.4142135623730951
  rmtheory predict gram --width 300 --d 200 --P 400 --activation tanh --json
  rmtheory predict hessian --depth 0 --d 200 --P 800                       (least squares)
  rmtheory predict hessian --depth 0 --d 200 --P 800 --covariance 1 10     (two-bulk population)
  rmtheory predict hessian --depth 0 --d 200 --P 800 --loss logistic --weight-norm 2
  rmtheory predict hessian --width 50 --depth 1 --d 20 --P 1000 --epsilon 0.1  (Pennington-Bahri)
  rmtheory predict hessian --width 512 --depth 1 --d 784 --P 10000 --activation tanh  (at init: G ⊞ R)
  rmtheory predict ggn --classes 10 --loss cross_entropy --class-mean-gram gram.npy  (Papyan)
  rmtheory predict ggn --width 300 --depth 1 --d 200 --P 400 --activation relu   (NTK Gram)
  rmtheory predict ggn --width 300 --depth 1 --d 200 --P 400 --block readout    (readout block)

Which flags each theory uses:
"""

MATRICES = ("hessian", "ggn", "jacobian", "gram")

#: argparse dest → the flag as typed
FLAG = {"width": "--width", "depth": "--depth", "d": "--d", "P": "--P", "activation": "--activation",
        "weights": "--weights", "sigma_w": "--sigma-w", "sigma_b": "--sigma-b", "outputs": "--outputs",
        "covariance": "--covariance", "covariance_weights": "--covariance-weights", "classes": "--classes",
        "loss": "--loss", "weight_norm": "--weight-norm", "block": "--block", "epsilon": "--epsilon",
        "class_mean_gram": "--class-mean-gram", "target_variance": "--target-variance"}

_NETWORK = ("width", "depth", "d", "activation", "weights", "sigma_w", "sigma_b")
_LINEAR = ("depth", "d", "P", "loss")
_POPULATION = ("covariance", "covariance_weights")


@dataclass(frozen=True)
class Route:
    """One theory the doors dispatch to, and the flags it reads (the doors' checks included: a flag
    whose value the door refuses with a reason, like --outputs 2 for the NTK Gram, is read)."""

    name: str
    flags: frozenset


def _route(name, *groups):
    return Route(name, frozenset(f for g in groups for f in g))


ROUTES = {
    "jacobian": _route("jacobian (depth >= 1, Pennington-Schoenholz-Ganguli)", _NETWORK),
    "gram": _route("gram (depth 1, random features)", _NETWORK, ("P",)),
    "hessian-mse": _route("hessian/ggn at depth 0 with loss mse (least squares)", _LINEAR, _POPULATION),
    "hessian-logistic": _route("hessian/ggn at depth 0 with loss logistic", _LINEAR, _POPULATION,
                               ("weight_norm",)),
    "hessian-cross_entropy": _route("hessian/ggn at depth 0 with loss cross_entropy (softmax)", _LINEAR,
                                    _POPULATION, ("classes", "weight_norm")),
    "hessian-deep": _route("hessian at depth >= 1 (Pennington-Bahri, needs --epsilon)",
                           ("width", "depth", "d", "P", "outputs", "loss", "epsilon")),
    "ggn-ntk": _route("ggn at depth 1 with loss mse (NTK Gram, --block full)", _NETWORK,
                      ("P", "outputs", "loss", "block")),
    "ggn-readout": _route("ggn at depth 1 with loss mse and --block readout", _NETWORK, ("P", "loss", "block")),
    "hessian-init": _route("hessian at depth 1 with loss mse at initialization (GGN ⊞ residual, no --epsilon)",
                           _NETWORK, ("P", "outputs", "loss", "target_variance")),
    "class-outliers": _route("hessian/ggn with --classes and --class-mean-gram (Papyan class outliers)",
                             ("width", "depth", "d", "P", "outputs", "classes", "loss", "class_mean_gram")),
}


#: the routes each matrix can take
MATRIX_ROUTES = {
    "jacobian": ("jacobian",), "gram": ("gram",),
    "hessian": ("hessian-mse", "hessian-logistic", "hessian-cross_entropy", "hessian-deep", "hessian-init",
                "class-outliers"),
    "ggn": ("hessian-mse", "hessian-logistic", "hessian-cross_entropy", "ggn-ntk", "ggn-readout", "class-outliers"),
}


def route_of(args) -> Route | None:
    """The route the doors will take for these flags, or None where they refuse them anyway (a
    hessian/ggn without --depth, a ggn at depth >= 2 or with a loss other than mse at depth 1)."""
    if args.matrix in ("jacobian", "gram"):
        return ROUTES[args.matrix]
    loss = args.loss or "mse"
    if args.class_mean_gram is not None:
        return ROUTES["class-outliers"]
    if args.depth is None:
        return None
    if args.depth == 0:
        route = ROUTES.get(f"hessian-{loss}")
        if route is not None and args.matrix == "ggn":
            route = Route(route.name, route.flags | {"block"})
        return route
    if args.matrix == "hessian":
        if args.epsilon is None and args.depth == 1 and loss == "mse":
            return ROUTES["hessian-init"]
        return ROUTES["hessian-deep"]
    if args.depth == 1 and loss == "mse":
        return ROUTES["ggn-readout" if args.block == "readout" else "ggn-ntk"]
    return None


def _users(dest) -> str:
    names = [r.name for r in ROUTES.values() if dest in r.flags]
    if dest == "block":
        names = [n for n in names if n.startswith("ggn")] + ["ggn at depth 0 (as hessian)"]
    return "; ".join(names)


def _flag_table() -> str:
    lines = []
    for r in ROUTES.values():
        flags = " ".join(FLAG[d] for d in FLAG if d in r.flags)
        extra = " (ggn: and --block)" if r.name.startswith("hessian/ggn") else ""
        lines.append(f"  {r.name}:")
        lines.append(textwrap.fill(flags + extra, 100, initial_indent="      ", subsequent_indent="      "))
    lines.append("")
    lines.append(textwrap.fill(
        f"Input limits (exit status 2 before any work): --points from 0 to {MAX_POINTS}; --width, --d, --P, "
        f"--classes, --outputs at most {MAX_SIZE:,}; --depth at most {MAX_DEPTH}; at most "
        f"{MAX_EIGENVALUES} --covariance eigenvalues; real-valued flags (--sigma-w, --sigma-b, --weight-norm, "
        f"--epsilon, --covariance, --covariance-weights) in [-1e100, 1e100] (the theories' own ranges are "
        "narrower; 1e308 overflowed).", 100))
    return "\n".join(lines)


def _size(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None


def register(sub) -> None:
    p = sub.add_parser("predict", help=HELP, description=DESCRIPTION + _flag_table(),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("matrix", choices=MATRICES, help="which matrix")
    p.add_argument("--width", type=_size, help="hidden width N")
    p.add_argument("--depth", type=_size, help="hidden layers L (0: a linear / generalized linear model)")
    p.add_argument("--d", type=_size, help="input dimension d")
    p.add_argument("--P", type=_size, help="number of samples P")
    p.add_argument("--activation", help="activation name (default relu)")
    p.add_argument("--weights", help="gaussian or orthogonal (default gaussian)")
    p.add_argument("--sigma-w", type=float, help="weight scale σ_w (default 1)")
    p.add_argument("--sigma-b", type=float, help="bias scale σ_b (default 0)")
    p.add_argument("--outputs", type=_size, help="network outputs (default 1)")
    p.add_argument("--covariance", type=float, nargs="+", metavar="EIG",
                   help=f"population eigenvalues of the data covariance, at most {MAX_EIGENVALUES} "
                        "(default: identity)")
    p.add_argument("--covariance-weights", type=float, nargs="+", metavar="W",
                   help="their weights (default: equal)")
    p.add_argument("--classes", type=_size, help="number of classes")
    p.add_argument("--loss", help="mse, logistic or cross_entropy (default mse)")
    p.add_argument("--weight-norm", type=float, help="norm of the weights (logistic Hessian)")
    p.add_argument("--block", choices=("full", "readout"),
                   help="ggn of a two-layer network: full (the NTK Gram, default) or readout (its readout block)")
    p.add_argument("--epsilon", type=float, help="loss level of a critical point (Pennington-Bahri)")
    p.add_argument("--target-variance", type=float,
                   help="variance of the regression targets, for the Hessian of a two-layer network at "
                        "initialization (default 1: targets standardized)")
    p.add_argument("--class-mean-gram", metavar="FILE.npy",
                   help="the C² × C² class-mean Gram matrix (np.save of validation.curvature.class_mean_gram("
                        "model, X, y).gram), with --classes C: Papyan's class outliers")
    p.add_argument("--points", type=_size, default=21,
                   help=f"density grid points (0 to {MAX_POINTS}, default 21; 0: none)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON")
    p.set_defaults(func=run)


def _check_flags(args) -> None:
    """Sizes first (the route depends on --depth), then flags the route does not read (named even when
    their value is also bad: --sigma-w inf on a least-squares Hessian is an unused flag first), then
    finiteness and the lists."""
    for dest in ("width", "d", "P", "outputs"):
        if getattr(args, dest) is not None:
            check(FLAG[dest], getattr(args, dest), Integer(1, MAX_SIZE))
    if args.classes is not None:  # its lower bound depends on the theory: the door checks it
        check("--classes", args.classes, Integer(None, MAX_SIZE))
    if args.depth is not None:
        check("--depth", args.depth, Integer(0, MAX_DEPTH))
    route = route_of(args)
    if route is None:
        # the door refuses this combination with its own reason (NoTheoryError); a flag no theory of
        # this matrix reads is refused here all the same
        used = frozenset().union(*(ROUTES[r].flags for r in MATRIX_ROUTES[args.matrix]))
        route = Route(f"any theory of the {args.matrix}", used | ({"block"} if args.matrix == "ggn" else set()))
    for dest, flag in FLAG.items():
        if getattr(args, dest) is not None and dest not in route.flags:
            raise UsageError(f"predict {args.matrix}: {flag} is not used by the theory chosen here, "
                             f"{route.name}; it is used by: {_users(dest)}")
    for dest in ("sigma_w", "sigma_b", "weight_norm", "epsilon", "target_variance"):
        if getattr(args, dest) is not None:
            check(FLAG[dest], getattr(args, dest), LOCATION)
    for dest in _POPULATION:
        values = getattr(args, dest)
        if values is not None:
            check(f"number of {FLAG[dest]} values", len(values), Integer(1, MAX_EIGENVALUES))
            for i, v in enumerate(values):
                check(f"{FLAG[dest]} value {i + 1}", v, LOCATION)
    if args.covariance_weights is not None and args.covariance is None:
        raise UsageError("predict: --covariance-weights needs --covariance")
    if args.covariance_weights is not None and len(args.covariance_weights) != len(args.covariance):
        raise UsageError(f"predict: --covariance-weights has {len(args.covariance_weights)} values and --covariance "
                         f"{len(args.covariance)}; give one weight per eigenvalue")


def _load_gram(path):
    """The --class-mean-gram file: a 2-D float array saved by np.save (no pickles)."""
    import numpy as np

    try:
        gram = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise UsageError(f"predict: --class-mean-gram {path}: cannot read a .npy array ({err})") from None
    if gram.ndim != 2 or gram.shape[0] != gram.shape[1] or not np.issubdtype(gram.dtype, np.number):
        raise UsageError(f"predict: --class-mean-gram {path}: a square numeric matrix (C² × C²), got shape "
                         f"{gram.shape} of {gram.dtype}")
    if gram.shape[0] > MAX_SIZE_GRAM:
        raise UsageError(f"predict: --class-mean-gram {path}: at most {MAX_SIZE_GRAM} rows (C ≤ 100), got "
                         f"{gram.shape[0]}")
    if not np.all(np.isfinite(gram)):
        raise UsageError(f"predict: --class-mean-gram {path}: has non-finite entries")
    return gram.astype(float)


def answer_block(pred, theory) -> str:
    """What the answer rests on, in one block a newcomer finds: the theory that answered, each
    assumption, the source, and what the tolerance is a tolerance of."""
    wrap = textwrap.TextWrapper(100, initial_indent="  - ", subsequent_indent="    ", break_on_hyphens=False)
    lines = ["", "what this answer assumes", "------------------------", f"theory: {theory}", "assumptions:"]
    lines += [wrap.fill(a) for a in pred.assumptions]
    lines.append(textwrap.fill(f"source: {pred.source}", 100, subsequent_indent="    ", break_on_hyphens=False))
    lines.append(f"tolerance: {pred.tolerance:.3g} (numerical, of the law's cdf and edges; not the finite-size "
                 "error)")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    import rmtheory.predict as predict

    points = check("--points", args.points, Integer(0, MAX_POINTS))
    _check_flags(args)
    kwargs = {dest: getattr(args, dest) for dest in FLAG if getattr(args, dest) is not None}
    kwargs.pop("covariance_weights", None)
    if args.covariance is not None:
        from rmtheory.free.atoms import Atoms

        kwargs["covariance"] = Atoms(args.covariance, args.covariance_weights)
    if args.matrix != "ggn":
        kwargs.pop("block", None)
    if args.class_mean_gram is not None:
        kwargs["class_mean_gram"] = _load_gram(args.class_mean_gram)
    pred = getattr(predict, args.matrix)(**kwargs)
    points = points if pred.law is not None else 0
    route = route_of(args)
    theory = route.name if route is not None else args.matrix
    if args.json:
        out = {"theory": theory, **pred.to_dict(points)}
        _output.print_json(out)
        return 0
    print(f"theory: {theory}")
    print(pred.summary())
    print(f"lambda_max: {pred.lambda_max:.10g}" + (" (the N → ∞ edge)" if "regime" in pred.quantities else ""))
    q = pred.quantities
    if "regime" in q:
        at_width = q.get("lambda_max_classical") if "classical" in q["regime"] else q.get("lambda_max_at_width")
        band = q.get("lambda_max_at_width_band")
        if at_width is not None:
            print(f"lambda_max at width {pred.parameters.get('width')}: {at_width:.6g}"
                  + (f" (finite-N model 5-95 % band [{band[0]:.4g}, {band[1]:.4g}])" if band else "")
                  + f"; {q['regime']}")
    print(answer_block(pred, theory))
    if points:
        dens = pred.density(points)
        _output.print_table({"x": dens["x"], "pdf": dens["pdf"], "cdf": dens["cdf"]})
    return 0
