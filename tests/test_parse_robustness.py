"""Real third-party PDFs and HTML pages (tests/fixtures/robustness/, see
ORIGIN.md there): each parses without a crash or a hang, in the isolated
child process the pipeline uses (through the cache, so each file is parsed
once per test session), and keeps a property we can check."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.errors import ParseError
from extractors.ids import sha256_bytes
from extractors.parse import parse_cached, parse_document, parse_isolated
from extractors.settings import Settings

FIX = Path(__file__).parent / "fixtures" / "robustness"
SETTINGS = Settings(parse_timeout=60, parse_memory_mb=1536)
_STATE: list[Path] = []


@pytest.fixture(scope="module", autouse=True)
def _state_dir(tmp_path_factory):
    _STATE[:] = [tmp_path_factory.mktemp("parse-state")]
    yield
    _STATE.clear()


def _parse(path: Path, fmt: str):
    raw = path.read_bytes()
    return parse_cached(path.stem, sha256_bytes(raw), raw, fmt, SETTINGS.with_(state_dir=_STATE[0]))


ALL = sorted((FIX / "pdf").glob("*.pdf")) + sorted((FIX / "html").glob("*.html"))


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_no_crash_no_hang(path):
    try:
        doc = _parse(path, path.parent.name)
    except ParseError as exc:  # a clear failure is fine; a crash or a hang is not
        msg = str(exc)
        assert "crashed" not in msg and "timed out" not in msg, msg
        assert path.stat().st_size == 0 or "PDF" in msg
    else:
        assert doc.text.strip() and doc.passages


def _check_offsets(doc):
    assert doc.text.strip()
    for p in doc.passages:
        assert doc.text[p.char_start:p.char_end] == p.text


def test_federal_register():
    doc = _parse(FIX / "pdf" / "federal-register-2020-17221.pdf", "pdf")
    _check_offsets(doc)
    assert doc.pages == 15
    assert doc.language == "en"
    # the running header "Federal Register / Vol. 85, No. 152 / Thursday, ..." is gone
    assert "Federal Register / Vol. 85" not in doc.text
    assert "Thursday, August 6, 2020 / Proposed Rules" not in doc.text
    # the sideways printer's note in the margin is not read into the text
    assert "VerDate" not in doc.text
    # page 8 holds only a figure; every other page has text
    assert {p.page for p in doc.passages} == set(range(1, 16)) - {8}
    assert "Airworthiness Directives; The Boeing Company Airplanes" in doc.text


def test_scotus_transcript():
    doc = _parse(FIX / "pdf" / "scotus-transcript-p1.pdf", "pdf")
    _check_offsets(doc)
    assert doc.pages == 1
    assert "SUPREME COURT OF THE UNITED STATES" in doc.text
    # the margin line numbers 1..25 are not read into the text
    assert "1 IN THE SUPREME" not in doc.text
    assert "Washington, D.C." in doc.text and "10 Tuesday" not in doc.text


def test_senate_table_kept_as_rows():
    doc = _parse(FIX / "pdf" / "senate-expenditures.pdf", "pdf")
    _check_offsets(doc)
    tables = [p for p in doc.passages if p.kind == "table"]
    assert tables
    rows = tables[0].text.split("\n")
    assert len(rows) > 10
    assert all(" | " in r for r in rows)


def test_darpa_cover_page():
    doc = _parse(FIX / "pdf" / "pr-88-example.pdf", "pdf")
    assert "Media Forensics (MediFor)" in doc.text
    assert "DARPA-BAA-15-58" in doc.text  # a word split by a font change is whole again


def test_rotated_page_reads_upright():
    doc = _parse(FIX / "pdf" / "nics-background-checks-2015-11-rotated.pdf", "pdf")
    assert doc.pages == 1
    assert doc.passages[0].text == "NICS Firearm Background Checks"
    assert "Arizona" in doc.text and "Wyoming" in doc.text


def test_malformed_pdf_does_not_crash():
    raw = (FIX / "pdf" / "malformed-from-issue-932.pdf").read_bytes()
    try:
        doc = parse_isolated("m", sha256_bytes(raw), raw, "pdf", SETTINGS)
    except ParseError as exc:  # a clear failure is acceptable, a crash is not
        assert "crashed" not in str(exc)
    else:
        assert doc.pages == 1


def test_empty_pdf_file():
    with pytest.raises(ParseError, match="empty file"):
        _parse(FIX / "pdf" / "empty.pdf", "pdf")


def test_wikimedia_news_without_nav_bar():
    doc = _parse(FIX / "html" / "wikimediafoundation.org.turkey.html", "html")
    _check_offsets(doc)
    assert doc.parser == "trafilatura.v1"
    assert doc.published == "2020-01-15"
    assert doc.language == "en"
    assert "Constitutional Court of Turkey" in doc.text
    for nav in ("Toggle search", "Our Work", "Support Wikipedia"):
        assert nav not in doc.text, nav


def test_bundespolizei_without_service_menu():
    doc = _parse(FIX / "html" / "bundespolizei.de-Belarus.html", "html")
    assert doc.language == "de"
    assert "Belarus" in doc.text
    for nav in ("Servicemenü", "Gebärdensprache", "Hauptmenu", "Leichte Sprache"):
        assert nav not in doc.text, nav
    assert "\u00ad" not in doc.text  # soft hyphens removed


def test_windows_1250_page():
    doc = _parse(FIX / "html" / "rp.pl-sejm-unijne-fundusze.windows-1250.html", "html")
    assert doc.language == "pl"
    assert "Sejm" in doc.text and "głosował" in doc.text
    assert "ZALOGUJ" not in doc.text and "Turystyka" not in doc.text


def test_exotic_tags():
    doc = _parse(FIX / "html" / "exotic_tags.html", "html")
    assert "Teletype text" in doc.text
    assert "My new car is silver." in doc.text


def test_isolated_parse_of_the_real_pdfs_matches_in_process():
    raw = (FIX / "pdf" / "scotus-transcript-p1.pdf").read_bytes()
    a = parse_isolated("s", sha256_bytes(raw), raw, "pdf", SETTINGS)
    b = parse_document("s", sha256_bytes(raw), raw, "pdf")
    assert a.text == b.text and a.passages == b.passages
