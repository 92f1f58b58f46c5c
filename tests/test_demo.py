"""The demo case (corpus/cases/demo) end to end, as a new user runs it:
`claimcheck run --case corpus/cases/demo` in a fresh process, no network, then
report.html in Chromium and `claimcheck review` on the same outputs.

The expected verdicts are the ones the demo article was written to get (see
corpus/cases/demo/README.md); they were fixed before the first run.  The
browser test also writes the README's screenshot, docs/demo-report.png.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.browser_setup import chromium_path

ROOT = Path(__file__).parent.parent
DEMO = "corpus/cases/demo"
SCREENSHOT = ROOT / "docs" / "demo-report.png"
VERDICTS = ("supported", "partly_supported", "contradicted", "not_found", "source_unavailable", "not_checkable")
EXPECTED_COUNTS = {"supported": 6, "partly_supported": 2, "contradicted": 2, "not_found": 2,
                   "source_unavailable": 1, "not_checkable": 2}
# article line (= paragraph) -> (source, verdict), as in corpus/cases/demo/README.md
EXPECTED = {
    2: ("ec-kosovo-report-2024", "partly_supported"),
    3: ("ec-kosovo-report-2024", "supported"),
    4: ("ec-kosovo-report-2024", "partly_supported"),
    5: ("ec-kosovo-report-2024", "not_found"),
    6: ("kosovo-spo-indictment-2024", "supported"),
    7: ("kosovo-spo-indictment-2024", "supported"),
    8: ("ofac-sdn-list", "supported"),
    9: ("us-state-crt-2023", "source_unavailable"),
    10: ("uk-osce-statement-2024-10", "supported"),
    11: ("uk-osce-statement-2024-10", "not_found"),
    12: ("demo-wire-rafale-2024-08", "supported"),
    13: ("demo-wire-rafale-2024-08", "contradicted"),
    14: ("demo-wire-rafale-2024-08", "contradicted"),
    15: ("", "not_checkable"),
    16: ("ec-kosovo-report-2024", "not_checkable"),
}

pytestmark = pytest.mark.slow


def _env(tmp: Path) -> dict:
    env = dict(os.environ, CLAIMCHECK_STATE_DIR=str(tmp / "state"), PREFECT_HOME=str(tmp / "prefect"))
    env.pop("PREFECT_API_URL", None)
    return env


# A machine behind a proxy, or one whose proxy is down: every proxy variable
# points at a closed port and nothing is exempt.  The demo must not care.
DEAD_PROXY = {k: "http://127.0.0.1:9" for k in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                                                 "http_proxy", "https_proxy", "all_proxy")}
DEAD_PROXY.update({"NO_PROXY": "", "no_proxy": ""})


def _cli(tmp: Path, *args: str, timeout: int = 300, proxy: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**_env(tmp), **(proxy or {})})


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`claimcheck run --case corpus/cases/demo` exactly as the README gives it
    (outputs and raw store in a temporary folder), with the proxy variables
    pointing at a closed port."""
    tmp = tmp_path_factory.mktemp("demo")
    proc = _cli(tmp, "run", "--case", DEMO, "--out", str(tmp / "out"), "--store", str(tmp / "store"), "--quiet",
                proxy=DEAD_PROXY)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return tmp, tmp / "out" / "demo", proc


def _rows(out: Path, table: str) -> list[dict]:
    return pq.read_table(out / f"{table}.parquet").to_pylist()


def test_demo_shows_every_verdict_as_designed(demo):
    _, out, proc = demo
    claims = {c["claim_id"]: c for c in _rows(out, "claims")}
    rows = _rows(out, "source_claims")
    assert Counter(r["verdict"] for r in rows) == EXPECTED_COUNTS
    got = {claims[r["claim_id"]]["paragraph"]: (r["source_id"] or "", r["verdict"]) for r in rows}
    assert got == EXPECTED
    assert len(rows) == len(claims) == len(EXPECTED)  # one row per claim: nothing checked that was not cited
    assert all(r["reasons"] for r in rows)
    # the summary printed the counts; no "nothing could be read" hint on a run that read its sources
    assert "supported 6" in proc.stdout and "make demo" not in proc.stdout


def test_demo_rows_carry_pages_deep_links_and_reasons(demo):
    _, out, _ = demo
    claims = {c["claim_id"]: c for c in _rows(out, "claims")}
    by_line = {claims[r["claim_id"]]["paragraph"]: r for r in _rows(out, "source_claims")}
    for line in (2, 3, 4):  # the report's Banjska passages are on page 5 only
        r = by_line[line]
        assert r["evidence_page"] == 5 and r["evidence_url"].endswith("kosovo-report-2024-demo.pdf#page=5")
    assert any("quoted words" in x and "not found verbatim" in x for x in by_line[2]["reasons"])
    assert any("weaker force" in x for x in by_line[4]["reasons"])
    assert any("2.7 billion" in x for x in by_line[13]["reasons"])
    assert any("2029" in x for x in by_line[14]["reasons"])
    assert "#:~:text=" in by_line[13]["evidence_url"] and "2.7 billion" in by_line[13]["evidence_text"]
    assert any("33920" in x for x in by_line[8]["reasons"]) and any("GLOMAG" in x for x in by_line[8]["reasons"])
    assert any("Radojičić" in x for x in by_line[7]["reasons"])  # found under the page's spelling
    assert any("local file not found" in x for x in by_line[9]["reasons"])
    docs = {d["source_id"]: d for d in _rows(out, "documents")}
    assert docs["us-state-crt-2023"]["status"] == "failed"
    assert all(d["status"] == "ok" for sid, d in docs.items() if sid != "us-state-crt-2023")
    assert docs["ec-kosovo-report-2024"]["pages"] == 6


def test_summary_names_the_demo_when_no_source_could_be_read(tmp_path):
    """Offline with an empty store, every source of a URL case is unavailable:
    the summary ends with the next steps."""
    import shutil

    case = tmp_path / "case"
    shutil.copytree(ROOT / "tests" / "fixtures" / "cases" / "mini", case)
    (case / "case.toml").write_text((case / "case.toml.in").read_text().replace("__SERVER__", "127.0.0.1:9"))
    proc = _cli(tmp_path, "run", "--case", str(case), "--out", str(tmp_path / "out"),
                "--store", str(tmp_path / "store"), "--offline", "--quiet")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    assert "make demo" in last and "--offline" in last, proc.stdout[-2000:]


# ----------------------------------------------------------------- in the browser

CHROMIUM = chromium_path()
browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                  "(`python -m tests.browser_setup` as root installs it)")


@browser_only
def test_demo_report_opens_with_every_verdict_colour(demo, browser):
    _, out, _ = demo
    report = out / "report.html"
    ctx = browser.new_context(viewport={"width": 1200, "height": 800})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(report.as_uri())
        page.wait_for_selector("body[data-ready='1']", timeout=15_000)
        colours = {}
        for v in VERDICTS:
            spans = page.locator(f'.claim[data-verdict="{v}"]')
            assert spans.count() == EXPECTED_COUNTS[v], v
            colours[v] = spans.first.evaluate("e => getComputedStyle(e).borderBottomColor")
        assert len(set(colours.values())) == len(VERDICTS), colours  # six verdicts, six colours
        # the contradicted number: the source's figure, and a text-fragment link into the local page
        page.locator('.claim[data-verdict="contradicted"]', has_text="3.5 billion").click()
        card = page.locator('#detail .card[data-source-id="demo-wire-rafale-2024-08"]')
        assert "2.7 billion" in card.inner_text() and "differs" in card.inner_text()
        href = card.locator("a.deep-link").get_attribute("href")
        assert href.startswith("file:///") and "demo-wire-rafale-2024-08-29.html#:~:text=" in href
        # the altered quote, for the README picture: page, deep link to page 5, reasons
        page.locator('.claim[data-verdict="partly_supported"]', has_text="gravest").click()
        card = page.locator('#detail .card[data-source-id="ec-kosovo-report-2024"]')
        assert "page 5" in card.inner_text() and "not found verbatim" in card.inner_text()
        assert card.locator("a.deep-link").get_attribute("href").endswith("/docs/kosovo-report-2024-demo.pdf#page=5")
        assert errors == []
        # the legend just above the article, the article and the selected claim's evidence in view
        page.evaluate("window.scrollTo(0, document.querySelector('#tab-claims .cols')"
                      ".getBoundingClientRect().top + window.scrollY - 44)")
        page.screenshot(path=str(SCREENSHOT))
    finally:
        ctx.close()
    assert SCREENSHOT.stat().st_size < 400_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@browser_only
def test_review_command_serves_the_demo(demo, browser):
    """`claimcheck review --case corpus/cases/demo` on the demo's outputs."""
    tmp, out, _ = demo
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "review", "--case", DEMO, "--out", str(out.parent),
                             "--port", str(port)], cwd=ROOT, env=_env(tmp),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.time() < deadline, "review app did not start"
                time.sleep(0.2)
        ctx = browser.new_context(viewport={"width": 1200, "height": 800})
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector("body[data-ready='1']", timeout=15_000)
        for v in VERDICTS:
            assert page.locator(f'.claim[data-verdict="{v}"]').count() == EXPECTED_COUNTS[v], v
        page.locator('.claim[data-verdict="contradicted"]', has_text="3.5 billion").click()
        card = page.locator('#detail .card[data-source-id="demo-wire-rafale-2024-08"]')
        assert card.locator("select[name=decision]").count() == 1
        # served over http, the page does not link to the case's local files
        assert card.locator("a.deep-link").count() == 0 and "file:docs/" in card.inner_text()
        ctx.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
