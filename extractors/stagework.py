"""The per-item work of each stage, wrapped in the input-hash cache.

Plain functions (no Prefect): the flow's tasks call them, and a Dask worker
can run them because every argument and result pickles.  Each returns the
stage's result and whether it was *reused* from an earlier run.  Heavy
resources (the spaCy pipeline, the gazetteer) are only loaded on a miss, so a
run with nothing changed never loads the model.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
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
    return replace(doc, parser=parsed.parser, pages=parsed.pages, chars=len(parsed.text),
                   language=parsed.language, error=_with_note(doc.error, parse_warning_text(parsed.warnings)))


def _with_note(error: str | None, note: str | None) -> str | None:
    return f"{error}; {note}" if error and note else (error or note)


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
                 resources: dict[str, Any] | None = None, key: str | None = None
                 ) -> tuple[list[SourceClaim], bool]:
    """The claim-source rows of one source: ``(rows, reused)``.

    *resources* is a dict the caller keeps across sources, so the model and
    gazetteer are loaded at most once per run and only when something missed.
    """
    spec = case.source(doc.source_id)
    key = key or match_key(claims_fp, spec, doc.sha256, doc.status,
                           doc.error if doc.status != "ok" else None, versions)

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


# ----------------------------------------------------------------- references
#
# The flow passes stages *references* to stored results, not the results:
# a stage gets the cache keys of what it reads, loads what it needs (and only
# on a miss), stores its own result and hands back its key.  A Prefect task
# therefore sees a few short strings per document, never the passages.


@dataclass(frozen=True)
class DocRef:
    """A parsed document in the stage cache: who it is and where its parse is."""

    source_id: str
    sha256: str
    parse_key: str


def load(stage: str, key: str, settings: Settings) -> Any:
    """A stored stage result; a missing entry is a bug in the caller (KeyError)."""
    hit, value = ResultCache.for_settings(settings).get(stage, key)
    if not hit:
        raise KeyError(f"{stage} result {key[:12]} is not in the stage cache")
    return value


# the document-row columns a parse sets, stored beside the parse so that a
# re-run fills them without loading the parsed document
PARSE_COLUMNS = "parse-columns"


def _parse_columns(parsed: ParsedDoc) -> dict[str, Any]:
    return {"parser": parsed.parser, "pages": parsed.pages, "chars": len(parsed.text),
            "language": parsed.language, "detail": parsed.parser_detail, "warnings": list(parsed.warnings)}


def parse_ref(doc: DocumentRow, settings: Settings, versions: Versions
              ) -> tuple[DocumentRow, DocRef | None, bool | None]:
    """:func:`parse_document` returning a reference to the parsed document."""
    doc, parsed, reused = parse_document(doc, settings, versions)
    if parsed is None:
        return doc, None, reused
    key = _parse_doc_key(doc, versions)
    cache = ResultCache.for_settings(settings)
    if not cache.has(PARSE_COLUMNS, key):
        cache.put(PARSE_COLUMNS, key, _parse_columns(parsed))
    return doc, DocRef(doc.source_id, parsed.sha256, key), reused


def lookup_parse_ref(doc: DocumentRow, settings: Settings, versions: Versions) -> tuple | None:
    """``(doc, ref, reused)`` from the cache without loading the parsed document, or None."""
    if doc.status != "ok" or not doc.sha256:
        return doc, None, None
    key = _parse_doc_key(doc, versions)
    cache = ResultCache.for_settings(settings)
    hit, cols = cache.get(PARSE_COLUMNS, key)
    if not hit:
        return None
    ref = DocRef(doc.source_id, doc.sha256, key)
    return replace(doc, parser=cols["parser"], pages=cols["pages"], chars=cols["chars"], language=cols["language"],
                   error=_with_note(doc.error, parse_warning_text(cols["warnings"]))), ref, True


def _nlp_ref_key(ref: DocRef, versions: Versions) -> str:
    return stage_key("nlp-doc", ref.source_id, nlp_key(ref.sha256, versions))


def nlp_ref(ref: DocRef, settings: Settings, versions: Versions) -> tuple[str, str | None, bool]:
    """Mentions and relations of one document, stored; returns ``(ref, note, reused)``.

    *ref* is ``"nlp:<key>"``; a result cut short by the NLP time limit is kept
    apart as ``"nlp-partial:<key>"`` (for this run's tables only: the next run
    tries the document again) and *note* says why."""
    key = _nlp_ref_key(ref, versions)
    cache = ResultCache.for_settings(settings)
    if cache.has("nlp", key):
        return f"nlp:{key}", None, True
    parsed = load("parse", ref.parse_key, settings)
    mentions, relations, reused = analyse_document(parsed, settings, versions)
    note = getattr(mentions, "note", None)
    if note:
        cache.put("nlp-partial", key, (list(mentions), list(relations)))
        return f"nlp-partial:{key}", note, False
    return f"nlp:{key}", None, reused


def lookup_nlp_ref(ref: DocRef, settings: Settings, versions: Versions) -> tuple | None:
    key = _nlp_ref_key(ref, versions)
    return (f"nlp:{key}", None) if ResultCache.for_settings(settings).has("nlp", key) else None


def claims_ref(case: Case, article: DocRef | None, settings: Settings, versions: Versions
               ) -> tuple[str | None, bool]:
    """The article's claims, stored; returns ``(key, reused)`` (key None: no article)."""
    if article is None:
        return None, False
    key = claims_key(article.sha256, _case_inputs(case), case.id, versions)
    if ResultCache.for_settings(settings).has("claims", key):
        return key, True
    parsed = load("parse", article.parse_key, settings)
    _, reused = extract_article_claims(case, parsed, settings, versions)
    return key, reused


def match_refs(case: Case, claims_key_: str | None, sources: dict[str, tuple[DocumentRow, DocRef | None]],
               settings: Settings, versions: Versions, progress=None) -> tuple[str, dict[str, bool]]:
    """Every claim-source row, stored under one key; returns ``(key, {source_id: reused})``.

    Each source is one cached unit (its key holds the claims' key, the
    source's spec, bytes and status, and every version); claims, parsed
    documents and the model are loaded only for the sources that missed.
    """
    cache = ResultCache.for_settings(settings)
    fp = claims_key_ or "no-claims"
    claims_box: list = []

    def claims() -> list[Claim]:
        if not claims_box:
            claims_box.append(load("claims", claims_key_, settings) if claims_key_ else [])
        return claims_box[0]

    resources: dict[str, Any] = {}
    keys, reused = [], {}
    for sid, (doc, ref) in sources.items():
        spec = case.source(doc.source_id)
        key = match_key(fp, spec, doc.sha256, doc.status, doc.error if doc.status != "ok" else None, versions)
        if cache.has("match", key):
            reused[sid] = True
        else:
            parsed = load("parse", ref.parse_key, settings) if ref is not None else None
            _, reused[sid] = match_source(case, claims(), fp, doc, parsed, settings, versions, resources,
                                          key=key)
        keys.append(key)
        if progress:
            progress(sid, reused[sid])
    available = sum(1 for doc, ref in sources.values() if doc.status == "ok" and ref is not None)
    all_key = stage_key("match-all", case.id, fp, keys, available, versions.match)
    if not cache.has("match-all", all_key):
        from extractors.match import add_no_source_rows

        rows = claim_level_rows(case, claims())
        for key in keys:
            rows.extend(load("match", key, settings))
        cache.put("match-all", all_key, add_no_source_rows(claims(), rows, available))
    return all_key, reused


__all__ = ["DocRef", "PartialList", "claims_ref", "load", "lookup_nlp_ref", "lookup_parse_ref", "match_refs", "nlp_ref",
           "parse_ref", "analyse_document", "claim_level_rows", "claims_fingerprint", "extract_article_claims", "lookup_nlp",
           "lookup_parse", "match_source", "parse_document"]
