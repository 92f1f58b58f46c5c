"""Candidate passages per (claim, source): BM25 (rank_bm25) over passages,
re-ranked by weighted term coverage, entity overlap and number/date
agreement."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rank_bm25 import BM25Okapi

from extractors.claims.quantities import dates_agree, find_dates, find_quantities
from extractors.match.compare import ClaimView, Coverage, actor_found, coverage, stem, stems
from extractors.model import ParsedDoc, Passage


@dataclass
class SourceIndex:
    doc: ParsedDoc
    passages: list[Passage]
    bm25: BM25Okapi | None
    context: str  # title + first passages (byline, meta)
    numbers: dict[float, list[int]] | None = None  # value -> passages stating it, built on first use


@dataclass
class Candidate:
    passage: Passage
    bm25: float
    cov: Coverage
    relevance: float  # 0..1
    rank: float = 0.0  # uncapped ranking score


def build_index(doc: ParsedDoc) -> SourceIndex:
    ps = [p for p in doc.passages if p.text.strip()]
    corpus = [stems(p.text) or ["_"] for p in ps]
    bm = BM25Okapi(corpus) if corpus else None
    ctx_parts = [doc.title or ""] + [p.text for p in ps[:3] if len(p.text) < 400]
    return SourceIndex(doc, ps, bm, " ".join(ctx_parts))


def query_terms(view: ClaimView) -> list[str]:
    """The claim's term stems, plus the stems of WordNet relatives of its
    predicates (acquire -> buy, purchase), so a paraphrase still ranks."""
    from extractors.match.lexicon import related_lemmas

    q = list(view.terms)
    for w in view.predicate_words:
        try:
            rel = related_lemmas(w.lower(), "v")
        except Exception:  # noqa: BLE001 - a word the lexicon cannot read adds nothing
            rel = frozenset()
        for r in sorted(rel)[:20]:
            q.extend(stem(t) for t in r.replace("_", " ").split() if t not in q)
    return q


# Passages stating one of the claim's distinctive values join the candidates
# whatever their word overlap (a table row, a sentence worded otherwise), at
# most this many per claim and source.
NUMBER_CANDIDATES = 3


def _distinctive(value: float) -> bool:
    """A value that picks out few passages: not a small whole number, not a year."""
    if value != value or value in (float("inf"), float("-inf")):
        return False
    if float(value).is_integer():
        return not (abs(value) < 100 or 1900 <= value <= 2100)
    return True


def _numbers(index: SourceIndex) -> dict[float, list[int]]:
    if index.numbers is None:
        table: dict[float, list[int]] = {}
        for i, p in enumerate(index.passages):
            for x in find_quantities(p.text):
                if _distinctive(x.value):
                    table.setdefault(round(x.value, 6), []).append(i)
        index.numbers = table
    return index.numbers


def retrieve(view: ClaimView, index: SourceIndex, k: int = 6, gazetteer: Any = None, own: set[str] | None = None) -> list[Candidate]:
    if index.bm25 is None:
        return []
    q = query_terms(view)
    scores = index.bm25.get_scores(q)
    top = sorted(range(len(index.passages)), key=lambda i: scores[i], reverse=True)[:k]
    values = {round(x.value, 6) for x in view.quantities if _distinctive(x.value)}
    if values:
        table = _numbers(index)
        stating = {i for v in values for i in table.get(v, ())} - set(top)
        top += sorted(stating, key=lambda i: scores[i], reverse=True)[:NUMBER_CANDIDATES]
    mx = max(scores) if len(scores) else 0.0
    out: list[Candidate] = []
    for i in top:
        p = index.passages[i]
        cov = coverage(view, p.text, index.context, own)
        bonus = 0.0
        if view.actors:
            bonus += 0.05 * sum(actor_found(a, p.text, gazetteer) is not None for a in view.actors) / len(view.actors)
        pq = find_quantities(p.text)
        if view.quantities and any(abs(x.value - q.value) < 1e-9 and x.unit_class == q.unit_class for q in view.quantities for x in pq):
            bonus += 0.1
        if view.quantities and any(x.unit_class and x.unit_class == q.unit_class for q in view.quantities for x in pq):
            bonus += 0.05  # states a value of the same kind (agreeing or not)
        pd = find_dates(p.text)
        if view.dates and any(dates_agree(d, x) for d in view.dates for x in pd):
            bonus += 0.1
        elif view.dates and any(x.precision in ("day", "month") for x in pd):
            bonus += 0.05  # states a date the claim's date can be compared with
        if p.kind == "heading":
            bonus -= 0.1  # a title restates; the body holds the details
        if view.universal and find_quantities(p.text) and re.search(r"\b(the others|the rest|remaining)\b", p.text.lower()):
            bonus += 0.2  # "all X" against "three X ...; the others ..."
        raw = cov.score + bonus + (0.02 * scores[i] / mx if mx > 0 else 0.0)
        out.append(Candidate(p, float(scores[i]), cov, max(0.0, min(1.0, raw)), raw))
    out.sort(key=lambda c: c.rank, reverse=True)
    return out
