"""Publishing a run in one step, the DuckDB load under a lock held by another
process, the output-folder lock, and the article's health checks -- with
real processes, real DuckDB files, the real parser and the real model."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from extractors.articlecheck import article_status, limit_article, with_nlp_notes
from extractors.model import DocumentRow
from extractors.outputlock import OutputBusy, output_lock
from extractors.publish import DB_BUSY, DB_UPDATED, load_database, publish_run, published_run

ROOT = Path(__file__).parent.parent


def _child(code: str, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


# ----------------------------------------------------------------- publishing


def _run_folder(case_out: Path, run_id: str, files: dict[str, str]) -> Path:
    d = case_out / "runs" / run_id
    d.mkdir(parents=True)
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def test_publish_swaps_every_file_to_the_new_run_at_once(tmp_path):
    case_out = tmp_path / "case"
    a = _run_folder(case_out, "run-a", {"claims.csv": "a", "report.html": "a", "old-only.json": "a"})
    publish_run(case_out, a)
    assert published_run(case_out) == "run-a"
    assert (case_out / "claims.csv").read_text() == "a" and (case_out / "old-only.json").exists()

    b = _run_folder(case_out, "run-b", {"claims.csv": "b", "report.html": "b", "new.json": "b"})
    before = os.readlink(case_out / "claims.csv")
    publish_run(case_out, b)
    assert published_run(case_out) == "run-b"
    assert os.readlink(case_out / "claims.csv") == before == "current/claims.csv"  # one pointer moved
    assert {p.name: p.read_text() for p in case_out.iterdir() if p.is_file()} == {
        "claims.csv": "b", "report.html": "b", "new.json": "b"}
    assert (a / "claims.csv").read_text() == "a"  # the earlier run is kept as it was


def test_regular_files_of_an_older_version_are_replaced_by_links(tmp_path):
    case_out = tmp_path / "case"
    case_out.mkdir()
    (case_out / "claims.csv").write_text("old layout", encoding="utf-8")
    run = _run_folder(case_out, "run-1", {"claims.csv": "new"})
    publish_run(case_out, run)
    assert (case_out / "claims.csv").is_symlink() and (case_out / "claims.csv").read_text() == "new"


# ----------------------------------------------------------------- DuckDB held by another process

HOLD_DB = ("import duckdb, sys, time\n"
           "con = duckdb.connect(sys.argv[1])\n"
           "con.execute('CREATE TABLE IF NOT EXISTS held (a INTEGER)')\n"
           "print('ready', flush=True)\n"
           "time.sleep(float(sys.argv[2]))\n")


def _load(db: Path):
    def load():
        con = duckdb.connect(str(db))
        try:
            con.execute("CREATE OR REPLACE TABLE t AS SELECT 42 AS answer")
        finally:
            con.close()
    return load


def test_load_is_retried_while_another_process_holds_the_file(tmp_path):
    db = tmp_path / "claimcheck.duckdb"
    holder = _child(HOLD_DB, str(db), "1.5")  # lets go after 1.5 s
    try:
        t0 = time.monotonic()
        assert load_database(_load(db), db, wait=30, interval=0.2) == DB_UPDATED
        assert time.monotonic() - t0 >= 0.5  # it did have to wait
    finally:
        holder.wait(timeout=30)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT answer FROM t").fetchone() == (42,)
    con.close()


def test_load_gives_up_after_the_wait_and_says_busy(tmp_path):
    db = tmp_path / "claimcheck.duckdb"
    holder = _child(HOLD_DB, str(db), "120")
    try:
        t0 = time.monotonic()
        assert load_database(_load(db), db, wait=1, interval=0.2) == DB_BUSY
        assert 1 <= time.monotonic() - t0 < 20
    finally:
        holder.terminate()
        holder.wait(timeout=30)


def test_other_database_errors_are_not_retried(tmp_path):
    def broken():
        con = duckdb.connect(str(tmp_path / "x.duckdb"))
        try:
            con.execute("SELECT * FROM no_such_table")
        finally:
            con.close()

    with pytest.raises(duckdb.CatalogException):
        load_database(broken, tmp_path / "x.duckdb", wait=30)


# ----------------------------------------------------------------- the output-folder lock

HOLD_LOCK = ("import sys, time\n"
             "from extractors.outputlock import output_lock\n"
             "with output_lock(sys.argv[1], wait=0, command='holder'):\n"
             "    print('ready', flush=True)\n"
             "    time.sleep(float(sys.argv[2]))\n")


def test_a_second_run_waits_for_the_first(tmp_path):
    holder = _child(HOLD_LOCK, str(tmp_path), "1.5")
    t0 = time.monotonic()
    with output_lock(tmp_path, wait=60):
        waited = time.monotonic() - t0
    holder.wait(timeout=30)
    assert waited >= 0.5


def test_busy_folder_names_the_holder(tmp_path):
    holder = _child(HOLD_LOCK, str(tmp_path), "120")
    try:
        with pytest.raises(OutputBusy) as info:
            with output_lock(tmp_path, wait=0.5):
                pass
        assert f"pid {holder.pid} on " in str(info.value) and "(holder)" in str(info.value)
        assert "waited 0.5 s" in str(info.value)
    finally:
        holder.terminate()
        holder.wait(timeout=30)


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    holder = _child(HOLD_LOCK, str(tmp_path), "120")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    with output_lock(tmp_path, wait=0):
        pass


def test_the_lock_is_reentrant_in_one_process(tmp_path):
    with output_lock(tmp_path, wait=0):
        with output_lock(tmp_path, wait=0):
            pass


# ----------------------------------------------------------------- the article's health


def _doc(**kw) -> DocumentRow:
    return DocumentRow(source_id="article", status="ok", bytes=1000, sha256="x", **kw)


def test_non_english_article_is_warned_about():
    from extractors.parse.text import parse_text

    text = ("Srbija je posle napada u Banjskoj pojačala prisustvo vojske na granici sa Kosovom. "
            "Vlada je tada rekla da su to samo mere opreza, ali su ih zapadne zemlje kritikovale. "
            "Kosovska policija je posle toga uhapsila više osoba za koje se sumnja da su bile u grupi. "
            "Ovo je bio najozbiljniji sukob na severu Kosova u poslednjih nekoliko godina.\n")
    parsed = parse_text("article", "x", text.encode())
    status = article_status([_doc(language=parsed.language)], parsed)
    assert status["status"] == "ok" and status["language"] not in (None, "en")
    assert any(f"looks like language '{status['language']}'" in w and "'en'" in w for w in status["warnings"])

    english = parse_text("article", "y", (
        "Serbia moved troops to the border with Kosovo after the attack in Banjska. The government "
        "said these were only precautions, but western countries criticised them. Kosovo police then "
        "arrested several people who were suspected of having been in the group. It was the most "
        "serious clash in the north of Kosovo in several years.\n").encode())
    assert article_status([_doc(language=english.language)], english)["warnings"] == []


def test_article_notes_are_printed_once_each_with_one_prefix():
    """A document's own notes already say ``warning: ...``; the summary adds
    the prefix only to the article checks' own warnings."""
    import io
    from types import SimpleNamespace

    from rich.console import Console

    from extractors.parse.text import parse_text
    from flows.cli_failures import print_outcome

    parsed = parse_text("article", "x", b"The attack in Banjska was condemned by the European Union.\n")
    doc = _doc(language=parsed.language, error="warning: parse: page 2 skipped: bad font")
    status = article_status([doc], parsed)
    buf = io.StringIO()
    print_outcome(SimpleNamespace(article=status, database="updated"), Console(file=io.StringIO()),
                  Console(file=buf, width=200))
    assert buf.getvalue().splitlines() == ["warning: parse: page 2 skipped: bad font"]


def test_unread_empty_and_oversized_articles_have_a_status(settings):
    failed = DocumentRow(source_id="article", status="failed", error="HTTP 404 from http://x/a")
    assert article_status([failed], None) == {"status": "failed", "error": "HTTP 404 from http://x/a",
                                              "language": None, "warnings": []}
    from extractors.model import ParsedDoc

    blank = ParsedDoc(source_id="article", sha256="z", parser="html.v1", text=" \n", passages=[])
    assert article_status([_doc()], blank)["status"] == "empty"
    big = limit_article([_doc(), DocumentRow(source_id="s", status="ok", bytes=10**9)],
                        settings.with_(max_article_bytes=999))
    assert big[0].status == "failed" and "over max_article_bytes=999 bytes" in big[0].error
    assert big[1].status == "ok"  # sources are not held to the article's limit


def test_nlp_time_limit_stops_a_document_with_a_note(settings, nlp):
    from extractors.incremental import Versions
    from extractors.model import ParsedDoc, Passage
    from extractors.stagework import analyse_document, lookup_nlp

    passages, text, pos = [], "", 0
    for i in range(40):
        para = f"Paragraph {i}: the attack in Banjska was condemned by the European Union.\n"
        passages.append(Passage(passage_id=f"p{i}", source_id="long", document_sha256="sha-long", page=None,
                                paragraph=i + 1, char_start=pos, char_end=pos + len(para) - 1, kind="body",
                                text=para.rstrip("\n")))
        text += para
        pos += len(para)
    parsed = ParsedDoc(source_id="long", sha256="sha-long", parser="text.v1", text=text, passages=passages)
    versions = Versions.current(settings.model, settings.gazetteer_dir)

    mentions, relations, reused = analyse_document(parsed, settings.with_(nlp_timeout=0.0), versions)
    assert reused is False and len(mentions) < 40
    assert "nlp_timeout=0 s" in mentions.note and "incomplete" in mentions.note
    assert lookup_nlp(parsed, settings, versions) is None  # a partial result is never cached
    docs = with_nlp_notes([DocumentRow(source_id="long", status="ok")], {"long": (mentions, relations, False)})
    assert docs[0].status == "ok" and "nlp_timeout" in docs[0].error

    full, _, _ = analyse_document(parsed, settings, versions)
    assert len(full) >= 40 and not getattr(full, "note", None)
