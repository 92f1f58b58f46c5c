"""On-disk cache of parsed documents, keyed by (sha256, parser version).

One JSON file per key under ``<state_dir>/parsed/<sha[:2]>/``; written to a
temporary file and renamed, so a reader never sees half a file.  Passages are
stored without ``source_id`` and ids, which are minted again on load: the
same bytes registered under another source id get that source's ids.
Failures are cached as well (a timeout or crash with the limit it ran under,
so a larger limit tries again).
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors.atomic import atomic_write_bytes
from extractors.errors import ParseError
from extractors.model import ParsedDoc

from .build import make_passages

FORMAT_VERSION = 1


def cache_path(state_dir: Path, sha256: str, parser_version: str) -> Path:
    safe = parser_version.replace("/", "_").replace("+", "_")
    return Path(state_dir) / "parsed" / sha256[:2] / f"{sha256}.{safe}.{_code_hash()}.json"


@lru_cache(maxsize=1)
def _code_hash() -> str:
    """Hash of the parser's own source files: an edited parser never serves
    results cached by the old code, even if nobody bumped its version."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:10]


def load(path: Path, source_id: str, timeout: float, memory_mb: int | None = None) -> ParsedDoc | None:
    """The cached document, or None on a miss.  A cached failure raises
    its ParseError again, unless it was a timeout (or a crash) under a
    smaller time (or memory) limit than the current one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("cache_format") != FORMAT_VERSION:
        return None
    if "error" in data:
        err = data["error"]
        if err.get("timeout") and float(err["timeout"]) < timeout:
            return None
        if err.get("memory_mb") and memory_mb and int(err["memory_mb"]) < memory_mb:
            return None
        raise ParseError(err["message"], hint=err.get("hint") or None)
    d = data["doc"]
    text = d["text"]
    sha = d["sha256"]
    passages = make_passages(text, [tuple(p) for p in d["spans"]], source_id, sha)
    try:
        designations = _load_designations(path, d)
    except Exception:  # noqa: BLE001 - a missing or damaged table is a cache miss
        return None
    return ParsedDoc(
        source_id=source_id,
        sha256=sha,
        parser=d["parser"],
        text=text,
        passages=passages,
        pages=d.get("pages"),
        language=d.get("language"),
        title=d.get("title"),
        published=d.get("published"),
        designations=designations,
        warnings=d.get("warnings") or [],
        parser_detail=d.get("parser_detail"),
    )


def _designations_path(path: Path) -> Path:
    return path.with_name(path.name[: -len(".json")] + ".designations.parquet")


def _load_designations(path: Path, d: dict[str, Any]):
    """A list's designations from their Parquet file next to the JSON."""
    if not d.get("designations_file"):
        return d.get("designations") or []
    from .designations import Designations

    return Designations.read_parquet(path.with_name(d["designations_file"]))


def store_doc(path: Path, doc: ParsedDoc) -> None:
    designations: Any = doc.designations
    extra: dict[str, Any] = {}
    if designations:
        # a list's designations go to Parquet; the JSON names the file, which
        # is written first so a reader that finds the JSON finds the table
        from .designations import as_designations

        target = _designations_path(path)
        as_designations(designations).write_parquet(target)
        designations, extra = [], {"designations_file": target.name}
    _write(
        path,
        {
            "cache_format": FORMAT_VERSION,
            "doc": {
                "sha256": doc.sha256,
                "parser": doc.parser,
                "text": doc.text,
                "spans": [[p.char_start, p.char_end, p.page, p.paragraph, p.kind] for p in doc.passages],
                "pages": doc.pages,
                "language": doc.language,
                "title": doc.title,
                "published": doc.published,
                "designations": designations,
                "warnings": doc.warnings,
                "parser_detail": doc.parser_detail,
                **extra,
            },
        },
    )


def store_error(path: Path, exc: ParseError, *, timeout: float | None = None, memory_mb: int | None = None) -> None:
    message = exc.args[0] if exc.args else str(exc)
    err = {"message": message, "hint": exc.hint, "timeout": timeout, "memory_mb": memory_mb}
    _write(path, {"cache_format": FORMAT_VERSION, "error": err})


def _write(path: Path, data: dict[str, Any]) -> None:
    atomic_write_bytes(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
