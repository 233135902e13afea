"""Atomic file replacement: the one way this package writes a result file.

``replace_atomic(path, write)`` calls ``write(tmp)`` on a temporary path in the same directory (a
name starting with ``.``, which Parquet readers ignore), flushes it to disk, then ``os.replace`` s it
onto ``path`` — atomic on POSIX and Windows — so a process killed at any moment leaves the old file
or the new one, never a truncated one; on any error the temporary file is removed and the error
raised.

>>> import pathlib, tempfile
>>> from validation.atomic import replace_atomic
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> replace_atomic(d / "a.txt", lambda tmp: tmp.write_text("hello")).read_text()
'hello'
>>> sorted(p.name for p in d.iterdir())
['a.txt']
"""

from __future__ import annotations

import os
import pathlib
import tempfile

__all__ = ["replace_atomic"]


def replace_atomic(path, write) -> pathlib.Path:
    """Write ``path`` through ``write(tmp_path)`` and an atomic rename (see the module docstring)."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = pathlib.Path(name)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
