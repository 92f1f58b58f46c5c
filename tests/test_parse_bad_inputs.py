"""Bad inputs: each ends with a clear ParseError (or a sane result)."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.errors import ParseError
from extractors.parse import parse_document
from tests import parse_pdfgen as gen

FIX = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("fmt", ["pdf", "html", "csv", "text"])
def test_empty_file(fmt):
    with pytest.raises(ParseError, match="empty file"):
        parse_document("s", "sha", b"", fmt)


def test_zero_page_pdf():
    with pytest.raises(ParseError, match="PDF has no pages"):
        parse_document("s", "sha", gen.zero_page_pdf(), "pdf")


def test_truncated_pdf():
    raw = gen.report_pdf()
    with pytest.raises(ParseError, match="corrupt or unreadable PDF") as exc:
        parse_document("s", "sha", raw[: len(raw) // 3], "pdf")
    assert exc.value.hint  # tells the analyst what to do


def test_encrypted_pdf():
    with pytest.raises(ParseError, match="encrypted PDF"):
        parse_document("s", "sha", gen.encrypted_pdf(), "pdf")


def test_image_only_pdf():
    with pytest.raises(ParseError, match=r"no text layer \(scanned PDF\?\)"):
        parse_document("s", "sha", gen.image_only_pdf(), "pdf")


def test_not_a_pdf():
    with pytest.raises(ParseError, match="not a PDF"):
        parse_document("s", "sha", b"<html>oops</html>", "pdf")


def test_html_only_navigation():
    with pytest.raises(ParseError, match="no main text found"):
        parse_document("s", "sha", (FIX / "html" / "nav-only.html").read_bytes(), "html")


def test_html_windows_1251_declared_as_utf8():
    body = (
        "Специјално тужилаштво Косова подигло је оптужницу против четрдесет пет особа због напада у селу Бањска. "
        "Према наводима тужилаштва, група је деловала по плану и била је добро наоружана. "
        "Тужилаштво је навело да ће суђење почети када суд одреди датум рочишта."
    )
    html = f'<html><head><meta charset="utf-8"><title>Бањска</title></head><body><article><p>{body}</p></article></body></html>'
    raw = html.encode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    doc = parse_document("s", "sha", raw, "html")
    assert "Бањска" in doc.text and "оптужницу" in doc.text
    assert any("decoded as" in w for w in doc.warnings)


def test_html_5_mb_page():
    sentence = "The monitors wrote a long paragraph about the situation in the north of the country. " * 11
    paras = "".join(f"<p>Entry {i}: {sentence}</p>\n" for i in range(5200))
    filler = "<div class='x'><a href='/x'>link</a></div>\n" * 2000
    raw = ("<html><body><article>" + filler + paras + "</article></body></html>").encode()
    assert len(raw) > 5_000_000
    doc = parse_document("s", "sha", raw, "html")
    assert doc.parser in ("trafilatura.v1", "html-fallback.v1")
    assert len(doc.text) > 1_000_000
    assert "Entry 5199:" in doc.text


def test_csv_with_missing_column(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("mk", FIX / "sanctions" / "make_uk_synthetic.py")
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    bad = tmp_path / "no-group-id.csv"
    mk.write_ofsi(bad, drop="Group ID")
    with pytest.raises(ParseError, match=r"missing column\(s\): Group ID"):
        parse_document("s", "sha", bad.read_bytes(), "csv")


def test_unknown_format():
    with pytest.raises(ParseError, match="no parser for format 'docx'"):
        parse_document("s", "sha", b"PK\x03\x04", "docx")


def test_xml_formats():
    xhtml = (FIX / "html" / "article-with-boilerplate.html").read_bytes().replace(
        b"<!DOCTYPE html>", b'<?xml version="1.0" encoding="utf-8"?>'
    )
    doc = parse_document("s", "sha", xhtml, "xml")
    assert doc.parser == "trafilatura.v1" and "eleven villages" in doc.text
    with pytest.raises(ParseError, match="XML documents other than XHTML are not supported") as exc:
        parse_document("s", "sha", b'<?xml version="1.0"?><sdnList><sdnEntry/></sdnList>', "xml")
    assert "CSV edition" in exc.value.hint
