"""NLP stage: passages -> ``mentions`` and ``relations`` rows.

    nlp = build_nlp(settings.model)                # extractors.nlp.pipeline
    mentions, relations = analyse(nlp, passages)   # rows of DESIGN.md's tables

Passages are parsed in batches with ``nlp.pipe``; mention and relation
offsets are offsets into the DOCUMENT text (``passage.char_start`` plus the
offset inside the passage).  Passages of one document are read in order so
that "the attack" can refer back to a Banjska mention of an earlier passage.
"""
from __future__ import annotations

import time
from collections.abc import Iterable

from spacy.language import Language

from extractors.ids import stable_id
from extractors.model import Mention, Passage, Relation
from extractors.nlp.mentions import AnaphoraState, MentionFinder, MentionHit
from extractors.nlp.pipeline import build_nlp, gazetteer_of, nlp_from_settings
from extractors.nlp.relations import RelationExtractor, RelationHit

# Bump when extraction logic changes (a cache key of the NLP stage, together
# with the gazetteer's ``version`` and the model name).
NLP_VERSION = "nlp.v1"

__all__ = ["MAX_CHARS", "NLP_VERSION", "NlpTimeLimit", "analyse", "build_nlp", "cache_key", "nlp_from_settings", "passages_from_lines"]

_EXTRACTORS: dict[int, tuple[MentionFinder, RelationExtractor]] = {}

# Passages longer than this are parsed in pieces cut at a paragraph or
# sentence end, so a batch never holds a whole report (memory) and no text
# exceeds spaCy's max_length.
MAX_CHARS = 20_000


def _pieces(text: str, limit: int = MAX_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) cuts of *text*, each at most *limit* characters,
    preferring a newline, then a sentence end, then a space as the cut."""
    if len(text) <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("\n"), -1)
        if cut < limit // 2:
            cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
            cut = cut + 1 if cut >= limit // 2 else window.rfind(" ")
        if cut <= 0:
            cut = limit
        out.append((start, text[start : start + cut]))
        start += cut
    out.append((start, text[start:]))
    return out


def _extractors(nlp: Language) -> tuple[MentionFinder, RelationExtractor]:
    gaz = gazetteer_of(nlp)
    key = id(gaz)
    if key not in _EXTRACTORS:
        _EXTRACTORS[key] = (MentionFinder(gaz), RelationExtractor(gaz))
    return _EXTRACTORS[key]


def cache_key(nlp: Language) -> str:
    """What an NLP result depends on besides its input text."""
    gaz = gazetteer_of(nlp)
    return f"{NLP_VERSION}|{nlp.meta.get('name')}-{nlp.meta.get('version')}|{gaz.version}"


def analyse(
    nlp: Language,
    passages: list[Passage],
    batch_size: int = 64,
    *,
    relations: bool = True,
    n_process: int = 1,
    deadline: float | None = None,
) -> tuple[list[Mention], list[Relation]]:
    """Mentions of the Banjska attack/village/monastery and entity relations
    for *passages* (any mix of documents).  With ``relations=False`` only
    mentions are produced (the lemmatizer is then not run).  With a
    *deadline* (a ``time.monotonic()`` value), :class:`NlpTimeLimit` is
    raised once it has passed, carrying what was found so far."""
    finder, extractor = _extractors(nlp)
    order = sorted(range(len(passages)), key=lambda i: (passages[i].source_id, passages[i].document_sha256, passages[i].char_start))
    ordered = [passages[i] for i in order]
    disable = [] if relations else [n for n in ("lemmatizer",) if n in nlp.pipe_names]
    states: dict[tuple[str, str], AnaphoraState] = {}
    mentions: list[Mention] = []
    rels: list[Relation] = []
    units = [(p, off, piece) for p in ordered for off, piece in _pieces(p.text)]
    docs = nlp.pipe((u[2] for u in units), batch_size=batch_size, disable=disable, n_process=n_process)
    for n, ((passage, off, _), doc) in enumerate(zip(units, docs)):
        if deadline is not None and time.monotonic() > deadline:
            raise NlpTimeLimit(mentions, rels, n, len(units))
        state = states.setdefault((passage.source_id, passage.document_sha256), AnaphoraState())
        hits = finder.find(doc, state)
        mentions.extend(_mention_row(passage, h, off) for h in hits)
        if relations:
            rels.extend(_relation_row(passage, r, off) for r in extractor.extract(doc, hits))
    return mentions, rels


class NlpTimeLimit(Exception):
    """NLP of a document ran past its time limit; holds the partial results."""

    def __init__(self, mentions: list[Mention], relations: list[Relation], done: int, total: int):
        super().__init__(f"NLP stopped at piece {done + 1} of {total}")
        self.mentions, self.relations, self.done, self.total = mentions, relations, done, total


def _mention_row(p: Passage, h: MentionHit, off: int = 0) -> Mention:
    start, end = p.char_start + off + h.start_char, p.char_start + off + h.end_char
    return Mention(
        mention_id=stable_id("mention", p.source_id, p.document_sha256, start, end, h.canonical),
        source_id=p.source_id,
        document_sha256=p.document_sha256,
        page=p.page,
        paragraph=p.paragraph,
        char_start=start,
        char_end=end,
        surface=h.surface,
        canonical=h.canonical,
        kind=h.kind,
        sentence=h.sentence,
    )


def _relation_row(p: Passage, r: RelationHit, off: int = 0) -> Relation:
    start, end = p.char_start + off + r.start_char, p.char_start + off + r.end_char
    return Relation(
        relation_id=stable_id(
            "relation", p.source_id, p.document_sha256, start, end, r.subject, r.predicate, r.object
        ),
        source_id=p.source_id,
        subject=r.subject,
        subject_type=r.subject_type,
        predicate=r.predicate,
        object=r.object,
        object_type=r.object_type,
        negated=r.negated,
        modality=r.modality,
        sentence=r.sentence,
        page=p.page,
        char_start=start,
        char_end=end,
    )


def passages_from_lines(source_id: str, document_sha256: str, text: str) -> list[Passage]:
    """One body passage per non-empty line of *text* (plain-text documents
    such as the article); offsets point into *text*."""
    out: list[Passage] = []
    pos = 0
    para = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            para += 1
            out.append(
                Passage(
                    passage_id=stable_id("passage", source_id, document_sha256, pos, pos + len(body)),
                    source_id=source_id,
                    document_sha256=document_sha256,
                    page=None,
                    paragraph=para,
                    char_start=pos,
                    char_end=pos + len(body),
                    kind="body",
                    text=body,
                )
            )
        pos += len(line)
    return out


def iter_rows(rows: Iterable[Mention | Relation]) -> list[dict]:
    return [r.to_row() for r in rows]
