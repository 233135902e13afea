"""The package boundaries of DESIGN.md, checked on the source (no import is executed).

* ``rmtheory`` never imports ``validation`` (nor ``papers``); nothing imports ``papers``.
* ``rmtheory/laws`` imports nothing of ``rmtheory`` above it (only ``rmtheory.params`` and the
  samplers of ``rmtheory.ensembles``).
* Nothing outside ``rmtheory`` reaches for a private module of it (``rmtheory._x``).
* The import graph of the modules has no circles. Every import counts, also one inside a function
  (a deferred import hides a circle, it does not remove it); a package ``__init__`` counts as the
  submodules its names come from, so that re-exports do not read as circles.
"""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("rmtheory", "validation")


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            out[_module_name(path)] = path
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES.get(name, pathlib.Path()).name == "__init__.py"


def _resolve_relative(module: str, level: int, target: str | None) -> str:
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join(base + ([target] if target else []))


def _imports(name: str) -> list[tuple[str, str | None]]:
    """(module, imported name or None) for every import statement in the module's source."""
    tree = ast.parse(MODULES[name].read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = node.module if node.level == 0 else _resolve_relative(name, node.level, node.module)
            out += [(target, alias.name) for alias in node.names]
    return out


def _reexports(package: str) -> dict[str, str]:
    """name → module it comes from, for the names a package ``__init__`` imports."""
    out = {}
    for module, imported in _imports(package):
        if imported is not None:
            sub = f"{module}.{imported}"
            out[imported] = sub if sub in MODULES else module
    return out


def _targets(name: str) -> set[str]:
    """The project modules that ``name`` depends on."""
    found = set()
    for module, imported in _imports(name):
        if module.split(".")[0] not in PACKAGES:
            continue
        candidates = [f"{module}.{imported}"] if imported and f"{module}.{imported}" in MODULES else [module]
        for cand in candidates:
            seen = set()
            # follow a package's re-export to the submodule that defines the name
            while _is_package(cand) and imported and cand not in seen and cand != name:
                seen.add(cand)
                nxt = _reexports(cand).get(imported)
                if nxt is None or nxt == cand:
                    break
                cand = nxt
            if cand in MODULES and cand != name:
                found.add(cand)
    return found


GRAPH = {name: _targets(name) for name in MODULES}


def _edges_into(prefix: str, sources: str):
    return sorted((a, b) for a, deps in GRAPH.items() if a == sources or a.startswith(sources + ".")
                  for b in deps if b == prefix or b.startswith(prefix + "."))


def test_rmtheory_never_imports_validation():
    assert _edges_into("validation", "rmtheory") == []


def test_laws_import_nothing_above_them():
    allowed = ("rmtheory.laws", "rmtheory.params", "rmtheory.ensembles")
    bad = [(a, b) for a, deps in GRAPH.items() if a.startswith("rmtheory.laws")
           for b in deps if not any(b == p or b.startswith(p + ".") for p in allowed) and b != "rmtheory"]
    assert bad == []


def test_nothing_outside_rmtheory_uses_a_private_module_of_it():
    bad = []
    for name in MODULES:
        if name.startswith("rmtheory"):
            continue
        for module, imported in _imports(name):
            parts = module.split(".") + ([imported] if imported else [])
            if parts[0] == "rmtheory" and any(p.startswith("_") and not p.startswith("__") for p in parts[1:2]):
                bad.append((name, module, imported))
    assert bad == []


def test_the_import_graph_has_no_circles():
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []
    counter = [0]

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(GRAPH)))
    try:
        for v in sorted(GRAPH):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    assert cycles == []
