"""`rmtheory complexity`: values equal the Python API, tables and JSON, one-line errors."""

import json
import math

import numpy as np
import pytest

from rmtheory.cli import main
from rmtheory.kacrice import SphericalSpinGlass


def test_single_energy_table(capsys):
    assert main(["complexity", "--p", "3", "--u", "-1.7"]) == 0
    out = capsys.readouterr().out
    assert "SphericalSpinGlass(3)" in out and "Theta(u)" in out
    value = float(out.strip().splitlines()[-1].split()[1])
    assert value == pytest.approx(float(SphericalSpinGlass(3).complexity(-1.7)), abs=1e-14)


def test_grid_json_index(capsys):
    assert main(["complexity", "--p", "4", "--index", "2", "--grid", "-2.5", "-1", "7", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    u = np.array(payload["u"])
    assert len(u) == 7 and payload["index"] == 2 and payload["cumulative"] is True
    assert np.allclose(payload["complexity"], SphericalSpinGlass(4).complexity(u, 2), atol=1e-15, rtol=0)
    assert payload["E_inf"] == pytest.approx(math.sqrt(3))


def test_local_complexity_has_null_where_there_are_no_points(capsys):
    assert main(["complexity", "--p", "3", "--index", "0", "--local", "--grid", "-2", "0", "3", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["complexity"][1:] == [None, None]  # -inf above −E_∞ (JSON has no -inf)
    assert payload["cumulative"] is False


def test_thresholds_table_and_json(capsys):
    assert main(["complexity", "--p", "3", "--thresholds", "5"]) == 0
    out = capsys.readouterr().out
    assert "E_inf" in out and "E_4" in out and "E_5" not in out and "1.656998363527" in out
    assert main(["complexity", "--p", "3", "--thresholds", "5", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["k"] == [0, 1, 2, 3, 4]
    assert payload["E_k"] == list(SphericalSpinGlass(3).energy_thresholds(5).e_k)


def test_mixture_uses_the_integral_route(capsys):
    assert main(["complexity", "--mixture", "3:0.5,4:0.5", "--u", "-1.8", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    model = SphericalSpinGlass(mixture={3: 0.5, 4: 0.5})
    assert payload["model"] == repr(model)
    assert payload["complexity"][0] == pytest.approx(float(model.complexity(-1.8)), abs=1e-15)
