"""A fetch run killed with SIGKILL leaves no partial object, and the next run completes."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

try:
    from tests.fetch_server import REPORT_TEXT, make_pdf, server  # noqa: F401
except ImportError:
    from fetch_server import REPORT_TEXT, make_pdf, server  # noqa: F401

from extractors.fetch.store import RawStore

ROOT = Path(__file__).resolve().parent.parent

RUN_FETCH = r"""
import json, sys
from pathlib import Path
from extractors.fetch import RawStore, fetch_all
from extractors.model import SourceSpec
from extractors.settings import Settings

store_dir, case_root, *urls = sys.argv[1:]
settings = Settings(store_dir=Path(store_dir), allow_private_addresses=True, read_timeout=5.0,
                    attempt_deadline=60.0, retries=0, per_host_delay=0.0)
specs = [SourceSpec(id=f"doc{i}", title="t", publisher="p", kind="report", url=u) for i, u in enumerate(urls)]
rows = fetch_all(specs, Path(case_root), RawStore(settings.store_dir), settings)
print(json.dumps([r.to_row() for r in rows]))
"""

PUT_LOOP = r"""
import os, sys
from pathlib import Path
from extractors.fetch.store import RawStore
store = RawStore(Path(sys.argv[1]))
i = 0
while True:
    store.put(f"s{i % 3}", os.urandom(4 * 1024 * 1024), {"url": "https://example.org/x"})
    i += 1
"""


def _spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # its own process group: nothing else is hit
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def assert_store_consistent(root: Path) -> RawStore:
    store = RawStore(root)
    for obj in (root / "objects").rglob("*"):
        if obj.is_file():
            assert hashlib.sha256(obj.read_bytes()).hexdigest() == obj.name, f"partial object {obj}"
    for sid in store.source_ids():
        for v in store.versions(sid):
            assert store.read(v.sha256) is not None
    return store


def test_sigkill_mid_fetch_then_rerun(server, tmp_path):
    big = make_pdf(REPORT_TEXT * 40) + b"%" + b"x" * (3 * 1024 * 1024) + b"\n%%EOF\n"
    small = make_pdf(REPORT_TEXT)
    started = threading.Event()
    mode = {"slow": True}

    def slow_big(req):
        req.head(200, {"Content-Type": "application/pdf"}, length=len(big))
        step = 64 * 1024
        for i in range(0, len(big), step):
            req.raw(big[i:i + step])
            if i >= step * 2:
                started.set()
            if mode["slow"]:
                time.sleep(0.05)

    big_url = server.route("/big.pdf", slow_big)
    small_url = server.static("/small.pdf", small, headers={"Content-Type": "application/pdf"})
    store_dir = tmp_path / "store"

    proc = _spawn(RUN_FETCH, str(store_dir), str(tmp_path), big_url, small_url)
    assert started.wait(20), proc.stderr.read() if proc.poll() is not None else "server never started sending"
    _kill(proc)

    store = assert_store_consistent(store_dir)
    assert store.versions("doc0") == []  # the big document was mid-body: nothing of it is stored
    assert not (store_dir / "objects").exists() or all(
        p.name != hashlib.sha256(big).hexdigest() for p in (store_dir / "objects").rglob("*"))

    mode["slow"] = False
    proc = _spawn(RUN_FETCH, str(store_dir), str(tmp_path), big_url, small_url)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    rows = json.loads(out)
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert rows[0]["sha256"] == hashlib.sha256(big).hexdigest()
    store = assert_store_consistent(store_dir)
    assert store.read(rows[0]["sha256"]) == big and len(store.versions("doc1")) == 1


def test_sigkill_during_store_writes_leaves_only_whole_objects(tmp_path):
    root = tmp_path / "store"
    proc = _spawn(PUT_LOOP, str(root))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(RawStore(root).versions("s0")) < 2:
        time.sleep(0.05)
    time.sleep(0.13)  # land somewhere inside a later write
    _kill(proc)
    store = assert_store_consistent(root)
    written = sum(len(store.versions(f"s{i}")) for i in range(3))
    assert written >= 2
    # a fresh store sweeps the dead writer's temporary file, if the kill left one
    RawStore(root).put("after", b"next run", {})
    assert list((root / "tmp").glob("*.part")) == []
