"""Build figures: compute (or load from the cache), check, plot and write; then the gallery.

For each figure, :func:`build_figure` writes into ``OUT/PAPER/``:

* ``FIGURE.png`` and ``FIGURE.pdf`` — the drawing, with its title and a caption citing the original;
* ``FIGURE.csv`` — the plotted data and the key numbers (:mod:`papers.data`);
* ``FIGURE.json`` — status, captions, configuration, the checks against the paper (its number, ours,
  tolerance, pass/fail), the key numbers, the validation runs used, timings.

:func:`write_index` writes ``OUT/index.md`` from the ``.json`` files alone. Everything is written
atomically; the caches live in ``OUT/.cache`` (:mod:`papers.cache`, :mod:`papers.context`).

Each validation run uses one torch thread (``threads=1``, as ``rmtheory validate`` does), so a record
is the same whether a figure or the suite made it; ``--workers N`` uses more cores.

A rerun replots only what changed: a figure whose data came from the cache and whose files were
drawn from those data by the same drawing code (:func:`_drawing_key`) is not drawn again; its checks
are evaluated again (an edited check takes effect at once) and its ``.json`` rewritten.

A figure whose data cannot be made here (a dataset missing, no theory for the inputs) is
``not applicable`` with the reason; one whose computation raised is ``error`` (the others are still
built); a failed check is a result, shown as such.
"""

from __future__ import annotations

import json
import pathlib
import time
import traceback
from dataclasses import dataclass, field

__all__ = ["FigureResult", "build_figure", "build", "write_index", "cache_dir"]


@dataclass
class FigureResult:
    key: str
    status: str                      # "ok", "not applicable" or "error"
    cached: bool = False
    wall_s: float = 0.0
    checks: list = field(default_factory=list)
    error: str = ""

    @property
    def checks_passed(self) -> int:
        return sum(1 for c in self.checks if c["passed"])


def cache_dir(out) -> pathlib.Path:
    return pathlib.Path(out) / ".cache"


def _write_text(path, text):
    from validation.atomic import replace_atomic

    replace_atomic(pathlib.Path(path), lambda tmp: pathlib.Path(tmp).write_text(text))


def compute_data(figure, mode: str, out, device: str = "cpu", seed: int = 0, threads: int | None = 1):
    """(data, meta, cached): the figure's data from the cache, or computed and cached."""
    from papers import cache
    from papers.context import Context

    cfg = figure.spec.config(mode)
    key = cache.data_key(figure, cfg, seed)
    hit = cache.load(cache_dir(out), figure, key)
    if hit is not None:
        return hit[0], hit[1], True
    ctx = Context(cache_dir(out), device=device, threads=threads, seed=seed)
    t0 = time.perf_counter()
    data = figure.compute(cfg, ctx)
    meta = {"key": key, "mode": mode, "config": cfg, "seed": seed, "device": device,
            "compute_s": round(time.perf_counter() - t0, 3), "runs_used": sorted(set(ctx.runs_used)),
            "runs_made": len(ctx.runs_made)}
    cache.save(cache_dir(out), figure, key, data, meta)
    return data, meta, False


def caption(figure) -> str:
    return f"After {figure.spec.cite}. {figure.spec.ours}"


def build_figure(figure, mode: str, out, device: str = "cpu", seed: int = 0, threads: int | None = 1,
                 precomputed=None) -> FigureResult:
    """Compute (or reuse), check, plot and write one figure; never raises for the figure's own failure."""
    from papers import plotting
    from papers.context import NotApplicable

    t0 = time.perf_counter()
    stem = pathlib.Path(out) / figure.paper.key / figure.name
    stem.parent.mkdir(parents=True, exist_ok=True)
    info = {"figure": figure.key, "paper": figure.paper.key, "title": figure.spec.title,
            "cite": figure.spec.cite, "original": figure.spec.original, "ours": figure.spec.ours,
            "mode": mode, "config": figure.spec.config(mode)}
    try:
        if precomputed is not None:
            data, meta, cached = precomputed
        else:
            data, meta, cached = compute_data(figure, mode, out, device, seed, threads)
        checks = [c.to_json() for c in figure.check(data, figure.spec.config(mode))]
        drawing = _drawing_key(figure, meta)
        if not (cached and _drawn(stem, drawing)):
            if figure.plot is not None:
                fig = figure.plot(data, figure)
            else:
                fig = plotting.draw(data, title=figure.spec.title, caption=caption(figure))
            plotting.save(fig, stem)
            _write_text(f"{stem}.csv", data.table().to_csv(index=False))
        status, error = "ok", ""
        info.update(numbers=data.numbers(), notes=data.notes, meta=meta, cached=cached, drawing=drawing)
    except NotApplicable as err:
        status, error, checks, cached = "not applicable", " ".join(str(err).split()), [], False
    except Exception as err:  # noqa: BLE001 - a figure's failure is reported, the others still built
        status, checks, cached = "error", [], False
        error = f"{type(err).__name__}: {' '.join(str(err).split())}"
        info["traceback"] = traceback.format_exc()
    wall = time.perf_counter() - t0
    info.update(status=status, error=error, checks=checks, wall_s=round(wall, 3))
    _write_text(f"{stem}.json", json.dumps(info, indent=1, default=str))
    return FigureResult(figure.key, status, cached, wall, checks, error)


def _drawing_key(figure, meta) -> str:
    """What the drawing depends on: the data (its cache key), the figure's ``plot``, the plotter, the
    style file and the captions."""
    import hashlib
    import inspect

    from papers import plotting

    h = hashlib.sha256(str(meta.get("key", "")).encode())
    for part in (figure.plot, plotting):
        if part is not None:
            h.update(inspect.getsource(part).encode())
    h.update(plotting.STYLE_FILE.read_bytes())
    h.update(caption(figure).encode() + figure.spec.title.encode())
    return h.hexdigest()[:16]


def _drawn(stem, drawing: str) -> bool:
    """The files of ``stem`` are there and were drawn from the same data by the same code."""
    try:
        previous = json.loads(pathlib.Path(f"{stem}.json").read_text()).get("drawing")
    except (OSError, ValueError):
        return False
    return previous == drawing and all(pathlib.Path(f"{stem}.{ext}").exists() for ext in ("png", "pdf", "csv"))


def _compute_remote(key, mode, out, device, seed):
    from papers.context import NotApplicable
    from papers.registry import figures

    try:
        return compute_data(figures()[key], mode, out, device, seed, threads=1)
    except NotApplicable as err:
        return err


def build(selected, mode: str, out, device: str = "cpu", workers: int | None = None, seed: int = 0,
          progress=None) -> list[FigureResult]:
    """Build ``selected`` figures (serially, or their computations on a Dask LocalCluster of ``workers``
    processes), then the gallery. ``progress(result)`` is called after each figure."""
    results = []

    def finish(result):
        results.append(result)
        if progress:
            progress(result)

    pending = list(selected)
    if workers:
        from papers import cache

        # figures already in the cache are only replotted: no cluster is started for them
        pending = []
        for figure in selected:
            cfg = figure.spec.config(mode)
            hit = cache.load(cache_dir(out), figure, cache.data_key(figure, cfg, seed))
            if hit is None:
                pending.append(figure)
            else:
                finish(build_figure(figure, mode, out, device, seed, precomputed=(hit[0], hit[1], True)))
    if workers and pending:
        from distributed import Client, LocalCluster, as_completed

        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
                Client(cl) as client:
            futures = {client.submit(_compute_remote, f.key, mode, str(out), device, seed, pure=False): f
                       for f in pending}
            for future in as_completed(futures):
                figure = futures[future]
                try:
                    value = future.result()
                except Exception as err:  # noqa: BLE001 - reported as this figure's error
                    value = err
                if isinstance(value, BaseException):
                    finish(_failed(figure, mode, out, value))
                else:
                    finish(build_figure(figure, mode, out, device, seed, precomputed=value))
    elif not workers:
        for figure in pending:
            finish(build_figure(figure, mode, out, device, seed))
    write_index(out)
    return results


def _failed(figure, mode, out, err) -> FigureResult:
    """Record a figure whose remote computation raised (or was not applicable)."""
    from papers.context import NotApplicable

    text = " ".join(str(err).split())
    if isinstance(err, NotApplicable):
        return _write_status(figure, mode, out, "not applicable", text)
    return _write_status(figure, mode, out, "error", f"{type(err).__name__}: {text}")


def _write_status(figure, mode, out, status, error) -> FigureResult:
    stem = pathlib.Path(out) / figure.paper.key / figure.name
    stem.parent.mkdir(parents=True, exist_ok=True)
    info = {"figure": figure.key, "paper": figure.paper.key, "title": figure.spec.title, "cite": figure.spec.cite,
            "original": figure.spec.original, "ours": figure.spec.ours, "mode": mode,
            "config": figure.spec.config(mode), "status": status, "error": error, "checks": []}
    _write_text(f"{stem}.json", json.dumps(info, indent=1, default=str))
    return FigureResult(figure.key, status, False, 0.0, [], error)


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _fmt(v) -> str:
    if isinstance(v, (int, float)):
        return "–" if v != v else f"{v:.6g}"
    return "–" if v is None else str(v)


def _anchor(title: str) -> str:
    """The anchor GitHub-flavoured Markdown gives a heading."""
    import re

    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def write_index(out) -> pathlib.Path:
    """``OUT/index.md``: every figure built into ``OUT`` (from its ``.json``), in registry order, with
    its image, caption and checks."""
    from papers.registry import figures, papers

    out = pathlib.Path(out)
    known = papers()
    lines = ["# Figures", "",
             "Regenerated by `rmtheory figures`. Each figure overlays theory (lines, dashed marks) and "
             "measurement (histograms, markers); each check compares our number with the one the original "
             "paper reports, at the stated tolerance. Data: the `.csv` beside each image; checks: the `.json`.",
             ""]
    total = passed = 0
    sections, summary, failing = [], [], []
    current = None
    for key, figure in figures().items():
        path = out / figure.paper.key / f"{figure.name}.json"
        if not path.exists():
            continue
        info = json.loads(path.read_text())
        n_ok = sum(bool(c["passed"]) for c in info["checks"])
        summary.append(f"| [{key}](#{_anchor(info['title'])}) | {info['status']} | {n_ok}/{len(info['checks'])} |")
        failing += [f"- `{key}`: {_md(c['name'])} — paper {_md(_fmt(c['paper']))}, ours {_fmt(c['ours'])} "
                    f"({_md(c['tolerance'])})" for c in info["checks"] if not c["passed"]]
        if figure.paper.key != current:
            current = figure.paper.key
            p = known[current]
            sections += [f"## {p.authors} ({p.year}) — {p.title}", "", f"*{p.venue}*", ""]
        sections += [f"### {info['title']}", "", f"`{key}` · mode `{info['mode']}` · status **{info['status']}**", ""]
        if (out / figure.paper.key / f"{figure.name}.png").exists() and info["status"] == "ok":
            sections += [f"![{_md(info['title'])}]({figure.paper.key}/{figure.name}.png)", ""]
        sections += [f"**Original** ({_md(info['cite'])}): {_md(info['original'])}", "",
                     f"**This figure**: {_md(info['ours'])}", ""]
        for note in info.get("notes", []):
            sections += [f"> {_md(note)}", ""]
        if info.get("error"):
            sections += [f"> {info['status']}: {_md(info['error'])}", ""]
        if info["checks"]:
            sections += ["| check | source | paper | ours | tolerance | verdict |", "|---|---|---|---|---|---|"]
            for c in info["checks"]:
                total += 1
                passed += bool(c["passed"])
                verdict = "pass" if c["passed"] else "**fail**"
                note = f" ({_md(c['note'])})" if c.get("note") else ""
                sections.append(f"| {_md(c['name'])}{note} | {_md(c['source'])} | {_md(_fmt(c['paper']))} | "
                                f"{_fmt(c['ours'])} | {_md(c['tolerance'])} | {verdict} |")
            sections.append("")
        stem = f"{figure.paper.key}/{figure.name}"
        sections += [f"Files: [png]({stem}.png) · [pdf]({stem}.pdf) · [data]({stem}.csv) · [checks]({stem}.json)", ""]
    lines += [f"{passed} of {total} checks against the papers pass.", "",
              "| figure | status | checks passed |", "|---|---|---|", *summary, ""]
    if failing:
        lines += ["Checks that disagree with their paper (findings, explained in each figure's notes and module):",
                  "", *failing, ""]
    lines += sections
    path = out / "index.md"
    _write_text(path, "\n".join(lines))
    return path
