"""Review decisions: record, latest wins, applied to rows, stale when the
evidence changed, CSV exchange, DuckDB mirror, concurrency, and the review
app over real HTTP on 127.0.0.1."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from extractors.review import (
    ReviewError,
    apply_decisions,
    evidence_hash,
    export_csv,
    import_csv,
    load_decisions,
    mention_hash,
    record_decision,
    source_claim_key,
    sync_reviews_duckdb,
)
from extractors.review.store import effective_verdict, latest_decisions
from tests.review_rows import CASE_ID, build_tables, write_case, write_outputs

ROOT = Path(__file__).parent.parent


def _decide(out, row, decision="confirmed", **kw):
    return record_decision(out, case_id=CASE_ID, kind="source_claim", target_id=source_claim_key(row),
                           decision=decision, evidence_hash=evidence_hash(row),
                           reviewer=kw.pop("reviewer", "ana"), claim_id=row.claim_id,
                           source_id=row.source_id, **kw)


def test_decision_applied_to_the_same_evidence(tmp_path):
    t = build_tables()
    ec = t["source_claims"][0]
    _decide(tmp_path, ec, note="page 7 says so")
    sc, _ = apply_decisions(t["source_claims"], t["mentions"], load_decisions(tmp_path, CASE_ID))
    assert sc[0].review_status == "confirmed"
    assert sc[0].reviewer_note == "page 7 says so"
    assert sc[0].verdict == "supported"
    assert all(r.review_status is None for r in sc[1:])  # only the decided row changes


def test_latest_decision_wins_and_correction_changes_effective_verdict(tmp_path):
    t = build_tables()
    row = t["source_claims"][4]  # contradicted
    _decide(tmp_path, row, "confirmed", decided_at="2026-01-01T10:00:00.000000Z")
    _decide(tmp_path, row, "corrected", correction="not_found", note="page 9 is about something else",
            decided_at="2026-01-02T10:00:00.000000Z", reviewer="bo")
    # an older decision imported later must not win
    _decide(tmp_path, row, "rejected", decided_at="2025-12-31T10:00:00.000000Z")
    sc, _ = apply_decisions(t["source_claims"], [], load_decisions(tmp_path))
    r = sc[4]
    assert r.review_status == "corrected"
    assert r.verdict == "contradicted"  # the machine verdict is kept
    assert effective_verdict(r) == "not_found"
    assert r.reviewer_note.startswith("[corrected to not_found]")


def test_changed_evidence_flags_stale_not_kept_not_dropped(tmp_path):
    t = build_tables()
    ec = t["source_claims"][0]
    _decide(tmp_path, ec, "confirmed", note="checked on the PDF")
    decisions = load_decisions(tmp_path)
    new_doc = dataclasses.replace(ec, document_sha256="e" * 64)
    new_text = dataclasses.replace(ec, evidence_text=ec.evidence_text.replace("45", "44"))
    new_verdict = dataclasses.replace(ec, verdict="partly_supported")
    for changed in (new_doc, new_text, new_verdict):
        (r,), _ = apply_decisions([changed], [], decisions)
        assert r.review_status == "stale"
        assert "confirmed by ana" in r.reviewer_note and "checked on the PDF" in r.reviewer_note
    # same evidence, new page number only: the decision still holds
    moved = dataclasses.replace(ec, evidence_page=8)
    (r,), _ = apply_decisions([moved], [], decisions)
    assert r.review_status == "confirmed"


def test_mentions_are_reviewed_too(tmp_path):
    t = build_tables()
    m = t["mentions"][2]
    record_decision(tmp_path, case_id=CASE_ID, kind="mention", target_id=m.mention_id, decision="corrected",
                    correction="event:banjska-attack-2023", evidence_hash=mention_hash(m), reviewer="ana",
                    mention_id=m.mention_id)
    record_decision(tmp_path, case_id=CASE_ID, kind="mention", target_id=t["mentions"][0].mention_id,
                    decision="rejected", evidence_hash=mention_hash(t["mentions"][0]), reviewer="ana")
    _, ms = apply_decisions([], t["mentions"], load_decisions(tmp_path))
    assert ms[2].review_status == "corrected" and ms[2].canonical == "place:banjska"
    assert ms[2].reviewer_note.startswith("[corrected to event:banjska-attack-2023]")
    assert ms[0].review_status == "rejected"
    assert ms[1].review_status is None
    changed = dataclasses.replace(t["mentions"][2], sentence="another sentence")
    _, (r,) = apply_decisions([], [changed], load_decisions(tmp_path))
    assert r.review_status == "stale"


def test_dict_rows_work_like_dataclass_rows(tmp_path):
    t = build_tables()
    _decide(tmp_path, t["source_claims"][1], "rejected", note="wrong passage")
    rows = [r.to_row() for r in t["source_claims"]]
    sc, _ = apply_decisions(rows, [], load_decisions(tmp_path))
    assert sc[1]["review_status"] == "rejected" and sc[1]["reviewer_note"] == "wrong passage"


@pytest.mark.parametrize("kwargs, message", [
    ({"decision": "approved"}, "unknown decision"),
    ({"decision": "corrected"}, "needs the corrected value"),
    ({"decision": "corrected", "correction": "true-ish"}, "unknown verdict"),
    ({"reviewer": "  "}, "reviewer"),
    ({"evidence_hash": "abc"}, "sha256"),
    ({"note": "x" * 5000}, "note longer"),
])
def test_bad_decisions_are_refused_and_nothing_written(tmp_path, kwargs, message):
    t = build_tables()
    row = t["source_claims"][0]
    args = dict(case_id=CASE_ID, kind="source_claim", target_id=source_claim_key(row), decision="confirmed",
                evidence_hash=evidence_hash(row), reviewer="ana")
    args.update(kwargs)
    with pytest.raises(ReviewError, match=message):
        record_decision(tmp_path, **args)
    assert load_decisions(tmp_path) == []


def test_torn_last_line_is_ignored(tmp_path):
    t = build_tables()
    _decide(tmp_path, t["source_claims"][0])
    with open(tmp_path / "reviews.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"decision_id": "rev-cut", "case_id": "banj')  # a crash mid-write
    assert len(load_decisions(tmp_path)) == 1
    _decide(tmp_path, t["source_claims"][1])
    # the next append starts a new line: the torn part stays ignored, the new event counts
    assert len(load_decisions(tmp_path)) == 2


def test_concurrent_threads_lose_nothing(tmp_path):
    t = build_tables()
    rows = t["source_claims"]

    def work(i):
        for j in range(15):
            _decide(tmp_path, rows[j % len(rows)], "confirmed", reviewer=f"tab{i}", note=f"{i}-{j}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    ds = load_decisions(tmp_path)
    assert len(ds) == 8 * 15
    assert {d.note for d in ds} == {f"{i}-{j}" for i in range(8) for j in range(15)}


def test_concurrent_processes_lose_nothing(tmp_path):
    code = (
        "import sys\n"
        "from tests.test_review import _decide\n"
        "from tests.review_rows import build_tables\n"
        "rows = build_tables()['source_claims']\n"
        "for j in range(40):\n"
        "    _decide(sys.argv[1], rows[j % len(rows)], reviewer=sys.argv[2], note=sys.argv[2] + str(j))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), f"p{i}"], cwd=ROOT) for i in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    ds = load_decisions(tmp_path)
    assert len(ds) == 120 and len({d.decision_id for d in ds}) == 120


def test_csv_export_import_between_analysts(tmp_path):
    t = build_tables()
    ana, bo = tmp_path / "ana", tmp_path / "bo"
    _decide(ana, t["source_claims"][0], "confirmed", note='says "45", page 7; ok')
    _decide(ana, t["source_claims"][4], "corrected", correction="not_found", note="multi\nline")
    _decide(bo, t["source_claims"][1], "rejected", reviewer="bo")
    assert export_csv(ana, tmp_path / "ana.csv") == 2
    assert import_csv(bo, tmp_path / "ana.csv") == (2, 0)
    assert import_csv(bo, tmp_path / "ana.csv") == (0, 2)  # repeatable
    got = {d.target_id: d for d in load_decisions(bo)}
    assert len(got) == 3
    assert got[source_claim_key(t["source_claims"][4])].note == "multi\nline"
    sc, _ = apply_decisions(t["source_claims"], [], load_decisions(bo))
    assert [r.review_status for r in sc[:2]] == ["confirmed", "rejected"]
    assert effective_verdict(sc[4]) == "not_found"


def test_import_rejects_a_bad_file_whole(tmp_path):
    t = build_tables()
    _decide(tmp_path / "a", t["source_claims"][0])
    export_csv(tmp_path / "a", tmp_path / "x.csv")
    text = (tmp_path / "x.csv").read_text().replace("confirmed", "maybe")
    (tmp_path / "x.csv").write_text(text)
    with pytest.raises(ReviewError, match="line 2"):
        import_csv(tmp_path / "b", tmp_path / "x.csv")
    assert load_decisions(tmp_path / "b") == []


def test_duckdb_reviews_table_rebuilt_from_the_record(tmp_path):
    import duckdb

    t = build_tables()
    _decide(tmp_path, t["source_claims"][0], "confirmed", decided_at="2026-01-01T00:00:00.000000Z")
    _decide(tmp_path, t["source_claims"][0], "rejected", decided_at="2026-01-02T00:00:00.000000Z")
    _decide(tmp_path, t["source_claims"][1], "confirmed")
    assert sync_reviews_duckdb(tmp_path) == 3
    con = duckdb.connect(str(tmp_path / "claimcheck.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from reviews").fetchone()[0] == 3
        latest = dict(con.execute("select target_id, decision from reviews_latest").fetchall())
    finally:
        con.close()
    assert latest[source_claim_key(t["source_claims"][0])] == "rejected"
    assert len(latest) == 2
    # rebuilt, not appended
    assert sync_reviews_duckdb(tmp_path) == 3


def test_cli_reviews_export_import(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    t = build_tables()
    _decide(tmp_path / "a", t["source_claims"][0], note="fine")
    runner = CliRunner()
    r = runner.invoke(app, ["reviews", "export", str(tmp_path / "d.csv"), "--out", str(tmp_path / "a")])
    assert r.exit_code == 0, r.output
    assert "exported 1" in r.output
    r = runner.invoke(app, ["reviews", "import", str(tmp_path / "d.csv"), "--out", str(tmp_path / "b")])
    assert r.exit_code == 0, r.output
    assert "imported 1" in r.output
    assert [d.note for d in load_decisions(tmp_path / "b")] == ["fine"]
    (tmp_path / "bad.csv").write_text("who,what\nx,y\n")
    r = runner.invoke(app, ["reviews", "import", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "b")])
    assert r.exit_code == 2 and "missing columns" in r.output


# ----------------------------------------------------------------- the app over HTTP


class AppServer:
    def __init__(self, case_dir, settings):
        import uvicorn

        from flows.review_app import create_app

        self.config = uvicorn.Config(create_app(case_dir, settings), host="127.0.0.1", port=0,
                                     log_level="warning", lifespan="off")
        self.server = uvicorn.Server(self.config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("review app did not start")
            time.sleep(0.05)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def review_server(tmp_path, settings):
    case_dir = write_case(tmp_path / "case")
    write_outputs(settings.out_dir)
    srv = AppServer(case_dir, settings)
    yield srv
    srv.close()


def _page_data(html: str) -> dict:
    start = html.index('id="cc-data">') + len('id="cc-data">')
    return json.loads(html[start:html.index("</script>", start)])


def test_app_records_and_serves_decisions(review_server, settings):
    t = build_tables()
    target = source_claim_key(t["source_claims"][0])
    with httpx.Client(base_url=review_server.url) as c:
        page = c.get("/")
        assert page.status_code == 200
        assert "connect-src 'self'" in page.headers["content-security-policy"]
        r = c.post("/api/decisions", json={"kind": "source_claim", "target_id": target, "decision": "corrected",
                                           "correction": "partly_supported", "note": "weaker", "reviewer": "ana"})
        assert r.status_code == 200, r.text
        assert r.json()["review_status"] == "corrected"
        assert r.json()["effective_verdict"] == "partly_supported"
        data = _page_data(c.get("/").text)
        row = next(x for x in data["source_claims"] if f"{x['claim_id']}/{x['source_id']}" == target)
        assert row["review_status"] == "corrected" and row["review_by"] == "ana"
        assert row["effective_verdict"] == "partly_supported"
        assert c.get("/api/decisions").json()[0]["target_id"] == target
    # recorded in the JSON lines file with the hash of the evidence shown
    (d,) = load_decisions(settings.out_dir)
    assert d.evidence_hash == evidence_hash(t["source_claims"][0])
    # and mirrored into DuckDB
    import duckdb

    con = duckdb.connect(str(settings.out_dir / "claimcheck.duckdb"), read_only=True)
    try:
        assert con.execute("select decision from reviews").fetchall() == [("corrected",)]
    finally:
        con.close()


def test_app_refuses_bad_requests(review_server, settings):
    t = build_tables()
    target = source_claim_key(t["source_claims"][0])
    ok = {"kind": "source_claim", "target_id": target, "decision": "confirmed", "reviewer": "ana"}
    with httpx.Client(base_url=review_server.url) as c:
        assert c.post("/api/decisions", json=ok, headers={"Origin": "http://evil.example"}).status_code == 403
        assert c.post("/api/decisions", json=ok, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
        assert c.post("/api/decisions", content=json.dumps(ok),
                      headers={"Content-Type": "text/plain"}).status_code == 415
        assert c.post("/api/decisions", json={**ok, "target_id": "nope/nope"}).status_code == 404
        bad = c.post("/api/decisions", json={**ok, "decision": "corrected", "correction": "very true"})
        assert bad.status_code == 400 and "unknown verdict" in bad.json()["error"]
        assert c.get("/", headers={"Host": "attacker.example"}).status_code == 400  # DNS rebinding
    assert load_decisions(settings.out_dir) == []


def test_app_two_tabs_saving_at_once_lose_nothing(review_server, settings):
    t = build_tables()
    targets = [source_claim_key(r) for r in t["source_claims"]]
    errors = []

    def tab(name):
        with httpx.Client(base_url=review_server.url) as c:
            for i in range(12):
                r = c.post("/api/decisions", json={"kind": "source_claim", "target_id": targets[i % len(targets)],
                                                   "decision": "confirmed", "note": f"{name}{i}", "reviewer": name})
                if r.status_code != 200:
                    errors.append(r.text)

    ths = [threading.Thread(target=tab, args=(n,)) for n in ("left", "right")]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    assert errors == []
    notes = {d.note for d in load_decisions(settings.out_dir)}
    assert notes == {f"{n}{i}" for n in ("left", "right") for i in range(12)}
    assert len(latest_decisions(load_decisions(settings.out_dir))) == len(targets)


def start_review_cli(tmp_path, settings, *extra: str) -> tuple[subprocess.Popen, int]:
    """``claimcheck review`` in its own process on a free port (stdout and
    stderr on one pipe); the caller terminates it."""
    import socket

    case_dir = write_case(tmp_path / "case")
    write_outputs(settings.out_dir)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "review", "--case", str(case_dir),
                             "--out", str(settings.out_dir), "--port", str(port), *extra], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, port


def wait_for_health(proc: subprocess.Popen, port: int, **kw) -> httpx.Response:
    """The first answer of ``/healthz`` once the app listens (60 s at most)."""
    deadline = time.time() + 60
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2, **kw)
        except httpx.TransportError:
            if time.time() > deadline or proc.poll() is not None:
                raise AssertionError("review app did not start: " + (proc.stdout.read() if proc.poll() else ""))
            time.sleep(0.2)


def test_cli_review_serves_the_app(tmp_path, settings):
    proc, port = start_review_cli(tmp_path, settings)
    try:
        r = wait_for_health(proc, port)
        assert r.json() == {"ok": True, "case": CASE_ID}
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=60)
        assert page.status_code == 200 and 'id="reviewer"' in page.text
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_cli_review_refuses_other_hosts_and_missing_tables(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    case_dir = write_case(tmp_path / "case")
    runner = CliRunner()
    r = runner.invoke(app, ["review", "--case", str(case_dir), "--out", str(tmp_path / "o"), "--host", "0.0.0.0"])
    assert r.exit_code == 2 and "127.0.0.1 only" in " ".join(r.output.split())
    r = runner.invoke(app, ["review", "--case", str(case_dir), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1 and "run `claimcheck run` first" in " ".join(r.output.split())
