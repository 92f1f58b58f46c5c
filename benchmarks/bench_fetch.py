"""Fetch-stage figures on this machine (printed, not asserted).

    uv run python benchmarks/bench_fetch.py [N_DOCS] [KB_PER_DOC]

Serves N generated documents from a local server on 127.0.0.1 and reports:
a cold fetch_all into an empty store, a second run answered by 304s, an
--offline run, and RawStore.put throughput for large objects.
"""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fetch_server import LocalServer  # noqa: E402

from extractors.fetch import RawStore, fetch_all  # noqa: E402
from extractors.model import SourceSpec  # noqa: E402
from extractors.settings import Settings  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    kb = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    srv = LocalServer()
    docs = {}
    for i in range(n):
        body = b"%PDF-1.4\n" + os.urandom(kb * 1024) + b"\n%%EOF\n"
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        docs[i] = body

        def handler(req, body=body, etag=etag):
            if req.headers.get("if-none-match") == etag:
                req.send(304, b"", {"ETag": etag})
            else:
                req.send(200, body, {"Content-Type": "application/pdf", "ETag": etag})

        srv.route(f"/d{i}.pdf", handler)
    specs = [SourceSpec(id=f"d{i}", title="t", publisher="p", kind="report", url=srv.url(f"/d{i}.pdf"))
             for i in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(store_dir=Path(tmp) / "store", allow_private_addresses=True,
                            per_host_concurrency=4, per_host_delay=0.0)
        store = RawStore(settings.store_dir)
        total_mb = n * kb / 1024
        for label, s in (("cold fetch", settings), ("revalidate (304)", settings),
                         ("offline", settings.with_(offline=True))):
            t0 = time.perf_counter()
            rows = fetch_all(specs, Path(tmp), store, s)
            dt = time.perf_counter() - t0
            ok = sum(r.status == "ok" for r in rows)
            print(f"{label:18s} {n} docs x {kb} KB: {dt:6.2f} s, {ok}/{n} ok"
                  + (f", {total_mb / dt:6.1f} MB/s" if label == "cold fetch" else ""))
        blob = os.urandom(50 * 1024 * 1024)
        t0 = time.perf_counter()
        store.put("big", blob, {"url": "x"})
        dt = time.perf_counter() - t0
        print(f"RawStore.put 50 MB (hash + fsync + rename): {dt:6.2f} s, {50 / dt:6.1f} MB/s")
    srv.close()


if __name__ == "__main__":
    main()
