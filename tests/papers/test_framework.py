"""The papers machinery: registry, data table, checks, cache key, build on failure, and the CLI."""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from papers import cache
from papers.checks import close, within
from papers.data import FigureData
from papers.registry import MODES, figures, papers, select
from rmtheory.cli import COMMAND_GROUP, main


def test_at_least_twelve_papers_and_twenty_figures_each_with_three_configurations():
    figs = figures()
    assert len(papers()) >= 12 and len(figs) >= 20
    from validation.experiments import REGISTRY

    for key, fig in figs.items():
        assert fig.spec.cite and fig.spec.original and fig.spec.ours, key
        for mode in MODES:
            assert isinstance(fig.spec.config(mode), dict), (key, mode)
        # the cache is keyed by these experiments' code: a misspelt name would silently not key it
        assert set(fig.spec.experiments) <= set(REGISTRY) | {"*"}, key
        if fig.spec.experiments and "*" not in fig.spec.experiments:
            source = inspect.getsource(fig.module)
            assert any(f'"{name}"' in source for name in fig.spec.experiments), key


def test_select_names_all_a_paper_or_one_figure_and_refuses_unknown_names():
    assert len(select("all")) == len(figures())
    assert [f.key for f in select("johnstone_2001/largest_eigenvalue")] == ["johnstone_2001/largest_eigenvalue"]
    with pytest.raises(KeyError, match="no paper 'nope'"):
        select("nope")
    with pytest.raises(KeyError, match="no figure"):
        select("johnstone_2001/nope")


def test_figure_data_refuses_unlabelled_axes_unknown_roles_and_ragged_series():
    d = FigureData()
    with pytest.raises(ValueError, match="axes need a label"):
        d.panel("t", "", "y")
    p = d.panel("t", "x", "y")
    with pytest.raises(ValueError, match="role"):
        d.line(p, [1], [2], "a", role="guess")
    with pytest.raises(ValueError, match="x has 2 values, y has 1"):
        d.line(p, [1, 2], [3], "a")
    with pytest.raises(ValueError, match="panel = 3"):
        d.line(3, [1], [2], "a")


def test_figure_data_round_trips_through_json_with_nan_as_null():
    d = FigureData()
    p = d.panel("t", "x", "y")
    d.hist(p, [0.1, 0.2, 0.2, 0.9], bins=4, range_=(0, 1))
    d.line(p, [0, 1], [float("nan"), 2.0], "law")
    d.number("edge", 1.5)
    text = json.dumps(d.to_json(), allow_nan=False)   # strict JSON: NaN became null
    back = FigureData.from_json(json.loads(text))
    assert back.numbers() == {"edge": 1.5}
    x, y = back.series("law")
    assert math.isnan(y[0]) and y[1] == 2.0
    heights = [r["y"] for r in back.rows if r["kind"] == "hist"]
    assert sum(h * 0.25 for h in heights) == pytest.approx(1.0)   # a density


def test_checks_pass_exactly_inside_their_bounds():
    c = close("a", "src", paper=1.0, ours=1.05, rel_tol=0.05)
    assert c.passed and c.tolerance == "relative 5 %"
    assert not close("a", "src", paper=1.0, ours=1.0501, rel_tol=0.05).passed
    assert not close("a", "src", paper=1.0, ours=float("nan"), abs_tol=1.0).passed
    assert within("b", "src", "claim", ours=0.5, low=0.0, high=1.0).passed
    assert not within("b", "src", "claim", ours=-0.1, low=0.0).passed
    with pytest.raises(ValueError, match="exactly one"):
        close("a", "src", 1.0, 1.0)
    with pytest.raises(ValueError, match="a bound"):
        within("a", "src", 1.0, 1.0)


def test_the_data_key_ignores_plot_and_check_but_follows_compute_and_configuration():
    fig = figures()["tracy_widom_1994/distributions"]
    source = cache.compute_source(fig.module)
    assert "def compute(" in source and "def check(" not in source
    quick = fig.spec.config("quick")
    key = cache.data_key(fig, quick, 0)
    assert key == cache.data_key(fig, dict(quick), 0)
    assert key != cache.data_key(fig, {**quick, "samples": quick["samples"] + 1}, 0)
    assert key != cache.data_key(fig, quick, 1)


def test_a_figure_whose_compute_raises_is_reported_and_leaves_no_cache_entry(tmp_path):
    pytest.importorskip("matplotlib")
    from papers.build import build_figure, cache_dir

    fig = figures()["tracy_widom_1994/distributions"]

    def broken(cfg, ctx):
        raise RuntimeError("solver diverged")

    result = build_figure(dataclasses.replace(fig, compute=broken), "tiny", tmp_path)
    assert result.status == "error" and "solver diverged" in result.error
    info = json.loads((tmp_path / "tracy_widom_1994" / "distributions.json").read_text())
    assert info["status"] == "error" and "solver diverged" in info["traceback"]
    assert not list((cache_dir(tmp_path) / "figures").rglob("*.json"))
    assert not (tmp_path / "tracy_widom_1994" / "distributions.png").exists()


def test_figures_is_registered_in_the_command_group():
    registered = {ep.name: ep.value for ep in entry_points(group=COMMAND_GROUP)}
    assert registered.get("figures") == "papers.cli:register"


def test_list_names_every_paper_and_figure(capsys):
    assert main(["figures", "--list"]) == 0
    out = capsys.readouterr().out
    assert f"{len(papers())} papers, {len(figures())} figures" in out
    for key in figures():
        assert key in out


@pytest.mark.parametrize("argv, words", [
    (["figures"], "give a TARGET"),
    (["figures", "nope"], "no paper 'nope'"),
    (["figures", "johnstone_2001/nope"], "no figure"),
    (["figures", "all", "--workers", "0"], "--workers = 0 is outside the allowed range"),
    (["figures", "all", "--quick", "--full"], "not allowed with argument"),
])
def test_bad_input_is_one_line_and_exit_status_2(argv, words, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], captured.err


def test_an_output_directory_that_cannot_be_written_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["figures", "tracy_widom_1994", "--out", str(blocker / "figs")]) == 2
    assert "cannot write there" in capsys.readouterr().err


def test_figures_help_is_complete():
    out = subprocess.run([sys.executable, "-m", "rmtheory.cli", "figures", "--help"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for words in ("TARGET", "--list", "--quick", "--full", "--workers", "DIR/index.md", "rmtheory figures all"):
        assert words in out.stdout
