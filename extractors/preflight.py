"""Checks made before any work, and the one-line messages of expected failures.

Exit codes of the command line (also in the README):

* 0 -- the run completed (failed sources and a busy database included);
* 1 -- the run stopped on the way: a full disk, or another write that failed;
* 2 -- bad input before any work: an invalid case file, an output, state or
  store folder that cannot be written;
* 3 -- the article itself could not be read: nothing was checked;
* 4 -- the output folder is held by another run (after waiting ``lock_wait``).
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from extractors.errors import ClaimcheckError
from extractors.settings import Settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_NO_ARTICLE = 3
EXIT_BUSY = 4

DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
NO_PERMISSION = (errno.EACCES, errno.EPERM, errno.EROFS)


class NotWritable(ClaimcheckError):
    """A folder the run must write to cannot be written."""


def _folders(settings: Settings) -> list[tuple[str, Path]]:
    return [("output folder", Path(settings.out_dir)),
            ("state folder", Path(settings.state_dir)),
            ("store folder", Path(settings.store_dir))]


def _option(label: str) -> str:
    return {"output folder": "--out", "state folder": "CLAIMCHECK_STATE_DIR",
            "store folder": "--store"}[label]


def check_folder(label: str, folder: Path) -> None:
    """Create *folder* if needed and write (then remove) a file in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".claimcheck-write-test.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise NotWritable(
            f"{label} {folder} is not writable ({why})",
            hint=f"fix its permissions, free the disk, or choose another folder with {_option(label)}",
        ) from None


def check_writable(settings: Settings) -> None:
    """Every folder a run writes to, checked before any work starts."""
    for label, folder in _folders(settings):
        check_folder(label, folder)


def expected_failure(exc: BaseException) -> tuple[str, int] | None:
    """``(one-line message, exit code)`` for a failure a user can fix, or None
    for anything else (a bug, shown with its traceback)."""
    from extractors.outputlock import OutputBusy

    if isinstance(exc, OutputBusy):
        return f"output folder busy: {exc}", EXIT_BUSY
    if isinstance(exc, NotWritable):
        return f"error: {exc}", EXIT_INVALID
    if isinstance(exc, OSError) and exc.errno in DISK_FULL:
        where = exc.filename or "a file"
        return (f"disk full while writing {where}: free space on that disk or choose another folder"
                " (--out, --store, CLAIMCHECK_STATE_DIR); the previous outputs are unchanged"), EXIT_FAILED
    if isinstance(exc, OSError) and exc.errno in NO_PERMISSION and exc.filename:
        return (f"cannot write {exc.filename}: {exc.strerror}; fix its permissions or choose another"
                " folder (--out, --store, CLAIMCHECK_STATE_DIR)"), EXIT_FAILED
    return None


__all__ = ["EXIT_BUSY", "EXIT_FAILED", "EXIT_INVALID", "EXIT_NO_ARTICLE", "EXIT_OK", "NotWritable",
           "check_folder", "check_writable", "expected_failure"]
