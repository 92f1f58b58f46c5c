"""Parse stored documents into one canonical text with located passages.

Public API (see the README's "Parse" section):

* :func:`parse_document` -- parse in this process;
* :func:`parse_isolated` -- the same in a child process with time and memory limits;
* :func:`parse_cached` -- isolated parse, cached on disk by (sha256, parser version);
* :data:`PARSERS` and :func:`parser_version` -- versioned parser ids per format.
"""
from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from extractors.errors import ParseError
from extractors.model import ParsedDoc
from extractors.settings import Settings

from . import cache as _cache

__all__ = [
    "DESIGNATION_COLUMNS",
    "designation_rows",
    "PARSERS",
    "PARSE_VERSION",
    "document_fields",
    "parse_cached",
    "parse_document",
    "parse_isolated",
    "parser_version",
]

# format -> (versioned parser ids that can produce it, "module:function").
# Modules are imported on first use, so a child process parsing a PDF does
# not pay for pandas or trafilatura.
PARSERS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": (("pdfplumber.v1",), "pdf:parse_pdf"),
    "html": (("trafilatura.v1", "html-fallback.v1"), "html:parse_html"),
    "csv": (("ofac-sdn.v2", "uk-sanctions.v2"), "sanctions:parse_sanctions"),
    "text": (("text.v1",), "text:parse_text"),
}


def __getattr__(name: str):
    # designation_rows lives with the sanctions parser (pandas); import lazily
    if name in ("designation_rows", "DESIGNATION_COLUMNS"):
        from . import sanctions

        return getattr(sanctions, name)
    raise AttributeError(name)


# every parser id in one string (the run manifest records it)
PARSE_VERSION = ",".join(pid for ids, _ in PARSERS.values() for pid in ids)


def _parse_fn(fmt: str) -> Callable[[str, str, bytes], ParsedDoc]:
    mod, fn = PARSERS[fmt][1].split(":")
    return getattr(import_module(f"{__name__}.{mod}"), fn)


def _looks_like_xhtml(raw: bytes | None) -> bool:
    head = (raw or b"")[:2048].lower()
    return b"<html" in head or b"xhtml" in head


def parser_version(fmt: str, raw: bytes | None = None) -> str:
    """Versioned id of the parser for *fmt*: ``"pdfplumber.v1"`` for pdf.

    For HTML both the trafilatura and the fallback ids are included (either may
    produce the text); for CSV, *raw* picks the OFAC or UK parser.  The value
    is the cache key: bumping a parser's version re-parses its documents."""
    if fmt == "xml" and _looks_like_xhtml(raw):
        fmt = "html"
    if fmt not in PARSERS:
        raise ParseError(f"no parser for format {fmt!r}", hint=f"supported formats: {', '.join(PARSERS)}")
    if fmt == "csv":
        from .sanctions import parser_id_for

        return parser_id_for(raw)
    return "+".join(PARSERS[fmt][0])


def parse_document(source_id: str, sha256: str, raw: bytes, fmt: str, settings: Settings | None = None) -> ParsedDoc:
    """Parse *raw* (format *fmt*: pdf | html | csv | xml | text) in this process.

    Raises :class:`ParseError` with a clear message for a bad document."""
    if fmt == "xml" and _looks_like_xhtml(raw):
        fmt = "html"
    if fmt == "xml":
        raise ParseError(
            "XML documents other than XHTML are not supported yet",
            hint="for the OFAC and UK sanctions lists register the CSV edition (sdn.csv, ConList.csv, UK_Sanctions_List.csv)",
        )
    if fmt not in PARSERS:
        raise ParseError(
            f"no parser for format {fmt!r}",
            hint=f"supported formats: {', '.join(PARSERS)}; set format= in the case file if the sniffing was wrong",
        )
    return _parse_fn(fmt)(source_id, sha256, raw)


def parse_isolated(source_id: str, sha256: str, raw: bytes, fmt: str, settings: Settings) -> ParsedDoc:
    """:func:`parse_document` in a child process limited to
    ``settings.parse_timeout`` seconds and ``settings.parse_memory_mb`` MB."""
    from .isolate import run_isolated

    if fmt not in PARSERS and not (fmt == "xml" and _looks_like_xhtml(raw)):  # fail fast, no child needed
        return parse_document(source_id, sha256, raw, fmt, None)
    return run_isolated(
        "parse_document",
        (source_id, sha256, raw, fmt, None),
        timeout=float(settings.parse_timeout),
        memory_mb=int(settings.parse_memory_mb),
    )


def parse_cached(source_id: str, sha256: str, raw: bytes, fmt: str, settings: Settings) -> ParsedDoc:
    """:func:`parse_isolated`, cached under ``settings.state_dir / "parsed"``
    by (sha256, parser version).  A hit starts no child process; failures are
    cached too, so a corrupt file is not parsed again."""
    version = parser_version(fmt, raw)
    path = _cache.cache_path(settings.state_dir, sha256, version)
    hit = _cache.load(path, source_id, float(settings.parse_timeout), int(settings.parse_memory_mb))
    if hit is not None:
        return hit
    try:
        doc = parse_isolated(source_id, sha256, raw, fmt, settings)
    except ParseError as exc:
        msg = exc.args[0] if exc.args else ""
        _cache.store_error(
            path,
            exc,
            timeout=float(settings.parse_timeout) if "timed out" in msg else None,
            memory_mb=int(settings.parse_memory_mb) if "crashed" in msg else None,
        )
        raise
    _cache.store_doc(path, doc)
    return doc


def document_fields(doc: ParsedDoc | None = None, error: BaseException | None = None) -> dict:
    """The parse half of a ``documents`` row: ``status``, ``parser``,
    ``pages``, ``chars``, ``language`` and ``error``.  Use with
    ``dataclasses.replace(row, **document_fields(doc))`` or, when the parse
    failed, ``document_fields(error=exc)`` (status ``failed``)."""
    if doc is not None:
        return {
            "status": "ok",
            "parser": doc.parser,
            "pages": doc.pages,
            "chars": len(doc.text),
            "language": doc.language,
            "error": None,
        }
    if error is None:
        raise ValueError("document_fields needs a ParsedDoc or an error")
    return {
        "status": "failed",
        "parser": None,
        "pages": None,
        "chars": None,
        "language": None,
        "error": str(error),
    }
