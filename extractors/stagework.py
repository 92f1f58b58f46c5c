"""The per-item work of each stage, wrapped in the input-hash cache.

Plain functions (no Prefect): the flow's tasks call them, and a Dask worker
can run them because every argument and result pickles.  Each returns the
stage's result and whether it was *reused* from an earlier run.  Heavy
resources (the spaCy pipeline, the gazetteer) are only loaded on a miss, so a
run with nothing changed never loads the model.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from extractors.incremental import (
    ResultCache, Versions, cached, claims_key, match_key, nlp_key, parse_key, stage_key,
)
from extractors.model import Case, Claim, DocumentRow, Mention, ParsedDoc, Relation, SourceClaim
from extractors.settings import Settings


def parse_document(doc: DocumentRow, settings: Settings, versions: Versions
                   ) -> tuple[DocumentRow, ParsedDoc | None, bool | None]:
    """Parse one fetched document.  Returns ``(doc, parsed, reused)``; *reused*
    is None when there was nothing to parse (fetch failed)."""
    from extractors.errors import ParseError
    from extractors.fetch.store import RawStore
    from extractors.parse import parse_cached

    if doc.status != "ok" or not doc.sha256:
        return doc, None, None
    fmt = doc.content_type or "text"
    key = _parse_doc_key(doc, versions)
    cache = ResultCache.for_settings(settings)

    def compute() -> ParsedDoc:
        raw = RawStore(settings.store_dir).read(doc.sha256)
        return parse_cached(doc.source_id, doc.sha256, raw, fmt, settings)

    try:
        parsed, reused = cached(cache, "parse", key, compute)
    except ParseError as exc:
        doc = replace(doc, status="failed", error=f"parse failed: {exc}")
        return doc, None, False
    return _with_parse_columns(doc, parsed), parsed, reused


def _parse_doc_key(doc: DocumentRow, versions: Versions) -> str:
    return stage_key("parse-doc", doc.source_id,
                     parse_key(doc.sha256 or "", doc.content_type or "text", versions))


MAX_PARSE_WARNINGS = 5  # shown in the documents table; the rest are counted


def parse_warning_text(warnings: list[str]) -> str | None:
    """The parser's warnings (a page skipped, rows skipped, a fallback
    decoder) as one ``warning: parse: ...`` note for the ``error`` column."""
    if not warnings:
        return None
    shown = "; ".join(warnings[:MAX_PARSE_WARNINGS])
    more = len(warnings) - MAX_PARSE_WARNINGS
    return f"warning: parse: {shown}" + (f" (and {more} more)" if more > 0 else "")


def _with_parse_columns(doc: DocumentRow, parsed: ParsedDoc) -> DocumentRow:
    note = parse_warning_text(parsed.warnings)
    error = f"{doc.error}; {note}" if doc.error and note else (doc.error or note)
    return replace(doc, parser=parsed.parser, pages=parsed.pages, chars=len(parsed.text),
                   language=parsed.language, error=error)


def lookup_parse(doc: DocumentRow, settings: Settings, versions: Versions
                 ) -> tuple | None:
    """The cached parse of *doc* as ``(doc, parsed)``, or None: lets the flow skip
    submitting a task.  A document that was not fetched gives ``(doc, None, None)``:
    final, nothing to parse and nothing to count."""
    if doc.status != "ok" or not doc.sha256:
        return doc, None, None
    hit, parsed = ResultCache.for_settings(settings).get("parse", _parse_doc_key(doc, versions))
    return (_with_parse_columns(doc, parsed), parsed) if hit else None


def _nlp_doc_key(parsed: ParsedDoc, versions: Versions) -> str:
    return stage_key("nlp-doc", parsed.source_id, nlp_key(parsed.sha256, versions))


def lookup_nlp(parsed: ParsedDoc, settings: Settings, versions: Versions
               ) -> tuple[list[Mention], list[Relation]] | None:
    """The cached mentions and relations of *parsed*, or None."""
    hit, value = ResultCache.for_settings(settings).get("nlp", _nlp_doc_key(parsed, versions))
    return value if hit else None


def analyse_document(parsed: ParsedDoc, settings: Settings, versions: Versions
                     ) -> tuple[list[Mention], list[Relation], bool]:
    """Mentions and relations of one parsed document: ``(mentions, relations, reused)``."""
    import time

    from extractors.nlp import NlpTimeLimit

    key = _nlp_doc_key(parsed, versions)

    def compute():
        from extractors.nlp import analyse
        from extractors.nlp.pipeline import build_nlp

        if not parsed.passages:  # a sanctions list: structured data, nothing for the NLP pipeline
            return [], []
        nlp = build_nlp(settings.model, settings.gazetteer_dir)
        deadline = time.monotonic() + settings.nlp_timeout
        mentions, relations = analyse(nlp, parsed.passages, batch_size=settings.nlp_batch_size,
                                      deadline=deadline)
        return list(mentions), list(relations)

    try:
        (mentions, relations), reused = cached(ResultCache.for_settings(settings), "nlp", key, compute)
    except NlpTimeLimit as stop:  # partial results, not cached: the next run tries again
        note = (f"NLP stopped after nlp_timeout={settings.nlp_timeout:g} s at piece {stop.done + 1} of"
                f" {stop.total}; mentions and relations of this document are incomplete"
                " (raise CLAIMCHECK_NLP_TIMEOUT for long documents)")
        return PartialList(stop.mentions, note), list(stop.relations), False
    return mentions, relations, reused


class PartialList(list):
    """A result list that says why it is incomplete (``note``); pickles with it."""

    def __init__(self, items=(), note: str = ""):
        super().__init__(items)
        self.note = note


def _case_inputs(case: Case) -> dict[str, Any]:
    """What of the case the claims stage reads (not where the case lives on disk)."""
    return {"id": case.id, "title": case.title, "published": case.published,
            "sources": [s for s in case.sources]}


def extract_article_claims(case: Case, article: ParsedDoc | None, settings: Settings,
                           versions: Versions) -> tuple[list[Claim], bool]:
    """The article's claims: ``(claims, reused)``."""
    if article is None:
        return [], False
    key = claims_key(article.sha256, _case_inputs(case), case.id, versions)

    def compute():
        from extractors.claims import extract_claims, read_article
        from extractors.nlp.pipeline import build_nlp
        from extractors.registry.gazetteer import load_gazetteer

        from extractors.claims.cues import cue_dir

        nlp = build_nlp(settings.model, settings.gazetteer_dir)
        gaz = load_gazetteer(settings.gazetteer_dir)
        with cue_dir(settings.gazetteer_dir):
            return list(extract_claims(case, read_article(case, article), nlp, gaz))

    return cached(ResultCache.for_settings(settings), "claims", key, compute)


class _OneSource(dict):
    """The ``sources`` mapping handed to the matcher for one source.

    It iterates over that one source only; looking up any other source (a
    claim citing several) gives a not-fetched placeholder, and the rows made
    for placeholders are dropped.  A source's rows therefore depend on that
    source alone, which is what lets match be cached per source.
    """

    def __missing__(self, source_id: str):
        return DocumentRow(source_id=source_id, status="skipped", error="matched separately"), None


def claim_level_rows(case: Case, claims: list[Claim]) -> list[SourceClaim]:
    """Rows that depend on no source: the ``not_checkable`` row (source_id
    empty) of each claim that is neither checkworthy nor attributed.  The
    matcher writes them before it looks at any source, so no model is needed."""
    from extractors.match import match_claims

    lonely = [c for c in claims if not c.checkworthy and not c.cited_source_ids]
    if not lonely:
        return []
    return [r for r in match_claims(case, lonely, _OneSource(), None, None) if r.source_id == ""]


def claims_fingerprint(claims: list[Claim]) -> str:
    return stage_key("claims-rows", [c.to_row() for c in claims])


def match_source(case: Case, claims: list[Claim], claims_fp: str, doc: DocumentRow,
                 parsed: ParsedDoc | None, settings: Settings, versions: Versions,
                 resources: dict[str, Any] | None = None) -> tuple[list[SourceClaim], bool]:
    """The claim-source rows of one source: ``(rows, reused)``.

    *resources* is a dict the caller keeps across sources, so the model and
    gazetteer are loaded at most once per run and only when something missed.
    """
    spec = case.source(doc.source_id)
    key = match_key(claims_fp, spec, doc.sha256, doc.status, doc.error if doc.status != "ok" else None,
                    versions)

    def compute():
        from extractors.match import match_claims

        res = resources if resources is not None else {}
        if "nlp" not in res:
            from extractors.nlp.pipeline import build_nlp
            from extractors.registry.gazetteer import load_gazetteer

            res["nlp"] = build_nlp(settings.model, settings.gazetteer_dir)
            res["gaz"] = load_gazetteer(settings.gazetteer_dir)
        from extractors.claims.cues import cue_dir

        one = _OneSource({doc.source_id: (doc, parsed)})
        with cue_dir(settings.gazetteer_dir):
            rows = match_claims(case, claims, one, res["nlp"], res["gaz"])
        return [r for r in rows if r.source_id == doc.source_id]

    # a failed source's key holds its status and error: when it comes back, the key changes
    return cached(ResultCache.for_settings(settings), "match", key, compute)


__all__ = ["analyse_document", "claim_level_rows", "claims_fingerprint", "extract_article_claims", "lookup_nlp",
           "lookup_parse", "match_source", "parse_document"]
