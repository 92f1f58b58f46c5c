"""Load the cue-word data files (claim_cues.toml, units.toml).

The files are read from the configured gazetteer directory: the directory
set with :func:`cue_dir` for the duration of a stage (the claims and match
stages set it from ``Settings.gazetteer_dir`` or from the gazetteer they
were given), otherwise ``Settings.from_env().gazetteer_dir``
(``CLAIMCHECK_GAZETTEER_DIR``).  A gazetteer directory without its own copy
of a file falls back to the bundled one in ``corpus/gazetteer/``.  Reads are
cached on the file's path, size and modification time, so an edited file is
read again.
"""
from __future__ import annotations

import tomllib
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

GAZETTEER_DIR = Path(__file__).resolve().parents[2] / "corpus" / "gazetteer"
CUES_FILE = "claim_cues.toml"
UNITS_FILE = "units.toml"

_ACTIVE_DIR: ContextVar[Path | None] = ContextVar("claimcheck_cue_dir", default=None)


@contextmanager
def cue_dir(directory: str | Path | None) -> Iterator[None]:
    """Read cue files from *directory* inside the ``with`` block."""
    if directory is None:
        yield
        return
    token = _ACTIVE_DIR.set(Path(directory))
    try:
        yield
    finally:
        _ACTIVE_DIR.reset(token)


def configured_dir() -> Path:
    active = _ACTIVE_DIR.get()
    if active is not None:
        return active
    from extractors.settings import Settings

    return Settings.from_env().gazetteer_dir


def cue_file(name: str, path: str | Path | None = None) -> Path:
    """The file *name* to read: *path* (a file or a directory) when given,
    else the configured gazetteer directory's copy, else the bundled one."""
    if path is not None:
        p = Path(path)
        return p / name if p.is_dir() else p
    p = configured_dir() / name
    return p if p.is_file() else GAZETTEER_DIR / name


@lru_cache(maxsize=16)
def _read(path: str, size: int, mtime_ns: int) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _load(p: Path) -> dict[str, Any]:
    st = p.stat()
    return _read(str(p.resolve()), st.st_size, st.st_mtime_ns)


def load_cues(path: str | Path | None = None) -> dict[str, Any]:
    return _load(cue_file(CUES_FILE, path))


def load_units(path: str | Path | None = None) -> dict[str, Any]:
    return _load(cue_file(UNITS_FILE, path))
