"""Claims from the article (foundation version: one claim per sentence)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.ids import stable_id
from extractors.model import Case, Claim, ParsedDoc, Passage
from extractors.textnorm import fold_str

CLAIMS_VERSION = "claims.v0"
_NUM = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass
class Article:
    text: str
    body: list[Passage]
    source_list: list[Passage] = field(default_factory=list)


def read_article(case: Case, parsed: ParsedDoc) -> Article:
    body, sources, in_sources = [], [], False
    for p in parsed.passages:
        if fold_str(p.text).startswith("sources that matter"):
            in_sources = True
            continue
        (sources if in_sources else body).append(p)
    return Article(text=parsed.text, body=body, source_list=sources)


def extract_claims(case: Case, article: Article, nlp, gazetteer) -> list[Claim]:
    claims: list[Claim] = []
    for para_no, (passage, doc) in enumerate(
        zip(article.body, nlp.pipe(p.text for p in article.body)), start=1
    ):
        for sent_no, sent in enumerate(doc.sents, start=1):
            text = sent.text.strip()
            if not text:
                continue
            folded = fold_str(text)
            cited = [s.id for s in case.sources
                     if any(fold_str(c) in folded for c in s.cited_as if c)]
            numbers = _NUM.findall(text)
            ents = sorted({e.ent_id_ or e.text for e in sent.ents})
            claims.append(Claim(
                claim_id=stable_id("claim", case.id, text),
                case_id=case.id, paragraph=para_no, sentence=sent_no,
                char_start=passage.char_start + sent.start_char,
                char_end=passage.char_start + sent.end_char,
                text=text, claim_type="event",
                checkworthy=bool(numbers or ents) and not text.endswith("?"),
                cited_source_ids=cited, entities=ents, numbers=numbers, dates=[],
            ))
    return claims
