"""PDF -> located paragraphs, through pdfplumber.

Per page: words (with font size and name) -> lines -> columns (a vertical
gutter free of words) -> paragraphs (line spacing, first-line indent, font
size) in reading order.  Running headers and footers (lines that repeat at
the same place on many pages, and bare page numbers) are dropped before
paragraphs are built; words hyphenated at a line end are joined; small-print
paragraphs at the foot of a page are kept as ``footnote``; ruled tables are
kept as text rows (cells joined with `` | ``) of kind ``table``.
"""
from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pdfplumber
from pdfplumber.utils import cluster_objects

from extractors.errors import ParseError
from extractors.model import ParsedDoc

from .build import TextBuilder
from .lang import detect_language

PARSER_ID = "pdfplumber.v1"

# A line in the top or bottom band of a page that repeats (digits ignored) at
# the same height on at least this share of pages is a running header/footer.
BAND = 0.12
REPEAT_SHARE = 0.4
_PAGE_NO = re.compile(
    r"^(?:(?:page|p\.|seite|strana|faqe|стр\.?|страна)\s*)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)\]]?"
    r"(?:\s*(?:of|/|von|od|из)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_SENT_END = tuple('.!?:;"\')”’')


# --------------------------------------------------------------------------- lines


@dataclass
class Line:
    words: list[dict]
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool
    text: str = ""
    kind: str = "line"  # line | table
    col: int = 0

    @classmethod
    def of(cls, words: list[dict]) -> "Line":
        words = sorted(words, key=lambda w: w["x0"])
        sizes = [w["size"] for w in words for _ in range(max(1, len(w["text"])))]
        nbold = sum(len(w["text"]) for w in words if _is_bold(w.get("fontname", "")))
        nchars = sum(len(w["text"]) for w in words)
        return cls(
            words=words,
            top=min(w["top"] for w in words),
            bottom=max(w["bottom"] for w in words),
            x0=words[0]["x0"],
            x1=max(w["x1"] for w in words),
            size=statistics.median(sizes),
            bold=nbold > 0.6 * nchars,
            text=" ".join(w["text"] for w in words),
        )


def _is_bold(fontname: str) -> bool:
    f = fontname.lower()
    return "bold" in f or "black" in f or "heavy" in f or f.endswith(",b") or "-bd" in f


def _make_lines(words: list[dict], tol: float = 2.5) -> list[Line]:
    if not words:
        return []
    groups = cluster_objects(words, lambda w: (w["top"] + w["bottom"]) / 2, tol)
    lines = [Line.of(g) for g in groups]
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


# --------------------------------------------------------------------------- columns


def _find_gutters(words: list[dict], width: float) -> list[float]:
    """x positions of vertical gutters separating text columns, or []."""
    if len(words) < 40:
        return []
    w = int(width) + 2
    diff = np.zeros(w + 1, dtype=np.int32)
    x0s = np.clip(np.array([wd["x0"] for wd in words]).astype(int), 0, w - 1)
    x1s = np.clip(np.ceil(np.array([wd["x1"] for wd in words])).astype(int), 0, w - 1)
    np.add.at(diff, x0s, 1)
    np.add.at(diff, x1s + 1, -1)
    cover = np.cumsum(diff)[:w]
    nlines = max(1, len({round(wd["top"]) for wd in words}))
    limit = max(2, int(0.04 * nlines))
    lo, hi = int(width * 0.2), int(width * 0.8)
    low = cover[lo:hi] <= limit
    runs: list[tuple[int, int]] = []
    start = None
    for i, v in enumerate(low):
        if v and start is None:
            start = i
        elif not v and start is not None:
            runs.append((start + lo, i + lo))
            start = None
    if start is not None:
        runs.append((start + lo, hi))
    gutters = [(a + b) / 2 for a, b in runs if b - a >= 6]
    if not gutters:
        return []
    # each column must hold a fair share of words and read like prose
    # (several words per line), or the "gutter" is just a table's white space
    edges = [0.0, *gutters, width + 1]
    for a, b in zip(edges, edges[1:]):
        inside = [wd for wd in words if wd["x0"] >= a and wd["x1"] <= b]
        if len(inside) < max(20, 0.12 * len(words)):
            return []
        rows = {round(wd["top"] / 2) for wd in inside}
        if len(inside) / max(1, len(rows)) < 3.0:
            return []
    return gutters


def _column_of(x0: float, x1: float, gutters: list[float]) -> int | None:
    """Column index of a span, or None when it crosses a gutter."""
    for i, g in enumerate(gutters):
        if x1 <= g:
            return i
        if x0 < g:
            return None
    return len(gutters)


# --------------------------------------------------------------------------- paragraphs


@dataclass
class Para:
    lines: list[Line] = field(default_factory=list)
    kind: str = "body"
    page: int = 0

    @property
    def top(self) -> float:
        return self.lines[0].top

    def text(self) -> str:
        if self.kind == "table":
            return "\n".join(ln.text for ln in self.lines)
        out = ""
        for ln in self.lines:
            t = ln.text
            if not out:
                out = t
            elif _joins_hyphen(out, t):
                out = out[:-1] + t
            else:
                out = out + " " + t
        return out


def _joins_hyphen(prev: str, nxt: str) -> bool:
    """``"recon-" + "struction"``: a letter, a hyphen at the end, and a
    lower-case letter starting the next line."""
    return (
        len(prev) >= 3
        and prev[-1] in "-\u00ad\u2010"
        and prev[-2].isalpha()
        and nxt[:1].isalpha()
        and nxt[:1].islower()
    )


def _split_paragraphs(lines: list[Line], body_size: float) -> list[list[Line]]:
    if not lines:
        return []
    left = float(np.percentile([ln.x0 for ln in lines], 10))
    right = float(np.percentile([ln.x1 for ln in lines], 90))
    pitches = [
        b.top - a.top
        for a, b in zip(lines, lines[1:])
        if abs(a.size - b.size) < 0.5 and 0 < b.top - a.top < 3 * a.size
    ]
    pitch = statistics.median(pitches) if pitches else 1.25 * body_size
    paras: list[list[Line]] = [[lines[0]]]
    for prev, ln in zip(lines, lines[1:]):
        size = max(ln.size, 1.0)
        gap = ln.top - prev.top
        new = False
        if abs(ln.size - prev.size) > 0.12 * max(ln.size, prev.size) or ln.bold != prev.bold and (ln.bold and len(ln.words) < 15):
            new = True
        elif gap > pitch * 1.35 + 0.5 or gap < -0.5:
            new = True
        elif ln.x0 - left >= 1.0 * size and ln.x0 - prev.x0 >= 1.0 * size and prev.x1 > right - 3 * size:
            new = True  # first-line indent after a full line
        elif prev.x1 < right - 5 * size and prev.text.endswith(_SENT_END):
            new = True  # short line ending a sentence
        if new:
            paras.append([ln])
        else:
            paras[-1].append(ln)
    return paras


def _kind_of(lines: list[Line], body_size: float, page_height: float) -> str:
    size = statistics.median([ln.size for ln in lines])
    text = " ".join(ln.text for ln in lines)
    if size >= body_size * 1.15 and len(text) < 250:
        return "heading"
    if all(ln.bold for ln in lines) and len(lines) <= 3 and len(text) < 200 and not text.endswith("."):
        return "heading"
    if size <= body_size * 0.88 and lines[0].top > page_height * 0.55:
        return "footnote"
    return "body"


# --------------------------------------------------------------------------- headers


def _band_key(ln: Line, page_height: float) -> tuple | None:
    if ln.bottom <= page_height * BAND:
        band = "top"
    elif ln.top >= page_height * (1 - BAND):
        band = "bottom"
    else:
        return None
    return (band, round(ln.top / 4), _DIGITS.sub("#", ln.text.lower()))


def _is_page_number(ln: Line, page_height: float) -> bool:
    return _band_key(ln, page_height) is not None and bool(_PAGE_NO.match(ln.text.strip()))


# --------------------------------------------------------------------------- tables


def _tables(page) -> list[tuple[tuple[float, float, float, float], list[str]]]:
    """Ruled tables on *page*: (bbox, rows as text).  Only looked for when the
    page draws enough lines or rectangles to hold one."""
    if len(page.lines) + len(page.rects) < 4:
        return []
    out = []
    for t in page.find_tables():
        rows = []
        for row in t.extract():
            cells = [" ".join((c or "").split()) for c in row]
            if any(cells):
                rows.append(" | ".join(cells))
        if len(rows) >= 2 and len(t.rows) >= 2 and len(t.columns) >= 2:
            out.append((t.bbox, rows))
    return out


# --------------------------------------------------------------------------- main


@dataclass
class _Page:
    number: int
    height: float
    width: float
    lines: list[Line]
    words: list[dict]
    tables: list


def _open(raw: bytes):
    if not raw:
        raise ParseError("empty file", hint="the server or the store returned 0 bytes; fetch the source again")
    if not raw.lstrip()[:5].startswith(b"%PDF"):
        raise ParseError("not a PDF (no %PDF header)", hint="check the sniffed format of the document")
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        n = len(pdf.pages)
    except Exception as exc:  # pdfminer raises anything on a malformed file
        raise _open_error(exc) from None
    return pdf, n


def _open_error(exc: BaseException) -> ParseError:
    chain = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 5:
        chain.append(f"{type(e).__name__}: {e}")
        e = e.__cause__ or e.__context__
    desc = " / ".join(chain)
    if "password" in desc.lower() or "encrypt" in desc.lower() or "PDFPasswordIncorrect" in desc:
        return ParseError("encrypted PDF: a password is needed to open it", hint="obtain an unprotected copy of the document")
    return ParseError(f"corrupt or unreadable PDF: {desc[:300]}", hint="the file may be truncated; fetch it again or find a mirror")


def parse_pdf(source_id: str, sha256: str, raw: bytes) -> ParsedDoc:
    pdf, npages = _open(raw)
    try:
        if npages == 0:
            raise ParseError("PDF has no pages", hint="the file is a valid PDF shell with an empty page tree")
        warnings: list[str] = []
        pages: list[_Page] = []
        size_counter: Counter = Counter()
        for i, page in enumerate(pdf.pages, start=1):
            try:
                words = page.extract_words(extra_attrs=["size", "fontname"])
                tables = _tables(page) if words else []
            except Exception as exc:  # one bad page must not sink the document
                warnings.append(f"page {i}: {type(exc).__name__}: {str(exc)[:200]}")
                words, tables = [], []
            words = [w for w in words if w["text"].strip()]
            for w in words:
                size_counter[round(w["size"] * 2) / 2] += len(w["text"])
            pages.append(_Page(i, float(page.height), float(page.width), [], words, tables))
            page.flush_cache()
        if not size_counter:
            if warnings and len(warnings) == npages:
                raise ParseError(f"corrupt PDF: no page could be read ({warnings[0]})", hint="fetch the file again or find a mirror")
            raise ParseError("no text layer (scanned PDF?)", hint="the PDF holds only images; OCR it (e.g. ocrmypdf) and add the OCR'd copy as a mirror")
        body_size = size_counter.most_common(1)[0][0]
        return _assemble(source_id, sha256, pages, body_size, warnings, pdf)
    finally:
        pdf.close()


def _assemble(source_id, sha256, pages: list[_Page], body_size: float, warnings, pdf) -> ParsedDoc:
    # pass 1: lines per page, running header/footer candidates
    key_pages: Counter = Counter()
    for pg in pages:
        # words inside tables are read from the table, not as prose
        if pg.tables:
            pg.words = [w for w in pg.words if not any(_inside(w, bbox) for bbox, _ in pg.tables)]
        pg.lines = _make_lines(pg.words)
        keys = {k for ln in pg.lines if (k := _band_key(ln, pg.height)) is not None}
        key_pages.update(keys)
    text_pages = sum(1 for pg in pages if pg.lines)
    min_repeat = max(2, int(REPEAT_SHARE * text_pages + 0.999))
    running = {k for k, c in key_pages.items() if c >= min_repeat} if text_pages >= 2 else set()

    b = TextBuilder()
    dropped = 0
    for pg in pages:
        kept = []
        for ln in pg.lines:
            k = _band_key(ln, pg.height)
            if (k is not None and k in running) or _is_page_number(ln, pg.height):
                dropped += 1
                continue
            kept.append(ln)
        for para in _page_paragraphs(kept, pg, body_size):
            b.add(para.text(), page=pg.number, kind=para.kind, keep_newlines=para.kind == "table")
    if not b.blocks:
        raise ParseError("no text layer (scanned PDF?)", hint="only headers, footers or page numbers carry text; OCR the document")
    text = b.text
    title = None
    try:
        t = pdf.metadata.get("Title")
        title = t.strip() if isinstance(t, str) and t.strip() else None
    except Exception:
        pass
    return ParsedDoc(
        source_id=source_id,
        sha256=sha256,
        parser=PARSER_ID,
        text=text,
        passages=b.passages(source_id, sha256),
        pages=len(pages),
        language=detect_language(text),
        title=title,
        warnings=warnings,
    )


def _inside(w: dict, bbox) -> bool:
    x0, top, x1, bottom = bbox
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _page_paragraphs(lines: list[Line], pg: _Page, body_size: float) -> list[Para]:
    """Paragraphs of one page in reading order (column by column inside each
    band of the page that is set in columns)."""
    words = [w for ln in lines for w in ln.words]
    gutters = _find_gutters(words, pg.width)
    items: list[tuple[float, str, object]] = []  # (top, kind, payload)
    for bbox, rows in pg.tables:
        items.append((bbox[1], "table", rows))
    if not gutters:
        for ln in lines:
            items.append((ln.top, "span", ln))
    else:
        for ln in lines:
            cols: dict[int, list[dict]] = {}
            crossing = False
            for w in ln.words:
                c = _column_of(w["x0"], w["x1"], gutters)
                if c is None:
                    crossing = True
                    break
                cols.setdefault(c, []).append(w)
            if crossing:
                items.append((ln.top, "span", ln))
            else:
                for c, ws in cols.items():
                    sub = Line.of(ws)
                    sub.col = c
                    items.append((ln.top, "col", sub))
    items.sort(key=lambda it: it[0])

    out: list[Para] = []
    i = 0
    while i < len(items):
        top, kind, payload = items[i]
        if kind == "table":
            p = Para(kind="table", page=pg.number)
            p.lines = [Line([], top, top, 0, 0, body_size, False, text=r, kind="table") for r in payload]  # type: ignore[union-attr]
            out.append(p)
            i += 1
            continue
        # a run of span lines or a region of column lines
        j = i
        while j < len(items) and items[j][1] == kind:
            j += 1
        run = [it[2] for it in items[i:j]]
        if kind == "span":
            groups = [run]
        else:
            ncols = len(gutters) + 1
            groups = [[ln for ln in run if ln.col == c] for c in range(ncols)]  # type: ignore[union-attr]
        for g in groups:
            for para_lines in _split_paragraphs(g, body_size):  # type: ignore[arg-type]
                out.append(Para(para_lines, _kind_of(para_lines, body_size, pg.height), pg.number))
        i = j
    return out
