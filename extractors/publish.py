"""Publishing a run's outputs all at once, and loading the shared database
while someone else may hold it.

A run writes everything (tables, report, exports, ``run.json``) into its own
folder ``<case out>/runs/<run-id>/`` first.  Publishing then swaps one
pointer: ``<case out>/current`` is a relative symbolic link to
``runs/<run-id>``, replaced with ``rename(2)`` (atomic), and every published
file ``<case out>/<name>`` is a link to ``current/<name>``.  A reader opening
``outputs/<case>/documents.csv`` and ``outputs/<case>/report.html`` always
gets files of one run; a run that fails or is killed before the swap leaves
the previous run published, whole.

DuckDB allows one writing process per file.  When an analyst's session holds
``claimcheck.duckdb``, the load is retried for ``db_busy_wait`` seconds and
then skipped: the run's files are complete and published, the database keeps
the previous run, and the caller prints one line saying so.
"""
from __future__ import annotations

import errno
import os
import time
from pathlib import Path
from typing import Callable

from extractors.atomic import fsync_dir

CURRENT = "current"
DB_UPDATED = "updated"
DB_BUSY = "busy"


def _link(folder: Path, name: str, target: str) -> None:
    """Make ``folder/name`` a symbolic link to *target*, atomically."""
    path = folder / name
    if path.is_symlink() and os.readlink(path) == target:
        return
    tmp = folder / f".{name}.{os.getpid()}.link"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, path)


def published_run(case_out: Path) -> str | None:
    """The run id currently published in *case_out*, if any."""
    link = Path(case_out) / CURRENT
    return Path(os.readlink(link)).name if link.is_symlink() else None


def publish_run(case_out: Path, run_dir: Path) -> None:
    """Make *run_dir* (a folder under *case_out*) the published run."""
    case_out, run_dir = Path(case_out), Path(run_dir)
    names = sorted(p.name for p in run_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    _link(case_out, CURRENT, os.path.relpath(run_dir, case_out))
    # the per-file links point through `current`, so they are created once
    # and then stay; only a file name seen for the first time adds a link
    for name in names:
        _link(case_out, name, os.path.join(CURRENT, name))
    for path in case_out.iterdir():  # links to files this run does not have
        if path.is_symlink() and os.readlink(path) == os.path.join(CURRENT, path.name) and path.name not in names:
            path.unlink()
    fsync_dir(case_out)


def is_lock_conflict(exc: BaseException) -> bool:
    """A DuckDB error saying another process holds the database file."""
    text = str(exc)
    return "duckdb" in type(exc).__module__ and "lock" in text.lower() and (
        "conflicting lock" in text.lower() or "could not set lock" in text.lower())


def disk_full_error(exc: BaseException, path: Path) -> OSError | None:
    """DuckDB reports a full disk as its own IOException; as an OSError it
    reaches the same one-line message as every other full-disk write."""
    text = str(exc)
    if "duckdb" in type(exc).__module__ and "No space left on device" in text:
        return OSError(errno.ENOSPC, "No space left on device", str(path))
    return None


def load_database(load: Callable[[], None], db_path: Path, wait: float, *, interval: float = 0.5,
                  sleep: Callable[[float], None] = time.sleep) -> str:
    """Run *load* (which writes *db_path*), retrying while the file is held by
    another process for up to *wait* seconds.  Returns ``DB_UPDATED`` or
    ``DB_BUSY``; other errors are raised."""
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        try:
            load()
            return DB_UPDATED
        except Exception as exc:  # noqa: BLE001 - only DuckDB's lock conflict is retried
            full = disk_full_error(exc, db_path)
            if full is not None:
                raise full from exc
            if not is_lock_conflict(exc):
                raise
            if time.monotonic() >= deadline:
                return DB_BUSY
            sleep(interval)


__all__ = ["CURRENT", "DB_BUSY", "DB_UPDATED", "is_lock_conflict", "load_database", "publish_run",
           "published_run"]
