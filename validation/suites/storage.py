"""The Parquet dataset of a suite's records: one file per finished run, written atomically.

Layout of an output directory::

    DIR/records/<run_id>.parquet     one file per run (its rows: one per check)
    DIR/checkpoints/<run_id>/...     training checkpoints of the runs that train
    DIR/figures/<run_id>.png         written by the report
    DIR/report.md

Why one file per run: a run's record is written in one step as ``.<run_id>.<pid>.tmp`` in the same
directory, flushed and fsynced, then renamed onto ``<run_id>.parquet`` with ``os.replace`` (atomic on
POSIX and Windows), and the directory is fsynced. A process killed at any moment (``kill -9``, power
loss after the fsync) therefore leaves each record either absent or complete, never truncated; a
rerun writing the same run replaces the file instead of adding a second copy, so records are never
duplicated. Readers (pyarrow, pandas, Spark, DuckDB) ignore files whose names start with ``.``, so a
leftover temporary file is invisible to them; :meth:`RecordStore.clean` removes it.

The run id is a hash of the experiment, its resolved parameters and its seed
(:func:`validation.experiments.runs.run_id`): the same run always has the same file, which is what
resume keys on. Every file has the same explicit Arrow schema, so the directory reads as one table:
``pandas.read_parquet(DIR / "records")``.
"""

from __future__ import annotations

import os
import pathlib

from validation.experiments.runs import FINAL

__all__ = ["RecordStore", "schema", "FINAL"]


def schema():
    """The Arrow schema of a record file (pyarrow is imported only when needed)."""
    import pyarrow as pa

    s, f, i, b = pa.string(), pa.float64(), pa.int64(), pa.bool_()
    return pa.schema([
        ("run_id", s), ("experiment", s), ("number", i), ("title", s), ("suite", s), ("seed", i),
        ("params", s), ("status", s), ("check", s), ("statistic", s), ("value", f), ("low", f),
        ("high", f), ("threshold", s), ("passed", b), ("sample_size", i), ("prediction", f),
        ("measured", f), ("check_note", s), ("run_measured", s), ("run_prediction", s),
        ("figure", s), ("note", s), ("error", s), ("traceback", s), ("wall_s", f), ("device", s),
        ("host", s), ("finished_at", s), ("version", s), ("schema", i)])


class OutputBusyError(RuntimeError):
    """Another runner holds the output directory's lock."""


class RecordStore:
    """The records of one output directory."""

    def __init__(self, out_dir):
        self.root = pathlib.Path(out_dir)
        self.records = self.root / "records"

    def prepare(self) -> None:
        """Take the directory's lock (one runner per output directory), then remove temporary files
        left by a killed writer — which, under the lock, cannot belong to a live one."""
        self.records.mkdir(parents=True, exist_ok=True)
        self.lock()
        self.clean()

    def lock(self) -> None:
        """An exclusive lock on DIR/.lock, held until this process ends (the OS drops it on kill -9)."""
        import fcntl

        if getattr(self, "_lock_file", None) is not None:
            return
        handle = open(self.root / ".lock", "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise OutputBusyError(f"{self.root} is in use by another rmtheory validate run; wait for it "
                                  "or give another --out") from None
        self._lock_file = handle

    def unlock(self) -> None:
        handle = getattr(self, "_lock_file", None)
        if handle is not None:
            handle.close()  # closing the file releases the flock
            self._lock_file = None

    def clean(self) -> int:
        """Remove temporary files left by a killed writer; returns how many. A temporary file names its
        writer's pid (:meth:`write`); one whose writer is still alive on this host is kept: the runs
        of ``rmtheory figures`` write into a store without its lock while a suite may run there."""
        count = 0
        if self.records.is_dir():
            for tmp in self.records.glob(".*.tmp"):
                if _writer_alive(tmp):
                    continue
                tmp.unlink(missing_ok=True)
                count += 1
        return count

    def path(self, run_id: str) -> pathlib.Path:
        return self.records / f"{run_id}.parquet"

    def write(self, record) -> pathlib.Path:
        """Write one :class:`~validation.experiments.runs.Record` atomically (see the module doc)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.records.mkdir(parents=True, exist_ok=True)
        rows = record.rows()
        table = pa.Table.from_pylist(rows, schema=schema())
        final = self.path(record.run_id)
        tmp = self.records / f".{record.run_id}.{os.getpid()}.tmp"
        try:
            with open(tmp, "wb") as fh:
                pq.write_table(table, fh, compression="zstd")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(self.records)
        return final

    def statuses(self) -> dict[str, str]:
        """run_id → status of every stored record (reads one column per file)."""
        import pyarrow.parquet as pq

        out = {}
        if not self.records.is_dir():
            return out
        for path in sorted(self.records.glob("*.parquet")):
            if path.name.startswith("."):
                continue
            try:
                col = pq.read_table(path, columns=["status"]).column("status")
            except Exception:  # noqa: BLE001 - an unreadable file is not a finished run
                continue
            if len(col):
                out[path.stem] = col[0].as_py()
        return out

    def finished(self) -> set[str]:
        """Run ids whose record is final (pass, fail or diverged: :data:`~validation.experiments.runs.FINAL`):
        what resume skips; errors, skips and missing predictions are run again."""
        return {k for k, v in self.statuses().items() if v in FINAL}

    def read(self):
        """All records as one pandas DataFrame (one row per check), in a stable order."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        files = [p for p in sorted(self.records.glob("*.parquet"))] if self.records.is_dir() else []
        if not files:
            return schema().empty_table().to_pandas()
        table = pa.concat_tables([pq.read_table(p, schema=schema()) for p in files])
        df = table.to_pandas()
        return df.sort_values(["number", "experiment", "run_id"], kind="stable").reset_index(drop=True)


def _writer_alive(tmp: pathlib.Path) -> bool:
    """Whether the process named in ``.<run_id>.<pid>.tmp`` is alive (not this one's leftover)."""
    try:
        pid = int(tmp.name.rsplit(".", 2)[-2])
    except (ValueError, IndexError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # alive, another user's
        return True
    return True


def _fsync_dir(path: pathlib.Path) -> None:
    """Make a rename durable: fsync the directory entry (POSIX; a no-op where unsupported)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
