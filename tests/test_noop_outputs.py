"""A re-run with nothing changed rewrites no table, report or database, and
still leaves its own copy of the outputs in its run folder."""
from __future__ import annotations

import json
import os
import shutil

import pyarrow.parquet as pq
import pytest

from tests.conftest import FIXTURES, materialise_case

pytestmark = pytest.mark.slow

MINI = FIXTURES / "cases" / "mini"


def _run(case_dir, base):
    from flows.run import run_case

    return run_case(str(case_dir), overrides={
        "out_dir": str(base / "outputs"), "store_dir": str(base / "store"), "state_dir": str(base / "state"),
        "allow_private_addresses": True, "read_timeout": 5.0, "retries": 1, "backoff_base": 0.01,
        "per_host_delay": 0.0})


def _manifest(result) -> dict:
    return json.loads((result.run_dir / "run.json").read_text())


def test_noop_rerun_links_outputs_and_a_review_rewrites_them(tmp_path, serve_dir, prefect_harness):
    from extractors.review.store import record_decision, source_claim_key, evidence_hash

    docs = tmp_path / "docs"
    shutil.copytree(MINI / "docs", docs)
    case_dir = materialise_case(MINI, tmp_path / "mini", serve_dir(docs))
    first = _run(case_dir, tmp_path)
    out = first.out_dir
    published = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file() and p.name != "run.json"}
    assert "report.html" in published and "source_claims.parquet" in published
    assert _manifest(first)["stages"]["outputs"]["computed"] == [first.case_id]

    second = _run(case_dir, tmp_path)
    m2 = _manifest(second)
    assert m2["stages"]["outputs"]["reused"] == [second.case_id]
    assert m2["outputs_from_run"] == first.run_id and m2["outputs_key"] == _manifest(first)["outputs_key"]
    # the published files are untouched ...
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()
            if p.is_file() and p.name != "run.json"} == published
    # ... and the new run folder holds the same files (links to the first run's)
    for name in ("source_claims.parquet", "passages.csv", "report.html"):
        a, b = first.run_dir / name, second.run_dir / name
        assert b.exists() and os.path.samefile(a, b) or a.read_bytes() == b.read_bytes()
    assert second.counts == first.counts and second.verdicts == first.verdicts

    # an analyst's decision is an input of the outputs: the next run writes them again
    row = pq.read_table(out / "source_claims.parquet").to_pylist()[0]
    record_decision(out.parent, case_id=first.case_id, kind="source_claim",
                    target_id=source_claim_key(row), decision="confirmed", evidence_hash=evidence_hash(row),
                    reviewer="tester", claim_id=row["claim_id"], source_id=row["source_id"])
    third = _run(case_dir, tmp_path)
    m3 = _manifest(third)
    assert m3["stages"]["outputs"]["computed"] == [third.case_id]
    rows = pq.read_table(out / "source_claims.parquet").to_pylist()
    assert any(r["review_status"] == "confirmed" for r in rows)
    assert not os.path.samefile(third.run_dir / "source_claims.parquet", first.run_dir / "source_claims.parquet")
