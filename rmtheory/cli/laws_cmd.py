"""``rmtheory laws``: every law the expression language knows, with its parameters."""

from __future__ import annotations

from rmtheory.cli import _output

HELP = "list the laws and their parameters"


def register(sub) -> None:
    p = sub.add_parser("laws", help=HELP, description="List every law an expression may name, "
                       "its parameters, their allowed ranges and defaults.")
    p.add_argument("--json", action="store_true", help="machine-readable JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from rmtheory import catalog

    entries = []
    for name in catalog.names():
        cls = catalog.LAWS[name]
        aliases = sorted(a for a, target in catalog.ALIASES.items() if target == name)
        entries.append({
            "name": name, "aliases": aliases, "class": f"rmtheory.{cls.__name__}", "summary": cls.summary,
            "parameters": [{"name": p.name, "allowed": p.domain.describe(),
                            "default": p.default, "doc": p.doc} for p in cls.parameters],
        })
    if args.json:
        _output.print_json({"laws": entries})
        return 0
    for e in entries:
        alias = f"  (also: {', '.join(e['aliases'])})" if e["aliases"] else ""
        print(f"{e['name']}{alias}: {e['summary']}  [{e['class']}]")
        for p in e["parameters"]:
            default = "required" if p["default"] is None else f"default {p['default']}"
            print(f"    {p['name']:<10} {p['allowed']:<16} {default:<14} {p['doc']}")
    print('\n+ is free additive (⊞) and * free multiplicative (⊠) convolution, e.g. "semicircle(1) + mp(0.5)".')
    return 0
