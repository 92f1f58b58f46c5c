"""Append-only, content-addressed raw store.

Layout under ``root`` (``settings.store_dir``, default ``corpus/store/``)::

    objects/ab/abcdef0123...   the bytes, named by their sha256, read-only
    versions.jsonl             one line per new version of a source (provenance)
    attempts.jsonl             one line per fetch attempt, successful or not
    tmp/                       temporary files; never read as objects

Rules: an object is written to ``tmp/`` first, flushed and fsynced, then
renamed into ``objects/`` (``os.replace`` is atomic on one file system), so
a crash leaves at most a stray temporary file, never a half-written object
under its final name.  Objects are never overwritten (the name is the hash)
or deleted.  A version line is appended only after its object is in place.

The manifests are JSON lines rather than a DuckDB table: each record is one
``write`` on a file opened with ``O_APPEND`` followed by ``fsync``, under a
process-wide lock plus ``flock``; a crash can at worst cut the last line,
which readers skip.  Nothing is ever rewritten, so earlier records cannot be
damaged by a later run, and the files stay readable with ``jq``/DuckDB's
``read_json``.  (A DuckDB file is rewritten in place and needs a single
writer; that is the wrong shape for an audit log.)
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from extractors.atomic import fsync_dir, pid_alive
from extractors.model import DocumentRow

_HEX = frozenset("0123456789abcdef")


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class StoredVersion:
    source_id: str
    sha256: str
    bytes: int
    url: str | None
    final_url: str | None
    content_type: str | None  # sniffed format
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


_VERSION_KEYS = ("url", "final_url", "content_type", "fetched_at", "etag", "last_modified")


def _valid_sha(sha: str) -> bool:
    return len(sha) == 64 and set(sha) <= _HEX


class RawStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.tmp = self.root / "tmp"
        self.versions_file = self.root / "versions.jsonl"
        self.attempts_file = self.root / "attempts.jsonl"
        self._lock = threading.Lock()
        self._ready = False

    # ------------------------------------------------------------------ setup

    def _ensure(self) -> None:
        if self._ready:
            return
        self.objects.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self._sweep_tmp()
        self._ready = True

    def _sweep_tmp(self) -> None:
        """Remove temporary files left by processes that no longer run."""
        for p in self.tmp.glob("*.part"):
            try:
                pid = int(p.name.split(".", 1)[0])
            except ValueError:
                continue
            if pid != os.getpid() and not pid_alive(pid):
                p.unlink(missing_ok=True)

    # ------------------------------------------------------------------ objects

    def object_path(self, sha256: str) -> Path:
        if not _valid_sha(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.objects / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.object_path(sha256).is_file()

    def put_object(self, data: bytes) -> str:
        """Write *data* under its hash (atomically) and return the hash."""
        self._ensure()
        sha = hashlib.sha256(data).hexdigest()
        final = self.object_path(sha)
        if final.is_file() and final.stat().st_size == len(data):
            return sha
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.tmp / f"{os.getpid()}.{threading.get_ident()}.{sha[:16]}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o444)
        os.replace(tmp, final)
        fsync_dir(final.parent)
        return sha

    def read(self, sha256: str) -> bytes:
        data = self.object_path(sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError(f"store object {sha256} is corrupt (hash mismatch)")
        return data

    # ------------------------------------------------------------------ versions

    def put(self, source_id: str, data: bytes, provenance: dict[str, Any]) -> StoredVersion:
        """Store *data* as the newest version of *source_id*.

        Identical bytes to the source's newest version record nothing new
        and return that version.  Bytes equal to an *older* version are a
        new version (the document changed back), pointing at the same object.
        """
        sha = self.put_object(data)
        with self._lock, _locked(self.root / ".lock"):
            latest = self.latest(source_id)
            if latest is not None and latest.sha256 == sha:
                return latest
            prov = dict(provenance)
            fields_ = {k: prov.pop(k, None) for k in _VERSION_KEYS}
            version = StoredVersion(
                source_id=source_id,
                sha256=sha,
                bytes=len(data),
                url=fields_["url"],
                final_url=fields_["final_url"],
                content_type=fields_["content_type"],
                fetched_at=fields_["fetched_at"] or utcnow(),
                etag=fields_["etag"],
                last_modified=fields_["last_modified"],
                provenance=prov,
            )
            _append_line(self.versions_file, asdict(version))
            return version

    def versions(self, source_id: str) -> list[StoredVersion]:
        """All versions of *source_id*, oldest first."""
        return [v for v in self._all_versions() if v.source_id == source_id]

    def latest(self, source_id: str) -> StoredVersion | None:
        vs = self.versions(source_id)
        return vs[-1] if vs else None

    def source_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for v in self._all_versions():
            seen.setdefault(v.source_id, None)
        return list(seen)

    def _all_versions(self) -> Iterator[StoredVersion]:
        for rec in _read_lines(self.versions_file):
            try:
                yield StoredVersion(**rec)
            except TypeError:
                continue

    # ------------------------------------------------------------------ attempts

    def record_attempt(self, row: DocumentRow | dict[str, Any]) -> None:
        rec = row.to_row() if isinstance(row, DocumentRow) else dict(row)
        rec.setdefault("recorded_at", utcnow())
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock, _locked(self.root / ".lock"):
            _append_line(self.attempts_file, rec)

    def attempts(self, source_id: str | None = None) -> list[dict[str, Any]]:
        return [r for r in _read_lines(self.attempts_file)
                if source_id is None or r.get("source_id") == source_id]


# ---------------------------------------------------------------------- helpers


class _locked:
    """``flock`` on a lock file, so two processes never interleave appends."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _append_line(path: Path, rec: dict[str, Any]) -> None:
    line = json.dumps(rec, ensure_ascii=False, sort_keys=False, default=str) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        # a previous crash may have cut the last line: start on a fresh one
        size = os.fstat(fd).st_size
        if size:
            with open(path, "rb") as fh:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":
                    line = "\n" + line
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash
            if isinstance(rec, dict):
                yield rec

