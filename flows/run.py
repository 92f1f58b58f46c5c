"""The Prefect flow: fetch -> parse -> NLP -> claims -> match -> outputs.

Flows only wire the plain functions of ``extractors``; per-source problems
become ``status``/``error`` columns and never fail the flow.  Import this
module only after :func:`flows.prefect_env.configure` has run.
"""
from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from extractors.export.manifest import build_manifest, write_manifest
from extractors.export.tables import load_duckdb, write_table
from extractors.model import Case, DocumentRow, ParsedDoc, SourceSpec
from extractors.registry.case import load_case
from extractors.settings import Settings

ARTICLE_ID = "article"


# ----------------------------------------------------------------- progress


class Reporter:
    """Progress sink.  The CLI passes a rich-backed one; the default is silent."""

    def stage(self, name: str, total: int | None = None) -> None: ...

    def advance(self, name: str, note: str = "") -> None: ...

    def done(self, name: str, note: str = "") -> None: ...


_reporter: Reporter = Reporter()


def set_reporter(reporter: Reporter | None) -> None:
    global _reporter
    _reporter = reporter or Reporter()


# ----------------------------------------------------------------- result


@dataclass
class RunResult:
    run_id: str
    case_id: str
    out_dir: Path
    run_dir: Path
    db_path: Path
    counts: dict[str, int]
    verdicts: dict[str, int]
    sources_ok: int
    sources_failed: int
    failures: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def new_run_id() -> str:
    now = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{now}-{uuid.uuid4().hex[:6]}"


def article_spec(case: Case) -> SourceSpec:
    is_url = case.article.startswith(("http://", "https://"))
    return SourceSpec(
        id=ARTICLE_ID,
        title=case.title,
        publisher="",
        kind="news",
        url=case.article if is_url else None,
        path=None if is_url else case.article,
    )


# ----------------------------------------------------------------- tasks


@task(name="fetch", cache_policy=NO_CACHE)
def fetch_stage(case: Case, settings: Settings) -> list[DocumentRow]:
    from extractors.fetch.fetch import fetch_all
    from extractors.fetch.store import RawStore

    store = RawStore(settings.store_dir)
    specs = [article_spec(case), *case.sources]
    _reporter.stage("fetch", len(specs))

    def progress(row: DocumentRow) -> None:
        _reporter.advance("fetch", f"{row.source_id}: {row.status}")

    rows = fetch_all(specs, case.root, store, settings, progress=progress)
    _reporter.done("fetch")
    return rows


@task(name="parse", cache_policy=NO_CACHE)
def parse_one(doc: DocumentRow, settings: Settings) -> tuple[DocumentRow, ParsedDoc | None]:
    from extractors.errors import ParseError
    from extractors.fetch.store import RawStore
    from extractors.parse import parse_cached

    if doc.status != "ok" or not doc.sha256:
        _reporter.advance("parse", f"{doc.source_id}: skipped")
        return doc, None
    raw = RawStore(settings.store_dir).read(doc.sha256)
    try:
        parsed = parse_cached(doc.source_id, doc.sha256, raw, doc.content_type or "text", settings)
    except ParseError as exc:
        doc.status = "failed"
        doc.error = f"parse failed: {exc}"
        _reporter.advance("parse", f"{doc.source_id}: failed")
        return doc, None
    doc.parser = parsed.parser
    doc.pages = parsed.pages
    doc.chars = len(parsed.text)
    doc.language = parsed.language
    _reporter.advance("parse", f"{doc.source_id}: {len(parsed.passages)} passages")
    return doc, parsed


@task(name="nlp", cache_policy=NO_CACHE)
def nlp_stage(parsed: dict[str, ParsedDoc], settings: Settings):
    from extractors.nlp import analyse
    from extractors.nlp.pipeline import build_nlp

    nlp = build_nlp(settings.model, settings.gazetteer_dir)
    passages = [p for doc in parsed.values() for p in doc.passages]
    _reporter.stage("nlp", len(parsed))
    mentions, relations = analyse(nlp, passages, batch_size=settings.nlp_batch_size)
    _reporter.done("nlp", f"{len(mentions)} mentions, {len(relations)} relations")
    return mentions, relations


@task(name="claims", cache_policy=NO_CACHE)
def claims_stage(case: Case, article: ParsedDoc | None, settings: Settings):
    from extractors.claims import extract_claims, read_article
    from extractors.nlp.pipeline import build_nlp
    from extractors.registry.gazetteer import load_gazetteer

    if article is None:
        return []
    nlp = build_nlp(settings.model, settings.gazetteer_dir)
    gaz = load_gazetteer(settings.gazetteer_dir)
    claims = extract_claims(case, read_article(case, article), nlp, gaz)
    _reporter.done("claims", f"{len(claims)} claims")
    return claims


@task(name="match", cache_policy=NO_CACHE)
def match_stage(case: Case, claims, sources: dict[str, tuple[DocumentRow, ParsedDoc | None]], settings: Settings):
    from extractors.match import match_claims
    from extractors.nlp.pipeline import build_nlp
    from extractors.registry.gazetteer import load_gazetteer

    nlp = build_nlp(settings.model, settings.gazetteer_dir)
    gaz = load_gazetteer(settings.gazetteer_dir)
    _reporter.stage("match", len(claims))
    rows = match_claims(case, claims, sources, nlp, gaz)
    _reporter.done("match", f"{len(rows)} claim-source rows")
    return rows


# ----------------------------------------------------------------- flow


def _timed(timings: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    try:
        return fn()
    finally:
        timings[name] = round(time.perf_counter() - t0, 3)


@flow(name="claimcheck-run", task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=False)
def run_case(case_dir: str, out_dir: str | None = None, offline: bool = False,
             overrides: dict[str, Any] | None = None) -> RunResult:
    """Run the whole pipeline on one case and write every table."""
    settings = Settings.from_env(**(overrides or {})).with_(offline=offline or None)
    if out_dir:
        settings = settings.with_(out_dir=Path(out_dir))
    case = load_case(case_dir)
    return execute(case, settings)


def execute(case: Case, settings: Settings) -> RunResult:
    run_id = new_run_id()
    started = datetime.now(timezone.utc)
    timings: dict[str, float] = {}

    docs: list[DocumentRow] = _timed(timings, "fetch", lambda: fetch_stage(case, settings))

    def _parse():
        _reporter.stage("parse", len(docs))
        futures = [parse_one.submit(d, settings) for d in docs]
        out = [f.result() for f in futures]
        _reporter.done("parse")
        return out

    parsed_pairs = _timed(timings, "parse", _parse)
    docs = [d for d, _ in parsed_pairs]
    parsed = {d.source_id: p for d, p in parsed_pairs if p is not None}

    mentions, relations = _timed(timings, "nlp", lambda: nlp_stage(parsed, settings))
    claims = _timed(timings, "claims", lambda: claims_stage(case, parsed.get(ARTICLE_ID), settings))
    sources = {d.source_id: (d, parsed.get(d.source_id)) for d in docs if d.source_id != ARTICLE_ID}
    source_claims = _timed(timings, "match", lambda: match_stage(case, claims, sources, settings))

    tables = {
        "documents": docs,
        "passages": [p for doc in parsed.values() for p in doc.passages],
        "mentions": mentions,
        "relations": relations,
        "claims": claims,
        "source_claims": source_claims,
    }
    out_dir = settings.out_dir / case.id
    run_dir = out_dir / "runs" / run_id
    db_path = settings.out_dir / "claimcheck.duckdb"

    def _write():
        for name, rows in tables.items():
            write_table(run_dir, name, rows)
        for name, rows in tables.items():
            write_table(out_dir, name, rows)
        load_duckdb(db_path, case.id, out_dir)

    _timed(timings, "outputs", _write)
    counts = {name: len(rows) for name, rows in tables.items()}
    verdicts = dict(Counter(r.verdict for r in source_claims))
    source_docs = [d for d in docs if d.source_id != ARTICLE_ID]
    manifest = build_manifest(
        run_id=run_id, case=case, settings=settings, started=started,
        counts=counts, verdicts=verdicts, timings=timings, documents=docs,
    )
    write_manifest(run_dir / "run.json", manifest)
    write_manifest(out_dir / "run.json", manifest)
    return RunResult(
        run_id=run_id,
        case_id=case.id,
        out_dir=out_dir,
        run_dir=run_dir,
        db_path=db_path,
        counts=counts,
        verdicts=verdicts,
        sources_ok=sum(d.status == "ok" for d in source_docs),
        sources_failed=sum(d.status != "ok" for d in source_docs),
        failures=[(d.source_id, d.error or "") for d in source_docs if d.status != "ok"],
        timings=timings,
    )
