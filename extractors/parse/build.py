"""Assemble a document's canonical text and its located passages.

Every parser hands blocks (text, page, kind) to a :class:`TextBuilder`; the
builder normalises each block (:func:`extractors.textnorm.normalise`),
collapses runs of white space, joins blocks with a blank line and records
the character span of each block in the canonical text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.ids import stable_id
from extractors.model import PASSAGE_KINDS, Passage
from extractors.textnorm import normalise_str

_WS = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n[ \t]*")

SEPARATOR = "\n\n"


def clean_block(text: str, *, keep_newlines: bool = False) -> str:
    """Normalise one block: Unicode clean-up, then white-space collapse.
    Newlines inside a block are kept only when *keep_newlines* (tables)."""
    text = normalise_str(text)
    if keep_newlines:
        lines = [_WS.sub(" ", ln).strip() for ln in text.split("\n")]
        return "\n".join(ln for ln in lines if ln)
    return _WS.sub(" ", text.replace("\n", " ")).strip()


@dataclass
class _Block:
    start: int
    end: int
    page: int | None
    paragraph: int
    kind: str


@dataclass
class TextBuilder:
    parts: list[str] = field(default_factory=list)
    blocks: list[_Block] = field(default_factory=list)
    _length: int = 0
    _para_counter: dict = field(default_factory=dict)

    def add(self, text: str, *, page: int | None = None, kind: str = "body", keep_newlines: bool = False) -> bool:
        """Add one paragraph; returns False (and adds nothing) when it is empty
        after cleaning.  ``paragraph`` counts within *page* (or the whole
        document when *page* is None)."""
        if kind not in PASSAGE_KINDS:
            raise ValueError(f"unknown passage kind {kind!r}")
        text = clean_block(text, keep_newlines=keep_newlines)
        if not text:
            return False
        if self.parts:
            self.parts.append(SEPARATOR)
            self._length += len(SEPARATOR)
        start = self._length
        self.parts.append(text)
        self._length += len(text)
        n = self._para_counter.get(page, 0) + 1
        self._para_counter[page] = n
        self.blocks.append(_Block(start, self._length, page, n, kind))
        return True

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def passages(self, source_id: str, sha256: str) -> list[Passage]:
        return make_passages(self.text, [(b.start, b.end, b.page, b.paragraph, b.kind) for b in self.blocks], source_id, sha256)


def make_passages(text: str, spans, source_id: str, sha256: str) -> list[Passage]:
    """Passage rows from ``(start, end, page, paragraph, kind)`` spans of *text*."""
    return [
        Passage(
            passage_id=stable_id("passage", source_id, sha256, s, e),
            source_id=source_id,
            document_sha256=sha256,
            page=page,
            paragraph=para,
            char_start=s,
            char_end=e,
            kind=kind,
            text=text[s:e],
        )
        for (s, e, page, para, kind) in spans
    ]
