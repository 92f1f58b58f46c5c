"""Child-process isolation (time and memory limits) and the on-disk cache."""
from __future__ import annotations

import json
import signal
import time

import pytest

from extractors.errors import ParseError
from extractors.ids import sha256_bytes, stable_id
from extractors.parse import isolate, parse_cached, parse_document, parse_isolated, parser_version
from extractors.parse.cache import cache_path
from extractors.settings import Settings
from tests import parse_pdfgen as gen


@pytest.fixture(scope="module")
def report_raw():
    return gen.two_column_pdf()


def _settings(tmp_path, **kw):
    return Settings(state_dir=tmp_path / "state", **{"parse_timeout": 60.0, "parse_memory_mb": 1536, **kw})


def test_isolated_equals_in_process(tmp_path, report_raw):
    sha = sha256_bytes(report_raw)
    a = parse_isolated("src", sha, report_raw, "pdf", _settings(tmp_path))
    b = parse_document("src", sha, report_raw, "pdf")
    assert a == b


def test_isolated_error_is_a_parse_error(tmp_path):
    with pytest.raises(ParseError, match="encrypted PDF") as exc:
        parse_isolated("src", "sha", gen.encrypted_pdf(), "pdf", _settings(tmp_path))
    assert exc.value.hint


# a limit that a worker's start-up (about a second) and an ordinary document
# stay well under, and that crowded_page_pdf (about 15 s) runs far over
SLOW_LIMIT = 3.0


def test_timeout(tmp_path, report_raw):
    """A document that parses longer than the limit in a worker that has
    already started and imported its libraries times out; the worker is
    killed and the next document parses in a fresh one."""
    s = _settings(tmp_path, parse_timeout=SLOW_LIMIT)
    key = (s.parse_memory_mb, SLOW_LIMIT)
    isolate.shutdown()
    sha = sha256_bytes(report_raw)
    # the worker starts and imports here, under the same limits
    assert parse_isolated("warm", sha, report_raw, "pdf", s) == parse_document("warm", sha, report_raw, "pdf")
    [warm] = isolate._POOL.idle[key]
    slow = gen.crowded_page_pdf()
    started = time.monotonic()
    with pytest.raises(ParseError, match=r"parse timed out after 3 s") as exc:
        parse_isolated("src", "sha", slow, "pdf", s)
    assert time.monotonic() - started >= SLOW_LIMIT
    assert exc.value.hint
    assert not warm.alive() and warm.returncode() == -signal.SIGKILL
    assert not isolate._POOL.idle.get(key)
    assert parse_isolated("after", sha, report_raw, "pdf", s) == parse_document("after", sha, report_raw, "pdf")
    [fresh] = isolate._POOL.idle[key]
    assert fresh is not warm and fresh.proc.pid != warm.proc.pid
    isolate.shutdown()


def test_memory_limit(tmp_path, report_raw):
    with pytest.raises(ParseError, match="parser crashed"):
        parse_isolated("src", "sha", report_raw, "pdf", _settings(tmp_path, parse_memory_mb=40))


def test_cache_hit_starts_no_child(tmp_path, report_raw):
    sha = sha256_bytes(report_raw)
    s = _settings(tmp_path)
    first = parse_cached("src", sha, report_raw, "pdf", s)
    path = cache_path(s.state_dir, sha, parser_version("pdf"))
    assert path.exists() and path.parent.parent.name == "parsed"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp")]
    # a child would fail at once under these limits, so a result proves a hit
    starved = _settings(tmp_path, parse_timeout=0.01, parse_memory_mb=1)
    again = parse_cached("src", sha, report_raw, "pdf", starved)
    assert again == first
    # the same bytes under another source id get that source's ids
    other = parse_cached("other-src", sha, report_raw, "pdf", starved)
    assert other.text == first.text
    p = other.passages[0]
    assert p.source_id == "other-src"
    assert p.passage_id == stable_id("passage", "other-src", sha, p.char_start, p.char_end)


def test_failures_are_cached(tmp_path):
    raw = gen.report_pdf()[:2000]
    sha = sha256_bytes(raw)
    s = _settings(tmp_path)
    with pytest.raises(ParseError, match="corrupt or unreadable PDF"):
        parse_cached("src", sha, raw, "pdf", s)
    data = json.loads(cache_path(s.state_dir, sha, "pdfplumber.v1").read_text())
    assert "corrupt" in data["error"]["message"]
    starved = _settings(tmp_path, parse_timeout=0.01)
    with pytest.raises(ParseError, match="corrupt or unreadable PDF"):  # from the cache, not a timeout
        parse_cached("src", sha, raw, "pdf", starved)


def test_cached_timeout_retried_with_a_larger_limit(tmp_path, report_raw):
    sha = sha256_bytes(report_raw)
    with pytest.raises(ParseError, match="timed out"):
        parse_cached("src", sha, report_raw, "pdf", _settings(tmp_path, parse_timeout=0.2))
    with pytest.raises(ParseError, match="timed out after 0.2 s"):  # cached
        parse_cached("src", sha, report_raw, "pdf", _settings(tmp_path, parse_timeout=0.1))
    doc = parse_cached("src", sha, report_raw, "pdf", _settings(tmp_path))
    assert doc.passages


def test_cache_key_has_the_parser_version(tmp_path):
    a = cache_path(tmp_path, "ab" * 32, "pdfplumber.v1")
    b = cache_path(tmp_path, "ab" * 32, "pdfplumber.v2")
    assert a != b and a.parent == b.parent


def test_sanctions_cache_key_follows_the_layout():
    from pathlib import Path

    fix = Path(__file__).parent / "fixtures" / "sanctions"
    assert parser_version("csv", (fix / "ofac-sdn-excerpt.csv").read_bytes()) == "ofac-sdn.v2"
    assert parser_version("csv", (fix / "uk-ofsi-conlist-2022format.SYNTHETIC.csv").read_bytes()) == "uk-sanctions.v2"
    assert parser_version("text") == "text.v1"


def test_document_fields_fill_a_documents_row(report_raw):
    from dataclasses import replace

    from extractors.model import DocumentRow
    from extractors.parse import document_fields

    row = DocumentRow(source_id="src", status="ok", sha256="abc", content_type="pdf")
    doc = parse_document("src", "abc", report_raw, "pdf")
    done = replace(row, **document_fields(doc))
    assert (done.status, done.parser, done.pages, done.chars, done.language) == ("ok", "pdfplumber.v1", 1, len(doc.text), "en")
    try:
        parse_document("src", "abc", gen.image_only_pdf(), "pdf")
    except ParseError as exc:
        failed = replace(row, **document_fields(error=exc))
    assert failed.status == "failed" and failed.error.startswith("no text layer (scanned PDF?)")


def test_cached_crash_retried_with_more_memory(tmp_path, report_raw):
    sha = sha256_bytes(report_raw)
    with pytest.raises(ParseError, match="parser crashed"):
        parse_cached("src", sha, report_raw, "pdf", _settings(tmp_path, parse_memory_mb=40))
    with pytest.raises(ParseError, match="parser crashed"):  # cached: same limit
        parse_cached("src", sha, report_raw, "pdf", _settings(tmp_path, parse_memory_mb=40, parse_timeout=0.01))
    doc = parse_cached("src", sha, report_raw, "pdf", _settings(tmp_path))
    assert doc.passages
