"""The data cache: a figure's computed data, keyed by its compute code and its parameters.

``CACHE/figures/PAPER/FIGURE/<key>.json`` holds the :class:`~papers.data.FigureData` of one
configuration. The key is the sha256 of

* the figure module's source *without* its ``plot`` and ``check`` functions — an edit of the drawing
  or of a comparison reuses the data, an edit of anything ``compute`` may call recomputes it;
* the sources of :mod:`papers.data` and :mod:`papers.context` (what computing means);
* the configuration and the seed;
* the source of the ``rmtheory`` package (the theory curves come from it: an edit of a solver
  recomputes every figure's data, not the validation runs, which are keyed by their own code);
* the code revision of every validation experiment the figure runs
  (:func:`validation.experiments.runs.code_revision`; ``"*"``: every registered experiment, for a
  figure that runs a whole suite) and the ``rmtheory`` version.

Replotting a cached figure therefore costs the plot alone; the runs themselves are cached one level
down (:mod:`papers.context`), so a changed figure whose runs did not change trains nothing. Files are
written atomically (a temporary name, then ``os.replace``): an interrupted build leaves each cache
entry absent or complete.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import json
import pathlib

__all__ = ["data_key", "load", "save", "compute_source", "theory_digest"]


def compute_source(module) -> str:
    """The module's source with the top-level ``plot`` and ``check`` functions cut out."""
    source = inspect.getsource(module)
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    cut = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in ("plot", "check"):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            cut.append((start, node.end_lineno))
    for start, end in sorted(cut, reverse=True):
        del lines[start:end]
    return "".join(lines)


@functools.lru_cache(maxsize=1)
def theory_digest() -> str:
    """sha256 of every ``.py`` file of the installed ``rmtheory`` package, in path order."""
    import rmtheory

    root = pathlib.Path(rmtheory.__file__).parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def data_key(figure, cfg: dict, seed: int) -> str:
    import rmtheory
    from papers import context, data

    h = hashlib.sha256()
    h.update(compute_source(figure.module).encode())
    for module in (data, context):
        h.update(inspect.getsource(module).encode())
    h.update(json.dumps({"cfg": cfg, "seed": seed, "rmtheory": rmtheory.__version__, "theory": theory_digest()},
                        sort_keys=True, default=str).encode())
    if figure.spec.experiments:
        from validation.experiments.catalog import REGISTRY
        from validation.experiments.runs import code_revision

        names = REGISTRY if "*" in figure.spec.experiments else figure.spec.experiments
        for name in sorted(names):
            h.update(f"{name}:{code_revision(name)}".encode())
    return h.hexdigest()[:16]


def _path(cache_dir, figure, key) -> pathlib.Path:
    return pathlib.Path(cache_dir) / "figures" / figure.paper.key / figure.name / f"{key}.json"


def load(cache_dir, figure, key):
    """The cached data of ``key``, or None."""
    from papers.data import FigureData

    path = _path(cache_dir, figure, key)
    if not path.exists():
        return None
    obj = json.loads(path.read_text())
    return FigureData.from_json(obj["data"]), obj.get("meta", {})


def save(cache_dir, figure, key, data, meta: dict) -> pathlib.Path:
    from validation.atomic import replace_atomic

    payload = json.dumps({"data": data.to_json(), "meta": meta}, allow_nan=False)
    return replace_atomic(_path(cache_dir, figure, key), lambda tmp: pathlib.Path(tmp).write_text(payload))
