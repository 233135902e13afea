"""``rmtheory figures``: regenerate the field's figures and the project's own.

Registered with the ``rmtheory`` command through the entry-point group ``rmtheory.commands``
(pyproject.toml), so that neither ``rmtheory`` nor ``validation`` imports ``papers``. Loaded for every
parse of the command line: nothing heavy at module level.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

from rmtheory.cli import UsageError, print_json
from validation.cli import check_output_dir, core_count

HELP = "regenerate paper figures: theory and measurement overlaid, checked against the papers' numbers"
DESCRIPTION = """\
Regenerate the figures of the field's classic papers and of rmtheory's own, theory and measurement
overlaid, each checked against the numbers its paper reports. For every figure, writes

  DIR/PAPER/FIGURE.png, .pdf   the figure, with a caption citing the original
  DIR/PAPER/FIGURE.csv         the plotted data: theory curves, measurements and key numbers
  DIR/PAPER/FIGURE.json        the checks (the paper's number, ours, tolerance, pass/fail) and metadata
  DIR/index.md                 the gallery: every figure, its caption and its checks

TARGET is all, a PAPER or PAPER/FIGURE (see --list). --quick (default) is sized for a 2-core CPU;
--full is the papers' scale, for a GPU (--device cuda) or a Dask LocalCluster (--workers N). Data are
cached in DIR/.cache keyed by the code and parameters: rerunning replots in seconds, and an edit
recomputes only the figures it touches. The exit status is 0 when every figure was made or is not
applicable here (e.g. a dataset not installed), 1 when a figure's computation failed; a check that
disagrees with the paper is a result, not an error.

examples:
  rmtheory figures --list
  rmtheory figures all --quick --out figs
  rmtheory figures tracy_widom_1994 --out figs
  rmtheory figures cohen_2021/sharpness --full --device cuda"""

def register(sub) -> None:
    p = sub.add_parser("figures", help=HELP, description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", nargs="?", metavar="TARGET", help="all, PAPER or PAPER/FIGURE")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="mode", action="store_const", const="quick",
                      help="small configurations for a 2-core CPU (default)")
    size.add_argument("--full", dest="mode", action="store_const", const="full",
                      help="the papers' scale (a GPU or a Dask cluster)")
    p.add_argument("--out", metavar="DIR", default="figs", help="output directory (default: ./figs)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="torch device (default cpu)")
    p.add_argument("--workers", type=core_count("--workers"), metavar="N",
                   help="compute the figures on a Dask LocalCluster of N processes (1 to the CPU cores)")
    p.add_argument("--list", action="store_true", help="list the papers and their figures")
    p.add_argument("--json", action="store_true", help="print the list or the summary as JSON")
    p.set_defaults(func=run, mode="quick")


def _list(args) -> int:
    from papers.registry import figures, papers

    figs = figures()
    if args.json:
        print_json({"papers": [{"key": p.key, "authors": p.authors, "year": p.year, "title": p.title,
                                "figures": [f.name for f in figs.values() if f.paper.key == p.key]}
                               for p in papers().values()]})
        return 0
    for p in papers().values():
        print(f"{p.key}  —  {p.authors} ({p.year}), {p.title}")
        for f in figs.values():
            if f.paper.key == p.key:
                print(f"    {f.key:<48} {f.spec.title}")
    print(f"{len(papers())} papers, {len(figs)} figures")
    return 0


def _require(modules, extra):
    missing = []
    for module in modules:
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise UsageError(f"rmtheory figures needs {', '.join(missing)}: pip install torch==2.13.0 && "
                         f"pip install -e \".[{extra}]\"")


def run(args) -> int:
    if args.list:
        return _list(args)
    if not args.target:
        raise UsageError("rmtheory figures: give a TARGET (all, PAPER or PAPER/FIGURE), or --list")
    from papers.registry import select

    try:
        selected = select(args.target)
    except KeyError as err:
        raise UsageError(f"rmtheory figures: {err.args[0]}") from None
    _require(("torch", "pandas", "pyarrow", "matplotlib"), "all")
    if args.workers:
        _require(("distributed",), "distributed")
    if args.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise UsageError("--device cuda: torch sees no CUDA device here (torch.cuda.is_available() is False)")
    check_output_dir(args.out)
    from papers.build import build

    def progress(result):
        if args.json:
            return
        verdict = (f"{result.checks_passed}/{len(result.checks)} checks pass" if result.status == "ok"
                   else f"{result.status}: {result.error[:150]}")
        print(f"{result.key:<48} {'cached' if result.cached else 'computed'} {result.wall_s:7.1f} s  {verdict}",
              flush=True)

    results = build(selected, args.mode, args.out, device=args.device, workers=args.workers, progress=progress)
    errors = [r for r in results if r.status == "error"]
    summary = {"figures": len(results), "ok": sum(r.status == "ok" for r in results),
               "not_applicable": sum(r.status == "not applicable" for r in results), "errors": len(errors),
               "checks": sum(len(r.checks) for r in results),
               "checks_passed": sum(r.checks_passed for r in results),
               "index": str(pathlib.Path(args.out) / "index.md")}
    if args.json:
        print_json(summary)
    else:
        print(f"{summary['ok']} of {summary['figures']} figures made ({summary['not_applicable']} not applicable, "
              f"{summary['errors']} errors); {summary['checks_passed']} of {summary['checks']} checks against the "
              f"papers pass; gallery: {summary['index']}", file=sys.stdout)
    return 1 if errors else 0
