"""The review record under hostile or unusual input: notes with Unicode line
separators, bad lines in reviews.jsonl, imported timestamps, CSV formula
cells, malformed API bodies, the optional access token, and saves that do
not rebuild the DuckDB table.  The app runs over real HTTP on 127.0.0.1."""
from __future__ import annotations

import csv
import io
import json
import logging
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import httpx
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from extractors.review import (
    ReviewError,
    apply_case_reviews,
    evidence_hash,
    export_csv,
    import_csv,
    load_decisions,
    record_decision,
    source_claim_key,
    sync_reviews_duckdb,
)
from extractors.review.store import latest_decisions
from tests.review_rows import CASE_ID, build_tables, write_case, write_outputs
from tests.test_review import AppServer, _decide, _page_data, start_review_cli, wait_for_health

ROOT = Path(__file__).parent.parent
SEPARATORS = {"u2028": "\u2028", "u2029": "\u2029", "u0085": "\u0085", "cr": "\r", "crlf": "\r\n",
              "vt-ff": "\x0b\x0c", "fs-gs-rs": "\x1c\x1d\x1e"}


def _db_rows(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _cli(*args):
    from flows.cli import app

    return CliRunner().invoke(app, list(args))


def _one_line(output: str) -> str:
    lines = [x for x in output.strip().splitlines() if x.strip()]
    assert "Traceback" not in output
    return " ".join(" ".join(lines).split())


@pytest.fixture
def server_factory(tmp_path, settings):
    servers = []

    def start(s=None):
        case_dir = write_case(tmp_path / "case")
        s = s or settings
        write_outputs(s.out_dir)
        srv = AppServer(case_dir, s)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.close()


def _ok_body(target, **kw):
    return {"kind": "source_claim", "target_id": target, "decision": "confirmed", "reviewer": "ana", **kw}


# ----------------------------------------------------------------- the log is read as written


@pytest.mark.parametrize("name", sorted(SEPARATORS))
def test_notes_with_line_separators_survive_every_reader(server_factory, settings, tmp_path, name):
    sep = SEPARATORS[name]
    note = f"copied from the PDF:{sep}page 7{sep}says 45"
    t = build_tables()
    row = t["source_claims"][0]
    target = source_claim_key(row)
    srv = server_factory()
    with httpx.Client(base_url=srv.url) as c:
        r = c.post("/api/decisions", json=_ok_body(target, note=note))
        assert r.status_code == 200, r.text
        data = _page_data(c.get("/").text)
        shown = next(x for x in data["source_claims"] if f"{x['claim_id']}/{x['source_id']}" == target)
        assert shown["review_status"] == "confirmed" and shown["reviewer_note"] == note
        assert [d["note"] for d in c.get("/api/decisions").json()] == [note]
    out = settings.out_dir
    assert [d.note for d in load_decisions(out)] == [note]
    assert _db_rows(out / "claimcheck.duckdb", "select note from reviews") == [(note,)]
    # reviews export -> import elsewhere keeps it byte for byte
    assert export_csv(out, tmp_path / "x.csv") == 1
    assert import_csv(tmp_path / "other", tmp_path / "x.csv") == (1, 0)
    assert [d.note for d in load_decisions(tmp_path / "other")] == [note]
    # the next run's review_status
    sc, _ = apply_case_reviews(out, CASE_ID, t["source_claims"], [])
    assert sc[0].review_status == "confirmed" and sc[0].reviewer_note == note


def test_bad_log_lines_are_named_and_skipped(server_factory, settings, caplog):
    t = build_tables()
    out = settings.out_dir
    out.mkdir(parents=True)
    good = _decide(out, t["source_claims"][0], note="first")
    good_line = json.dumps(dict(json.loads((out / "reviews.jsonl").read_text())), ensure_ascii=False)
    base = json.loads(good_line)
    lines = [
        good_line.encode(),                                                   # 1 ok
        b"this is not json",                                                  # 2
        json.dumps({k: v for k, v in base.items() if k != "reviewer"}).encode(),  # 3 missing field
        json.dumps({**base, "reviewer": 7}).encode(),                         # 4 wrong type
        json.dumps([1, 2]).encode(),                                          # 5 not an object
        b'{"note": "\xff\xfe"}',                                              # 6 not UTF-8
        json.dumps({**base, "decision": "perhaps"}).encode(),                 # 7 bad value
        json.dumps({**base, "decided_at": "zzzz"}).encode(),                  # 8 bad time
        b"",                                                                  # 9 blank: fine
        json.dumps({**base, "decided_at": "2026-13-40T00:00:00.000000Z"}).encode(),  # 10 no such day
    ]
    # 12: far in the future (an import by an older version): kept, with a warning
    future = {**base, "decision_id": "rev-future", "decided_at": "9999-01-01T00:00:00.000000Z"}
    with open(out / "reviews.jsonl", "wb") as fh:
        fh.write(b"\n".join(lines) + b"\n")
        fh.write(b'{"decision_id": "torn')                                    # 11 torn (a crash)
    caplog.set_level(logging.WARNING, logger="claimcheck.review")
    ds = load_decisions(out)
    assert [d.decision_id for d in ds] == [good.decision_id]
    assert "incomplete" in caplog.text
    with open(out / "reviews.jsonl", "ab") as fh:
        fh.write(b"\n" + json.dumps(future).encode() + b"\n")
    caplog.clear()
    ds = load_decisions(out)
    assert [d.decision_id for d in ds] == [good.decision_id, "rev-future"]
    assert "reviews.jsonl line 12: decided_at 9999-01-01T00:00:00.000000Z is in the future" in caplog.text
    assert "; kept" in caplog.text
    with open(out / "reviews.jsonl", "rb+") as fh:  # the analyst removes it again
        fh.truncate(len(fh.read()) - len(json.dumps(future)) - 1)
    caplog.clear()
    ds = load_decisions(out)
    assert [d.decision_id for d in ds] == [good.decision_id]
    text = caplog.text
    for n, what in [(2, "not JSON"), (3, "missing field 'reviewer'"), (4, "field 'reviewer' must be a string"),
                    (5, "not a JSON object"), (6, "not UTF-8"), (7, "unknown decision"),
                    (8, "decided_at"), (10, "'2026-13-40T00:00:00.000000Z' is not an ISO-8601 time"),
                    (11, "not JSON")]:
        assert f"reviews.jsonl line {n}: " in text and what in text, (n, what, text)
    assert "line 1:" not in text and "line 9:" not in text
    # the page, the API, the run's hook and DuckDB keep working
    sc, _ = apply_case_reviews(out, CASE_ID, t["source_claims"], [])
    assert sc[0].review_status == "confirmed"
    assert sync_reviews_duckdb(out) == 1
    srv = server_factory()
    with httpx.Client(base_url=srv.url) as c:
        assert c.get("/").status_code == 200
        assert len(c.get("/api/decisions").json()) == 1
        r = c.post("/api/decisions", json=_ok_body(source_claim_key(t["source_claims"][1])))
        assert r.status_code == 200, r.text
    # the torn line became a complete bad line; the new decision is after it
    assert len(load_decisions(out)) == 2
    assert _db_rows(out / "claimcheck.duckdb", "select count(*) from reviews") == [(2,)]


def test_run_hooks_go_on_past_bad_log_lines(tmp_path, caplog):
    """What `run` does with the record: apply it, write the report, update DuckDB."""
    from extractors.export.exports import publish_review_outputs
    from tests.review_rows import ARTICLE, CASE_META

    t = build_tables()
    ok = _decide(tmp_path, t["source_claims"][0], note="held\u2028up")
    with open(tmp_path / "reviews.jsonl", "ab") as fh:
        fh.write(b'{"decision_id": "rev-1", "case_id": "' + CASE_ID.encode() + b'"}\n[]\n')
    caplog.set_level(logging.WARNING, logger="claimcheck.review")
    t["source_claims"], t["mentions"] = apply_case_reviews(tmp_path, CASE_ID, t["source_claims"], t["mentions"])
    assert t["source_claims"][0].review_status == "confirmed"
    out = tmp_path / CASE_ID
    write_outputs(tmp_path, t)
    publish_review_outputs((out,), t, CASE_META, ARTICLE, db_path=tmp_path / "claimcheck.duckdb",
                           reviews_dir=tmp_path)
    assert "held\\u2028up" in (out / "report.html").read_text(encoding="utf-8")  # escaped inside <script>
    assert _db_rows(tmp_path / "claimcheck.duckdb", "select decision_id from reviews") == [(ok.decision_id,)]
    assert "reviews.jsonl line 2: missing field" in caplog.text and "reviews.jsonl line 3: not a JSON object" \
        in caplog.text


def test_cli_export_reports_bad_lines_and_still_exports(tmp_path):
    t = build_tables()
    _decide(tmp_path / "a", t["source_claims"][0])
    with open(tmp_path / "a" / "reviews.jsonl", "ab") as fh:
        fh.write(b'{"decision_id": "x"}\n')
    r = _cli("reviews", "export", str(tmp_path / "d.csv"), "--out", str(tmp_path / "a"))
    assert r.exit_code == 0, r.output
    assert "reviews.jsonl line 2: missing field" in _one_line(r.output)
    assert "exported 1" in r.output


# ----------------------------------------------------------------- imported timestamps


def _export_one(tmp_path, **kw) -> Path:
    t = build_tables()
    _decide(tmp_path / "src", t["source_claims"][0], **kw)
    export_csv(tmp_path / "src", tmp_path / "one.csv")
    return tmp_path / "one.csv"


def _set_col(path: Path, col: str, value: str) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    for r in rows:
        r[col] = value
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


@pytest.mark.parametrize("value, message", [
    ("9999-12-31T23:59:59Z", "in the future"),
    # a named id: the value is computed at collection, and every test
    # process must collect the same test names
    pytest.param((datetime.now(timezone.utc) + timedelta(hours=1)).isoformat(), "in the future", id="an-hour-from-now"),
    ("zzzz", "not an ISO-8601 time"),
    ("", "not an ISO-8601 time"),
    ("2026-13-40T00:00:00Z", "not an ISO-8601 time"),
])
def test_import_refuses_future_or_unparseable_times(tmp_path, value, message):
    f = _export_one(tmp_path)
    _set_col(f, "decided_at", value)
    with pytest.raises(ReviewError, match=f"line 2: decided_at .*{message}"):
        import_csv(tmp_path / "b", f)
    assert load_decisions(tmp_path / "b") == []


def test_import_normalises_times_and_latest_wins_by_time(tmp_path):
    t = build_tables()
    row = t["source_claims"][0]
    f = _export_one(tmp_path)
    # 10:00 at UTC+02:00 is 08:00 UTC: older than the 09:00 UTC decision below
    _set_col(f, "decided_at", "2026-01-01T10:00:00+02:00")
    _set_col(f, "decision", "rejected")
    b = tmp_path / "b"
    _decide(b, row, "confirmed", decided_at="2026-01-01T09:00:00.000000Z")
    assert import_csv(b, f) == (1, 0)
    imported = [d for d in load_decisions(b) if d.decision == "rejected"][0]
    assert imported.decided_at == "2026-01-01T08:00:00.000000Z"
    (latest,) = latest_decisions(load_decisions(b)).values()
    assert latest.decision == "confirmed"
    assert import_csv(b, f) == (0, 1)  # the normalised time gives the same id: repeatable
    # a time without a zone is read as UTC
    _set_col(f, "decided_at", "2026-01-01 09:30:00")
    assert import_csv(b, f) == (1, 0)
    (latest,) = latest_decisions(load_decisions(b)).values()
    assert latest.decision == "rejected" and latest.decided_at == "2026-01-01T09:30:00.000000Z"


def test_latest_wins_by_parsed_time_for_older_log_lines(tmp_path):
    """A record written by an older version may hold times with offsets."""
    t = build_tables()
    row = t["source_claims"][0]
    a = _decide(tmp_path, row, "confirmed", decided_at="2026-01-01T09:00:00.000000Z")
    base = json.loads((tmp_path / "reviews.jsonl").read_text())
    older = {**base, "decision_id": "rev-older", "decision": "rejected", "decided_at": "2026-01-01T10:00:00+02:00"}
    with open(tmp_path / "reviews.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(older) + "\n")
    (latest,) = latest_decisions(load_decisions(tmp_path)).values()
    assert latest.decision_id == a.decision_id
    sync_reviews_duckdb(tmp_path)
    assert _db_rows(tmp_path / "claimcheck.duckdb", "select decision_id from reviews_latest") == [(a.decision_id,)]


_IMPORT_CHILD = """
import sys
from pathlib import Path
from extractors.review import import_csv
print("ready", flush=True)
sys.stdin.readline()
print(*import_csv(Path(sys.argv[1]), Path(sys.argv[2])), flush=True)
"""


def test_two_imports_at_once_record_each_event_once(tmp_path):
    """Both processes wait on the record's lock, then both go: each event
    is appended by one of them only (the check is made under the lock)."""
    import fcntl

    t = build_tables()
    src = tmp_path / "src"
    for i in range(300):
        _decide(src, t["source_claims"][i % len(t["source_claims"])], note=f"note {i}",
                decided_at=f"2026-01-01T09:{i // 60:02d}:{i % 60:02d}Z")
    export_csv(src, tmp_path / "all.csv")
    out = tmp_path / "out"
    out.mkdir()
    log = out / "reviews.jsonl"
    log.touch()
    children = [subprocess.Popen([sys.executable, "-c", _IMPORT_CHILD, str(out), str(tmp_path / "all.csv")],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
                for _ in range(2)]
    try:
        for c in children:
            assert c.stdout.readline().strip() == "ready"
        with open(log, "rb") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            for c in children:
                c.stdin.write("go\n")
                c.stdin.flush()
            time.sleep(1.0)  # both are now waiting for the lock
            fcntl.flock(held, fcntl.LOCK_UN)
        results = sorted(tuple(int(x) for x in c.communicate(timeout=120)[0].split()) for c in children)
    finally:
        for c in children:
            if c.poll() is None:
                c.kill()
    assert results == [(0, 300), (300, 0)]
    ids = [d.decision_id for d in load_decisions(out)]
    assert len(ids) == 300 == len(set(ids))


# ----------------------------------------------------------------- import errors: true line numbers, one line


def test_import_errors_give_csv_line_numbers(tmp_path):
    t = build_tables()
    a = tmp_path / "a"
    _decide(a, t["source_claims"][0], note="one\ntwo\nthree")  # this record spans lines 2-4
    _decide(a, t["source_claims"][1], "rejected")              # line 5
    export_csv(a, tmp_path / "x.csv")
    text = (tmp_path / "x.csv").read_text(encoding="utf-8").replace("rejected", "maybe")
    (tmp_path / "x.csv").write_text(text, encoding="utf-8", newline="")
    with pytest.raises(ReviewError, match=r"x\.csv line 5: unknown decision"):
        import_csv(tmp_path / "b", tmp_path / "x.csv")


def test_cli_import_and_export_fail_with_one_line(tmp_path):
    out = tmp_path / "o"
    good = _export_one(tmp_path)
    # not UTF-8
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(good.read_bytes().replace(b"ana", b"Ren\xe9e"))
    r = _cli("reviews", "import", str(bad), "--out", str(out))
    assert r.exit_code == 2, r.output
    msg = _one_line(r.output)
    assert "latin1.csv" in msg and "not UTF-8" in msg and "line 2" in msg
    # an oversized field (whatever the csv module's process-wide limit: libraries raise it)
    huge = tmp_path / "huge.csv"
    lines = good.read_text(encoding="utf-8").split("\n", 1)
    huge.write_text(lines[0] + "\n" + lines[1].replace("ana", "a" * 300_000, 1), encoding="utf-8")
    for limit in (131_072, sys.maxsize // 2):
        old_limit = csv.field_size_limit(limit)
        try:
            r = _cli("reviews", "import", str(huge), "--out", str(out))
        finally:
            csv.field_size_limit(old_limit)
        assert r.exit_code == 2, r.output
        msg = _one_line(r.output)
        assert "huge.csv line 2" in msg and "field larger than" in msg
    # a far-future time
    _set_col(good, "decided_at", "9999-12-31T00:00:00Z")
    r = _cli("reviews", "import", str(good), "--out", str(out))
    assert r.exit_code == 2 and "in the future" in _one_line(r.output)
    assert load_decisions(out) == []
    # export into a folder that does not exist
    r = _cli("reviews", "export", str(tmp_path / "nope" / "d.csv"), "--out", str(tmp_path / "src"))
    assert r.exit_code == 2, r.output
    msg = _one_line(r.output)
    assert "folder" in msg and "does not exist" in msg and str(tmp_path / "nope") in msg


# ----------------------------------------------------------------- DuckDB kept incrementally


def _bulk_log(out: Path, n: int) -> None:
    from extractors.review.store import _append, make_decision

    out.mkdir(parents=True, exist_ok=True)
    ds = [make_decision(case_id=CASE_ID, kind="source_claim", target_id=f"clm-{i}/src", decision="confirmed",
                        evidence_hash="f" * 64, reviewer="bulk", note=f"n{i}",
                        decided_at=f"2026-01-01T00:00:00.{i:06d}Z") for i in range(n)]
    _append(out, ds)


def _state(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute("select * from reviews_log_state")
        names = [c[0] for c in cur.description]
        (row,) = cur.fetchall()
        return dict(zip(names, row))
    finally:
        con.close()


def test_sync_appends_only_new_events(tmp_path):
    t = build_tables()
    _bulk_log(tmp_path, 300)
    db = tmp_path / "claimcheck.duckdb"
    assert sync_reviews_duckdb(tmp_path) == 300
    st = _state(db)
    assert st["full_loads"] == 1 and st["last_inserted"] == 300
    _decide(tmp_path, t["source_claims"][0])
    assert sync_reviews_duckdb(tmp_path) == 301
    st = _state(db)
    assert st["full_loads"] == 1 and st["last_inserted"] == 1
    assert sync_reviews_duckdb(tmp_path) == 301 and _state(db)["last_inserted"] == 0
    # a log replaced by another file (restored from a backup) is loaded whole again
    (tmp_path / "reviews.jsonl").unlink()
    _decide(tmp_path, t["source_claims"][1])
    assert sync_reviews_duckdb(tmp_path) == 1
    assert _state(db)["full_loads"] == 2
    # an older database without the state table is rebuilt once
    con = duckdb.connect(str(db))
    con.execute("drop table reviews_log_state")
    con.close()
    assert sync_reviews_duckdb(tmp_path) == 1 and _state(db)["full_loads"] == 1


def test_app_save_with_10000_decisions_touches_one_row(server_factory, settings):
    out = settings.out_dir
    _bulk_log(out, 10_000)
    assert sync_reviews_duckdb(out) == 10_000
    t = build_tables()
    srv = server_factory()
    with httpx.Client(base_url=srv.url, timeout=60) as c:
        assert c.get("/healthz").status_code == 200
        started = time.perf_counter()
        r = c.post("/api/decisions", json=_ok_body(source_claim_key(t["source_claims"][0]), note="one more"))
        elapsed = time.perf_counter() - started
        assert r.status_code == 200, r.text
    assert elapsed < 1.0, f"one save with 10,000 decisions logged took {elapsed:.2f} s"
    st = _state(out / "claimcheck.duckdb")
    assert st["full_loads"] == 1 and st["last_inserted"] == 1
    assert _db_rows(out / "claimcheck.duckdb", "select count(*) from reviews") == [(10_001,)]


def test_fifty_concurrent_saves_leave_no_lag(server_factory, settings):
    t = build_tables()
    targets = [source_claim_key(r) for r in t["source_claims"]]
    srv = server_factory()
    errors: list[str] = []

    def save(i):
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            r = c.post("/api/decisions", json=_ok_body(targets[i % len(targets)], note=f"n{i}"))
            if r.status_code != 200:
                errors.append(r.text)

    ths = [threading.Thread(target=save, args=(i,)) for i in range(50)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    assert errors == []
    db = settings.out_dir / "claimcheck.duckdb"
    assert _db_rows(db, "select count(*) from reviews") == [(50,)]
    assert sorted(n for (n,) in _db_rows(db, "select note from reviews")) == sorted(f"n{i}" for i in range(50))


# ----------------------------------------------------------------- CSV formula cells

FORMULAS = ["=HYPERLINK(\"http://x.example\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\tindented", "\rreturn"]


def _formula_tables():
    import dataclasses

    t = build_tables()
    out = {}
    for name, rows in t.items():
        new = []
        for i, r in enumerate(rows):
            changes = {}
            for f in dataclasses.fields(r):
                v = getattr(r, f.name)
                if isinstance(v, str) and not f.name.endswith(("_id", "sha256")) and f.name != "case_id":
                    changes[f.name] = FORMULAS[i % len(FORMULAS)] + v
                elif isinstance(v, list) and v:
                    changes[f.name] = [FORMULAS[i % len(FORMULAS)] + str(x) for x in v]
            new.append(dataclasses.replace(r, **changes))
        out[name] = new
    return out


def _csv_cells(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))[1:]


def _assert_neutral(cells):
    risky = [c for row in cells for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert risky == []


def test_formula_cells_neutralised_in_every_table_csv(tmp_path):
    from extractors.export.tables import load_duckdb, write_table
    from extractors.model import TABLES

    t = _formula_tables()
    assert set(t) == set(TABLES)
    for name, rows in t.items():
        write_table(tmp_path, name, rows)
        cells = _csv_cells(tmp_path / f"{name}.csv")
        assert len(cells) == len(rows)
        _assert_neutral(cells)
        assert any(c.startswith("'") for row in cells for c in row)
        # Parquet keeps the raw text
        assert pq.read_table(tmp_path / f"{name}.parquet").to_pylist() == [r.to_row() for r in rows]
    load_duckdb(tmp_path / "x.duckdb", CASE_ID, tmp_path)
    ev = {r.evidence_text for r in t["source_claims"] if r.evidence_text}
    assert {v for (v,) in _db_rows(tmp_path / "x.duckdb", "select evidence_text from source_claims")} >= ev
    # numbers are never touched
    sc = _csv_cells(tmp_path / "source_claims.csv")
    assert all(not row[4].startswith("'") for row in sc)  # score


def test_formula_cells_neutralised_in_diff_csv(tmp_path):
    from extractors.export.tables import write_table
    from flows.diff import diff_runs, write_diff

    a, b = tmp_path / "a", tmp_path / "b"
    base, hostile = build_tables(), _formula_tables()
    for name in base:
        write_table(a, name, base[name])
        write_table(b, name, hostile[name])
    paths = write_diff(diff_runs(a, b), tmp_path / "d")
    assert paths
    seen = 0
    for p in paths:
        cells = _csv_cells(p)
        seen += len(cells)
        _assert_neutral(cells)
    assert seen > 0


def test_formula_cells_neutralised_in_reviews_export_and_round_trip(tmp_path):
    t = build_tables()
    a = tmp_path / "a"
    notes = [*FORMULAS, "'=already quoted", "''+twice", "'plain apostrophe", "- a list item"]
    for i, note in enumerate(notes):
        _decide(a, t["source_claims"][i % 6], note=note, reviewer=FORMULAS[i % len(FORMULAS)] + "ana",
                decided_at=f"2026-01-01T00:00:{i:02d}.000000Z")
    assert export_csv(a, tmp_path / "x.csv") == len(notes)
    _assert_neutral(_csv_cells(tmp_path / "x.csv"))
    assert import_csv(tmp_path / "b", tmp_path / "x.csv") == (len(notes), 0)
    assert [(d.note, d.reviewer) for d in load_decisions(tmp_path / "b")] == \
        [(d.note, d.reviewer) for d in load_decisions(a)]
    assert import_csv(a, tmp_path / "x.csv") == (0, len(notes))  # same ids after the round trip


# ----------------------------------------------------------------- API edges


def test_api_body_size_limit(server_factory, settings):
    t = build_tables()
    srv = server_factory(settings.with_(review_max_body=4096))
    target = source_claim_key(t["source_claims"][0])
    with httpx.Client(base_url=srv.url) as c:
        r = c.post("/api/decisions", json=_ok_body(target, note="x" * 5000))
        assert r.status_code == 413
        assert r.json()["error"] == "request body larger than 4096 bytes"

        def chunks():  # no Content-Length: the limit holds on the stream too
            for _ in range(100):
                yield b" " * 1024

        r = c.post("/api/decisions", content=chunks(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        assert c.post("/api/decisions", json=_ok_body(target, note="fits")).status_code == 200
    assert [d.note for d in load_decisions(settings.out_dir)] == ["fits"]


def test_api_default_body_limit_is_64_kib(server_factory, settings):
    t = build_tables()
    srv = server_factory()
    with httpx.Client(base_url=srv.url) as c:
        r = c.post("/api/decisions", json=_ok_body(source_claim_key(t["source_claims"][0]), note="x" * 70_000))
    assert r.status_code == 413 and r.json()["error"] == "request body larger than 65536 bytes"


@pytest.mark.parametrize("field, value, message", [
    ("kind", 5, "field 'kind' must be a string"),
    ("kind", None, "field 'kind' must be a string"),
    ("target_id", ["a"], "field 'target_id' must be a string"),
    ("decision", {"a": 1}, "field 'decision' must be a string"),
    ("correction", {"verdict": "supported"}, "field 'correction' must be a string or null"),
    ("correction", 3, "field 'correction' must be a string or null"),
    ("note", ["x"], "field 'note' must be a string or null"),
    ("note", True, "field 'note' must be a string or null"),
    ("reviewer", 12, "field 'reviewer' must be a string"),
    ("colour", "red", "unknown field 'colour'"),
])
def test_api_wrong_types_are_400_with_the_field_named(server_factory, settings, field, value, message):
    t = build_tables()
    srv = server_factory()
    body = _ok_body(source_claim_key(t["source_claims"][0]))
    body[field] = value
    with httpx.Client(base_url=srv.url) as c:
        r = c.post("/api/decisions", json=body)
    assert r.status_code == 400 and r.json() == {"error": message}
    assert load_decisions(settings.out_dir) == []


def test_api_unpaired_surrogate_is_400_not_500(server_factory, settings):
    t = build_tables()
    srv = server_factory()
    body = json.dumps(_ok_body(source_claim_key(t["source_claims"][0]), note="x")).replace('"x"', '"a\\ud800b"')
    with httpx.Client(base_url=srv.url) as c:
        r = c.post("/api/decisions", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"] == "field 'note' holds an unpaired surrogate (not valid Unicode text)"
    assert load_decisions(settings.out_dir) == []


def test_api_deeply_nested_json_is_400(server_factory, settings):
    srv = server_factory()
    with httpx.Client(base_url=srv.url) as c:
        for body in ("[" * 30_000 + "]" * 30_000, '{"note": ' + "[" * 30_000 + "]" * 30_000 + "}"):
            r = c.post("/api/decisions", content=body, headers={"Content-Type": "application/json"})
            assert r.status_code == 400, r.text
            assert r.json()["error"] in ("body nests too deeply", "body must be a JSON object",
                                         "field 'note' must be a string or null")
        assert c.get("/healthz").status_code == 200
    assert load_decisions(settings.out_dir) == []


def test_api_long_reviewer_name_is_reported_as_such(server_factory, settings):
    t = build_tables()
    srv = server_factory()
    with httpx.Client(base_url=srv.url) as c:
        r = c.post("/api/decisions", json=_ok_body(source_claim_key(t["source_claims"][0]), reviewer="r" * 201))
    assert r.status_code == 400
    assert r.json()["error"] == "reviewer name longer than 200 characters (shorten it, e.g. to initials)"


# ----------------------------------------------------------------- access token


def test_token_required_on_every_request(server_factory, settings):
    t = build_tables()
    target = source_claim_key(t["source_claims"][0])
    srv = server_factory(settings.with_(review_token="s3cret-token"))
    with httpx.Client(base_url=srv.url) as c:
        for path in ("/", "/api/decisions", "/healthz"):
            r = c.get(path)
            assert r.status_code == 401 and "token" in r.text
            assert c.get(path, headers={"X-Claimcheck-Token": "wrong"}).status_code == 403
            assert c.get(path, params={"token": "wrong"}).status_code == 403
        assert c.post("/api/decisions", json=_ok_body(target)).status_code == 401
        assert c.get("/healthz", headers={"X-Claimcheck-Token": "s3cret-token"}).status_code == 200
        assert c.get("/healthz", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        # the printed URL: the token in the query sets a cookie and is dropped from the address
        r = c.get("/", params={"token": "s3cret-token"})
        assert r.status_code == 303 and r.headers["location"] == "/"
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert c.get("/").status_code == 200  # the cookie now
        assert c.post("/api/decisions", json=_ok_body(target)).status_code == 200
        # the token does not open a path around the origin and host checks
        assert c.post("/api/decisions", json=_ok_body(target), headers={"Origin": "http://evil.example"}
                      ).status_code == 403
        assert c.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert len(load_decisions(settings.out_dir)) == 1


@pytest.mark.parametrize("path", ["//evil.example/x", "/%5Cevil.example/x", "/%5C%5Cevil.example", "/%2F%2Fevil.example",
                                  "/%09/evil.example"])
def test_token_redirect_never_leaves_the_site(server_factory, settings, path):
    """Browsers read a leading ``//`` or ``/\\`` as another host: the address
    the token link redirects to is always a path on this server (a
    backslash is sent percent-encoded)."""
    srv = server_factory(settings.with_(review_token="s3cret-token"))
    r = httpx.get(srv.url + path + "?token=s3cret-token", follow_redirects=False)
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/") and location[1:2] not in ("/", "\\")  # a path here, never //host
    assert httpx.URL(srv.url).join(location).host == "127.0.0.1"


def test_cli_review_prints_the_token_url(tmp_path, settings):
    proc, port = start_review_cli(tmp_path, settings, "--token", "auto")
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/?token=" in line, line
        token = line.split("?token=")[1].split()[0]
        assert len(token) >= 32
        assert wait_for_health(proc, port).status_code == 401
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"X-Claimcheck-Token": token}).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
