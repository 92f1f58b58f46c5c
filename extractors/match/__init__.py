"""Match claims to sources: evidence passages and verdicts with reasons.

``match_claims`` gives one SourceClaim row per (claim, source examined):

* every source the article cites for the claim (``cited = True``);
* for an *unattributed* checkworthy claim (with ``check_all``), every
  available source whose best passage passes the relevance floor
  (``[match] relevance_floor`` in claim_cues.toml), whatever its verdict;
* a non-checkworthy claim gives ``not_checkable`` rows for its cited sources,
  or one row with ``source_id = ""`` when it cites none, so that every claim
  appears in the table;
* a source whose document row is not ``ok`` gives ``source_unavailable`` with
  the documents error in the reasons (cited sources only);
* an unattributed checkworthy claim that no source speaks to gets one
  ``not_found`` row with ``source_id = ""``.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote


from extractors.claims.cues import load_cues
from extractors.claims.quantities import find_quantities
from extractors.match.compare import (
    ClaimView,
    stems,
    StanceCheck,
    actor_found,
    best_sentence,
    compare_dates,
    compare_numbers,
    compare_quotes,
    coverage,
    stance,
    view_claim,
)
from extractors.match.retrieve import SourceIndex, build_index, retrieve
from extractors.match.sanctions import check_listing, is_list, mentions_listing
from extractors.match.verdict import Decision, decide
from extractors.model import Case, Claim, DocumentRow, ParsedDoc, Passage, SourceClaim, SourceSpec
from extractors.textnorm import fold_str

MATCH_VERSION = "match.v1"

__all__ = ["MATCH_VERSION", "match_claims", "check_claim_source"]


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


def _name_tokens(s: str) -> list[str]:
    s = re.sub(r"\bU\.S\.(?=\W|$)|\bUS\b", "usa", s)
    s = re.sub(r"\bU\.K\.(?=\W|$)", "uk", s)
    return [t for t in re.findall(r"[a-z0-9]+", fold_str(s)) if len(t) > 1]


def _with_found(view: ClaimView, cov: Any, found: set[str]) -> Any:
    """Coverage with the stems of actors found under another spelling
    (Radoicic as Radojičić) counted as found."""
    from dataclasses import replace

    newly = [t for t in cov.missing if t in found]
    if not newly:
        return cov
    total = sum(view.terms.values()) or 1.0
    gain = sum(view.terms.get(t, 0.0) for t in newly) / total
    return replace(cov, score=min(1.0, cov.score + gain), missing=[t for t in cov.missing if t not in found],
                   found={**cov.found, **{t: "(actor)" for t in newly}})


def _own_stems(spec: SourceSpec | None) -> set[str]:
    if spec is None:
        return set()
    kinds = {"report", "reports", "reporting", "statement", "statements", "resolution", "resolutions", "texts", "list"}
    return (set(stems(" ".join([spec.publisher, *spec.cited_as, *kinds]))) - set(stems(spec.title))) | set(stems(spec.publisher))


def _self_reference(actor: str, spec: SourceSpec | None) -> bool:
    """The claim's actor is the source itself ("the State Department's
    Country Reports on Terrorism", "MEPs")."""
    if spec is None:
        return False
    own = set(_name_tokens(" ".join([spec.publisher, spec.title, *spec.cited_as])))
    toks = [t for t in _name_tokens(actor) if t not in ("the", "s", "of", "on")]
    return bool(toks) and sum(t in own for t in toks) / len(toks) >= 0.5


def _place_conflict(nlp: Any, view: ClaimView, missing: list[str], sentence: str) -> str | None:
    """"signed in Paris" against "signed in Belgrade": a place the claim
    names after a preposition is missing and the source names another one there."""
    for act in missing:
        m = re.search(r"\b(in|at|from|to)\s+" + re.escape(act) + r"\b", view.body)
        if not m:
            continue
        prep = m.group(1)
        from extractors.match.compare import _parsed

        sdoc = _parsed(nlp, sentence)
        for e in sdoc.ents:
            if e.label_ in ("GPE", "LOC", "FAC") and e.start > 0 and sdoc[e.start - 1].lower_ == prep \
                    and fold_str(e.text.lower()) not in fold_str(view.body.lower()):
                return f"place differs: claim says '{prep} {act}', source says '{prep} {e.text}'"
    return None


_PREC = {"year": 1, "range": 1, "month": 2, "day": 3}


def _precise_agreement(view: ClaimView, text: str) -> tuple[str, str] | None:
    """A date in *text* that agrees with a claim date at the claim's own precision."""
    from extractors.claims.quantities import dates_agree, find_dates

    for d in view.dates:
        for s in find_dates(text):
            if _PREC[s.precision] >= _PREC[d.precision] and dates_agree(d, s):
                return d.iso, s.iso
    return None


def _evaluate(view: ClaimView, spec: SourceSpec | None, doc: ParsedDoc, index: SourceIndex, p: Passage, cov: Any,
              qc: Any, nlp: Any, gazetteer: Any, neighbours: list[Passage] | None = None) -> Decision:
    reasons = list(view.resolutions)
    a, b = best_sentence(view, p.text)
    sent = p.text[a:b]
    doc_date = (spec.published if spec else None) or doc.published
    about_doc = bool(re.search(r"\b(statement|report|resolution|speech|texts?|says|said|labels|calls)\b", view.body.lower()))
    nc = compare_numbers(view, p.text)
    dc = compare_dates(view, p.text, doc_date, about_doc)
    # a claim's number or date may sit in a neighbouring top passage
    for other in neighbours or []:
        if other is p:
            continue
        if nc.status in ("absent", "mismatch"):
            # a count that differs may be about something else ("three
            # defendants are in detention"): a neighbour that states the
            # claim's value wins
            n2 = compare_numbers(view, other.text)
            if n2.status in ("match", "breakdown", "close") and (nc.status == "absent" or n2.status != "close"):
                nc = type(nc)(n2.status, [f"{x} (paragraph {other.paragraph}{', page ' + str(other.page) if other.page else ''})" for x in n2.reasons])
        if dc.status in ("absent", "mismatch"):
            agree = _precise_agreement(view, other.text)
            if agree:
                dc = type(dc)("match", [f"date {agree[0]} matches source date {agree[1]} (paragraph {other.paragraph})"])
    if view.universal:
        for sa, sb in [(0, len(p.text))]:
            sq = find_quantities(p.text[sa:sb])
            if sq and re.search(r"\b(the others|the rest|remaining|the remainder)\b", p.text.lower()):
                nc = type(nc)("mismatch", nc.reasons + [f"claim says 'all'; source gives a count '{sq[0].label()}' and 'the others'"])
    cst = StanceCheck(view.negated, view.demand_force, view.demand_word, None)
    focus = set(view.predicates) | {t for t, w in view.terms.items() if w >= 1.5}
    sst = stance(nlp, sent, focus if view.predicates else None)
    actors_missing = []
    found_actor_stems: set[str] = set()
    for act in view.actors:
        if _self_reference(act, spec):
            continue
        where = actor_found(act, p.text, gazetteer) or actor_found(act, index.context, gazetteer)
        if where is None:
            actors_missing.append(act)
            continue
        found_actor_stems |= set(stems(act))
        gid = gazetteer.lookup(act) if gazetteer is not None else None
        label = gid or act
        if fold_str(where.lower()) != fold_str(act.lower()):
            reasons.append(f"actor {label} found as '{where}'")
        else:
            reasons.append(f"actor {label} found")
    if found_actor_stems:
        cov = _with_found(view, cov, found_actor_stems)
    place = _place_conflict(nlp, view, actors_missing, p.text) if actors_missing else None
    if place:
        nc = type(nc)("mismatch", nc.reasons + [place])
    reasons += nc.reasons + dc.reasons + qc.reasons
    if sst.demand_force:
        reasons.append(f"source sentence is a demand ('{sst.demand_word}')")
    if sst.negated:
        reasons.append(f"source sentence is negative ('{sst.neg_word}')")
    return decide(view, cov, nc, dc, qc, cst, sst, actors_missing, reasons)


def check_claim_source(claim: Claim, view: ClaimView, spec: SourceSpec | None, row: DocumentRow, doc: ParsedDoc,
                       index: SourceIndex, nlp: Any, gazetteer: Any, cited: bool) -> tuple[Decision, Passage | None, float]:
    """Verdict of one claim against one parsed source; returns (decision, evidence passage, relevance).

    The best passage by relevance is judged first; when it gives not_found the
    next two candidates are tried (a claim may sit in the second-best passage)."""
    if is_list(doc, spec):
        res = check_listing(claim, view, spec, doc, gazetteer, nlp)
        if res is not None:
            return res[0], res[1], (1.0 if res[0].verdict != "not_found" else 0.0)
    own = _own_stems(spec)
    if spec is not None and spec.title not in index.context:
        index.context = f"{index.context} {spec.title} {spec.publisher}"
    cands = retrieve(view, index, gazetteer=gazetteer, own=own)
    qc = compare_quotes(view, doc.text)  # quoted words are searched in the whole document
    if not cands:
        return Decision("not_found", 0.0, list(view.resolutions) + ["the source has no text passages"]), None, 0.0
    sup = float(load_cues()["match"]["support_coverage"])
    order = list(cands[:4])
    if qc.location is not None:
        qp = next((p for p in index.passages if p.char_start <= qc.location[0] < p.char_end), None)
        if qp is not None and all(c.passage is not qp for c in order[:1]):
            qcov = coverage(view, qp.text, index.context, own)
            order.insert(0, type(cands[0])(qp, 0.0, qcov, qcov.score))
    sup = float(load_cues()["match"]["support_coverage"])
    if len(cands) >= 2 and cands[0].passage is not cands[1].passage and cands[0].cov.score < sup:
        # a claim may span two paragraphs: judge the two best together
        a_, b_ = cands[0].passage, cands[1].passage
        merged = Passage(a_.passage_id, a_.source_id, a_.document_sha256, a_.page, a_.paragraph, a_.char_start,
                         a_.char_end, a_.kind, f"{a_.text} [...] {b_.text}")
        mcov = coverage(view, merged.text, index.context, own)
        if mcov.score >= cands[0].cov.score + 0.15:
            order.append(type(cands[0])(merged, 0.0, mcov, mcov.score, mcov.score))
    near = [c.passage for c in order]
    judged = [(_evaluate(view, spec, doc, index, c.passage, c.cov, qc, nlp, gazetteer, near), c) for c in order]
    strong = [(d, c) for d, c in judged if not (d.verdict == "not_found" and d.weak)]
    if not strong:
        d, c = judged[0]
        return d, c.passage, c.relevance
    # a passage that states the whole claim wins; a date or count that differs
    # in another passage (often another event) is noted, not a contradiction
    sup_rows = [(d, c) for d, c in strong if d.verdict == "supported" and c.cov.score >= sup]
    if any(c.passage.kind != "heading" for _, c in strong):
        # a title restates; the body holds the details (and the breakdowns)
        sup_rows = [(d, c) for d, c in sup_rows if c.passage.kind != "heading"] or (
            [] if any(d.verdict != "supported" for d, c in strong if c.passage.kind != "heading") else sup_rows)
    if sup_rows:
        d, c = sup_rows[0]
        others = [x for x, _ in strong if x.verdict == "contradicted" and any(r.startswith(("date ", "number ")) for r in x.reasons)]
        if others:
            d.reasons.append("another passage gives a different value: " + "; ".join(r for r in others[0].reasons if r.startswith(("date ", "number "))))
        return d, c.passage, c.relevance
    # otherwise the most relevant passage that speaks to the claim decides
    d, c = strong[0]
    return d, c.passage, c.relevance


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
