"""Fast first pass over a PDF page with pdfium: the words pdfplumber would give.

pdfplumber reads a page through pdfminer's layout engine in pure Python
(about 0.1-0.5 s a page).  pdfium (C++, through pypdfium2) reads the same
text layer in milliseconds.  This module asks pdfium for every character's
code point, box, font and matrix, builds the character dicts pdfplumber
builds (same keys, same geometry: the box spans the font's descent to
descent + size, as pdfminer draws it) and hands them to pdfplumber's own
``WordExtractor``, so the words -- and everything the parser builds on
them -- are the ones pdfplumber would produce.

It declines a page (returns ``None`` with a reason) whenever it cannot be
sure to be faithful, and the caller reads that page with pdfplumber:

* the page is rotated (``/Rotate``) or its boxes do not start at 0,0;
* any text runs sideways (pdfplumber turns such pages or drops the
  sideways words; that logic stays in one place);
* the text holds characters pdfium could not map to Unicode;
* pdfium drew a character's box from the glyph's outline instead of its
  advance width (embedded fonts with glyph boxes): gaps between words
  would not be pdfminer's;
* the words disagree with pdfium's own reading of the page: pdfium inserts
  a space wherever it sees a word gap, and the count of its words must be
  close to the count of ours (a wrong font width or size shows up here).
"""
from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as R

# share of words by which pdfium's own word count may differ from ours
# (pdfplumber also cuts words where the font changes, pdfium does not)
WORD_COUNT_SLACK = 0.15


class _Buffers:
    def __init__(self) -> None:
        self.rect = R.FS_RECTF()
        self.matrix = R.FS_MATRIX()
        self.name = ctypes.create_string_buffer(512)
        self.descent = ctypes.c_float()


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
    get_obj = R.FPDFText_GetTextObject
    get_box = R.FPDFText_GetLooseCharBox
    rect = b.rect
    get_origin = R.FPDFText_GetCharOrigin
    ox, oy = ctypes.c_double(), ctypes.c_double()
    upright = True
    sideways = 0
    for i in range(n):
        u = codes[i]
        obj = get_obj(raw, i)
        addr = ctypes.cast(obj, ctypes.c_void_p).value
        if not addr:
            # a space or line break pdfium generated: pdfplumber sees no
            # character there and cuts words by distance alone
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
            font = R.FPDFTextObj_GetFont(obj)
            k = R.FPDFFont_GetBaseFontName(font, b.name, len(b.name)) if font else 0
            fontname = b.name.value.decode("utf-8", "replace") if k else ""
            if font and R.FPDFFont_GetDescent(font, ctypes.c_float(1.0), ctypes.byref(b.descent)):
                descent = b.descent.value
            else:
                descent = 0.0
        if u in (9, 10, 13):
            continue
        if not upright:
            sideways += 1
            continue  # margin notes, watermarks: pdfplumber drops them too
        get_box(raw, i, rect)
        get_origin(raw, i, ox, oy)
        if abs(rect.left - ox.value) > 0.01:
            # pdfium drew this box from the glyph's outline, not from its
            # advance width as pdfminer does: word gaps would differ
            return None, "glyph-shaped character boxes"
        # pdfminer's box: from the font's descent below the baseline to
        # descent + size; pdfium's loose box starts at the same descent
        bottom = height - rect.bottom
        top = bottom - size
        x0, x1 = rect.left, rect.right
        out.append({
            # pdfium marks a hyphen that ends a line as 0x02 / 0xFFFE
            "text": "-" if u in (2, 0xFFFE) else chr(u),
            "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": size, "upright": True,
            "size": size, "fontname": fontname,
        })
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
