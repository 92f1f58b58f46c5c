"""End to end: re-runs that do no needless work, new editions found by
``watch``, ``diff`` of two runs, Dask, and a run killed with SIGKILL.

Real flow, real model, real HTTP on 127.0.0.1.  Runs are few and on the
small example case; the Prefect harness is the session one.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from extractors.model import TABLES
from tests.conftest import FIXTURES, LocalServer, materialise_case

pytestmark = pytest.mark.slow

MINI = FIXTURES / "cases" / "mini"
ROOT = Path(__file__).resolve().parent.parent
SOURCES_OK = {"article", "ec-kosovo-report-2024", "kosovo-spo-indictment-2024", "ofac-sdn-list",
              "uk-osce-statement-2024-10"}
# columns that record when/how a run fetched, not what it found
VOLATILE = {"documents": {"fetched_at", "http_status"}}


def _overrides(base: Path, **extra) -> dict:
    out = {
        "out_dir": str(base / "outputs"), "store_dir": str(base / "store"),
        "state_dir": str(base / "state"), "allow_private_addresses": True,
        "read_timeout": 5.0, "retries": 1, "backoff_base": 0.01, "per_host_delay": 0.0,
    }
    out.update({k: str(v) if isinstance(v, Path) else v for k, v in extra.items()})
    return out


def _run(case_dir: Path, base: Path, dask: str | None = None, **extra):
    from flows.run import run_case_flow

    return run_case_flow(dask)(str(case_dir), overrides=_overrides(base, **extra))


def _stages(result) -> dict:
    return json.loads((result.run_dir / "run.json").read_text())["stages"]


def _tables(folder: Path) -> dict[str, list[dict]]:
    out = {}
    for t in TABLES:
        rows = pq.read_table(folder / f"{t}.parquet").to_pylist()
        for r in rows:
            for c in VOLATILE.get(t, ()):
                r.pop(c, None)
        out[t] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return out


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """One server for the runs whose tables are compared (same URLs in every table)."""
    docs = tmp_path_factory.mktemp("shared-docs") / "docs"
    shutil.copytree(MINI / "docs", docs)
    server = LocalServer(docs)
    yield server
    server.close()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, shared_server, prefect_harness):
    """An uninterrupted default (in-process) run on a fresh state."""
    base = tmp_path_factory.mktemp("baseline")
    case_dir = materialise_case(MINI, base / "mini", shared_server)
    result = _run(case_dir, base)
    return result, case_dir


# ----------------------------------------------------------------- no needless work


def test_reruns_reuse_everything_and_touching_one_source_reprocesses_only_it(
        tmp_path, serve_dir, prefect_harness):
    from flows.diff import diff_runs

    docs = tmp_path / "docs"
    shutil.copytree(MINI / "docs", docs)
    server = serve_dir(docs)
    case_dir = materialise_case(MINI, tmp_path / "mini", server)

    first = _run(case_dir, tmp_path)
    s1 = _stages(first)
    assert set(s1["parse"]["computed"]) == SOURCES_OK and s1["parse"]["reused"] == []
    assert set(s1["nlp"]["computed"]) == SOURCES_OK
    assert s1["claims"]["computed"] == ["article"]
    assert "us-state-crt-2023" in s1["fetch"]["failed"]

    # nothing changed: every stage reuses every result
    second = _run(case_dir, tmp_path)
    s2 = _stages(second)
    for stage in ("parse", "nlp", "claims", "match"):
        assert s2[stage]["computed"] == [], (stage, s2[stage])
    assert set(s2["parse"]["reused"]) == SOURCES_OK and set(s2["nlp"]["reused"]) == SOURCES_OK
    assert s2["claims"]["reused"] == ["article"]
    # the server answered 304 to every conditional request; nothing new was stored
    assert set(s2["fetch"]["reused"]) == SOURCES_OK and s2["fetch"]["changed"] == []
    assert _tables(first.run_dir) == _tables(second.run_dir)
    assert all(d.empty for d in diff_runs(first.run_dir, second.run_dir).values())

    # the publisher edits one page: only that source is fetched anew and re-processed
    page = docs / "uk-osce-statement.html"
    html = page.read_text(encoding="utf-8")
    anchor = "<p>Thank you, Mr Chair."
    assert anchor in html
    page.write_text(html.replace(anchor, "<p>The Mission also reported that a memorial to the "
                                         "police officer killed in Banjska was unveiled in "
                                         "September 2025.</p>\n      " + anchor), encoding="utf-8")
    future = time.time() + 5
    os.utime(page, (future, future))
    third = _run(case_dir, tmp_path)
    s3 = _stages(third)
    touched = ["uk-osce-statement-2024-10"]
    assert s3["fetch"]["changed"] == touched and s3["fetch"]["computed"] == touched
    for stage in ("parse", "nlp", "match"):
        assert s3[stage]["computed"] == touched, (stage, s3[stage])
        assert touched[0] not in s3[stage]["reused"]
    assert s3["claims"]["computed"] == [] and s3["claims"]["reused"] == ["article"]
    diffs = diff_runs(second.run_dir, third.run_dir)
    assert {r["source_id"] for r in diffs["passages"].added} == set(touched)
    assert any("memorial" in r["sentence"] for r in diffs["mentions"].added)
    assert diffs["claims"].empty

    # a gazetteer edit re-runs NLP and matching, never fetch or parse
    gaz = tmp_path / "gazetteer"
    shutil.copytree(ROOT / "corpus" / "gazetteer", gaz)
    for p in sorted(gaz.rglob("*")):
        if p.is_file() and p.suffix in {".toml", ".jsonl", ".txt", ".csv", ".json"}:
            p.write_bytes(p.read_bytes() + (b"\n" if p.suffix != ".json" else b" "))
            break
    fourth = _run(case_dir, tmp_path, gazetteer_dir=gaz)
    s4 = _stages(fourth)
    assert s4["parse"]["computed"] == [] and set(s4["parse"]["reused"]) == SOURCES_OK
    assert s4["fetch"]["changed"] == []
    assert set(s4["nlp"]["computed"]) == SOURCES_OK
    assert set(s4["match"]["computed"]) >= SOURCES_OK - {"article"}


def test_diff_cli_prints_and_writes_changed_rows(tmp_path):
    from typer.testing import CliRunner

    from extractors.export.tables import write_table
    from extractors.model import Claim, SourceClaim
    from flows.cli import app

    a, b = tmp_path / "runs" / "A", tmp_path / "runs" / "B"
    claim = Claim("c1", "x", 1, 1, 0, 10, "Forty-five people were indicted.", "quantity", True)
    for d, verdict in ((a, "not_found"), (b, "supported")):
        for t in TABLES:
            write_table(d, t, [])
        write_table(d, "claims", [claim])
        write_table(d, "source_claims", [SourceClaim("c1", "s1", True, verdict, 0.5)])
        (d / "run.json").write_text("{}", encoding="utf-8")  # a complete run
    write_table(b, "source_claims", [SourceClaim("c1", "s1", True, "supported", 0.9),
                                     SourceClaim("c1", "s2", False, "not_found", 0.1)])
    res = CliRunner().invoke(app, ["diff", str(a), str(b), "--dest", str(tmp_path / "d")])
    assert res.exit_code == 1, res.output
    assert "source_claims: 1 added, 0 removed, 1 changed" in res.output
    assert "verdict: 'not_found' -> 'supported'" in res.output
    rows = (tmp_path / "d" / "source_claims.csv").read_text().splitlines()
    assert rows[0].startswith("change,changed_columns,claim_id,source_id")
    assert any(r.startswith("changed,verdict; score,c1,s1") for r in rows)
    assert any(r.startswith("added,,c1,s2") for r in rows)
    same = CliRunner().invoke(app, ["diff", str(a), str(a), "--dest", str(tmp_path / "e")])
    assert same.exit_code == 0 and "claims: 0 added, 0 removed, 0 changed" in same.output


def test_diff_refuses_a_run_that_did_not_finish(tmp_path):
    """A run folder without run.json (killed, or still running) is never
    compared: its tables may be half the run's.  By id or by path."""
    from typer.testing import CliRunner

    from extractors.export.tables import write_table
    from flows.cli import app

    runs = tmp_path / "out" / "case" / "runs"
    for rid in ("A", "B"):
        for t in TABLES:
            write_table(runs / rid, t, [])
    (runs / "A" / "run.json").write_text("{}", encoding="utf-8")
    for ref in ("B", str(runs / "B")):
        res = CliRunner().invoke(app, ["diff", "A", ref, "--out", str(tmp_path / "out")])
        assert res.exit_code == 2 and "not a complete run (no run.json" in res.output, res.output
        assert "Traceback" not in res.output
    (runs / "B" / "run.json").write_text("{}", encoding="utf-8")
    res = CliRunner().invoke(app, ["diff", "A", "B", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output


# ----------------------------------------------------------------- editions


def _edition_pdf(path: Path) -> None:
    """A small 2025 edition, written for this test, with one new Banjska sentence."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(__import__("datetime").datetime(2025, 10, 29))
    pdf.set_font("Helvetica", size=11)
    paragraphs = [
        ["Kosovo 2025 Report", "Commission staff working document, autumn 2025 edition."],
        ["2. Rule of law",
         "In June 2025 the trial of three men accused over the Banjska attack opened before "
         "the Basic Court in Pristina.",
         "The Special Prosecution continued its work on organised crime cases in the north."],
    ]
    for page in paragraphs:
        pdf.add_page()
        for para in page:
            pdf.multi_cell(0, 6, para)
            pdf.ln(3)
    pdf.output(str(path))


def test_watch_finds_a_new_edition_and_lists_its_new_banjska_mention(tmp_path, serve_dir, prefect_harness):
    from extractors.editions import ledger_path
    from extractors.settings import Settings
    from flows.watch import watch_case

    def watch(case_dir, settings):
        return watch_case(case_dir, overrides=_overrides(tmp_path))

    docs = tmp_path / "docs"
    shutil.copytree(MINI / "docs", docs)
    server = serve_dir(docs)
    case_dir = materialise_case(MINI, tmp_path / "mini", server)
    toml_before = (case_dir / "case.toml").read_bytes()
    settings = Settings.from_env(**_overrides(tmp_path))

    first = watch(str(case_dir), settings)
    assert first.new_editions == []
    assert "No new editions found." in first.markdown

    _edition_pdf(docs / "kosovo-report-2025.pdf")  # the publisher puts out the 2025 edition
    second = watch(str(case_dir), settings)
    assert [(e["series"], e["year"], e["source_id"]) for e in second.new_editions] == [
        ("ec-kosovo-report", 2025, "ec-kosovo-report-2025")]
    assert second.new_editions[0]["url"] == server.url("kosovo-report-2025.pdf")
    summary = json.loads(second.summary_json.read_text())
    (change,) = summary["editions"]
    assert change["old_source"] == "ec-kosovo-report-2024"
    new_sentences = [m["sentence"] for m in change["new_mentions"]]
    assert any("trial of three men" in s for s in new_sentences), new_sentences
    # what the 2024 edition said about Banjska is not in the 2025 one: listed as gone
    assert change["gone_mentions"] and all(m["source_id"] == "ec-kosovo-report-2024"
                                           for m in change["gone_mentions"])
    assert "trial of three men" in second.markdown
    # published with the run it describes: OUT/<case>/changes.* resolve into that run's folder
    case_out = second.run.out_dir
    for name in ("changes.md", "changes.json", "documents.parquet"):
        assert (case_out / name).is_symlink()
        assert (case_out / name).resolve().parent == second.run.run_dir.resolve()
    assert (case_out / "changes.md").read_text(encoding="utf-8") == second.summary_md.read_text(encoding="utf-8")
    # processed: the new edition is in the tables, parsed and analysed in this run alone
    docs_rows = {r["source_id"]: r for r in pq.read_table(second.run.out_dir / "documents.parquet").to_pylist()}
    assert docs_rows["ec-kosovo-report-2025"]["status"] == "ok"
    stages = _stages(second.run)
    assert stages["parse"]["computed"] == ["ec-kosovo-report-2025"]
    # recorded in the ledger, never in case.toml
    assert (case_dir / "case.toml").read_bytes() == toml_before
    ledger = json.loads(ledger_path(settings, "mini").read_text())
    assert [e["year"] for e in ledger["editions"]] == [2025]
    # a third look finds nothing newer
    third = watch(str(case_dir), settings)
    assert third.new_editions == [] and _stages(third.run)["parse"]["computed"] == []


# ----------------------------------------------------------------- Dask


def test_dask_local_cluster_gives_the_same_tables(tmp_path, baseline, shared_server):
    result, _ = baseline
    case_dir = materialise_case(MINI, tmp_path / "mini", shared_server)
    dasked = _run(case_dir, tmp_path, dask="local:2")
    s = _stages(dasked)
    assert set(s["parse"]["computed"]) == SOURCES_OK  # fresh state: the workers did the work
    assert _tables(dasked.out_dir) == _tables(result.out_dir)
    # matching source by source keeps the rows that belong to no source
    assert any(r["source_id"] == "" and r["verdict"] == "not_checkable"
               for r in _tables(result.out_dir)["source_claims"])


# ----------------------------------------------------------------- crash safety


def _cli_env(base: Path) -> dict:
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ)
    env.update({
        "CLAIMCHECK_STATE_DIR": str(base / "state"), "CLAIMCHECK_READ_TIMEOUT": "5",
        "CLAIMCHECK_RETRIES": "1", "CLAIMCHECK_BACKOFF_BASE": "0.01", "CLAIMCHECK_PER_HOST_DELAY": "0",
        "PREFECT_API_URL": PREFECT_API_URL.value() or "",
    })
    return env


def _cli_run(case_dir: Path, base: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from flows.cli import main; main()", "run", "--case", str(case_dir), "--out", str(base / "outputs"),
           "--store", str(base / "store"), "--allow-private-addresses", "--quiet"]
    return subprocess.Popen(cmd, cwd=ROOT, env=_cli_env(base), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def test_run_killed_midway_then_rerun_gives_identical_tables(tmp_path, baseline, shared_server):
    result, _ = baseline
    case_dir = materialise_case(MINI, tmp_path / "mini", shared_server)
    proc = _cli_run(case_dir, tmp_path)
    cache = tmp_path / "state" / "cache"
    deadline = time.time() + 240
    killed_midway = False
    while time.time() < deadline and proc.poll() is None:
        if cache.exists() and any(cache.rglob("*.pkl")):  # documents being parsed
            os.killpg(proc.pid, signal.SIGKILL)  # the whole group: no orphans left behind
            killed_midway = True
            break
        time.sleep(0.05)
    proc.wait(timeout=30)
    assert killed_midway, proc.stdout.read().decode(errors="replace")[-2000:]
    out_case = tmp_path / "outputs" / "mini"
    assert not (out_case / "documents.parquet").exists()  # killed before any table was written
    # a write cut off by the kill may leave its temporary file, never a final entry

    rerun = _cli_run(case_dir, tmp_path)
    output = rerun.communicate(timeout=300)[0].decode(errors="replace")
    assert rerun.returncode == 0, output[-3000:]
    stages = json.loads((out_case / "run.json").read_text())["stages"]
    assert stages["parse"]["reused"], "the re-run should reuse what the killed run finished"
    assert _tables(out_case) == _tables(result.out_dir)
    assert not list(cache.rglob("*.tmp")), "the re-run should sweep the killed run's temporary files"
    run_dirs = [p for p in (out_case / "runs").iterdir() if (p / "run.json").exists()]
    assert len(run_dirs) == 1  # the killed run left no finished-looking run behind
