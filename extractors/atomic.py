"""One way to write a file so that a crash never leaves a half-written one:
write a temporary file in the same folder, fsync, rename over the target.

``mkstemp`` creates its file with mode 0600 whatever the umask; the file
then gets the mode an ordinary ``open()`` would have given it (0666 minus
the umask), or the mode of the file it replaces, so tables and reports stay
readable by whoever the folder's owner means them for."""
from __future__ import annotations

import os
import re
import stat
import tempfile
import threading
from pathlib import Path

_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process umask, read without changing it where the OS allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _umask_lock:  # os.umask can only be read by setting it
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _target_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file in the same folder.

    The temporary name carries the writer's process id
    (``.<name>.<pid>.<random>.tmp``) so that a sweep can tell the leftovers
    of a killed writer from a live writer's file (see ``sweep_dead_temps``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _target_mode(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None and exc.errno is not None:
            # a failed write() names no file; the message for a full disk must
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise


_TEMP_PID = re.compile(r"^\..*\.(\d+)\.[^.]+\.tmp$")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (one owned by another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_dead_temps(root: Path) -> int:
    """Remove temporary files under *root* left by writers that no longer run
    (a run killed mid-write).  A file whose writer is alive, or whose name
    carries no process id, is left alone.  Returns how many were removed."""
    removed = 0
    for tmp in Path(root).rglob(".*.tmp"):
        m = _TEMP_PID.match(tmp.name)
        if not m or pid_alive(int(m.group(1))):
            continue
        try:
            tmp.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new link in *folder* durable; a folder that cannot
    be opened or synced (some file systems) is left as it is."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
