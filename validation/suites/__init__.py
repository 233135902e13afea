"""Suites: declarative TOML lists of experiments, run locally or on Dask, stored as Parquet.

* :mod:`.loader` — read a suite (a built-in name or a path), check it, expand it into tasks;
* :mod:`.storage` — the Parquet dataset of records (one file per finished run, written atomically);
* :mod:`.runner` — run the tasks a store does not already hold (locally or on a Dask cluster),
  with a progress bar, writing each record as it arrives;
* :mod:`.report` — the Markdown report and one PNG per run, from the stored records alone.

Built-in suites: ``quick`` (every experiment in a small configuration, minutes on a laptop CPU) and
``full`` (the research-scale grid, for a GPU or a cluster), in this package's ``*.toml`` files.

Example:

>>> from validation.suites import load_suite
>>> suite = load_suite("quick")
>>> suite.name, len(suite.tasks) >= 10
('quick', True)
"""

from validation.suites.loader import BUILTIN, Suite, SuiteError, builtin_suites, load_suite, parse_suite
from validation.suites.report import write_report
from validation.suites.runner import RunSummary, run_suite
from validation.suites.storage import RecordStore

__all__ = ["Suite", "SuiteError", "load_suite", "parse_suite", "builtin_suites", "BUILTIN",
           "RecordStore", "run_suite", "RunSummary", "write_report"]
