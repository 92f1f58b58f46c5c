"""The matching engine behind :mod:`extractors.match` (see its docstring).

Imported on first use of an engine function: it pulls in spaCy's stop
words and pandas for the sanctions lists.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote


from extractors.claims.cues import load_cues
from extractors.match.compare import ClaimView, compare_quotes, coverage, stems, view_claim
from extractors.match.retrieve import SourceIndex, build_index, retrieve
from extractors.match.sanctions import check_listing, is_list, mentions_listing
from extractors.match.verdict import Decision
from extractors.model import Case, Claim, DocumentRow, ParsedDoc, Passage, SourceClaim, SourceSpec
from extractors.textnorm import fold_str

__all__ = ["match_claims", "check_claim_source", "no_source_row", "add_no_source_rows"]


def _evidence_url(row: DocumentRow, doc: ParsedDoc | None, passage: Passage | None, text: str | None) -> str | None:
    base = row.final_url or row.url
    if not base or passage is None:
        return base
    fmt = (row.content_type or "").lower()
    if fmt == "pdf" or (doc is not None and doc.pages and passage.page):
        return f"{base}#page={passage.page or 1}"
    if fmt in ("html", "") and text:
        words = re.findall(r"\S+", text)[:8]
        frag = " ".join(words)
        return f"{base}#:~:text={quote(frag, safe='')}"
    return base


def _own_stems(spec: SourceSpec | None) -> set[str]:
    if spec is None:
        return set()
    kinds = {"report", "reports", "reporting", "statement", "statements", "resolution", "resolutions", "texts", "list"}
    return (set(stems(" ".join([spec.publisher, *spec.cited_as, *kinds]))) - set(stems(spec.title))) | set(stems(spec.publisher))


class _Engine:
    """The spaCy pipeline, embedder and model of one match run, with caches of
    parsed claims and passages (a passage is read once for every claim)."""

    def __init__(self, nlp: Any):
        from extractors.match.embed import load_embedder
        from extractors.match.verdict_model import load_model

        self.nlp = nlp
        from extractors.match.pairs import load_pair_classifier

        self.embedder = load_embedder()
        self.model = load_model()
        self.pairs = load_pair_classifier()
        self.parsed: dict[str, Any] = {}
        self.vecs: dict[str, Any] = {}

    def parse(self, text: str) -> Any:
        from extractors.match.engine import parse_text

        hit = self.parsed.get(text)
        if hit is None:
            if len(self.parsed) > 20000:
                self.parsed.clear()
            hit = self.parsed[text] = parse_text(self.nlp, text)
        return hit

    def vec(self, texts: list[str]) -> list[Any]:
        todo = [t for t in dict.fromkeys(texts) if t not in self.vecs]
        if todo:
            for t, v in zip(todo, self.embedder.encode(todo)):
                self.vecs[t] = v
        return [self.vecs[t] for t in texts]

    def judge(self, claim_text: str, passage: Passage, doc_date: str | None, context: str = "",
              gazetteer: Any = None) -> Any:
        import numpy as np

        from extractors.match.engine import decide, evidence_text, features

        c = self.parse(claim_text)
        e = self.parse(evidence_text(passage.text, passage.kind))
        sents = [f.text for f in e.frames] or [e.text]
        cv, *rest = self.vec([c.text, e.text] + sents)
        sims = [float(np.dot(cv, v)) for v in rest[1:]]
        best = rest[1 + int(np.argmax(sims))] if sims else rest[0]
        from extractors.match.compare import actor_found

        from extractors.match.pairs import best_reading

        same = (lambda name, text: actor_found(name, text, gazetteer)) if gazetteer is not None else None
        reading = best_reading(self.pairs, c.text, sents, sims)
        return decide(features(c, e, sims, float(np.dot(cv, rest[0])), doc_date, (cv, best), context, same, reading),
                      self.model)


_ENGINES: dict[int, Any] = {}


def _engine(nlp: Any) -> _Engine:
    eng = _ENGINES.get(id(nlp))
    if eng is None or eng.nlp is not nlp:
        _ENGINES.clear()
        eng = _ENGINES[id(nlp)] = _Engine(nlp)
    return eng


_RANK = {"supported": 4, "contradicted_exact": 3, "partly_supported": 2, "contradicted": 1, "not_found": 0}


def check_claim_source(claim: Claim, view: ClaimView, spec: SourceSpec | None, row: DocumentRow, doc: ParsedDoc,
                       index: SourceIndex, nlp: Any, gazetteer: Any, cited: bool) -> tuple[Decision, Passage | None, float]:
    """Verdict of one claim against one parsed source; returns (decision, evidence passage, relevance).

    Retrieval proposes the best passages (and the passage holding the claim's
    quoted words); the engine (extractors.match.engine) judges each; a passage
    that supports the claim wins, then a contradiction by an exact check, then
    partial support, then the model's contradiction; otherwise the most
    relevant passage's not_found."""
    if is_list(doc, spec):
        res = check_listing(claim, view, spec, doc, gazetteer, nlp)
        if res is not None:
            return res[0], res[1], (1.0 if res[0].verdict != "not_found" else 0.0)
    own = _own_stems(spec)
    if spec is not None and spec.title not in index.context:
        index.context = f"{index.context} {spec.title} {spec.publisher}"
    cands = retrieve(view, index, gazetteer=gazetteer, own=own)
    if not cands:
        return Decision("not_found", 0.0, list(view.resolutions) + ["the source has no text passages"]), None, 0.0
    qc = compare_quotes(view, doc.text)  # quoted words are searched in the whole document
    order = list(cands[:4])
    if qc.location is not None:
        qp = next((p for p in index.passages if p.char_start <= qc.location[0] < p.char_end), None)
        if qp is not None:
            # the passage holding the quoted words comes first: when nothing
            # speaks to the claim, it is the passage the verdict shows
            have = next((c for c in order if c.passage is qp), None)
            if have is None:
                qcov = coverage(view, qp.text, index.context, own)
                have = type(cands[0])(qp, 0.0, qcov, qcov.score)
            order = [have] + [c for c in order if c is not have]
    if len(cands) >= 2 and cands[0].passage is not cands[1].passage:
        # a claim may span two paragraphs: judge the two best together
        a_, b_ = cands[0].passage, cands[1].passage
        merged = Passage(a_.passage_id, a_.source_id, a_.document_sha256, a_.page, a_.paragraph, a_.char_start,
                         a_.char_end, a_.kind, f"{a_.text} {b_.text}")
        order.append(type(cands[0])(merged, 0.0, cands[0].cov, cands[0].relevance, cands[0].rank))
    eng = _engine(nlp)
    doc_date = (spec.published if spec else None) or doc.published
    context = " ".join([index.context] + ([spec.publisher, *spec.cited_as] if spec else []))
    judged = []
    for c in order:
        j = eng.judge(view.body, c.passage, doc_date, context, gazetteer)
        key = "contradicted_exact" if j.verdict == "contradicted" and j.features.exact_mismatch else j.verdict
        judged.append((_RANK[key], j.probabilities.get("supported", 0.0), j, c))
    if any(x[2].features.values.get("num_match") or x[2].features.values.get("num_close") for x in judged):
        # a passage states the claim's figure: a count that differs elsewhere
        # ("three defendants are in detention") is about something else
        judged = [(_RANK[x[2].verdict] if x[0] == _RANK["contradicted_exact"] and all(
                      m.startswith("number ") for m in x[2].features.exact_mismatch) else x[0], x[1], x[2], x[3])
                  for x in judged]
        judged = [x if not (x[2].verdict == "contradicted" and x[0] == _RANK["contradicted"]
                            and all(m.startswith("number ") for m in x[2].features.exact_mismatch) and x[2].features.exact_mismatch)
                  else (_RANK["not_found"], x[1], x[2], x[3]) for x in judged]
    body = [x for x in judged if x[3].passage.kind != "heading"] or judged
    best = max(body, key=lambda x: (x[0], x[1]))
    if best[0] == 0:
        best = body[0]  # nothing speaks to the claim: the most relevant passage says so
    if best[2].verdict == "supported":
        # an explicit contradiction in a passage that aligns at least as well wins
        contra = [x for x in body if x[0] == _RANK["contradicted_exact"]
                  and x[2].features.values["cover_all"] >= best[2].features.values["cover_all"]]
        if contra:
            best = contra[0]
    _, _, j, c = best
    reasons = list(view.resolutions) + j.reasons
    if j.verdict == "supported":
        others = [x[2] for x in judged if x[0] == _RANK["contradicted_exact"]]
        if others:
            reasons.append("another passage gives a different value: " + "; ".join(others[0].features.exact_mismatch))
    return Decision(j.verdict, j.score, reasons), c.passage, c.relevance


def match_claims(case: Case, claims: list[Claim], sources: dict[str, tuple[DocumentRow, ParsedDoc | None]], nlp: Any,
                 gazetteer: Any, *, check_all: bool = True) -> list[SourceClaim]:
    floor = float(load_cues()["match"]["relevance_floor"])
    sup_cov = float(load_cues()["match"]["support_coverage"])
    specs = {s.id: s for s in case.sources}
    indexes: dict[str, SourceIndex] = {}
    for sid, (row, doc) in sources.items():
        if row.status == "ok" and doc is not None:
            indexes[sid] = build_index(doc)
    rows: list[SourceClaim] = []
    for claim in claims:
        cited = [s for s in claim.cited_source_ids]
        if not claim.checkworthy:
            targets = cited or [""]
            for sid in targets:
                row = sources.get(sid, (None, None))[0] if sid else None
                rows.append(SourceClaim(claim.claim_id, sid, bool(sid), "not_checkable", 0.0,
                                        reasons=["claim is opinion, rhetoric, a question or a prediction"],
                                        document_sha256=row.sha256 if row else None))
            continue
        view = view_claim(nlp, claim.resolved_text or claim.text, mask=[c for s in case.sources for c in s.cited_as])
        examined = list(cited)
        if not cited and check_all:
            examined = [sid for sid in sources if sid in indexes]
        before = len(rows)
        for sid in examined:
            is_cited = sid in cited
            row, doc = sources.get(sid, (None, None))
            if row is None:
                rows.append(SourceClaim(claim.claim_id, sid, is_cited, "source_unavailable", 0.0,
                                        reasons=["source not in the documents table"]))
                continue
            if row.status != "ok" or doc is None:
                rows.append(SourceClaim(claim.claim_id, sid, is_cited, "source_unavailable", 0.0,
                                        reasons=[f"document {row.status}: {row.error or 'not parsed'}"],
                                        document_sha256=row.sha256))
                continue
            if not is_cited:
                # cheap pre-filter for uncited sources: a sanctions list only for
                # claims that talk about listings, text only above the floor
                if is_list(doc, specs.get(sid)):
                    if not mentions_listing(view):
                        continue
                else:
                    pre = retrieve(view, indexes[sid], k=3, gazetteer=gazetteer, own=_own_stems(specs.get(sid)))
                    if not pre or pre[0].relevance < floor:
                        continue
            dec, p, rel = check_claim_source(claim, view, specs.get(sid), row, doc, indexes[sid], nlp, gazetteer, is_cited)
            # uncited sources: a row when the best passage passes the floor (a
            # not_found there says "examined, the nearest passage does not
            # state it"); a partial match of a weakly related passage is noise
            if not is_cited and (rel < floor or (dec.verdict == "partly_supported" and rel < sup_cov)):
                continue
            ev = p.text if p is not None else None
            rows.append(SourceClaim(
                claim_id=claim.claim_id, source_id=sid, cited=is_cited, verdict=dec.verdict, score=dec.score,
                evidence_text=ev if dec.verdict != "not_found" or rel > 0 else None,
                evidence_page=p.page if p is not None else None,
                evidence_paragraph=p.paragraph if p is not None else None,
                evidence_char_start=p.char_start if p is not None else None,
                evidence_char_end=p.char_end if p is not None else None,
                evidence_url=_evidence_url(row, doc, p, ev),
                reasons=dec.reasons, document_sha256=row.sha256,
            ))
        if len(rows) == before:
            rows.append(no_source_row(claim, len(indexes), list(view.resolutions)))
    return rows


def no_source_row(claim: Claim, available: int, reasons: list[str] | None = None) -> SourceClaim:
    """The one row of a checkworthy claim no examined source speaks to
    (``source_id`` empty).  ``not_found`` needs sources that were read; when
    none could be read the honest verdict is ``source_unavailable``."""
    reasons = list(reasons or [])
    if available:
        return SourceClaim(claim.claim_id, "", False, "not_found", 0.0,
                           reasons=reasons + [f"no passage on the claim in any of {available} available sources"])
    return SourceClaim(claim.claim_id, "", False, "source_unavailable", 0.0,
                       reasons=reasons + ["no source could be read (see the documents table for each error)"])


def add_no_source_rows(claims: list[Claim], rows: list[SourceClaim], available: int) -> list[SourceClaim]:
    """After matching source by source: give every checkworthy claim that got
    no row the :func:`no_source_row` that says so."""
    seen = {r.claim_id for r in rows}
    extra = [no_source_row(c, available) for c in claims if c.checkworthy and c.claim_id not in seen]
    return rows + extra
