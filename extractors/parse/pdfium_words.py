"""Fast first pass over a PDF page with pdfium: the words pdfplumber would give.

pdfplumber reads a page through pdfminer's layout engine in pure Python
(about 0.1-0.5 s a page).  pdfium (C++, through pypdfium2) reads the same
text layer in milliseconds.  This module asks pdfium for every character's
code point, box, font and matrix, builds the character dicts pdfplumber
builds (same keys, same geometry: the box starts at the origin, ends at
the advance, and spans the font's descent to descent + size, as pdfminer
draws it) and hands them to pdfplumber's own
``WordExtractor``, so the words -- and everything the parser builds on
them -- are the ones pdfplumber would produce.

It declines a page (returns ``None`` with a reason) whenever it cannot be
sure to be faithful, and the caller reads that page with pdfplumber:

* the page is rotated (``/Rotate``) or its boxes do not start at 0,0;
* any text runs sideways (pdfplumber turns such pages or drops the
  sideways words; that logic stays in one place);
* the text holds characters pdfium could not map to Unicode;
* the page uses an embedded font or a font other than the standard fonts
  whose metrics pdfminer ships: pdfium boxes such characters by their glyph outlines (or a
  substitute font's), pdfminer by their advance widths, and the gaps that
  separate words would not be pdfplumber's (such pages are the rule in
  published reports, so the fast pass pays off on generated PDFs and
  those set in the standard fonts);
* pdfium put a space between two characters closer than pdfplumber's word
  gap: it may stand for a space character pdfium dropped (a word break for
  pdfplumber) or for nothing (no break), and only pdfplumber can tell;
* the words disagree with pdfium's own reading of the page: pdfium inserts
  a space wherever it sees a word gap, and the count of its words must be
  close to the count of ours (a wrong font width or size shows up here).
"""
from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as R
from pdfminer.fontmetrics import FONT_METRICS  # the standard fonts' metrics pdfminer uses

# share of words by which pdfium's own word count may differ from ours
# (pdfplumber also cuts words where the font changes, pdfium does not)
WORD_COUNT_SLACK = 0.15
# pdfplumber's default x_tolerance: a wider gap between characters ends a word
WORD_GAP = 3.0


def _by_address(fn, restype, *argtypes):
    """*fn* called through a prototype that takes and returns plain
    addresses: no pointer objects are built per call, which matters in a loop
    over every character of a page."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


_P, _I = ctypes.c_void_p, ctypes.c_int
_text_object_at = _by_address(R.FPDFText_GetTextObject, _P, _P, _I)
_loose_box_at = _by_address(R.FPDFText_GetLooseCharBox, _I, _P, _I, _P)
_origin_at = _by_address(R.FPDFText_GetCharOrigin, _I, _P, _I, _P, _P)


class _Buffers:
    def __init__(self) -> None:
        self.rect = R.FS_RECTF()
        self.matrix = R.FS_MATRIX()
        self.name = ctypes.create_string_buffer(512)


def open_document(raw: bytes):
    """A pdfium document, or None when pdfium cannot open the bytes (the
    pdfplumber path then reports the error in its own words)."""
    try:
        return pdfium.PdfDocument(raw)
    except Exception:  # noqa: BLE001 - any failure sends the file to pdfplumber
        return None


def page_words(doc, index: int, extractor) -> tuple[list[dict] | None, float, float, str]:
    """(words, width, height, reason) for page *index*; words is None when
    the page must be read by pdfplumber (reason says why)."""
    page = doc[index]
    try:
        width, height = page.get_size()
        if page.get_rotation() % 360:
            return None, width, height, "rotated page"
        box = tuple(round(v, 2) for v in page.get_bbox())
        if box != (0.0, 0.0, round(width, 2), round(height, 2)):
            return None, width, height, "page box not at the origin"
        tp = page.get_textpage()
        try:
            chars, reason = _chars(tp, height)
            if chars is None:
                return None, width, height, reason
            if not chars:
                # nothing read: a blank or scanned page (cheap for pdfplumber
                # too), or text pdfium dropped (a broken font), where
                # pdfplumber decides whether the page reads or is flagged
                return None, width, height, "no text"
            words = extractor.extract_words(chars)
            if not _agrees(tp, words):
                return None, width, height, "word check failed"
            return words, width, height, ""
        finally:
            tp.close()
    finally:
        page.close()


def _chars(tp, height: float) -> tuple[list[dict] | None, str]:
    raw = tp.raw
    n = R.FPDFText_CountChars(raw)
    if n <= 0:
        return [], ""
    buf = (ctypes.c_ushort * (n + 1))()
    got = R.FPDFText_GetText(raw, 0, n, buf)
    if got - 1 != n:
        return None, "text outside the basic plane"
    codes = buf[:n]
    b = _Buffers()
    out: list[dict] = []
    cur_obj = None
    size = scale = 0.0
    fontname = ""
    descent = 0.0
    rect = b.rect
    ox, oy = ctypes.c_double(), ctypes.c_double()
    page_at = ctypes.cast(raw, ctypes.c_void_p).value
    rect_at, ox_at, oy_at = ctypes.addressof(rect), ctypes.addressof(ox), ctypes.addressof(oy)
    upright = True
    gap_open = False
    sideways = 0
    for i in range(n):
        u = codes[i]
        addr = _text_object_at(page_at, i)
        if not addr:
            # a space or line break pdfium generated: pdfplumber sees no
            # character there and cuts words by distance alone
            if u == 32:
                gap_open = True
            continue
        if u == 0xFFFD or u == 0xFFFF or (u < 32 and u not in (2, 9, 10, 13)) or 0xD800 <= u <= 0xDFFF:
            return None, "unmapped characters"
        if addr != cur_obj:
            cur_obj = addr
            R.FPDFText_GetMatrix(raw, i, b.matrix)
            m = b.matrix
            upright = abs(m.b) <= 1e-6 and m.a > 0 and m.d > 0
            if upright and abs(m.c) > 1e-6:
                return None, "slanted text"
            fsize = R.FPDFText_GetFontSize(raw, i)
            scale = m.d
            size = fsize * scale
            font = R.FPDFTextObj_GetFont(R.FPDFText_GetTextObject(raw, i))
            if font and R.FPDFFont_GetIsEmbedded(font):
                # pdfium boxes an embedded font's characters by their glyph
                # outlines, pdfminer by their advance widths: the gaps that
                # separate words would not be pdfplumber's
                return None, "embedded font"
            k = R.FPDFFont_GetBaseFontName(font, b.name, len(b.name)) if font else 0
            fontname = b.name.value.decode("utf-8", "replace") if k else ""
            if fontname not in FONT_METRICS:
                # a font pdfium substitutes: its spaces and boxes follow the
                # substitute, and pdfplumber's word gaps cannot be rebuilt
                return None, "substituted font"
            descent = FONT_METRICS[fontname][0].get("Descent", 0.0) / 1000.0
        if u in (9, 10, 13):
            continue
        if not upright:
            sideways += 1
            continue  # margin notes, watermarks: pdfplumber drops them too
        _loose_box_at(page_at, i, rect_at)
        _origin_at(page_at, i, ox_at, oy_at)
        # pdfminer's box: from the font's descent below the baseline to
        # descent + size, with the descent of the font's metrics
        bottom = height - (oy.value + descent * size)
        top = bottom - size
        # pdfium's box is the advance box grown to the glyph's outline
        # where it sticks out (the hook of a "j"); pdfminer starts at the origin
        x0, x1 = ox.value, max(ox.value, rect.right)
        if gap_open and out:
            gap_open = False
            prev = out[-1]
            if abs(prev["top"] - top) < 1.0 and x0 - prev["x1"] <= WORD_GAP:
                # pdfium put a space where the characters nearly touch: it
                # either stands for a space character pdfium dropped (which
                # ends a word for pdfplumber) or for nothing at all (which
                # does not); only pdfplumber can tell
                return None, "ambiguous word gap"
        out.append({
            # pdfium marks a hyphen that ends a line as 0x02 / 0xFFFE
            "text": "-" if u in (2, 0xFFFE) else chr(u),
            "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": size, "upright": True,
            "size": size, "fontname": fontname, "_obj": addr,
        })
    # a glyph that sticks out to the right (an italic "f") must not close
    # the gap to the next character: pdfminer ends a box at the advance,
    # which is never past the next character of the same run
    for a, b_ in zip(out, out[1:]):
        if a["_obj"] == b_["_obj"] and a["x0"] < b_["x0"] < a["x1"]:
            a["x1"] = b_["x0"]
            a["width"] = a["x1"] - a["x0"]
    for c in out:
        del c["_obj"]
    if sideways > len(out):
        return None, "sideways text"  # pdfplumber turns such a page
    return out, ""


def _agrees(tp, words: list[dict]) -> bool:
    """pdfium's own word count (its generated spaces included) against ours."""
    theirs = len(tp.get_text_range().split())
    ours = len(words)
    if not theirs and not ours:
        return True
    return abs(theirs - ours) <= max(3, WORD_COUNT_SLACK * max(theirs, ours))


def path_count(doc, index: int) -> int:
    """Number of path objects (lines, rectangles) drawn on page *index*."""
    page = doc[index]
    try:
        n = R.FPDFPage_CountObjects(page.raw)
        return sum(
            1 for k in range(n) if R.FPDFPageObj_GetType(R.FPDFPage_GetObject(page.raw, k)) == R.FPDF_PAGEOBJ_PATH
        )
    finally:
        page.close()
