"""One unreadable page is skipped and flagged; the rest of the PDF is read.

The PDF is written byte by byte here: three pages, the middle one using a
Type0 font whose descendant-font array is empty, which makes pdfminer fail
on that page only."""
from __future__ import annotations

from extractors.parse.pdf import parse_pdf
from tests.parse_pdfgen import raw_pdf

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
    return raw_pdf(objs)


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


def test_a_skipped_page_is_noted_in_the_documents_row(tmp_path, settings):
    """The parse stage's warning reaches the documents table's ``error`` column
    (status stays ok), both when the parse runs and when it comes from the cache."""
    from extractors.fetch import RawStore, fetch_source
    from extractors.incremental import Versions
    from extractors.model import SourceSpec
    from extractors.stagework import lookup_parse, parse_document

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "r.pdf").write_bytes(_pdf([
        (GOOD_FONT, b"First page text about the report."), (BROKEN_FONT, b"unreadable"),
        (GOOD_FONT, b"Third page text about the village.")]))
    spec = SourceSpec(id="r", title="r", publisher="p", kind="report", path="docs/r.pdf")
    row = fetch_source(spec, tmp_path, RawStore(settings.store_dir), settings)
    assert row.status == "ok" and row.error is None
    versions = Versions.current(settings.model, settings.gazetteer_dir)
    computed, parsed, reused = parse_document(row, settings, versions)
    assert reused is False and parsed is not None
    assert computed.status == "ok" and computed.error.startswith("warning: parse: page 2 skipped: ")
    cached, _ = lookup_parse(row, settings, versions)
    assert cached.error == computed.error


def test_many_parse_warnings_are_counted_not_listed():
    from extractors.stagework import parse_warning_text

    text = parse_warning_text([f"page {i} skipped: bad font" for i in range(1, 9)])
    assert text.startswith("warning: parse: page 1 skipped") and "page 5 skipped" in text
    assert "page 6" not in text and text.endswith("(and 3 more)")
    assert parse_warning_text([]) is None
