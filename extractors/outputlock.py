"""One run at a time per output folder.

A run holds an exclusive ``flock`` on ``<out_dir>/.claimcheck.lock`` for its
whole length; the file also says who holds it (pid, host, start time,
command) so a second run can name the holder.  The kernel releases the lock
when the holder's process ends, even by ``kill -9``, so a crashed run never
leaves a stale lock behind; the text in the file is only a description.

A second run waits up to ``lock_wait`` seconds, then raises
:class:`OutputBusy`.  The lock is re-entrant within one process (the CLI
takes it before starting Prefect; the flow takes it again for deployments
that start without the CLI).
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from extractors.errors import ClaimcheckError

LOCK_FILE = ".claimcheck.lock"
POLL_SECONDS = 0.2

_held: dict[str, tuple[int, int]] = {}  # resolved folder -> (fd, depth) held by this process
_guard = threading.Lock()


class OutputBusy(ClaimcheckError):
    """Another run holds the output folder."""

    hint = "wait for it to finish, or use another --out folder; lock_wait (CLAIMCHECK_LOCK_WAIT) sets how long to wait"


def lock_path(out_dir: Path) -> Path:
    return Path(out_dir) / LOCK_FILE


def holder(out_dir: Path) -> dict:
    """What the lock file says about its holder ({} when unreadable)."""
    try:
        return json.loads(lock_path(out_dir).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def describe_holder(info: dict) -> str:
    if not info:
        return "another claimcheck process"
    return (f"pid {info.get('pid', '?')} on {info.get('host', '?')} since {info.get('started_at', '?')}"
            + (f" ({info['command']})" if info.get("command") else ""))


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


@contextmanager
def output_lock(out_dir: Path, wait: float, *, command: str | None = None) -> Iterator[None]:
    """Hold the output folder for the duration of the block."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    key = str(out_dir.resolve())
    with _guard:
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                fd, depth = _held[key]
                _held[key] = (fd, depth - 1)
        return

    path = lock_path(out_dir)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(0.0, wait)
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise OutputBusy(f"output folder {out_dir} is in use by {describe_holder(holder(out_dir))};"
                                 f" waited {wait:g} s")
            time.sleep(POLL_SECONDS)
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "command": command or " ".join(os.path.basename(a) if i == 0 else a
                                               for i, a in enumerate(sys.argv[:4]))}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        with _guard:
            _held[key] = (fd, 1)
        try:
            yield
        finally:
            with _guard:
                del _held[key]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


__all__ = ["LOCK_FILE", "OutputBusy", "describe_holder", "holder", "lock_path", "output_lock"]
