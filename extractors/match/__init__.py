"""Evidence and verdicts (foundation version).

For each claim and source: rank the source's passages with BM25 and call the
claim ``supported`` only when the best passage holds at least 70% of the
claim's content words and every number of the claim; anything less is
``not_found``.  Never guesses ``supported``.
"""
from __future__ import annotations

import re

from rank_bm25 import BM25Okapi

from extractors.model import Case, Claim, DocumentRow, ParsedDoc, SourceClaim
from extractors.textnorm import fold_str

MATCH_VERSION = "match.v0"
_WORD = re.compile(r"\w+")
_NUM = re.compile(r"\d+(?:[.,]\d+)?")


def _content(nlp, text: str) -> list[str]:
    return [fold_str(t.lemma_) for t in nlp.make_doc(text) if t.is_alpha and not t.is_stop] or \
        [w for w in _WORD.findall(fold_str(text))]


def _without_attribution(case: Case, claim: Claim) -> str:
    """The claim text minus the phrases naming its sources ("Kosovo Report
    2024" names a source; its 2024 is not a figure the source must state)."""
    text = fold_str(claim.text)
    for sid in claim.cited_source_ids:
        for phrase in sorted(case.source(sid).cited_as, key=len, reverse=True):
            text = text.replace(fold_str(phrase), " ")
    return text


def match_claims(case: Case, claims: list[Claim], sources: dict[str, tuple[DocumentRow, ParsedDoc | None]],
                 nlp, gazetteer, *, check_all: bool = True) -> list[SourceClaim]:
    rows: list[SourceClaim] = []
    index = {}
    for sid, (doc, parsed) in sources.items():
        if parsed is not None and parsed.passages:
            toks = [[fold_str(w) for w in _WORD.findall(p.text)] for p in parsed.passages]
            index[sid] = (BM25Okapi(toks), parsed)
    for claim in claims:
        if not claim.checkworthy:
            continue
        targets = claim.cited_source_ids or list(sources)
        for sid in targets:
            doc, parsed = sources[sid]
            cited = sid in claim.cited_source_ids
            if doc.status != "ok" or sid not in index:
                if cited or not claim.cited_source_ids:
                    rows.append(SourceClaim(claim.claim_id, sid, cited, "source_unavailable", 0.0,
                                            reasons=[f"source unavailable: {doc.error or doc.status}"],
                                            document_sha256=doc.sha256))
                continue
            bm25, parsed = index[sid]
            body = _without_attribution(case, claim)
            words = _WORD.findall(body)
            scores = bm25.get_scores(words)
            best = max(range(len(scores)), key=lambda i: scores[i])
            p = parsed.passages[best]
            ptext = fold_str(p.text)
            content = _content(nlp, body)
            covered = [w for w in content if w in ptext]
            coverage = len(covered) / max(1, len(content))
            nums = _NUM.findall(body)
            missing = [n for n in nums if n not in p.text]
            reasons = [f"{len(covered)}/{len(content)} content words found"]
            reasons += [f"number {n} not in passage" for n in missing]
            verdict = "supported" if coverage >= 0.7 and not missing else "not_found"
            if verdict == "not_found" and not cited and claim.cited_source_ids:
                continue
            if verdict == "not_found" and not cited and coverage < 0.4:
                continue
            url = doc.final_url or doc.url or ""
            rows.append(SourceClaim(
                claim.claim_id, sid, cited, verdict, round(coverage, 3),
                evidence_text=p.text if verdict == "supported" else None,
                evidence_page=p.page if verdict == "supported" else None,
                evidence_paragraph=p.paragraph if verdict == "supported" else None,
                evidence_char_start=p.char_start if verdict == "supported" else None,
                evidence_char_end=p.char_end if verdict == "supported" else None,
                evidence_url=(f"{url}#page={p.page}" if p.page else url) if verdict == "supported" else None,
                reasons=reasons, document_sha256=doc.sha256,
            ))
    return rows
