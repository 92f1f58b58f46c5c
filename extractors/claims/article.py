"""Read the article: repair web copy-paste damage, find headings and
sections, and separate the body from trailing material and from the
article's own source list.

Offsets: every paragraph keeps a map from its repaired text back to offsets in
the parsed document's canonical text (``ParsedDoc.text``), so claims point at
the characters the parser recorded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.claims.cues import load_cues
from extractors.model import Case, ParsedDoc


@dataclass
class ArticleParagraph:
    number: int  # 1-based paragraph number in the article (document order)
    text: str  # repaired text
    offsets: list[int]  # offsets[i] = position in ParsedDoc.text of text[i]
    char_start: int
    char_end: int
    kind: str  # heading | body
    section: str | None = None
    footnotes: list[str] = field(default_factory=list)
    # (position in the repaired text, marker) of each footnote marker removed
    footnote_at: list[tuple[int, str]] = field(default_factory=list)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the repaired text to the parsed text."""
        if not self.offsets:
            return self.char_start, self.char_start
        start = max(0, min(start, len(self.offsets) - 1))
        end = max(start + 1, min(end, len(self.offsets)))
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass
class SourceListEntry:
    text: str
    name: str  # the part naming the source ("EU Commission, Kosovo Report 2024")
    topic: str  # what the article says it used it for
    char_start: int
    char_end: int
    number: int | None = None  # "[3] ..." / "3. ..." : the number references use


@dataclass
class Article:
    case_id: str
    text: str  # ParsedDoc.text (canonical text; claim offsets point into it)
    title: str | None
    paragraphs: list[ArticleParagraph]  # body paragraphs and headings, in order
    source_list: list[SourceListEntry]
    trailing: list[ArticleParagraph]
    repairs: list[str] = field(default_factory=list)  # what was repaired, for the run log

    @property
    def body(self) -> list[ArticleParagraph]:
        return [p for p in self.paragraphs if p.kind == "body"]


# ----------------------------------------------------------------- repair

_GLUED_SENTENCE = re.compile(r"(?<=[a-z\u00e0-\u024f]{2}|[a-z\)\]\u201d\u2019\"%][\)\]\u201d\u2019\"])([.!?])(?=[A-Z\u00c0-\u024f](?:[a-z\u00e0-\u024f]|\s))")
_FOOTNOTE_WORD = re.compile(r"(?<=[a-z\u00e0-\u024f]{2})(\d{1,2})(?=[\s,;:)]|$)")
_FOOTNOTE_END = re.compile(r"(?<=[a-z\u00e0-\u024f\u201d\"][.?!\u201d\"])(\d{1,2})(?=\s|$)")


def repair_text(text: str) -> tuple[str, list[int], list[str], list[str]]:
    """Return ``(repaired, offsets, footnotes, notes)``.

    * a space is inserted where a sentence was glued to the next one
      ("extradited him.A regional" -> "him. A regional");
    * footnote markers glued to words are removed ("I wrote1 that",
      "stalls?2") and returned in ``footnotes``.
    """
    drop: set[int] = set()
    insert_after: set[int] = set()
    footnotes: list[str] = []
    notes: list[str] = []
    for m in _FOOTNOTE_WORD.finditer(text):
        # "wrote1" but not "S1M", "MiG-29", "P9": the word before must be all lowercase letters
        w = re.search(r"[A-Za-z\u00c0-\u024f\-]+$", text[: m.start()])
        if w and w.group(0).islower() and "-" not in w.group(0):
            drop.update(range(m.start(), m.end()))
            footnotes.append(m.group(1))
            notes.append(f"footnote marker {m.group(1)} removed after '{w.group(0)}'")
    for m in _FOOTNOTE_END.finditer(text):
        drop.update(range(m.start(), m.end()))
        footnotes.append(m.group(1))
        notes.append(f"footnote marker {m.group(1)} removed at sentence end")
    for m in _GLUED_SENTENCE.finditer(text):
        # leave abbreviations such as "U.S.A" alone: need a lowercase letter/digit before
        insert_after.add(m.start())
        notes.append(f"space inserted after '{text[max(0, m.start() - 12):m.start() + 1]}'")
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if i in drop:
            continue
        out.append(ch)
        offsets.append(i)
        if i in insert_after:
            out.append(" ")
            offsets.append(i)
    return "".join(out), offsets, footnotes, notes


def _footnote_positions(raw: str, offsets: list[int]) -> list[tuple[int, str]]:
    """Where each footnote marker ``repair_text`` removed sat in the repaired text."""
    fixed_pos = {o: i for i, o in reversed(list(enumerate(offsets)))}
    out: list[tuple[int, str]] = []
    for rx in (_FOOTNOTE_WORD, _FOOTNOTE_END):
        for m in rx.finditer(raw):
            if m.start() in fixed_pos:
                continue  # kept: not a marker
            before = [fixed_pos[o] for o in range(m.start() - 1, -1, -1) if o in fixed_pos][:1]
            out.append(((before[0] + 1) if before else 0, m.group(1)))
    return sorted(set(out))


# a numbered entry of a source list: "[3] ...", "3. ...", "3) ..."
_ENTRY_NUMBER = re.compile(r"^\s*(?:\[(?P<b>\d{1,3})\]|(?P<d>\d{1,3})[.)])\s+")


# ----------------------------------------------------------------- reading

def _is_heading(text: str) -> bool:
    t = text.strip()
    words = t.split()
    if not words or len(words) > 14:
        return False
    return not t.endswith(".") or t.endswith("?") or t.endswith(":")


def _truncated(text: str) -> bool:
    return not re.search(r"[.!?\u201d\"\u2019)]\s*$", text.strip())


def _paragraph_spans(parsed: ParsedDoc) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each paragraph of the parsed article."""
    spans: list[tuple[int, int, str]] = []
    if parsed.passages:
        for p in sorted(parsed.passages, key=lambda p: p.char_start):
            # a passage may still hold several lines: one paragraph per line
            off = p.char_start
            for line in parsed.text[p.char_start:p.char_end].split("\n"):
                if line.strip():
                    s = off + (len(line) - len(line.lstrip()))
                    spans.append((s, s + len(line.strip()), p.kind))
                off += len(line) + 1
    else:
        off = 0
        for line in parsed.text.split("\n"):
            if line.strip():
                s = off + (len(line) - len(line.lstrip()))
                spans.append((s, s + len(line.strip()), "body"))
            off += len(line) + 1
    return spans


def read_article(case: Case, parsed: ParsedDoc) -> Article:
    cues = load_cues()["article"]
    headers = [h.lower() for h in cues["source_list_headers"]]
    markers = [m.lower() for m in cues["trailing_markers"]]
    signature = re.compile(cues["signature_pattern"])

    paras: list[ArticleParagraph] = []
    repairs: list[str] = []
    for n, (s, e, kind) in enumerate(_paragraph_spans(parsed), start=1):
        raw = parsed.text[s:e]
        fixed, offs, foot, notes = repair_text(raw)
        repairs.extend(f"paragraph {n}: {x}" for x in notes)
        pkind = "heading" if kind == "heading" or _is_heading(fixed) else "body"
        paras.append(ArticleParagraph(n, fixed, [s + o for o in offs], s, e, pkind, None, foot,
                                      _footnote_positions(raw, offs)))

    # title: a first short heading-like paragraph
    title = paras[0].text if paras and paras[0].kind == "heading" else None
    if title is None and paras and len(paras[0].text.split()) <= 14:
        title = paras[0].text
        paras[0].kind = "heading"

    # source list
    src_idx = None
    for i, p in enumerate(paras):
        low = p.text.lower().strip().rstrip(":").strip()
        if low in headers and i > len(paras) // 2:
            src_idx = i
            break
    source_list: list[SourceListEntry] = []
    end_body = len(paras)
    if src_idx is not None:
        for p in paras[src_idx + 1:]:
            num = _ENTRY_NUMBER.match(p.text)
            text = p.text[num.end():] if num else p.text
            m = re.split(r"\s*\u2014\s*", text, maxsplit=1)
            if len(m) == 1:
                m = re.split(r"\s+[\u2013-]\s+|:\s+", text, maxsplit=1)
            name = m[0].strip()
            topic = m[1].strip() if len(m) > 1 else ""
            number = int(num.group("b") or num.group("d")) if num else None
            source_list.append(SourceListEntry(p.text, name, topic, p.char_start, p.char_end, number))
        end_body = src_idx

    # trailing material: subscription text anywhere after the middle, and a run
    # of teaser blocks (heading + one paragraph) right before the source list/end
    trailing_idx: set[int] = set()
    for i in range(len(paras) // 2, end_body):
        low = paras[i].text.lower()
        if any(re.search(r"\b" + re.escape(mk) + r"\b", low) for mk in markers) and len(low.split()) < 40:
            trailing_idx.add(i)
    i = end_body
    blocks: list[tuple[int, int]] = []
    while i - 2 >= 0:
        h, b = paras[i - 2], paras[i - 1]
        if h.kind == "heading" and b.kind == "body" and (i - 3 < 0 or paras[i - 3].kind == "body" or blocks):
            blocks.append((i - 2, i - 1))
            i -= 2
            continue
        break
    if blocks:
        titles = [paras[h].text.strip().lower() for h, _ in blocks]
        signal = (
            len(set(titles)) < len(titles)
            or any(_truncated(paras[b].text) for _, b in blocks)
            or any(signature.search(paras[b].text) for _, b in blocks)
        )
        # the first block of the run may be the article's real last section:
        # keep blocks only from the first one that carries a teaser signal back
        if signal:
            for h, b in blocks:
                trailing_idx.update((h, b))
    trailing = [paras[i] for i in sorted(trailing_idx)]
    body = [p for i, p in enumerate(paras[:end_body]) if i not in trailing_idx]

    section = None
    for p in body:
        if p.kind == "heading":
            section = p.text.strip()
        p.section = section
    return Article(case.id, parsed.text, title, body, source_list, trailing, repairs)
