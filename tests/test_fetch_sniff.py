"""Format sniffing and the warnings raised on bytes that arrived with 200."""
from __future__ import annotations

import gzip

import pytest

try:
    from tests.fetch_server import REPORT_TEXT, make_html, make_pdf
except ImportError:
    from fetch_server import REPORT_TEXT, make_html, make_pdf

from extractors.fetch.sniff import sniff, warnings_for

PDF = make_pdf(REPORT_TEXT)
SDN_LIKE = (
    b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    b'173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    b'306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. \'BNC\'."\n'
)


@pytest.mark.parametrize("data,header,url,expected", [
    (PDF, None, None, "pdf"),
    (PDF, "text/html", "https://x.org/page.html", "pdf"),  # bytes beat labels
    (b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>", None, None, "html"),
    (b"  <!-- generated -->\n<html lang='sr'><head></head></html>", None, None, "html"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x">\n<html xmlns="x"/>', None, None, "html"),
    (b'<?xml version="1.0" encoding="UTF-8"?>\n<sdnList><sdnEntry/></sdnList>', None, None, "xml"),
    (b"<export><entry id='1'/></export>", "application/octet-stream", None, "xml"),
    (SDN_LIKE, None, None, "csv"),
    (b"name;programme;listed\nA;GLOMAG;2021\nB;GLOMAG;2021\nC;GLOMAG;2022\n", None, None, "csv"),
    (b"id,name\n1,x\n", "text/csv", None, "csv"),  # short, but declared CSV
    (b"A paragraph of prose, with two commas, here.\nThen one, here.\nAnd none\n", None, None, "text"),
    ("Plain article text about Banjska and Radoičić.\n".encode(), "text/plain", None, "text"),
    (b"PK\x03\x04" + bytes(range(256)) * 4, None, "https://x.org/list.xlsx", "binary"),
    (gzip.compress(b"hello" * 100, mtime=0), None, None, "binary"),  # mtime=0: the same bytes, so the same test id, in every test process
])
def test_sniff(data, header, url, expected):
    assert sniff(data, header, url) == expected


def test_identical_comma_counts_can_look_like_csv():
    # documented limit: three prose lines with one comma each are indistinguishable from a 2-column CSV
    assert sniff(b"a, b\nc, d\ne, f\n") == "csv"


def test_warnings_clean_documents():
    assert warnings_for(PDF, "pdf", "pdf", "application/pdf") == []
    assert warnings_for(make_html("Kosovo report", REPORT_TEXT * 2), "html", "html", "text/html") == []


def test_warnings_on_bad_bytes():
    [w] = warnings_for(PDF[:500], "pdf", "pdf", None)
    assert "truncated" in w
    ws = warnings_for(make_html("Just a moment...", ["Checking your browser before accessing the site."]),
                      "html", "pdf", "text/html")
    assert ws[0].startswith("format mismatch: case.toml declares pdf, the bytes are html (server said text/html)")
    assert "suspicious page" in ws[1] and "error-like title" in ws[1] and "expected pdf" in ws[1]


def test_warnings_without_a_declared_format():
    page = make_html("Kosovo report", REPORT_TEXT * 2)
    [w] = warnings_for(page, "html", None, "application/pdf")
    assert w == "format mismatch: server said application/pdf, the bytes are html"
    [w] = warnings_for(page, "html", None, "text/html", url="https://x.org/files/report.pdf")
    assert w == "format mismatch: the URL ends in .pdf, the bytes are html"
    # a CSV served as text/plain, or from a .txt URL, is normal
    csv = b"a,b\n1,2\n3,4\n5,6\n"
    assert warnings_for(csv, "csv", None, "text/plain", url="https://x.org/list.txt") == []
