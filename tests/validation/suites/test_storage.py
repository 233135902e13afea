"""The record store: atomic files, no duplicates, temporary leftovers invisible and cleaned."""

import subprocess
import sys

import pandas as pd
import pytest

from validation.experiments import REGISTRY, Task, execute
from validation.suites import RecordStore
from validation.suites.runner import _write
from validation.suites.storage import OutputBusyError


@pytest.fixture
def record():
    exp = REGISTRY["selfcheck"]
    return execute(Task("selfcheck", exp.resolve({"label": 7}), seed=3, suite="t"))


def test_write_read_roundtrip(tmp_path, record):
    store = RecordStore(tmp_path)
    store.write(record)
    df = store.read()
    assert len(df) == 1
    row = df.iloc[0]
    assert row.run_id == record.run_id and row.status == "pass" and row.seed == 3
    assert row.value == pytest.approx(record.checks[0].value, rel=0, abs=0)
    assert store.finished() == {record.run_id}
    # the directory reads as one Parquet dataset with any reader
    assert len(pd.read_parquet(tmp_path / "records")) == 1


def test_rewrite_replaces_instead_of_duplicating(tmp_path, record):
    store = RecordStore(tmp_path)
    store.write(record)
    store.write(record)
    assert len(list((tmp_path / "records").glob("*.parquet"))) == 1
    assert len(store.read()) == 1


def test_interrupted_write_leaves_nothing_visible(tmp_path, record, monkeypatch):
    """A writer dying mid-file leaves at most a hidden temporary file, which readers skip."""
    import pyarrow.parquet as pq

    store = RecordStore(tmp_path)
    store.prepare()
    # what kill -9 in the middle of a write leaves behind (the pid of a process that has ended)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (store.records / f".{record.run_id}.{dead.pid}.tmp").write_bytes(b"PAR1 truncated")

    def dying_write(table, where, **kw):
        where.write(b"PAR1 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", dying_write)
    with pytest.raises(KeyboardInterrupt):
        store.write(record)
    assert not store.path(record.run_id).exists()
    assert len(store.read()) == 0 and len(pd.read_parquet(store.records)) == 0
    assert store.clean() == 1                       # the simulated kill -9 leftover
    assert list(store.records.iterdir()) == []


def test_clean_keeps_the_temporary_file_of_a_writer_still_alive(tmp_path, record):
    """``rmtheory figures`` writes runs into a store without its lock while a suite may run there."""
    store = RecordStore(tmp_path)
    store.prepare()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = store.records / f".{record.run_id}.{alive.pid}.tmp"
        live.write_bytes(b"PAR1 being written")
        assert store.clean() == 0 and live.exists()
    finally:
        alive.kill()
        alive.wait()
    assert store.clean() == 1 and not live.exists()


def test_errors_are_not_finished(tmp_path):
    exp = REGISTRY["selfcheck"]
    rec = execute(Task("selfcheck", exp.resolve({"fail": "raise"}), seed=0))
    assert rec.status == "error" and "RuntimeError: selfcheck asked to fail" in rec.error
    assert "Traceback" in rec.traceback
    store = RecordStore(tmp_path)
    store.write(rec)
    assert store.statuses() == {rec.run_id: "error"} and store.finished() == set()


def test_one_runner_per_directory(tmp_path):
    first, second = RecordStore(tmp_path), RecordStore(tmp_path)
    first.prepare()
    with pytest.raises(OutputBusyError, match="in use by another rmtheory validate run"):
        second.prepare()
    first.unlock()
    second.prepare()        # free again once the first runner let go
    second.unlock()


def test_a_record_that_cannot_be_stored_becomes_an_error_record(tmp_path, record):
    store = RecordStore(tmp_path)
    task = Task("selfcheck", REGISTRY["selfcheck"].resolve({"label": 7}), seed=3, suite="t")
    record.measured["tensor_like"] = object()      # what json cannot encode (e.g. a torch tensor)
    stored = _write(store, record, task, "cpu")
    assert stored.status == "error" and "could not be stored" in stored.note
    assert store.statuses() == {task.id: "error"}
