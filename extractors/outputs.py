"""The outputs stage: tables, DuckDB, report and exports from the stored
results of the earlier stages -- or nothing at all when nothing changed.

Its key (:func:`outputs_key`) holds every input the written files depend
on: the keys of the parse, NLP, claims and match results, the documents'
rows (less ``fetched_at`` and ``http_status``, which change at every
revalidation without changing a byte), the analysts' review decisions, the
case's description and the code of the writers.  When the last run of the
case wrote outputs under the same key, this run's folder gets hard links to
that run's files (its own copy, at no cost), publishing it changes no file's
content, and the database is left as it is.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.incremental import _source_hash, stage_key
from extractors.model import Case, DocumentRow
from extractors.settings import Settings

ARTICLE_ID = "article"
_VOLATILE = ("fetched_at", "http_status")


@dataclass
class OutputInputs:
    case: Case
    docs: list[DocumentRow]
    refs: dict[str, Any]  # source_id -> stagework.DocRef
    nlp_keys: dict[str, str]
    claims_key: str | None
    match_key: str
    settings: Settings
    run_id: str


@dataclass
class Written:
    counts: dict[str, int]
    verdicts: dict[str, int]
    reused: bool
    from_run: str
    notes: dict[str, Any] = field(default_factory=dict)


def _code_hash() -> str:
    import extractors.export as export_pkg
    import extractors.review as review_pkg
    import extractors.outputs as this

    return "".join(_source_hash(m) for m in (export_pkg, review_pkg, this))


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def outputs_key(inputs: OutputInputs) -> str:
    from extractors.review.store import reviews_path

    case = inputs.case
    docs = [{k: v for k, v in d.to_row().items() if k not in _VOLATILE} for d in inputs.docs]
    return stage_key(
        "outputs", case.id, case.title, case.published, case.article, list(case.sources), docs,
        sorted((sid, r.parse_key) for sid, r in inputs.refs.items()), sorted(inputs.nlp_keys.items()),
        inputs.claims_key, inputs.match_key, _file_hash(reviews_path(inputs.settings.out_dir)), _code_hash(),
    )


def reuse_outputs(key: str, out_dir: Path, run_dir: Path, db_path: Path) -> Written | None:
    """Link the last run's outputs into *run_dir* when they were written
    under *key* and are all still there; None otherwise (write them)."""
    try:
        last = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if last.get("outputs_key") != key:
        return None
    src_run = last.get("outputs_from_run") or last.get("run_id")
    src = out_dir / "runs" / str(src_run)
    needed = [src / "documents.parquet", out_dir / "documents.parquet", out_dir / "report.html", db_path]
    if not src_run or not all(p.exists() for p in needed):
        return None
    run_dir.mkdir(parents=True, exist_ok=True)
    for f in src.rglob("*"):
        if f.is_dir() or f.name == "run.json":
            continue
        dest = run_dir / f.relative_to(src)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(f, dest)
        except OSError:  # another file system, or links not allowed
            shutil.copy2(f, dest)
    # the database holds these outputs unless the last run found it busy
    db_current = last.get("database", "updated") in ("updated", "unchanged")
    return Written(counts=dict(last.get("counts") or {}), verdicts=dict(last.get("verdicts") or {}),
                   reused=True, from_run=str(src_run), notes={"database_current": db_current})


def write_outputs(inputs: OutputInputs, run_dir: Path) -> Written:
    """Load the stored results and write every table, the designations, the
    report and the exports into the run's folder (published afterwards)."""
    from extractors.export.exports import publish_review_outputs
    from extractors.export.lists import write_designations
    from extractors.export.tables import write_table
    from extractors.match.sanctions import list_passages
    from extractors.review import apply_case_reviews
    from extractors.stagework import load

    settings, case = inputs.settings, inputs.case
    parsed = {sid: load("parse", ref.parse_key, settings) for sid, ref in inputs.refs.items()}
    nlp = {sid: load(*_nlp_stage_key(key), settings) for sid, key in inputs.nlp_keys.items()}
    claims = load("claims", inputs.claims_key, settings) if inputs.claims_key else []
    source_claims = load("match-all", inputs.match_key, settings)
    tables = {
        "documents": inputs.docs,
        # a list's entries are passages only where a claim was matched to them
        "passages": [p for doc in parsed.values() for p in doc.passages] + list_passages(parsed, source_claims),
        "mentions": [m for sid in parsed for m in nlp[sid][0]],
        "relations": [r for sid in parsed for r in nlp[sid][1]],
        "claims": claims,
        "source_claims": source_claims,
    }
    tables["source_claims"], tables["mentions"] = apply_case_reviews(
        settings.out_dir, case.id, tables["source_claims"], tables["mentions"])
    article_doc = parsed.get(ARTICLE_ID)
    for name, rows in tables.items():
        write_table(run_dir, name, rows)
    write_designations(run_dir, parsed.values())
    publish_review_outputs((run_dir,), tables, case, article_doc.text if article_doc else "",
                           run_id=inputs.run_id, db_path=None, reviews_dir=settings.out_dir)
    return Written(counts={name: len(rows) for name, rows in tables.items()},
                   verdicts=dict(Counter(r.verdict for r in tables["source_claims"])),
                   reused=False, from_run=inputs.run_id)


def _nlp_stage_key(ref: str) -> tuple[str, str]:
    """``"nlp:<key>"`` or ``"nlp-partial:<key>"`` (a result cut by the NLP time limit)."""
    stage, _, key = ref.partition(":")
    return stage, key


def load_outputs_db(case_id: str, settings: Settings, run_dir: Path, db_path: Path) -> str:
    """Load the run's tables and designations into DuckDB; ``"updated"`` or ``"busy"``."""
    from extractors.export.lists import DESIGNATIONS_FILE, load_designations
    from extractors.export.tables import load_duckdb
    from extractors.publish import load_database
    from extractors.review.store import sync_reviews_duckdb

    def _load():
        load_duckdb(db_path, case_id, run_dir)
        load_designations(db_path, case_id, run_dir / DESIGNATIONS_FILE)
        sync_reviews_duckdb(settings.out_dir, db_path)

    return load_database(_load, db_path, settings.db_busy_wait)
