"""The fetch stage against a real HTTP server on 127.0.0.1, one test per case."""
from __future__ import annotations

import gzip
import hashlib
import socket
import threading
import time
import tracemalloc

import pytest

try:
    from tests.fetch_server import REPORT_TEXT, fast_settings, make_html, make_pdf, server, spec  # noqa: F401
except ImportError:  # tests/ is not a package
    from fetch_server import REPORT_TEXT, fast_settings, make_html, make_pdf, server, spec  # noqa: F401

from extractors.fetch import RawStore, fetch_all, fetch_source
from extractors.fetch.fetch import OFFLINE_MISSING

PDF = make_pdf(REPORT_TEXT)
HTML = make_html("Statement on the attack in Banjska", REPORT_TEXT * 3)
PDF_HEADERS = {"Content-Type": "application/pdf"}


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


@pytest.fixture
def env(tmp_path):
    settings = fast_settings(tmp_path)
    return tmp_path, RawStore(settings.store_dir), settings


def run(env, s, **changes):
    case_root, store, settings = env
    if changes:
        settings = settings.with_(**changes)
    return fetch_source(s, case_root, store, settings)


# ---------------------------------------------------------------------- success paths


def test_200_stores_bytes_with_provenance(server, env):
    url = server.static("/report.pdf", PDF, headers=PDF_HEADERS)
    row = run(env, spec("rep", url, format="pdf"))
    _, store, _ = env
    assert (row.status, row.http_status, row.content_type, row.error) == ("ok", 200, "pdf", None)
    assert row.sha256 == sha(PDF) and row.bytes == len(PDF) and row.final_url == url
    assert store.read(row.sha256) == PDF
    assert store.object_path(row.sha256).relative_to(store.root).parts == ("objects", row.sha256[:2], row.sha256)
    [v] = store.versions("rep")
    assert v.url == url and v.content_type == "pdf" and v.provenance["http_status"] == 200
    ua = server.hits_for("/report.pdf")[0].headers["user-agent"]
    assert "claimcheck" in ua and "fetch-tests@example.org" in ua
    assert [a["status"] for a in store.attempts("rep")] == ["ok"]


def test_304_after_etag_reuses_stored_copy(server, env):
    def handler(req):
        if req.headers.get("if-none-match") == '"v1"':
            req.send(304, b"", {"ETag": '"v1"'})
        else:
            req.send(200, PDF, {**PDF_HEADERS, "ETag": '"v1"', "Last-Modified": "Mon, 02 Sep 2024 10:00:00 GMT"})

    url = server.route("/doc.pdf", handler)
    first = run(env, spec("doc", url))
    second = run(env, spec("doc", url))
    _, store, _ = env
    assert first.http_status == 200 and second.http_status == 304
    assert second.status == "ok" and second.sha256 == first.sha256 == sha(PDF)
    assert len(store.versions("doc")) == 1
    cond = server.hits_for("/doc.pdf")[1].headers
    assert cond["if-none-match"] == '"v1"' and cond["if-modified-since"] == "Mon, 02 Sep 2024 10:00:00 GMT"


def test_301_chain_is_followed_and_recorded(server, env):
    server.static("/a", b"", 301, {"Location": "/b"})
    server.static("/b", b"", 302, {"Location": server.url("/c/final.pdf")})
    server.static("/c/final.pdf", PDF, headers=PDF_HEADERS)
    row = run(env, spec("chain", server.url("/a")))
    _, store, _ = env
    assert row.status == "ok" and row.final_url == server.url("/c/final.pdf") and row.url == server.url("/a")
    assert store.latest("chain").provenance["redirects"] == [server.url("/a"), server.url("/b")]


def test_redirect_loop_fails_without_retrying(server, env):
    server.static("/x", b"", 301, {"Location": "/y"})
    server.static("/y", b"", 301, {"Location": "/x"})
    row = run(env, spec("loop", server.url("/x")))
    assert row.status == "failed" and "redirect loop" in row.error
    assert server.url("/x") in row.error and server.url("/y") in row.error
    assert len(server.hits_for("/x")) == 1  # a loop is not retried


def test_too_many_redirects(server, env):
    for i in range(10):
        server.static(f"/hop{i}", b"", 302, {"Location": f"/hop{i + 1}"})
    row = run(env, spec("hops", server.url("/hop0")), max_redirects=3)
    assert row.status == "failed" and "max_redirects=3" in row.error


@pytest.mark.parametrize("target,why", [
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://10.20.30.40/internal.pdf", "private"),
    ("http://[::1]:9/", "loopback"),
])
def test_redirect_to_private_address_is_refused(server, env, target, why):
    # 127.0.0.1 is allowed by an explicit allow-list; everything else private stays refused
    server.static("/jump", b"", 302, {"Location": target})
    row = run(env, spec("ssrf", server.url("/jump")), allow_private_addresses=False,
              allowed_networks="127.0.0.1/32")
    assert row.status == "failed" and "refused" in row.error and why in row.error
    assert len(server.hits_for("/jump")) == 1


def test_private_address_refused_by_default(server, env):
    url = server.static("/r.pdf", PDF)
    row = run(env, spec("local", url), allow_private_addresses=False)
    assert row.status == "failed" and "loopback address 127.0.0.1" in row.error
    assert "allow_private_addresses" in row.error
    assert server.hits == []  # refused before any connection


def test_404_is_a_failed_row_with_the_url(server, env):
    url = server.url("/missing.pdf")
    row = run(env, spec("gone", url))
    assert row.status == "failed" and row.error.startswith(f"HTTP 404 from {url}")
    assert len(server.hits_for("/missing.pdf")) == 1  # 4xx is not retried


def test_500_then_200_is_retried(server, env):
    url = server.sequence("/flaky.pdf", [lambda r: r.send(500, b"oops"), lambda r: r.send(200, PDF, PDF_HEADERS)])
    row = run(env, spec("flaky", url))
    _, store, _ = env
    assert row.status == "ok" and row.sha256 == sha(PDF)
    assert len(server.hits_for("/flaky.pdf")) == 2
    assert [a["status"] for a in store.attempts("flaky")] == ["failed", "ok"]
    assert store.attempts("flaky")[0]["http_status"] == 500


def test_500_forever_gives_up_after_retries(server, env):
    url = server.static("/down", b"busy", 503)
    row = run(env, spec("down", url), retries=2)
    assert row.status == "failed" and f"HTTP 503 from {url}" in row.error and "after 3 tries" in row.error
    assert len(server.hits_for("/down")) == 3


def test_429_honours_retry_after(server, env):
    url = server.sequence("/busy.pdf", [lambda r: r.send(429, b"slow down", {"Retry-After": "1"}),
                                        lambda r: r.send(200, PDF, PDF_HEADERS)])
    row = run(env, spec("busy", url))
    assert row.status == "ok"
    first, second = server.hits_for("/busy.pdf")
    assert second.at - first.at >= 0.95  # waited what the server asked, not backoff_base (0.01 s)


def test_429_with_a_longer_wait_than_allowed_stops(server, env):
    url = server.static("/later", b"", 429, {"Retry-After": "3600"})
    t0 = time.monotonic()
    row = run(env, spec("later", url))
    assert row.status == "failed" and "Retry-After 3600" in row.error and "backoff_max" in row.error
    assert time.monotonic() - t0 < 2 and len(server.hits_for("/later")) == 1


# ---------------------------------------------------------------------- slow, big and broken bodies


def test_stall_past_read_timeout(server, env):
    def stall(req):
        req.head(200, PDF_HEADERS, length=len(PDF))
        req.raw(PDF[:100])
        time.sleep(2.0)

    url = server.route("/stall.pdf", stall)
    t0 = time.monotonic()
    row = run(env, spec("stall", url), retries=0, read_timeout=0.3)
    assert row.status == "failed" and "read timeout" in row.error
    assert time.monotonic() - t0 < 1.5


def test_trickling_server_hits_the_attempt_deadline(server, env):
    def trickle(req):
        req.head(200, PDF_HEADERS, length=10_000)
        for _ in range(100):
            req.raw(b"x")
            time.sleep(0.1)  # always faster than the read timeout

    url = server.route("/trickle", trickle)
    t0 = time.monotonic()
    row = run(env, spec("trickle", url), retries=0, read_timeout=0.5, attempt_deadline=1.0)
    assert row.status == "failed" and "attempt_deadline=1" in row.error
    assert time.monotonic() - t0 < 2.5


def test_body_over_size_limit_declared(server, env):
    url = server.static("/big.pdf", PDF + b"0" * 50_000, headers=PDF_HEADERS)
    row = run(env, spec("big", url), max_bytes=10_000)
    assert row.status == "failed" and "exceeds max_bytes=10000" in row.error
    _, store, _ = env
    assert store.versions("big") == []


def test_body_over_size_limit_while_streaming(server, env):
    def endless(req):  # no Content-Length: the size is only known by counting
        req.head(200, {"Content-Type": "application/pdf"})
        for _ in range(200):
            req.raw(b"%PDF-1.4 " + b"z" * 8192)

    url = server.route("/endless", endless)
    row = run(env, spec("endless", url), max_bytes=100_000, retries=0)
    assert row.status == "failed" and "body exceeds max_bytes=100000" in row.error


def test_gzip_bomb_is_capped(server, env):
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    url = server.static("/bomb.csv", bomb, headers={"Content-Type": "text/csv", "Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        row = run(env, spec("bomb", url), max_decompressed_bytes=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert row.status == "failed" and "max_decompressed_bytes=1000000" in row.error
    assert peak < 8 * 1024 * 1024  # stopped at the cap, never inflated the 20 MB
    assert len(server.hits_for("/bomb.csv")) == 1


def test_gzip_body_is_decoded(server, env):
    csv = b"name,programme,listed_on\nRADOJCIC Milan,GLOMAG,2021-12-08\nVESELINOVIC Zvonko,GLOMAG,2021-12-08\n"
    url = server.static("/list.csv", gzip.compress(csv), headers={"Content-Type": "text/csv",
                                                                    "Content-Encoding": "gzip"})
    row = run(env, spec("list", url, format="csv"))
    _, store, _ = env
    assert row.status == "ok" and row.content_type == "csv" and store.read(row.sha256) == csv and row.error is None


def test_declared_pdf_that_is_html_is_reported(server, env):
    url = server.static("/report.pdf", HTML, headers={"Content-Type": "text/html; charset=utf-8"})
    row = run(env, spec("mislabelled", url, format="pdf"))
    assert row.status == "ok" and row.content_type == "html"
    assert row.error.startswith("warning: format mismatch: case.toml declares pdf, the bytes are html")


def test_html_error_page_with_200_is_suspicious(server, env):
    page = make_html("Page not found", ["Sorry."])
    url = server.static("/statement", page, headers={"Content-Type": "text/html"})
    row = run(env, spec("soft404", url, format="html"))
    assert row.status == "ok" and row.content_type == "html"
    assert "warning: suspicious page" in row.error and "error-like title 'Page not found'" in row.error
    assert "characters of visible text" in row.error


def test_good_html_page_is_not_suspicious(server, env):
    url = server.static("/statement", HTML, headers={"Content-Type": "text/html"})
    row = run(env, spec("statement", url, format="html"))
    assert row.status == "ok" and row.error is None


def test_truncated_pdf_is_flagged(server, env):
    cut = PDF[: len(PDF) // 2]
    url = server.static("/cut.pdf", cut, headers=PDF_HEADERS)  # honest Content-Length, broken file
    row = run(env, spec("cut", url, format="pdf"))
    assert row.status == "ok" and row.content_type == "pdf" and "PDF looks truncated" in row.error


def test_body_shorter_than_content_length_fails(server, env):
    def short(req):
        req.head(200, PDF_HEADERS, length=len(PDF))
        req.raw(PDF[: len(PDF) // 2])  # then close: the promised bytes never come

    url = server.route("/short.pdf", short)
    row = run(env, spec("short", url), retries=1)
    _, store, _ = env
    assert row.status == "failed" and "connection broken" in row.error and "after 2 tries" in row.error
    assert store.versions("short") == []


def test_connection_reset_mid_body(server, env):
    def reset(req):
        req.head(200, PDF_HEADERS, length=len(PDF))
        req.raw(PDF[:300])
        time.sleep(0.05)
        req.reset()

    url = server.sequence("/reset.pdf", [reset, lambda r: r.send(200, PDF, PDF_HEADERS)])
    row = run(env, spec("reset", url))
    _, store, _ = env
    assert row.status == "ok" and row.sha256 == sha(PDF)
    failed = [a for a in store.attempts("reset") if a["status"] == "failed"]
    assert len(failed) == 1 and "try 1" in failed[0]["error"]


# ---------------------------------------------------------------------- mirrors, archive, versions, offline


def test_mirrors_used_after_main_url_fails(server, env):
    main = server.url("/gone.pdf")
    m1 = server.static("/m1.pdf", b"", 500)
    m2 = server.static("/m2.pdf", PDF, headers=PDF_HEADERS)
    row = run(env, spec("mirrored", main, mirrors=(m1, m2)))
    assert row.status == "ok" and row.url == m2 and row.sha256 == sha(PDF)
    assert f"HTTP 404 from {main}" in row.error and f"mirror 1: HTTP 500 from {m1}" in row.error
    assert row.error.startswith("warning: used ")


def test_all_candidates_fail_with_an_actionable_error(server, env):
    main = server.url("/gone.pdf")
    m1, m2 = server.url("/gone1"), server.static("/m2", b"", 500)
    row = run(env, spec("lost", main, mirrors=(m1, m2)))
    assert row.status == "failed"
    assert row.error.startswith(f"HTTP 404 from {main} (the document moved or was removed")
    assert f"; 2 mirrors tried: mirror 1: HTTP 404 from {m1}" in row.error
    assert f"mirror 2: HTTP 500 from {m2}" in row.error


def test_mirror_preferred_over_a_suspicious_main_answer(server, env):
    main = server.static("/report.pdf", make_html("Access denied", ["no"]), headers={"Content-Type": "text/html"})
    mirror = server.static("/copy.pdf", PDF, headers=PDF_HEADERS)
    row = run(env, spec("walled", main, mirrors=(mirror,), format="pdf"))
    assert row.status == "ok" and row.url == mirror and row.content_type == "pdf"


def test_archive_fallback_is_last_and_off_by_default(server, env):
    main = server.url("/vanished.pdf")
    server.route("/web/*", lambda r: r.send(200, PDF, PDF_HEADERS))
    template = server.url("/web/{timestamp}id_/{url}")
    off = run(env, spec("arch", main), archive_url=template)
    assert off.status == "failed" and not server.hits_for("/web/")
    on = run(env, spec("arch", main), archive_url=template, archive_fallback=True)
    assert on.status == "ok" and "/web/" in on.url and on.url.endswith("id_/" + main)


def test_changed_document_adds_a_version_and_keeps_the_old(server, env):
    v1, v2 = make_pdf(["First edition of the report."]), make_pdf(["Second edition, with a correction."])
    url = server.sequence("/ed.pdf", [lambda r: r.send(200, v1, PDF_HEADERS), lambda r: r.send(200, v2, PDF_HEADERS)])
    _, store, _ = env
    a = run(env, spec("ed", url))
    b = run(env, spec("ed", url))
    c = run(env, spec("ed", url))  # same bytes again: no new version
    assert (a.sha256, b.sha256, c.sha256) == (sha(v1), sha(v2), sha(v2))
    versions = store.versions("ed")
    assert [v.sha256 for v in versions] == [sha(v1), sha(v2)]
    assert store.read(sha(v1)) == v1 and store.read(sha(v2)) == v2 and store.latest("ed").sha256 == sha(v2)


def test_offline_reads_the_store_with_the_network_blocked(server, env, monkeypatch):
    url = server.static("/r.pdf", PDF, headers=PDF_HEADERS)
    online = run(env, spec("r", url, format="pdf"))
    server.close()

    def no_network(*a, **k):
        raise AssertionError("offline mode touched the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    case_root, store, settings = env
    off = settings.with_(offline=True)
    rows = fetch_all([spec("r", url, format="pdf"), spec("never", "http://example.invalid/x.pdf")],
                     case_root, store, off)
    assert rows[0].status == "ok" and rows[0].sha256 == online.sha256 and rows[0].fetched_at == online.fetched_at
    assert rows[1].status == "failed" and rows[1].error == OFFLINE_MISSING


def test_offline_reads_local_files_of_the_case(env, monkeypatch):
    """A file in the case folder needs no network: offline reads it like a
    run with network; a missing file fails with its path error."""
    def no_network(*a, **k):
        raise AssertionError("offline mode touched the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    case_root, store, settings = env
    (case_root / "docs").mkdir()
    (case_root / "docs" / "note.pdf").write_bytes(PDF)
    off = settings.with_(offline=True)
    rows = fetch_all([spec("local", path="docs/note.pdf"), spec("gone", path="docs/gone.pdf")],
                     case_root, store, off)
    assert rows[0].status == "ok" and rows[0].final_url == "file:docs/note.pdf"
    assert store.read(rows[0].sha256) == PDF
    assert rows[1].status == "failed" and "local file not found" in rows[1].error


# ---------------------------------------------------------------------- schemes, local files, many sources


def test_only_http_and_https(env):
    row = run(env, spec("f", "file:///etc/passwd", mirrors=("ftp://example.org/x.pdf",)))
    assert row.status == "failed" and "scheme 'file'" in row.error and "scheme 'ftp'" in row.error


def test_local_path_inside_case_only(env, tmp_path):
    case_root, store, settings = env
    (case_root / "docs").mkdir()
    (case_root / "docs" / "note.pdf").write_bytes(PDF)
    ok = run(env, spec("note", path="docs/note.pdf"))
    assert ok.status == "ok" and ok.sha256 == sha(PDF) and ok.final_url == "file:docs/note.pdf"
    outside = tmp_path.parent / f"{tmp_path.name}-outside.pdf"
    outside.write_bytes(PDF)
    try:
        bad = run(env, spec("esc", path=f"../{outside.name}"))
        assert bad.status == "failed" and "outside the case directory" in bad.error
        allowed = run(env, spec("esc", path=f"../{outside.name}"), allow_paths_outside_case=True)
        assert allowed.status == "ok"
    finally:
        outside.unlink()


def test_fetch_all_keeps_order_and_per_host_limits(server, env):
    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    def slow(req):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        req.send(200, make_pdf([req.path]), PDF_HEADERS)

    server.route("/doc/*", slow)
    specs = [spec(f"s{i}", server.url(f"/doc/{i}.pdf")) for i in range(4)] + [spec("bad", server.url("/nope"))]
    case_root, store, settings = env
    seen = []
    rows = fetch_all(specs, case_root, store, settings.with_(per_host_concurrency=1, per_host_delay=0.1),
                     progress=seen.append)
    assert [r.source_id for r in rows] == [s.id for s in specs]
    assert [r.status for r in rows] == ["ok"] * 4 + ["failed"]
    assert sorted(r.source_id for r in seen) == sorted(s.id for s in specs)
    assert state["max"] == 1
    starts = sorted(h.at for h in server.hits)
    assert len(starts) == 5 and starts[-1] - starts[0] >= 0.35  # 4 gaps of per_host_delay=0.1 (server-side clock)


def test_connection_refused_is_retried_then_reported(env):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}/x.pdf"
    row = run(env, spec("closed", url), retries=2)
    _, store, _ = env
    assert row.status == "failed" and row.error.startswith("cannot connect") and url in row.error
    assert "after 3 tries" in row.error
    assert [a["error"].split(":")[0] for a in store.attempts("closed")[:3]] == ["try 1", "try 2", "try 3"]


def test_url_first_then_local_path_as_last_resort(server, env):
    case_root, store, _ = env
    (case_root / "docs").mkdir()
    (case_root / "docs" / "copy.pdf").write_bytes(PDF)
    main = server.url("/gone.pdf")
    row = run(env, spec("both", main, path="docs/copy.pdf"))
    assert row.status == "ok" and row.final_url == "file:docs/copy.pdf" and row.sha256 == sha(PDF)
    assert f"HTTP 404 from {main}" in row.error and row.error.startswith("warning: used docs/copy.pdf")
    # the case's own copy is preferred to a page that only looks like the document
    server.static("/login.pdf", make_html("Sign in", ["Please sign in."]), headers={"Content-Type": "text/html"})
    row = run(env, spec("both2", server.url("/login.pdf"), path="docs/copy.pdf", format="pdf"))
    assert row.status == "ok" and row.content_type == "pdf" and row.final_url == "file:docs/copy.pdf"


@pytest.mark.parametrize("raw_deflate", [False, True])
def test_deflate_body_is_decoded(server, env, raw_deflate):
    import zlib

    text = make_html("Report page", REPORT_TEXT * 2)
    c = zlib.compressobj(wbits=-15 if raw_deflate else 15)
    body = c.compress(text) + c.flush()
    url = server.static("/page", body, headers={"Content-Type": "text/html", "Content-Encoding": "deflate"})
    row = run(env, spec("page", url))
    _, store, _ = env
    assert row.status == "ok" and store.read(row.sha256) == text


def test_unknown_content_encoding_is_refused(server, env):
    url = server.static("/br", b"\x1b\x00\x00", headers={"Content-Encoding": "br"})
    row = run(env, spec("br", url))
    assert row.status == "failed" and "unsupported Content-Encoding 'br'" in row.error


def test_retry_after_forms():
    from email.utils import format_datetime
    from datetime import datetime, timedelta, timezone

    from extractors.fetch.http import parse_retry_after

    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 <= parse_retry_after(later) <= 30
    assert parse_retry_after("Mon, 01 Jan 2001 00:00:00 GMT") == 0.0


def test_redirect_to_another_scheme_is_refused(server, env):
    server.static("/to-file", b"", 302, {"Location": "file:///etc/passwd"})
    row = run(env, spec("scheme-hop", server.url("/to-file")))
    assert row.status == "failed" and "scheme 'file'" in row.error and "only http and https" in row.error


def test_waiting_for_a_host_slot_does_not_count_against_the_deadline(server, env):
    server.route("/q/*", lambda r: r.send(200, make_pdf([r.path]), PDF_HEADERS))
    specs = [spec(f"q{i}", server.url(f"/q/{i}.pdf")) for i in range(4)]
    case_root, store, settings = env
    rows = fetch_all(specs, case_root, store,
                     settings.with_(per_host_concurrency=1, per_host_delay=0.3, attempt_deadline=0.5))
    assert [r.status for r in rows] == ["ok"] * 4  # the last one waited ~0.9 s for its turn
