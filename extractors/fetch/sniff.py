"""Document format from the bytes first, then the declared type, then the URL.

Bytes win because servers lie: a ``.pdf`` link that answers with an HTML
login page is the commonest failure of source checking.  Returns one of
``pdf | html | csv | xml | text``, or ``binary`` for bytes that are none of
these and do not decode as text (a ZIP, an image...).
"""
from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from charset_normalizer import from_bytes

HEAD = 4096
HTML_CHECK_BYTES = 2 * 1024 * 1024  # an error page is small; a big page is judged on its start
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|title|meta|div|p|h1|table|script)\b", re.I | re.S)
_HTML_ANYWHERE = re.compile(rb"<html\b|<!doctype\s+html", re.I)
_XML_START = re.compile(rb"^\s*(<\?xml\b|<[A-Za-z_][\w.:-]*[\s>/])", re.S)

_MIME = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/csv": "csv",
    "application/csv": "csv",
    "text/comma-separated-values": "csv",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "text",
}
_EXT = {".pdf": "pdf", ".html": "html", ".htm": "html", ".csv": "csv", ".xml": "xml", ".txt": "text"}


def _strip(data: bytes) -> bytes:
    head = data[:HEAD]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    if head[:1] == b"\x00" or head[1:2] == b"\x00":  # UTF-16 without BOM: crude ASCII view
        head = head.replace(b"\x00", b"")
    return head


def _declared(content_type_header: str | None) -> str | None:
    if not content_type_header:
        return None
    mime = content_type_header.split(";", 1)[0].strip().lower()
    if mime in _MIME:
        return _MIME[mime]
    if mime.endswith("+xml"):
        return "xml"
    return None


def _from_url(url: str | None) -> str | None:
    if not url:
        return None
    path = urlsplit(url).path.lower()
    for ext, fmt in _EXT.items():
        if path.endswith(ext):
            return fmt
    return None


def _is_text(data: bytes) -> bool:
    sample = data[:HEAD * 4]
    if not sample:
        return True
    if b"\x00" in sample and not sample.startswith(_BOMS[1:]):
        return False
    return from_bytes(sample).best() is not None


def _looks_csv(data: bytes) -> bool:
    """Three or more records with the same number (>= 2) of delimited fields."""
    sample = data[:HEAD * 4].decode("utf-8", errors="replace")
    cut = len(data) > HEAD * 4
    try:
        dialect = csv.Sniffer().sniff(sample[:HEAD], delimiters=",;\t|")
    except csv.Error:
        return False
    try:
        rows = [r for r in csv.reader(io.StringIO(sample), dialect) if any(c.strip() for c in r)]
    except csv.Error:
        return False
    if cut and len(rows) > 1:
        rows = rows[:-1]  # the last record of a cut sample may be partial
    rows = rows[:50]
    if len(rows) < 3:
        return False
    widths = {len(r) for r in rows}
    return len(widths) == 1 and widths.pop() >= 2


def sniff(data: bytes, content_type_header: str | None = None, url: str | None = None) -> str:
    head = _strip(data)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if _HTML_START.match(head):
        return "html"
    if _XML_START.match(head):
        return "html" if _HTML_ANYWHERE.search(head) else "xml"
    declared = _declared(content_type_header) or _from_url(url)
    if not _is_text(data):
        return "binary"
    if declared == "csv" or _looks_csv(data):
        return "csv"
    return "text"  # includes text bytes labelled pdf/html/xml: the bytes are trusted


# --------------------------------------------------------------------------- checks on the bytes


@dataclass(frozen=True)
class SuspicionRules:
    error_title_patterns: tuple[str, ...] = ()
    min_html_text_chars: int = 200
    block_markers: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1)
def load_rules(path: Path | None = None) -> SuspicionRules:
    path = path or Path(__file__).with_name("suspicious.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return SuspicionRules(
        error_title_patterns=tuple(data.get("error_title_patterns", ())),
        min_html_text_chars=int(data.get("min_html_text_chars", 200)),
        block_markers=tuple(data.get("block_markers", ())),
    )


def html_title_and_text(data: bytes) -> tuple[str, str]:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data)
    except Exception:  # noqa: BLE001 - unparseable HTML is judged on its raw text
        return "", data.decode("utf-8", errors="replace")
    title_el = root.find(".//title")
    title = (title_el.text_content() if title_el is not None else "").strip()
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    body = root.find(".//body")
    text = (body if body is not None else root).text_content()
    return title, " ".join(text.split())


def _contradicts(expected: str, fmt: str) -> bool:
    """Labels that commonly hide an error page or a wrong file; text vs csv is not one."""
    if expected == "pdf":
        return fmt != "pdf"
    if expected in ("csv", "xml", "text"):
        return fmt in ("html", "pdf", "binary")
    if expected == "html":
        return fmt in ("pdf", "binary")
    return False


def warnings_for(data: bytes, fmt: str, declared_format: str | None,
                 header_content_type: str | None, rules: SuspicionRules | None = None,
                 url: str | None = None) -> list[str]:
    """Human-readable warnings about bytes that arrived with a success status."""
    rules = rules or load_rules()
    out: list[str] = []
    if declared_format and declared_format != fmt:
        out.append(f"format mismatch: case.toml declares {declared_format}, the bytes are {fmt}"
                   + (f" (server said {header_content_type})" if header_content_type else ""))
    elif not declared_format:
        # no format in case.toml: the server's label and the URL still say what was expected
        header_fmt, url_fmt = _declared(header_content_type), _from_url(url)
        if header_fmt and _contradicts(header_fmt, fmt):
            out.append(f"format mismatch: server said {header_content_type}, the bytes are {fmt}")
        elif url_fmt and _contradicts(url_fmt, fmt):
            ext = urlsplit(url or "").path.rsplit(".", 1)[-1].lower()
            out.append(f"format mismatch: the URL ends in .{ext}, the bytes are {fmt}")
    if fmt == "pdf":
        if b"%%EOF" not in data[-2048:]:
            out.append("PDF looks truncated: no %%EOF marker near the end")
    if fmt == "html":
        title, text = html_title_and_text(data[:HTML_CHECK_BYTES])  # enough to judge; bounded work
        reasons = []
        for pat in rules.error_title_patterns:
            if title and re.search(pat, title, re.I):
                reasons.append(f"error-like title {title[:80]!r}")
                break
        lowered = text.lower()
        for marker in rules.block_markers:
            if marker.lower() in lowered:
                reasons.append(f"page text contains {marker!r}")
                break
        if len(text) < rules.min_html_text_chars:
            reasons.append(f"only {len(text)} characters of visible text")
        if declared_format and declared_format != "html":
            reasons.append(f"expected {declared_format}, got an HTML page")
        if reasons:
            out.append("suspicious page: " + "; ".join(reasons))
    if fmt == "binary":
        out.append("unrecognised binary content; no parser will read it")
    return out
