"""The Prefect flow: fetch -> parse -> NLP -> claims -> match -> outputs.

Flows only wire the plain functions of ``extractors``; per-source problems
become ``status``/``error`` columns and never fail the flow.  Import this
module only after :func:`flows.prefect_env.configure` has run.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: F401

from flows.taskrunners import default_task_runner

from extractors.export.manifest import build_manifest, write_manifest
from extractors.incremental import Ledger, ResultCache, Versions, previous_documents, record_fetch
from extractors.model import Case, DocumentRow, SourceSpec
from extractors.registry.case import load_case
from extractors.settings import Settings

ARTICLE_ID = "article"


# ----------------------------------------------------------------- progress


class Reporter:
    """Progress sink.  The CLI passes a rich-backed one; the default is silent."""

    def stage(self, name: str, total: int | None = None) -> None: ...

    def advance(self, name: str, note: str = "") -> None: ...

    def done(self, name: str, note: str = "") -> None: ...

    # called by the flow around every stage (start and end, whatever happens inside)
    def begin(self, name: str) -> None: ...

    def end(self, name: str, failed: bool = False) -> None: ...


_reporter: Reporter = Reporter()
# perf_counter() when the flow's body began: the CLI reports the time between
# calling the flow and this moment as Prefect's start-up
EXECUTE_STARTED: float | None = None


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
    database: str = "updated"  # or "busy": another process held the DuckDB file
    article: dict[str, Any] = field(default_factory=dict)  # status, error, language, warnings


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
def parse_one(doc: DocumentRow, settings: Settings, versions: Versions | None = None):
    """One document -> (doc with parse columns, reference to the parsed doc, reused?)."""
    from extractors.stagework import parse_ref

    return parse_ref(doc, settings, versions or Versions.current(settings.model, settings.gazetteer_dir))


@task(name="nlp", cache_policy=NO_CACHE)
def nlp_one(ref, settings: Settings, versions: Versions | None = None):
    """One parsed document (by reference) -> (key of its mentions and relations, reused?)."""
    from extractors.stagework import nlp_ref

    return nlp_ref(ref, settings, versions or Versions.current(settings.model, settings.gazetteer_dir))


@task(name="claims", cache_policy=NO_CACHE)
def claims_stage(case: Case, article, settings: Settings, versions: Versions | None = None):
    """The article (by reference) -> (key of its claims, reused?)."""
    from extractors.stagework import claims_ref

    key, reused = claims_ref(case, article, settings,
                             versions or Versions.current(settings.model, settings.gazetteer_dir))
    _reporter.done("claims", "reused" if reused else "computed")
    return key, reused


@task(name="match", cache_policy=NO_CACHE)
def match_stage(case: Case, claims_key, sources: dict, settings: Settings, versions: Versions | None = None):
    """Claims and sources by reference -> (key of every claim-source row, {source_id: reused})."""
    from extractors.stagework import match_refs

    _reporter.stage("match", len(sources))

    def progress(sid: str, hit: bool) -> None:
        _reporter.advance("match", f"{sid}: " + ("reused" if hit else "computed"))

    key, reused = match_refs(case, claims_key, sources, settings,
                             versions or Versions.current(settings.model, settings.gazetteer_dir), progress)
    return key, reused


# ----------------------------------------------------------------- flow


def _timed(timings: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    begin, end = getattr(_reporter, "begin", None), getattr(_reporter, "end", None)
    if begin:
        begin(name)
    failed = True
    try:
        out = fn()
        failed = False
        return out
    finally:
        timings[name] = round(time.perf_counter() - t0, 3)
        if end:
            end(name, failed)


@flow(name="claimcheck-run", task_runner=default_task_runner(), log_prints=False)
def run_case(case_dir: str, out_dir: str | None = None, offline: bool = False,
             overrides: dict[str, Any] | None = None) -> RunResult:
    """Run the whole pipeline on one case and write every table."""
    settings = Settings.from_env(**(overrides or {})).with_(offline=offline or None)
    if out_dir:
        settings = settings.with_(out_dir=Path(out_dir))
    case = load_case(case_dir)
    return execute(with_known_editions(case, settings), settings)


def with_known_editions(case: Case, settings: Settings) -> Case:
    """The case plus the editions ``claimcheck watch`` recorded for it (case.toml is never edited)."""
    from extractors.editions import load_ledger, with_editions

    return with_editions(case, load_ledger(settings, case.id))


# what the flow's body imports on every run, nothing changed or not
_BODY_MODULES = ("extractors.articlecheck", "extractors.editions", "extractors.export.tables",
                 "extractors.fetch.fetch", "extractors.fetch.store", "extractors.outputlock", "extractors.outputs",
                 "extractors.preflight", "extractors.publish", "extractors.review.store", "extractors.stagework")


def warm_up() -> None:
    """Import the modules the flow's body needs (the fetch stage, the stage
    cache look-ups, the outputs and publishing steps): the CLI calls this
    while Prefect's server is starting, so the flow does not wait for them."""
    import importlib

    for name in _BODY_MODULES:
        importlib.import_module(name)


def run_case_flow(dask: str | None = None):
    """``run_case`` with its task runner chosen at call time: in-process threads
    by default, or a Dask cluster (``"local"``, ``"local:N"`` or a scheduler
    address) through prefect-dask for the per-document tasks."""
    from flows.taskrunners import make_task_runner

    return run_case if not dask else run_case.with_options(task_runner=make_task_runner(dask))


def _per_document(ledger: Ledger, stage: str, items: list, lookup: Callable, task, settings: Settings,
                  versions: Versions, key: Callable[[Any], str]) -> dict[str, Any]:
    """Reuse cached results in the flow process; submit a task only for misses."""
    out: dict[str, Any] = {}
    pending = []
    _reporter.stage(stage, len(items))
    for item in items:
        hit = lookup(item, settings, versions)
        if hit is not None:
            # a lookup gives the task's result without its "reused" flag, or a
            # complete 3-tuple when there is no work at all (flag None)
            out[key(item)] = hit if len(hit) == 3 else (*hit, True)
            _reporter.advance(stage, f"{key(item)}: reused")
        else:
            pending.append((item, task.submit(item, settings, versions)))
    for item, fut in pending:
        out[key(item)] = fut.result()
        _reporter.advance(stage, f"{key(item)}: computed")
    for item_id, value in out.items():
        if value[-1] is not None:
            ledger.record(stage, item_id, bool(value[-1]))
    _reporter.done(stage)
    return out


def execute(case: Case, settings: Settings) -> RunResult:
    """One run; the output folder is held for its whole length (one run at a time)."""
    from extractors.outputlock import output_lock
    from extractors.preflight import check_writable

    check_writable(settings)
    with output_lock(settings.out_dir, settings.lock_wait):
        return _execute(case, settings)


def _execute(case: Case, settings: Settings) -> RunResult:
    """The stages in order.  Each hands the next one references (cache keys)
    to its stored results; the outputs stage is the only one that loads them
    all, and it is skipped when the previous run wrote the same outputs."""
    from extractors.articlecheck import article_status, limit_article, with_nlp_notes
    from extractors.stagework import PartialList, load, lookup_nlp_ref, lookup_parse_ref

    global EXECUTE_STARTED
    EXECUTE_STARTED = time.perf_counter()
    run_id = new_run_id()
    started = datetime.now(timezone.utc)
    timings: dict[str, float] = {}
    ledger = Ledger()
    versions = Versions.current(settings.model, settings.gazetteer_dir)
    ResultCache.for_settings(settings).sweep()
    previous = previous_documents(settings.out_dir / case.id)

    docs: list[DocumentRow] = _timed(timings, "fetch", lambda: fetch_stage(case, settings))
    docs = limit_article(docs, settings)
    record_fetch(ledger, docs, previous)

    parsed_out = _timed(timings, "parse", lambda: _per_document(
        ledger, "parse", docs, lookup_parse_ref, parse_one, settings, versions, lambda d: d.source_id))
    docs = [parsed_out[d.source_id][0] for d in docs]
    refs = {sid: v[1] for sid, v in parsed_out.items() if v[1] is not None}

    nlp_out = _timed(timings, "nlp", lambda: _per_document(
        ledger, "nlp", list(refs.values()), lookup_nlp_ref, nlp_one, settings, versions,
        lambda r: r.source_id))
    nlp_keys = {sid: nlp_out[sid][0] for sid in refs}
    docs = with_nlp_notes(docs, {sid: (PartialList((), v[1]),) for sid, v in nlp_out.items() if v[1]})

    claims_key, claims_reused = _timed(timings, "claims", lambda: claims_stage(
        case, refs.get(ARTICLE_ID), settings, versions))
    if refs.get(ARTICLE_ID) is not None:
        ledger.record("claims", ARTICLE_ID, claims_reused)

    sources = {d.source_id: (d, refs.get(d.source_id)) for d in docs if d.source_id != ARTICLE_ID}
    match_key_, match_reused = _timed(timings, "match", lambda: match_stage(
        case, claims_key, sources, settings, versions))
    for sid, hit in match_reused.items():
        ledger.record("match", sid, hit)

    out_dir = settings.out_dir / case.id
    run_dir = out_dir / "runs" / run_id
    db_path = settings.out_dir / "claimcheck.duckdb"
    from extractors.outputs import OutputInputs, load_outputs_db, outputs_key, reuse_outputs, write_outputs
    from extractors.publish import publish_run

    inputs = OutputInputs(case=case, docs=docs, refs=refs, nlp_keys=nlp_keys, claims_key=claims_key,
                          match_key=match_key_, settings=settings, run_id=run_id)
    out_key = outputs_key(inputs)
    written = _timed(timings, "outputs", lambda: reuse_outputs(out_key, out_dir, run_dir, db_path)
                     or write_outputs(inputs, run_dir))
    ledger.record("outputs", case.id, written.reused)
    database = "unchanged" if written.notes.get("database_current") else _timed(
        timings, "database", lambda: load_outputs_db(case.id, settings, run_dir, db_path))
    article_ref = refs.get(ARTICLE_ID)
    article = article_status(docs, load("parse", article_ref.parse_key, settings) if article_ref else None,
                             settings)
    counts, verdicts = written.counts, written.verdicts
    source_docs = [d for d in docs if d.source_id != ARTICLE_ID]
    manifest = build_manifest(
        run_id=run_id, case=case, settings=settings, started=started,
        counts=counts, verdicts=verdicts, timings=timings, documents=docs,
        versions=versions.as_dict(),
        extra={"stages": ledger.to_dict(), "stage_inputs": versions.as_dict(), "outputs_key": out_key,
               "outputs_from_run": written.from_run, "database": database, "article": article},
    )
    write_manifest(run_dir / "run.json", manifest)
    publish_run(out_dir, run_dir)
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
        database=database,
        article=article,
    )
