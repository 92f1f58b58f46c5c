"""PDF -> located paragraphs, through pdfplumber.

Per page: words (with font size and name) -> lines -> columns (a vertical
gutter free of words) -> paragraphs (line spacing, first-line indent, font
size) in reading order.  Running headers and footers (lines that repeat at
the same place on many pages, and bare page numbers) are dropped before
paragraphs are built; words hyphenated at a line end are joined; small-print
paragraphs at the foot of a page are kept as ``footnote``; ruled tables are
kept as text rows (cells joined with `` | ``) of kind ``table``: a run of
lines whose words fall into three or more widely spaced cells.
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
from pdfplumber.utils.text import WordExtractor

from extractors.errors import ParseError
from extractors.model import ParsedDoc

from . import pdfium_words
from .build import TextBuilder
from .lang import detect_language

PARSER_ID = "pdfplumber.v1"

# A line in the top or bottom band of a page, set apart from the body, whose
# text (digits ignored) repeats on at least this share of the pages (and on
# 2 pages, 3 from 6 pages up) is a running header or footer.
BAND = 0.12
REPEAT_SHARE = 0.25
_PAGE_NO = re.compile(
    r"^(?:(?:page|p\.|seite|strana|faqe|стр\.?|страна)\s*)?[-–—(\[]?\s*(?:\d{1,5}|[ivxlcdm]{1,7})\s*[-–—)\]]?"
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
            text=_join_words(words),
        )

    @property
    def cells(self) -> list[str]:
        """The line cut where words are far apart (table cells)."""
        out, cur, prev = [], [], None
        for w in self.words:
            if prev is not None and w["x0"] - prev["x1"] > max(2.0 * self.size, 14.0):
                out.append(_join_words(cur))
                cur = []
            cur.append(w)
            prev = w
        if cur:
            out.append(_join_words(cur))
        return out


def _join_words(words: list[dict]) -> str:
    """Words of one line; no space where pdfplumber split a word only
    because the font changed (``DARPA‐BAA``, a superscript marker)."""
    out = ""
    prev = None
    for w in words:
        if prev is not None:
            gap = w["x0"] - prev["x1"]
            out += "" if gap < 0.12 * min(w["size"], prev["size"]) else " "
        out += w["text"]
        prev = w
    return out


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
    # full-width lines (a title, captions, footnotes) may cross a gutter;
    # the prose checks below keep single-column pages from splitting
    limit = max(2, int(0.2 * nlines))
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
            return "\n".join(" | ".join(ln.cells) if ln.words else ln.text for ln in self.lines)
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
        if _is_row(ln) != _is_row(prev) or (_is_row(ln) and ln.top - prev.bottom > 2.5 * ln.size):
            paras.append([ln])
            continue
        if _is_row(ln):
            paras[-1].append(ln)
            continue
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
        elif ln.size <= body_size * 0.88 and _FOOTNOTE_MARK.match(ln.text):
            new = True  # each footnote starts with its number
        if (
            new
            and abs(ln.size - prev.size) < 0.5
            and ln.bold == prev.bold
            and 0 < gap < 2.2 * pitch
            and ln.text[:1].islower()
            and not prev.text.endswith(_SENT_END)
        ):
            new = False  # a sentence running on in lower case: same paragraph
        if new:
            paras.append([ln])
        else:
            paras[-1].append(ln)
    return paras


def _is_row(ln: Line) -> bool:
    """A line of an unruled table: three or more cells set far apart."""
    return len(ln.cells) >= 3


def _kind_of(lines: list[Line], body_size: float, page_height: float) -> str:
    if len(lines) >= 2 and all(_is_row(ln) for ln in lines):
        return "table"
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


def _margin_lines(lines: list[Line], page_height: float) -> list[tuple[Line, str]]:
    """Lines that may be running headers or footers: inside the top or
    bottom band of the page *and* set apart from the body by a gap larger
    than ordinary line spacing (a body line that merely starts high on the
    page is not a header)."""
    out: list[tuple[Line, str]] = []
    if not lines:
        return out
    top_band = [ln for ln in lines if ln.bottom <= page_height * BAND]
    body = [ln for ln in lines if ln.bottom > page_height * BAND and ln.top < page_height * (1 - BAND)]
    bottom_band = [ln for ln in lines if ln.top >= page_height * (1 - BAND)]

    def gap_ok(a: Line, b: Line) -> bool:  # a above b
        return b.top - a.bottom > 0.6 * max(a.size, b.size)

    # top: walk up from the body; lines glued to the body belong to it
    below = body[0] if body else (bottom_band[0] if bottom_band else None)
    keep = []
    for ln in reversed(top_band):
        if below is not None and not gap_ok(ln, below) and not keep:
            below = ln
            continue
        keep.append(ln)
        below = ln
    out.extend((ln, "top") for ln in keep)
    above = body[-1] if body else (top_band[-1] if top_band else None)
    keep = []
    for ln in bottom_band:
        if above is not None and not gap_ok(above, ln) and not keep:
            above = ln
            continue
        keep.append(ln)
        above = ln
    out.extend((ln, "bottom") for ln in keep)
    return out


def _band_key(ln: Line, band: str) -> tuple:
    # the text (digits ignored) and the band, not the exact height: pages of
    # one document may differ in size (letter and legal) and shift the header
    return (band, _DIGITS.sub("#", " ".join(ln.text.lower().split())))


def _is_page_number(ln: Line) -> bool:
    return bool(_PAGE_NO.match(ln.text.strip()))


# --------------------------------------------------------------------------- tables


# pdfplumber's ruled-table finder costs about as much as reading the page
# again on table-heavy pages (it filters every character for every cell), and
# the line-based row detection (``Line.cells``) already keeps tables as rows;
# so it is off unless asked for.
RULED_TABLES = False

# Read pages with pdfium first (see pdfium_words); pdfplumber reads only the
# pages the fast pass declines.  Off: every page through pdfplumber.
FAST_PASS = True


def _tables(page) -> list[tuple[tuple[float, float, float, float], list[str]]]:
    """Ruled tables on *page*: (bbox, rows as text).  Only looked for when
    RULED_TABLES is on and the page draws enough lines or rectangles."""
    if not RULED_TABLES or len(page.lines) + len(page.rects) < 4:
        return []
    out = []
    for t in page.find_tables():
        data = t.extract()
        multi = sum(1 for row in data for c in row if c and c.count("\n") >= 3)
        if multi:
            continue  # a frame drawn around running text, not a grid
        rows = []
        for row in data:
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
    margins: dict = field(default_factory=dict)


_WORDS = WordExtractor(extra_attrs=["size", "fontname"])


def _page_words(page) -> tuple[list[dict], bool]:
    """Words of *page* with size and font name.  When most characters run
    sideways (``/Rotate 90`` pages, landscape tables) the page is turned so
    they read left to right; otherwise sideways words (margin notes,
    watermarks) are dropped."""
    chars = page.chars
    if not chars:
        return [], False
    sideways = sum(1 for c in chars if not c.get("upright", True))
    if sideways <= len(chars) / 2:
        words = _WORDS.extract_words([c for c in chars if c.get("upright", True)])
        return words, False
    width = float(page.width)
    turned = []
    for c in chars:
        if c.get("upright", True):
            continue
        m = c.get("matrix") or (0, -1, 1, 0, 0, 0)
        # glyph "up" along +x: lines further right are read first
        if m[1] < 0:
            x0, x1, top, bottom = c["top"], c["bottom"], width - c["x1"], width - c["x0"]
        else:
            x0, x1, top, bottom = float(page.height) - c["bottom"], float(page.height) - c["top"], c["x0"], c["x1"]
        turned.append({**c, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "upright": True, "width": x1 - x0, "height": bottom - top})
    turned.sort(key=lambda c: (round(c["top"]), c["x0"]))
    return _WORDS.extract_words(turned), True


def _page_error(exc: BaseException) -> str:
    """``Type: message`` of *exc* and its causes (pdfplumber wraps pdfminer's
    errors in an exception whose own message is often empty)."""
    parts: list[str] = []
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen and len(parts) < 3:
        seen.add(id(e))
        parts.append(f"{type(e).__name__}: {e}" if str(e) else type(e).__name__)
        e = e.__cause__ or e.__context__
    return " / ".join(parts)[:200]


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
    fast = pdfium_words.open_document(raw) if FAST_PASS else None
    try:
        if npages == 0:
            raise ParseError("PDF has no pages", hint="the file is a valid PDF shell with an empty page tree")
        if fast is not None and len(fast) != npages:
            fast.close()
            fast = None  # the two readers disagree on the page tree: trust pdfplumber
        warnings: list[str] = []
        pages: list[_Page] = []
        size_counter: Counter = Counter()
        slow_pages: dict[int, str] = {}
        for i, page in enumerate(pdf.pages, start=1):
            words = None
            rotated = False
            tables: list = []
            try:
                if fast is not None and not (RULED_TABLES and _draws_lines(fast, i - 1)):
                    try:
                        words, fw, fh, why = pdfium_words.page_words(fast, i - 1, _WORDS)
                    except Exception as exc:  # noqa: BLE001 - pdfplumber reads the page instead
                        words, why = None, f"pdfium: {type(exc).__name__}"
                    if words is None:
                        slow_pages[i] = why
                    else:
                        w_, h_ = fw, fh
                elif fast is not None:
                    slow_pages[i] = "ruled tables"
                if words is None:
                    words, rotated = _page_words(page)
                    tables = _tables(page) if words and not rotated else []
                    w_, h_ = (float(page.height), float(page.width)) if rotated else (float(page.width), float(page.height))
            except Exception as exc:  # one bad page must not sink the document: it is skipped and flagged
                warnings.append(f"page {i} skipped: {_page_error(exc)}")
                words, tables, rotated = [], [], False
                w_, h_ = float(page.width), float(page.height)
            words = [w for w in words if w["text"].strip()]
            for w in words:
                size_counter[round(w["size"] * 2) / 2] += len(w["text"])
            pages.append(_Page(i, h_, w_, [], words, tables))
            page.flush_cache()
        if not size_counter:
            if warnings and len(warnings) == npages:
                raise ParseError(f"corrupt PDF: no page could be read ({warnings[0]})", hint="fetch the file again or find a mirror")
            raise ParseError("no text layer (scanned PDF?)", hint="the PDF holds only images; OCR it (e.g. ocrmypdf) and add the OCR'd copy as a mirror")
        body_size = size_counter.most_common(1)[0][0]
        doc = _assemble(source_id, sha256, pages, body_size, warnings, pdf)
        doc.parser_detail = _engine_note(npages, slow_pages, fast is not None)
        return doc
    finally:
        pdf.close()
        if fast is not None:
            fast.close()


def _engine_note(npages: int, slow: dict[int, str], fast_open: bool) -> str:
    """Which reader read which pages, e.g. ``pdfium 148/150; pdfplumber p. 3 (rotated page), ...``."""
    if not fast_open:
        return f"pdfplumber {npages}/{npages}"
    note = f"pdfium {npages - len(slow)}/{npages}"
    if slow:
        shown = ", ".join(f"p. {p} ({why})" for p, why in list(slow.items())[:10])
        more = f" and {len(slow) - 10} more" if len(slow) > 10 else ""
        note += f"; pdfplumber {shown}{more}"
    return note


def _draws_lines(doc, index: int) -> bool:
    """The page draws enough paths (lines, rectangles) to hold a ruled table."""
    return pdfium_words.path_count(doc, index) >= 4


def _assemble(source_id, sha256, pages: list[_Page], body_size: float, warnings, pdf) -> ParsedDoc:
    # pass 1: lines per page, running header/footer candidates
    key_pages: Counter = Counter()
    for pg in pages:
        # words inside tables are read from the table, not as prose
        if pg.tables:
            pg.words = [w for w in pg.words if not any(_inside(w, bbox) for bbox, _ in pg.tables)]
        pg.lines = _strip_line_numbers(_make_lines(pg.words))
        pg.margins = {id(ln): _band_key(ln, band) for ln, band in _margin_lines(pg.lines, pg.height)}
        key_pages.update(set(pg.margins.values()))
    text_pages = sum(1 for pg in pages if pg.lines)
    min_repeat = max(2 if text_pages < 6 else 3, int(REPEAT_SHARE * text_pages + 0.999))
    running = {k for k, c in key_pages.items() if c >= min_repeat} if text_pages >= 2 else set()

    b = TextBuilder()
    for pg in pages:
        kept = []
        for ln in pg.lines:
            k = pg.margins.get(id(ln))
            if k is not None and (k in running or _is_page_number(ln)):
                continue
            kept.append(ln)
        for para in _page_paragraphs(kept, pg, body_size):
            b.add(para.text(), page=pg.number, kind=para.kind, keep_newlines=para.kind == "table")
    if not b.blocks:
        raise ParseError("no text layer (scanned PDF?)", hint="only headers, footers or page numbers carry text; OCR the document")
    text = b.text
    # the first heading on page 1 names the document; the metadata /Title is
    # only a fallback (it is often stale, e.g. copied from another report)
    title = next((b_.text for b_ in b.passages("", "")[:6] if b_.kind == "heading" and b_.page == 1 and len(b_.text) > 8), None)
    if title is None:
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


def _strip_line_numbers(lines: list[Line]) -> list[Line]:
    """Drop margin line numbers (transcripts, bills): a run of at least 8
    lines starting with an increasing small integer set at the same x."""
    cands = [
        (i, ln) for i, ln in enumerate(lines)
        if ln.words and ln.words[0]["text"].isdigit() and len(ln.words[0]["text"]) <= 3
    ]
    if len(cands) < 8:
        return lines
    x1s = sorted(ln.words[0]["x1"] for _, ln in cands)
    mid = x1s[len(x1s) // 2]
    same = [(i, ln) for i, ln in cands if abs(ln.words[0]["x1"] - mid) <= 3]
    nums = [int(ln.words[0]["text"]) for _, ln in same]
    rising = sum(1 for a, b in zip(nums, nums[1:]) if b == a + 1)
    if len(same) < 8 or rising < 0.7 * (len(same) - 1):
        return lines
    # the numbers must stand apart from the text they label
    if any(len(ln.words) > 1 and ln.words[1]["x0"] - ln.words[0]["x1"] < ln.size for _, ln in same):
        return lines
    drop = {i for i, _ in same}
    out = []
    for i, ln in enumerate(lines):
        if i in drop:
            if len(ln.words) > 1:
                out.append(Line.of(ln.words[1:]))
            continue
        out.append(ln)
    return out


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
                kind = _kind_of(para_lines, body_size, pg.height)
                if kind == "footnote" and out and out[-1].kind == "footnote" and not _FOOTNOTE_MARK.match(para_lines[0].text):
                    out[-1].lines.extend(para_lines)  # a footnote's second line
                    continue
                out.append(Para(para_lines, kind, pg.number))
        i = j
    return out


_FOOTNOTE_MARK = re.compile(r"^(?:\d{1,3}|[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(\d{1,3}\)|\[\d{1,3}\])[\s.)]")
