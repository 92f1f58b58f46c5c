"""Review record at scale: 100,000 logged decisions.

Prints the save latency of the review app (a real uvicorn server on
127.0.0.1, answered only after the DuckDB ``reviews`` table holds the new
event), and the time to import 100,000 decisions from CSV and to import the
same file again (as ``claimcheck reviews import`` does: the CSV read and
checked, the log appended, the DuckDB table brought up to date).
Targets: a save under 1 s, an import under 20 s.  Asserts nothing.

    uv run python benchmarks/review_scale.py [N]
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from extractors.review import export_csv, import_csv, load_decisions, source_claim_key, sync_reviews_duckdb  # noqa: E402
from extractors.review.store import _append, make_decision  # noqa: E402
from extractors.settings import Settings  # noqa: E402
from tests.review_rows import CASE_ID, build_tables, write_case, write_outputs  # noqa: E402


def timed(label, fn):
    t0 = time.perf_counter()
    out = fn()
    print(f"{label:<58} {time.perf_counter() - t0:8.3f} s", flush=True)
    return out


def bulk(n: int):
    return [make_decision(case_id=CASE_ID, kind="source_claim", target_id=f"clm-{i % 5000:05d}/src-{i % 40:02d}",
                          decision=("confirmed", "rejected")[i % 2], evidence_hash=f"{i % 16:x}" * 64,
                          reviewer=f"analyst-{i % 7}", note=f"checked page {i % 300}, paragraph {i % 9}\u2028ok",
                          decided_at=f"2026-0{1 + i % 9}-1{i % 10}T1{i % 10}:00:00.{i:06d}Z")
            for i in range(n)]


class Server:
    def __init__(self, case_dir, settings):
        import uvicorn

        from flows.review_app import create_app

        self.server = uvicorn.Server(uvicorn.Config(create_app(case_dir, settings), host="127.0.0.1", port=0,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.server.servers[0].sockets[0].getsockname()[1]}"

    def close(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


def main(n: int = 100_000) -> None:
    rows = build_tables()["source_claims"]
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        out = d / "outputs"
        settings = Settings(out_dir=out, store_dir=d / "store", state_dir=d / "state")
        write_outputs(out)
        decisions = timed(f"build {n:,} decision events", lambda: bulk(n))
        timed(f"append {n:,} events to reviews.jsonl (one write)", lambda: _append(out, decisions))
        print(f"{'reviews.jsonl size':<58} {(out / 'reviews.jsonl').stat().st_size / 1e6:8.1f} MB")
        timed(f"load_decisions ({n:,} events)", lambda: load_decisions(out))
        timed(f"DuckDB reviews table, first full load ({n:,})", lambda: sync_reviews_duckdb(out))
        srv = timed(f"app: start (reads the {n:,}-line log once)", lambda: Server(write_case(d / "case"), settings))
        try:
            with httpx.Client(base_url=srv.url, timeout=300) as c:
                timed("app: GET /api/decisions (latest per row)", lambda: c.get("/api/decisions").raise_for_status())
                lat = []
                for i in range(20):
                    body = {"kind": "source_claim", "target_id": source_claim_key(rows[i % len(rows)]),
                            "decision": "confirmed", "note": f"bench save {i}", "reviewer": "bench"}
                    t0 = time.perf_counter()
                    r = c.post("/api/decisions", json=body)
                    lat.append(time.perf_counter() - t0)
                    assert r.status_code == 200 and r.json()["duckdb"] == "updated", r.text
                print(f"{f'app: save latency with {n:,} logged (first)':<58} {lat[0]:8.3f} s")
                print(f"{'app: save latency, median of 20':<58} {statistics.median(lat):8.3f} s")
                print(f"{'app: save latency, max of 20':<58} {max(lat):8.3f} s")
                timed("app: GET / (page with every decision applied)", lambda: c.get("/").raise_for_status())
        finally:
            srv.close()
        csv_path = d / "decisions.csv"
        timed(f"reviews export ({n + 20:,} events to CSV)", lambda: export_csv(out, csv_path))
        other = d / "other"

        def import_once():
            added, skipped = import_csv(other, csv_path)
            sync_reviews_duckdb(other)
            return added, skipped

        added, skipped = timed(f"reviews import of {n + 20:,} rows into an empty record", import_once)
        print(f"{'  added / skipped':<58} {added:,} / {skipped:,}")
        added, skipped = timed(f"reviews import of the same {n + 20:,} rows again", import_once)
        print(f"{'  added / skipped':<58} {added:,} / {skipped:,}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
