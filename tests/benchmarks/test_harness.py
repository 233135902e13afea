"""benchmarks/harness.py: the order, warm-up, cap and pairing that every benchmark's ratios rest on."""

import importlib.util
import pathlib
import sys
import time

import pytest

_PATH = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "harness.py"
_spec = importlib.util.spec_from_file_location("bench_harness", _PATH)
harness = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = harness  # dataclasses look their module up there
_spec.loader.exec_module(harness)


def _recorder(log, name, seconds=0.0):
    def fn():
        log.append(name)
        if seconds:
            time.sleep(seconds)
        return name
    return fn


def test_rounds_alternate_order_after_one_warm_up_call_each():
    log = []
    times, skipped = harness.interleaved({"A": _recorder(log, "A", 0.002), "B": _recorder(log, "B", 0.002)},
                                         rounds=5, min_seconds=0.0)
    assert skipped == {}
    # warm-up A, B; then rounds A B, B A, A B, B A, A B (one call per measurement: min_seconds = 0)
    assert log == ["A", "B"] + ["A", "B", "B", "A"] * 2 + ["A", "B"]
    assert len(times["A"].wall) == len(times["B"].wall) == 5
    assert times["A"].result == "A" and times["A"].warmup > 0


def test_measurement_repeats_short_calls_to_reach_min_seconds():
    log = []
    times, _ = harness.interleaved({"fast": _recorder(log, "fast")}, rounds=5, min_seconds=0.01)
    t = times["fast"]
    assert t.calls > 1
    # two warm-up calls (the second sizes the repeat count), then `calls` per round
    assert len(log) == 2 + 5 * t.calls


def test_failing_and_capped_contenders_are_reported_not_timed():
    def boom():
        raise ValueError("no such option")

    times, skipped = harness.interleaved({"ok": lambda: 1, "bad": boom, "slow": lambda: time.sleep(0.05)},
                                         rounds=5, cap_seconds=0.02)
    assert set(times) == {"ok"}
    assert skipped["bad"].startswith("failed: ValueError: no such option")
    assert skipped["slow"].startswith("capped")


def test_fewer_than_five_rounds_is_refused():
    with pytest.raises(ValueError, match="rounds = 3"):
        harness.interleaved({"a": lambda: 1}, rounds=3)


def test_paired_ratios_are_per_round_and_summary_is_median_min_max():
    a = harness.Timing(wall=[2.0, 4.0, 6.0], cpu=[1.0, 1.0, 1.0])
    b = harness.Timing(wall=[1.0, 1.0, 2.0], cpu=[2.0, 4.0, 1.0])
    assert harness.paired_ratios(a, b) == [2.0, 4.0, 3.0]
    assert harness.paired_ratios(a, b, cpu=True) == [0.5, 0.25, 1.0]
    assert harness.summary([2.0, 4.0, 3.0]) == "3 [2–4]"
    assert harness.summary([0.001, 0.002, 0.003], scale=1e3, spec=".1f") == "2.0 [1.0–3.0]"


def test_peak_memory_sees_an_allocation_it_encloses():
    with harness.PeakMemory(interval=0.001) as mem:
        block = bytearray(64 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page so it is resident
        time.sleep(0.02)
    assert mem.peak_bytes >= 48 * 2**20
    del block
