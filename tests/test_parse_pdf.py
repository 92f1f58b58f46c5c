"""PDF parsing on PDFs the tests write themselves (tests/parse_pdfgen.py)."""
from __future__ import annotations

import pytest

from extractors.ids import stable_id
from extractors.parse import parse_document, parser_version
from tests import parse_pdfgen as gen


@pytest.fixture(scope="module")
def report():
    return parse_document("report-src", "sha-report", gen.report_pdf(), "pdf")


@pytest.fixture(scope="module")
def two_col():
    return parse_document("twocol-src", "sha-twocol", gen.two_column_pdf(), "pdf")


def test_pages_and_parser(report):
    assert report.pages == 8
    assert report.parser == "pdfplumber.v1" == parser_version("pdf")
    assert report.language == "en"


def test_running_header_and_footer_removed(report):
    assert gen.HEADER not in report.text
    assert "Internal Draft" not in report.text
    for n in range(1, 9):
        assert f"Page {n} of 8" not in report.text
    # the body paragraph that starts high on the page is kept
    for n in range(1, 9):
        assert f"Paragraph A of page {n}." in report.text


def test_hyphenation_joined(report):
    assert "reconstruction of the damaged buildings" in report.text
    assert "recon-" not in report.text and "recon " not in report.text
    p = next(p for p in report.passages if "reconstruction" in p.text)
    assert p.page == 2 and p.paragraph == 1


def test_footnote_marked(report):
    notes = [p for p in report.passages if p.kind == "footnote"]
    assert len(notes) == 1
    fn = notes[0]
    assert fn.page == 3
    assert fn.text.startswith("1 The count of vehicles")
    assert fn.text.endswith("shared with the monitors in October.")  # both lines in one footnote
    # the body paragraphs of page 3 are not footnotes
    assert all(p.kind == "body" for p in report.passages if p.page == 3 and "Paragraph" in p.text)


def test_passage_on_page_seven(report):
    hits = [p for p in report.passages if "Banjska monastery" in p.text]
    assert len(hits) == 1
    p = hits[0]
    assert p.page == 7
    assert p.paragraph == 1
    assert report.text[p.char_start:p.char_end] == p.text
    # paragraphs restart at 1 on each page and count up within it
    on7 = [q.paragraph for q in report.passages if q.page == 7]
    assert on7 == list(range(1, len(on7) + 1))


def test_heading_kind(report):
    first = report.passages[0]
    assert first.kind == "heading" and first.text == "Northern Kosovo after the attack"


def test_offsets_and_ids(report):
    last_end = -1
    for p in report.passages:
        assert report.text[p.char_start:p.char_end] == p.text
        assert p.char_start > last_end
        last_end = p.char_end
        assert p.passage_id == stable_id("passage", "report-src", "sha-report", p.char_start, p.char_end)
        assert p.source_id == "report-src" and p.document_sha256 == "sha-report"
    assert len({p.passage_id for p in report.passages}) == len(report.passages)


def test_two_columns_in_reading_order(two_col):
    t = two_col.text
    marks = [
        "Council session on the northern municipalities",
        "Left column first paragraph",
        "Left column second paragraph",
        "Right column first paragraph",
        "Right column second paragraph",
    ]
    pos = [t.index(m) for m in marks]
    assert pos == sorted(pos)
    # each column paragraph is one passage holding its own text only
    left1 = next(p for p in two_col.passages if p.text.startswith("Left column first"))
    assert "Right column" not in left1.text
    assert left1.text.endswith("avoid new tension.")
    notes = [p for p in two_col.passages if p.kind == "footnote"]
    assert [n.text[:2] for n in notes] == ["1 ", "2 "]
    assert t.index("Right column second paragraph") < t.index("1 The record of the session")
    assert [p.paragraph for p in two_col.passages] == [1, 2, 3, 4, 5, 6, 7]


def test_parse_is_deterministic():
    raw = gen.report_pdf()
    a = parse_document("s", "h", raw, "pdf")
    b = parse_document("s", "h", raw, "pdf")
    assert a.text == b.text and [p.passage_id for p in a.passages] == [p.passage_id for p in b.passages]


def test_title_from_first_heading(report):
    assert report.title == "Northern Kosovo after the attack"


def test_table_kept_as_rows():
    doc = parse_document("tab", "sha", gen.table_pdf(), "pdf")
    kinds = [p.kind for p in doc.passages]
    assert kinds == ["body", "table", "body"]
    rows = doc.passages[1].text.split("\n")
    assert rows == [" | ".join(r) for r in gen.TABLE_ROWS]
    assert doc.passages[2].text.startswith("The figures for December")


@pytest.mark.skipif(not __import__("os").path.exists(gen.DEJAVU), reason="DejaVu font not installed")
def test_unicode_text_normalised_and_foldable():
    from extractors.textnorm import fold, span_to_original

    doc = parse_document("uni", "sha", gen.unicode_pdf(), "pdf")
    t = doc.text
    assert "Radoičić" in t and "Бањска" in t and "Priština" in t
    assert '"final"' in t  # curly quotes made straight
    assert "first hearing" in t and "office of the prosecutor" in t  # ligatures expanded
    folded, index = fold(t)
    i = folded.index("radoicic")
    a, b = span_to_original(index, i, i + len("radoicic"))
    assert t[a:b] == "Radoičić"
