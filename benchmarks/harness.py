"""The one timing harness of ``benchmarks/``: what a skeptic needs to trust a speed ratio.

The benchmark scripts that compare contenders (bench_curvature, bench_tracy_widom, bench_free,
bench_nested, bench_scale's memory) time them through :func:`interleaved` / :class:`PeakMemory`:

* **warm-up excluded for every side** — each contender is called once before any timing (JIT
  compilation, lazy imports, caches, page faults of first allocations), and that call is also what
  sizes the measurement;
* **interleaved rounds** — in round r the contenders run in order A B C …, in round r + 1 in the
  reverse order (… C B A), so a load spike or thermal drift hits all sides alike and no side always
  runs on a warmer cache;
* **paired ratios** — a ratio is formed within each round (:func:`paired_ratios`) and reported as
  median [min–max] over ≥ 5 rounds (:func:`summary`), never as a ratio of medians from separate runs;
* **wall and CPU time** — both are recorded per call (CPU time is the process's, all threads
  summed: a side that wins on wall time by using more cores shows it);
* **a cap** — a contender whose warm-up call takes longer than ``cap_seconds`` is not timed and is
  reported as capped, so one slow peer cannot hold a run for tens of minutes;
* **the load average** at the start and end of a run (:func:`machine_header`, :func:`load_line`):
  timings on a shared machine are only comparable within one run.

Usage::

    from harness import interleaved, paired_ratios, summary
    times, skipped = interleaved({"ours": f, "peer": g}, rounds=7)
    print(summary(paired_ratios(times["peer"], times["ours"]), ratio=True))   # peer / ours
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import threading
import time
from dataclasses import dataclass, field

__all__ = ["Timing", "interleaved", "paired_ratios", "summary", "machine_header", "load_line",
           "PeakMemory", "MIN_ROUNDS"]

MIN_ROUNDS = 5


@dataclass
class Timing:
    """Seconds per call of one contender, one entry per round (``calls`` calls per measurement)."""

    wall: list = field(default_factory=list)
    cpu: list = field(default_factory=list)
    calls: int = 1
    warmup: float = math.nan
    result: object = None

    @property
    def median(self) -> float:
        return statistics.median(self.wall)


def _measure(fn, calls: int):
    w0, c0 = time.perf_counter(), time.process_time()
    out = None
    for _ in range(calls):
        out = fn()
    return (time.perf_counter() - w0) / calls, (time.process_time() - c0) / calls, out


def interleaved(contenders: dict, rounds: int = 7, *, min_seconds: float = 0.05, cap_seconds: float = 120.0,
                sync=None) -> tuple[dict, dict]:
    """Time ``{name: fn}`` in interleaved rounds. Returns ``({name: Timing}, {name: reason})`` where the
    second dict names the contenders not timed (warm-up failed, or longer than ``cap_seconds``).

    Each measurement repeats a contender's call enough times to last about ``min_seconds`` (sized from
    a second, timed warm-up call when the first is shorter than that). ``sync`` (e.g.
    ``torch.cuda.synchronize``) is called after every call on an asynchronous device.
    """
    if rounds < MIN_ROUNDS:
        raise ValueError(f"rounds = {rounds}: at least {MIN_ROUNDS} rounds are needed for a median and a range")
    if sync is not None:
        contenders = {n: (lambda f=f: (f(), sync())[0]) for n, f in contenders.items()}
    timings, skipped = {}, {}
    for name, fn in contenders.items():
        try:
            t0 = time.perf_counter()
            fn()
            first = time.perf_counter() - t0
            if first > cap_seconds:
                skipped[name] = f"capped: its warm-up call took {first:.0f} s > {cap_seconds:.0f} s"
                continue
            if first < min_seconds:  # a second warm call sizes the repeat count without the cold start
                t0 = time.perf_counter()
                fn()
                first = time.perf_counter() - t0
        except Exception as err:  # noqa: BLE001 - one contender's failure must not stop the run
            skipped[name] = f"failed: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
            continue
        timings[name] = Timing(calls=max(1, math.ceil(min_seconds / max(first, 1e-9))), warmup=first)
    names = list(timings)
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            if name in skipped:
                continue
            t = timings[name]
            try:
                wall, cpu, t.result = _measure(contenders[name], t.calls)
            except Exception as err:  # noqa: BLE001
                skipped[name] = f"failed in round {r}: {type(err).__name__}: {err}"
                continue
            t.wall.append(wall)
            t.cpu.append(cpu)
    return {n: t for n, t in timings.items() if n not in skipped}, skipped


def paired_ratios(numerator: Timing, denominator: Timing, *, cpu: bool = False) -> list:
    """Per-round ratios numerator / denominator (wall time, or CPU time with ``cpu=True``)."""
    a, b = (numerator.cpu, denominator.cpu) if cpu else (numerator.wall, denominator.wall)
    return [x / y for x, y in zip(a, b)]


def _num(v: float, spec: str) -> str:
    return format(v, spec)


def summary(values, scale: float = 1.0, spec: str = ".3g") -> str:
    """``median [min–max]`` of ``values × scale``."""
    v = [x * scale for x in values]
    return f"{_num(statistics.median(v), spec)} [{_num(min(v), spec)}–{_num(max(v), spec)}]"


def load_line(when: str) -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # pragma: no cover - not on Linux/macOS
        return f"# load average at {when}: unavailable"
    return f"# load average at {when}: {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def machine_header(title: str, *, threads: int | None = None, rounds: int | None = None) -> str:
    """One block naming the script, the machine, the library versions and the load at the start."""
    import numpy as np

    lines = [f"# {title}",
             f"# {platform.machine()} {platform.system()}, Python {platform.python_version()}, numpy {np.__version__}"
             + _torch_version() + (f", {threads} thread(s)" if threads else "")
             + (f", {rounds} interleaved rounds, median [min–max]" if rounds else ""),
             load_line("start")]
    return "\n".join(lines)


def _torch_version() -> str:
    import sys

    torch = sys.modules.get("torch")
    return f", torch {torch.__version__}" if torch is not None else ""


def _trim_heap() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


class PeakMemory:
    """Peak resident memory above the level at entry, sampled every ``interval`` seconds in a
    background thread (CPU), or ``torch.cuda.max_memory_allocated`` above the level at entry (CUDA).

    On the CPU, freed heap memory is handed back to the OS first (glibc's ``malloc_trim``), so that
    memory an earlier computation freed but the allocator kept does not hide this one's peak.

    >>> with PeakMemory() as mem:
    ...     x = bytearray(50 * 2**20)
    >>> mem.peak_bytes >= 0
    True
    """

    def __init__(self, device: str = "cpu", interval: float = 0.005):
        self.device, self.interval = device, interval
        self.peak_bytes = 0

    @staticmethod
    def _rss() -> int:
        try:
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:  # pragma: no cover - not Linux: the peak over the process lifetime
            import resource

            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def __enter__(self):
        if self.device.startswith("cuda"):
            import torch

            torch.cuda.synchronize()
            self._base = torch.cuda.memory_allocated()
            torch.cuda.reset_peak_memory_stats()
            return self
        _trim_heap()
        self._base = self._rss()
        self._max = self._base
        self._stop = threading.Event()

        def sample():
            while not self._stop.is_set():
                self._max = max(self._max, self._rss())
                self._stop.wait(self.interval)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if self.device.startswith("cuda"):
            import torch

            torch.cuda.synchronize()
            self.peak_bytes = max(0, torch.cuda.max_memory_allocated() - self._base)
            return False
        self._stop.set()
        self._thread.join()
        self._max = max(self._max, self._rss())
        self.peak_bytes = max(0, self._max - self._base)
        return False
