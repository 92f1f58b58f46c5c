"""The append-only raw store and the `claimcheck store` commands."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from extractors.fetch.store import RawStore
from extractors.model import DocumentRow
from flows.cli_store import store_app


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def prov(url="https://example.org/a.pdf", **kw):
    return {"url": url, "final_url": url, "content_type": "pdf", "etag": '"e1"', **kw}


def test_put_is_content_addressed_and_idempotent(tmp_path):
    store = RawStore(tmp_path / "s")
    v = store.put("src", b"%PDF-1.7 one", prov(http_status=200))
    assert v.sha256 == sha(b"%PDF-1.7 one") and v.bytes == 12 and v.etag == '"e1"'
    assert store.object_path(v.sha256) == tmp_path / "s" / "objects" / v.sha256[:2] / v.sha256
    assert store.read(v.sha256) == b"%PDF-1.7 one"
    again = store.put("src", b"%PDF-1.7 one", prov())
    assert again == v and len(store.versions("src")) == 1
    assert v.provenance == {"http_status": 200}


def test_versions_oldest_first_and_nothing_overwritten(tmp_path):
    store = RawStore(tmp_path / "s")
    a = store.put("src", b"edition A", prov())
    b = store.put("src", b"edition B", prov())
    c = store.put("src", b"edition A", prov())  # changed back: a new version pointing at the old object
    store.put("other", b"edition A", prov())
    assert [v.sha256 for v in store.versions("src")] == [a.sha256, b.sha256, c.sha256]
    assert store.latest("src").sha256 == a.sha256 and store.latest("missing") is None
    assert store.source_ids() == ["src", "other"]
    obj = store.object_path(a.sha256)
    assert not os.access(obj, os.W_OK) or os.geteuid() == 0  # objects are read-only files
    assert sorted(p.name for p in (tmp_path / "s" / "objects").rglob("*") if p.is_file()) == sorted(
        {a.sha256, b.sha256})


def test_read_detects_corruption(tmp_path):
    store = RawStore(tmp_path / "s")
    v = store.put("src", b"good bytes", prov())
    path = store.object_path(v.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"evil bytes")
    with pytest.raises(ValueError, match="corrupt"):
        store.read(v.sha256)
    with pytest.raises(ValueError):
        store.object_path("../../etc/passwd")


def test_attempts_manifest_and_cut_last_line(tmp_path):
    store = RawStore(tmp_path / "s")
    store.record_attempt(DocumentRow(source_id="a", url="https://x.org", status="failed", error="HTTP 404"))
    store.put("a", b"x", prov())
    with open(store.attempts_file, "a") as fh:
        fh.write('{"source_id": "a", "status": "o')  # what a crash mid-append leaves
    with open(store.versions_file, "a") as fh:
        fh.write('{"source_id": "a", "sha')
    store.record_attempt(DocumentRow(source_id="b", status="ok"))
    assert [r["source_id"] for r in store.attempts()] == ["a", "b"]
    assert store.attempts("a")[0]["error"] == "HTTP 404"
    assert len(store.versions("a")) == 1
    store.put("a", b"y", prov())
    assert len(store.versions("a")) == 2  # the next line starts fresh after the cut one
    for line in store.attempts_file.read_text().splitlines()[-1:]:
        json.loads(line)


def test_stale_temp_files_are_swept(tmp_path):
    store = RawStore(tmp_path / "s")
    store.put("a", b"x", prov())
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = store.tmp / f"{int(dead.stdout)}.1.abcdef.part"
    stale.write_bytes(b"half")
    mine = store.tmp / f"{os.getpid()}.1.abcdef.part"
    mine.write_bytes(b"in progress")
    RawStore(tmp_path / "s").put("b", b"z", prov())
    assert not stale.exists() and mine.exists()


def test_concurrent_puts_from_threads(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    store = RawStore(tmp_path / "s")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: store.put(f"s{i % 4}", f"doc {i}".encode(), prov()), range(40)))
    assert sum(len(store.versions(f"s{k}")) for k in range(4)) == 40
    for k in range(4):
        for v in store.versions(f"s{k}"):
            assert store.read(v.sha256)


# ---------------------------------------------------------------------- CLI


def test_cli_store_list_and_show(tmp_path):
    root = tmp_path / "s"
    store = RawStore(root)
    a = store.put("ec-report", b"%PDF-1.7 first", prov(http_status=200))
    b = store.put("ec-report", b"%PDF-1.7 second", prov(http_status=200))
    store.record_attempt(DocumentRow(source_id="ec-report", url="https://example.org/a.pdf", status="failed",
                                     http_status=503, error="HTTP 503 from https://example.org/a.pdf"))
    runner = CliRunner()
    out = runner.invoke(store_app, ["list", "--store", str(root)])
    assert out.exit_code == 0, out.output
    assert "ec-report" in out.output and b.sha256[:16] in out.output and "2" in out.output
    out = runner.invoke(store_app, ["show", "ec-report", "--store", str(root)])
    assert out.exit_code == 0, out.output
    assert a.sha256 in out.output and b.sha256 in out.output and "HTTP 503" in out.output
    assert out.output.index(a.sha256) < out.output.index(b.sha256)
    out = runner.invoke(store_app, ["show", "nope", "--store", str(root)])
    assert out.exit_code == 1 and "no stored versions" in out.output
    out = runner.invoke(store_app, ["list", "--store", str(tmp_path / "empty")])
    assert out.exit_code == 0 and "no stored documents" in out.output


def test_render_fetch_rows():
    from io import StringIO

    from rich.console import Console

    from flows.cli_store import render_fetch_rows

    buf = StringIO()
    render_fetch_rows([
        DocumentRow(source_id="a", status="ok", http_status=200, content_type="pdf", bytes=10, sha256="ab" * 32),
        DocumentRow(source_id="b", status="ok", http_status=200, content_type="html", error="warning: suspicious"),
        DocumentRow(source_id="c", status="failed", error="HTTP 404 from https://example.org/c"),
    ], Console(file=buf, width=200))
    out = buf.getvalue()
    assert "HTTP 404 from https://example.org/c" in out and "abababab" in out
    assert "2/3 fetched (1 with warnings), 1 failed" in out
