"""Suite files: TOML in, a list of :class:`~validation.experiments.runs.Task` out.

Format (every key optional except each experiment's ``name``)::

    [suite]
    name = "my-suite"                 # default: the file's stem
    description = "what it is for"
    seeds = [0, 1]                    # default seeds of every experiment (default [0])
    run_timeout = 120                 # CPU seconds a run may use (wall net 10×); retried once, then an error
                                      # (local runs; default: no limit)

    [[experiment]]
    name = "least_squares_mp"         # a registered experiment (rmtheory validate --list)
    seeds = [0, 1, 2]                 # overrides the suite's seeds
    params = { d = 200, P = 400 }     # fixed parameters (the rest take their defaults)
    grid = { P = [400, 800] }         # cartesian product over these values

The runs of an entry are grid point × seed; each run's parameters are the experiment's defaults
overlaid with ``params`` and the grid point, checked against the experiment's declared domains.
Every problem — malformed TOML, an unknown key, an unknown experiment, a parameter out of range —
raises :class:`SuiteError` (a ``ValueError``) with one line naming the file and the entry, so the
command line can print it and exit with status 2. Runs listed twice (same id) are kept once.
"""

from __future__ import annotations

import itertools
import pathlib
from dataclasses import dataclass, field

from rmtheory.params import ParameterError

__all__ = ["Suite", "SuiteError", "load_suite", "parse_suite", "builtin_suites", "BUILTIN"]

#: directory of the built-in suites
BUILTIN = pathlib.Path(__file__).parent
#: longest run time limit accepted (seconds); beyond it the interval timer overflows
MAX_RUN_TIMEOUT = 1e6
_SUITE_KEYS = {"name", "description", "seeds", "run_timeout"}
_ENTRY_KEYS = {"name", "seeds", "params", "grid"}


class SuiteError(ValueError):
    """A suite that cannot be run; the message is one line naming the file and the problem."""


@dataclass
class Suite:
    name: str
    description: str
    tasks: list
    source: str
    duplicates: int = 0
    entries: list = field(default_factory=list)
    run_timeout: float | None = None

    def summary(self) -> str:
        names = sorted({t.experiment for t in self.tasks})
        return f"suite {self.name}: {len(self.tasks)} runs of {len(names)} experiments ({', '.join(names)})"


def builtin_suites() -> dict[str, pathlib.Path]:
    """Name → path of every built-in suite."""
    return {p.stem: p for p in sorted(BUILTIN.glob("*.toml"))}


def _toml():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    return tomllib


def load_suite(name_or_path) -> Suite:
    """A built-in suite by name (``"quick"``, ``"full"``) or a suite file by path."""
    text = str(name_or_path)
    builtins = builtin_suites()
    path = builtins.get(text) or pathlib.Path(text).expanduser()
    if not path.is_file():
        raise SuiteError(f"suite {text!r} is neither a built-in suite ({', '.join(builtins)}) nor a "
                         "readable TOML file")
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SuiteError(f"{path}: cannot read: {err}") from err
    return parse_suite(source, str(path), default_name=path.stem)


def _one_line(err) -> str:
    return " ".join(str(err).split())


def parse_suite(text: str, source: str = "<string>", default_name: str = "suite") -> Suite:
    """Parse and check suite TOML ``text`` (``source`` names it in errors)."""
    from validation.experiments import REGISTRY
    from validation.experiments.runs import Task

    toml = _toml()
    try:
        doc = toml.loads(text)
    except toml.TOMLDecodeError as err:
        raise SuiteError(f"{source}: malformed TOML: {_one_line(err)}") from err
    unknown = sorted(set(doc) - {"suite", "experiment"})
    if unknown:
        raise SuiteError(f"{source}: unknown top-level key {unknown[0]!r} (allowed: [suite], [[experiment]])")
    head = doc.get("suite", {})
    if not isinstance(head, dict):
        raise SuiteError(f"{source}: 'suite' must be a table ([suite])")
    bad = sorted(set(head) - _SUITE_KEYS)
    if bad:
        raise SuiteError(f"{source}: [suite] has unknown key {bad[0]!r} (allowed: {', '.join(sorted(_SUITE_KEYS))})")
    name = head.get("name", default_name)
    if not isinstance(name, str) or not name:
        raise SuiteError(f"{source}: [suite] name must be a non-empty string")
    seeds = _seeds(head.get("seeds", [0]), f"{source}: [suite] seeds")
    run_timeout = head.get("run_timeout")
    if run_timeout is not None and (isinstance(run_timeout, bool) or not isinstance(run_timeout, (int, float))
                                    or not 0 < run_timeout <= MAX_RUN_TIMEOUT):
        raise SuiteError(f"{source}: [suite] run_timeout = {run_timeout!r} must be a number of seconds in "
                         f"(0, {MAX_RUN_TIMEOUT:g}]")
    entries = doc.get("experiment", [])
    if not isinstance(entries, list) or not entries:
        raise SuiteError(f"{source}: no experiments (add at least one [[experiment]] table with a name)")
    tasks, seen, duplicates = [], set(), 0
    for i, entry in enumerate(entries, 1):
        where = f"{source}: experiment {i}"
        if not isinstance(entry, dict):
            raise SuiteError(f"{where}: must be a table ([[experiment]])")
        bad = sorted(set(entry) - _ENTRY_KEYS)
        if bad:
            raise SuiteError(f"{where}: unknown key {bad[0]!r} (allowed: {', '.join(sorted(_ENTRY_KEYS))})")
        exp_name = entry.get("name")
        if not isinstance(exp_name, str):
            raise SuiteError(f"{where}: needs name = \"EXPERIMENT\" (known: {', '.join(sorted(REGISTRY))})")
        exp = REGISTRY.get(exp_name)
        if exp is None:
            raise SuiteError(f"{where}: unknown experiment {exp_name!r} (known: {', '.join(sorted(REGISTRY))})")
        where = f"{source}: experiment {i} ({exp_name})"
        params = entry.get("params", {})
        grid = entry.get("grid", {})
        if not isinstance(params, dict) or not isinstance(grid, dict):
            raise SuiteError(f"{where}: params and grid must be tables")
        for key, values in grid.items():
            if not isinstance(values, list) or not values:
                raise SuiteError(f"{where}: grid.{key} must be a non-empty list of values")
        both = sorted(set(params) & set(grid))
        if both:
            raise SuiteError(f"{where}: {both[0]!r} is in both params and grid")
        entry_seeds = _seeds(entry.get("seeds", seeds), f"{where}: seeds")
        keys = list(grid)
        for combo in itertools.product(*(grid[k] for k in keys)):
            given = dict(params, **dict(zip(keys, combo)))
            try:
                resolved = exp.resolve(given)
                # a value canonical JSON cannot take (a TOML date) fails here, as one line
                _ = Task(exp_name, resolved, entry_seeds[0], name, 0).id
            except (ParameterError, TypeError, ValueError) as err:  # TypeError: e.g. a TOML date
                raise SuiteError(f"{where}: {_one_line(err)}") from err
            for seed in entry_seeds:
                task = Task(exp_name, resolved, seed, name, len(tasks))
                if task.id in seen:
                    duplicates += 1
                    continue
                seen.add(task.id)
                tasks.append(task)
    return Suite(name, str(head.get("description", "")), tasks, source, duplicates, entries,
                 None if run_timeout is None else float(run_timeout))


def _seeds(value, where) -> list[int]:
    if isinstance(value, bool) or not isinstance(value, list) or not value or not all(
            isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in value):
        raise SuiteError(f"{where} = {value!r} must be a non-empty list of integers >= 0")
    return list(value)
