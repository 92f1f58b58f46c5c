"""One unreadable page is skipped and flagged; the rest of the PDF is read.

The PDF is written byte by byte here: three pages, the middle one using a
Type0 font whose descendant-font array is empty, which makes pdfminer fail
on that page only."""
from __future__ import annotations

import io

from extractors.parse.pdf import parse_pdf

BROKEN_FONT = b"<< /Type /Font /Subtype /Type0 /BaseFont /Broken /Encoding /Identity-H /DescendantFonts [] >>"
GOOD_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _pdf(pages: list[tuple[bytes, bytes]]) -> bytes:
    """pages: (font object, text) per page."""
    n = len(pages)
    kids = b" ".join(b"%d 0 R" % (3 + 3 * i) for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n]
    for i, (font, text) in enumerate(pages):
        page_no = 3 + 3 * i
        content = b"BT /F1 12 Tf 72 700 Td (" + text + b") Tj ET"
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >>"
                    b" /Contents %d 0 R >>" % (page_no + 1, page_no + 2))
        objs.append(font)
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def test_a_bad_first_page_does_not_sink_the_document():
    raw = _pdf([(BROKEN_FONT, b"unreadable"), (GOOD_FONT, b"The second page speaks of Banjska.")])
    doc = parse_pdf("s", "sha", raw)
    assert "second page speaks of Banjska" in doc.text
    assert [p.page for p in doc.passages] == [2]
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("page 1 skipped: ")


def test_a_bad_middle_page_is_skipped_and_flagged():
    raw = _pdf([(GOOD_FONT, b"First page text about the report."), (BROKEN_FONT, b"unreadable"),
                (GOOD_FONT, b"Third page text about the village.")])
    doc = parse_pdf("s", "sha", raw)
    assert doc.pages == 3
    assert sorted({p.page for p in doc.passages}) == [1, 3]
    assert [w.split(":")[0] for w in doc.warnings] == ["page 2 skipped"]
