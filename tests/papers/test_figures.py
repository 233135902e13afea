"""Every figure's tiny configuration runs, writes its files with the expected columns, computes its
checks against the paper, and a second build replots from the cache without computing."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

pytest.importorskip("torch")
pytest.importorskip("matplotlib")

from papers.build import build_figure, write_index  # noqa: E402
from papers.data import COLUMNS, ROLES  # noqa: E402
from papers.registry import figures  # noqa: E402

FIGURES = sorted(figures())


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    # one directory per test process: figures that ask for the same validation run share it
    return tmp_path_factory.mktemp("figs")


@pytest.mark.slow
@pytest.mark.parametrize("key", FIGURES)
def test_tiny_figure_builds_checks_and_replots_from_cache(key, out):
    figure = figures()[key]
    result = build_figure(figure, "tiny", out)
    if result.status == "not applicable":
        pytest.skip(result.error)   # e.g. Fashion-MNIST not installed here
    assert result.status == "ok", result.error
    stem = out / figure.paper.key / figure.name
    for ext in ("png", "pdf", "csv", "json"):
        assert (stem.parent / f"{stem.name}.{ext}").stat().st_size > 0, ext

    table = pd.read_csv(f"{stem}.csv")
    assert tuple(table.columns) == COLUMNS
    assert set(table["role"]) <= set(ROLES)
    drawn = table[table["kind"] != "number"]
    # theory and measurement overlaid, each figure with key numbers a reader can compare
    assert {"theory", "measured"} <= set(drawn["role"]), set(drawn["role"])
    assert (table["kind"] == "number").sum() >= 1

    info = json.loads((stem.parent / f"{stem.name}.json").read_text())
    assert info["status"] == "ok" and info["cite"] and info["original"] and info["ours"]
    assert info["checks"], "a figure without a check against its paper"
    for c in info["checks"]:
        assert c["source"] and c["tolerance"] and isinstance(c["passed"], bool)
        assert c["passed"] == ((c["low"] is None or (c["ours"] is not None and c["ours"] >= c["low"]))
                               and (c["high"] is None or (c["ours"] is not None and c["ours"] <= c["high"]))
                               and c["ours"] is not None)
    panels = json.loads(json.dumps(info["meta"]))  # meta is there and JSON
    assert panels["mode"] == "tiny"

    def must_not_compute(cfg, ctx):
        raise AssertionError("the replot recomputed the data")

    cached = dataclasses.replace(figure, compute=must_not_compute)
    again = build_figure(cached, "tiny", out)
    assert again.status == "ok" and again.cached, again.error
    assert [c["ours"] for c in again.checks] == [c["ours"] for c in result.checks]
    # an up-to-date drawing is not redrawn; a missing one is, from the cache
    (stem.parent / f"{stem.name}.png").unlink()
    assert build_figure(cached, "tiny", out).status == "ok"
    assert (stem.parent / f"{stem.name}.png").stat().st_size > 0
    assert write_index(out).read_text().count("###") >= 1
