"""The report and the review app in a real browser (Debian's headless
Chromium driven by Playwright; never ``playwright install``).

Screenshots for a person to look at are saved under outputs/screenshots/.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.browser_setup import chromium_path
from tests.review_rows import ARTICLE, CASE_META, HOSTILE, build_tables, write_case, write_outputs

CHROMIUM = chromium_path()
ROOT = Path(__file__).parent.parent
SHOTS = ROOT / "outputs" / "screenshots"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                       "(`python -m tests.browser_setup` as root installs it)"),
]


class Watched:
    """A page that records dialogs, every request and console errors."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _dialog(self, d):
        self.dialogs.append(d.message)
        d.dismiss()

    def open(self, url):
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready='1']", timeout=15_000)

    def shot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / name), full_page=True)

    def close(self):
        self.context.close()


def _claim(page, claim_id):
    page.locator(f'.claim[data-claim-id="{claim_id}"]').first.click()
    page.wait_for_selector("#detail .card")


def _assert_hostile_is_text(w: Watched, card_sel: str):
    page = w.page
    card = page.locator(card_sel)
    text = card.inner_text()
    assert '<script>alert("xss-script")</script>' in text
    assert "<img src=x onerror=alert(\"xss-img\")>" in text
    assert "javascript:alert('xss-link')" in text
    assert "link not shown (not http/https)" in text  # the javascript: deep link is not a link
    assert page.locator("img").count() == 0
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript\" i]').length") == 0
    assert page.evaluate("[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
                         ".some(a => a.name.startsWith('on'))).length") == 0
    # the DOM holds the markup only as text
    assert page.evaluate("document.body.innerHTML.includes('<script>alert')") is False


def test_report_shows_claim_evidence_and_keeps_source_text_inert(browser, tmp_path):
    from extractors.export.report import write_report

    t = build_tables()
    path = write_report(tmp_path, t, ARTICLE, CASE_META, run_id="20260101T000000Z-abc123")
    w = Watched(browser)
    try:
        url = path.as_uri()
        w.open(url)
        c1 = t["claims"][0].claim_id
        _claim(w.page, c1)
        ec = w.page.locator('#detail .card[data-source-id="ec-kosovo-report-2024"]')
        assert "In September 2024 the Special Prosecution filed an indictment" in ec.inner_text()
        assert "page 7, paragraph 3" in ec.inner_text()
        assert "number 45 matches" in ec.inner_text()
        assert "0.91" in ec.inner_text()
        marks = ec.locator("mark").all_inner_texts()
        assert "45" in marks and "Special" in marks and "filed" not in marks
        assert ec.locator("a.deep-link").get_attribute("href").endswith("/kosovo-report-2024.pdf#page=7")
        # verdict colours and filters
        claim3 = w.page.locator(f'.claim[data-claim-id="{t["claims"][2].claim_id}"]')
        assert claim3.get_attribute("data-verdict") == "contradicted"
        w.page.select_option("#f-verdict", "contradicted")
        assert "dim" not in claim3.get_attribute("class")
        assert "dim" in w.page.locator(f'.claim[data-claim-id="{c1}"]').get_attribute("class")
        w.page.select_option("#f-verdict", "")
        w.page.select_option("#f-source", "hostile-blog")
        assert "dim" in claim3.get_attribute("class")
        w.page.select_option("#f-source", "")
        chart = w.page.locator("#chart .row")
        assert chart.count() == 3
        assert "supported 1" in w.page.locator('#chart .row[data-source="ec-kosovo-report-2024"] .bar') \
            .get_attribute("aria-label")
        _assert_hostile_is_text(w, '#detail .card[data-source-id="hostile-blog"]')
        w.shot("report.png")
        # mentions and relations tabs, with their sentences
        w.page.click("nav.tabs button[data-tab=mentions]")
        row = w.page.locator("#mentions-body tr", has_text="Banjskë")
        assert HOSTILE in row.inner_text()
        assert row.locator("mark").all_inner_texts() == ["Banjskë"]
        w.shot("report-mentions.png")
        w.page.click("nav.tabs button[data-tab=relations]")
        assert "indict" in w.page.locator("#relations-body").inner_text()
        assert w.page.locator("#relations-body tr").count() == 2
        # nothing ran, nothing was fetched but the file itself
        assert w.dialogs == []
        assert set(w.requests) == {url}
        assert w.errors == []
    finally:
        w.close()


def test_review_app_records_a_decision_that_survives_reload(browser, tmp_path, settings):
    from tests.test_review import AppServer

    t = build_tables()
    case_dir = write_case(tmp_path / "case")
    write_outputs(settings.out_dir)
    srv = AppServer(case_dir, settings)
    w = Watched(browser)
    try:
        w.open(srv.url + "/")
        w.page.fill("#reviewer", "ana")
        c1 = t["claims"][0].claim_id
        _claim(w.page, c1)
        card = '#detail .card[data-source-id="ec-kosovo-report-2024"]'
        w.page.select_option(f"{card} select[name=decision]", "corrected")
        w.page.select_option(f"{card} select[name=correction]", "partly_supported")
        w.page.fill(f"{card} textarea[name=note]", "page 7 gives the number but not the date <b>x</b>")
        w.page.click(f"{card} button[type=submit]")
        w.page.wait_for_selector(f"{card} .msg.saved")
        # a mention decision too
        w.page.click("nav.tabs button[data-tab=mentions]")
        mrow = w.page.locator("#mentions-body tr", has_text="Banjskë")
        mrow.locator("select[name=decision]").select_option("rejected")
        mrow.locator("button[type=submit]").click()
        w.page.wait_for_selector("#mentions-body tr .msg.saved")
        w.page.reload()
        w.page.wait_for_selector("body[data-ready='1']")
        _claim(w.page, c1)
        text = w.page.locator(card).inner_text()
        assert "corrected" in text and "by ana" in text
        assert "page 7 gives the number but not the date <b>x</b>" in text
        assert "partly supported" in text and "(machine: supported)" in text
        w.page.select_option("#f-review", "corrected")
        assert "dim" not in w.page.locator(f'.claim[data-claim-id="{c1}"]').get_attribute("class")
        w.page.select_option("#f-review", "")
        _assert_hostile_is_text(w, '#detail .card[data-source-id="hostile-blog"]')
        w.shot("review.png")
        w.page.click("nav.tabs button[data-tab=mentions]")
        assert "rejected" in w.page.locator("#mentions-body tr", has_text="Banjskë").inner_text()
        # two tabs open on the same page, both saving: nothing is lost
        tab2 = w.context.new_page()
        tab2.goto(srv.url + "/")
        tab2.wait_for_selector("body[data-ready='1']")
        tab2.fill("#reviewer", "bo")
        c3 = t["claims"][2].claim_id
        for tab, claim_id, source, note in ((w.page, c3, "ec-kosovo-report-2024", "from tab one"),
                                            (tab2, c1, "kosovo-spo-indictment-2024", "from tab two")):
            tab.click("nav.tabs button[data-tab=claims]")
            _claim(tab, claim_id)
            sel = f'#detail .card[data-source-id="{source}"]'
            tab.fill(f"{sel} textarea[name=note]", note)
        # press both Save buttons before either answer arrives
        w.page.evaluate("document.querySelector('#detail .card[data-source-id=\"ec-kosovo-report-2024\"] form').requestSubmit()")
        tab2.evaluate("document.querySelector('#detail .card[data-source-id=\"kosovo-spo-indictment-2024\"] form').requestSubmit()")
        w.page.wait_for_selector('#detail .card[data-source-id="ec-kosovo-report-2024"] .msg.saved')
        tab2.wait_for_selector('#detail .card[data-source-id="kosovo-spo-indictment-2024"] .msg.saved')
        w.page.reload()
        w.page.wait_for_selector("body[data-ready='1']")
        _claim(w.page, c1)
        assert "from tab two" in w.page.locator('#detail .card[data-source-id="kosovo-spo-indictment-2024"]').inner_text()
        assert "page 7 gives the number" in w.page.locator(card).inner_text()
        _claim(w.page, c3)
        assert "from tab one" in w.page.locator('#detail .card[data-source-id="ec-kosovo-report-2024"]').inner_text()
        tab2.close()
        assert w.dialogs == []
        assert all(u.startswith(srv.url + "/") for u in w.requests), w.requests
        assert w.errors == []
    finally:
        w.close()
        srv.close()


def test_review_app_with_an_access_token(browser, tmp_path, settings):
    """The printed ?token= address opens the page (then drops the token from
    the address); the page's saves carry it; without it nothing is served."""
    from tests.test_review import AppServer

    t = build_tables()
    case_dir = write_case(tmp_path / "case")
    write_outputs(settings.out_dir)
    token = "t0k3n-for-the-browser-test-0123456789"
    srv = AppServer(case_dir, settings.with_(review_token=token))
    stranger = browser.new_context()
    w = Watched(browser)
    try:
        page = stranger.new_page()
        resp = page.goto(srv.url + "/")
        assert resp.status == 401 and "access token required" in page.content()
        w.open(f"{srv.url}/?token={token}")
        assert w.page.url == srv.url + "/"
        w.page.fill("#reviewer", "ana")
        c1 = t["claims"][0].claim_id
        _claim(w.page, c1)
        card = '#detail .card[data-source-id="ec-kosovo-report-2024"]'
        note = "pasted from the PDF\u2028second line\u0085third"
        w.page.fill(f"{card} textarea[name=note]", note)
        w.page.click(f"{card} button[type=submit]")
        w.page.wait_for_selector(f"{card} .msg.saved")
        w.page.reload()
        w.page.wait_for_selector("body[data-ready='1']")
        _claim(w.page, c1)
        assert "confirmed" in w.page.locator(card).inner_text()
        assert "second line" in w.page.locator(card).inner_text()
        assert w.errors == [] and w.dialogs == []
        resp = page.goto(srv.url + "/api/decisions")
        assert resp.status == 401
        from extractors.review import load_decisions

        assert [d.note for d in load_decisions(settings.out_dir)] == [note]
    finally:
        stranger.close()
        w.close()
        srv.close()


# ----------------------------------------------------------------- with the real flow


def _run(case_dir, settings):
    from flows.run import run_case

    overrides = {"out_dir": str(settings.out_dir), "store_dir": str(settings.store_dir),
                 "state_dir": str(settings.state_dir), "allow_private_addresses": True,
                 "read_timeout": 5.0, "retries": 1, "backoff_base": 0.01, "per_host_delay": 0.0}
    return run_case(str(case_dir), overrides=overrides)


def _row(out_dir, claim_id, source_id):
    rows = pq.read_table(out_dir / "source_claims.parquet").to_pylist()
    (row,) = [r for r in rows if r["claim_id"] == claim_id and r["source_id"] == source_id]
    return row


def test_decision_applied_by_the_next_run_and_stale_when_the_document_changes(
        browser, tmp_path, settings, serve_dir, prefect_harness):
    from tests.conftest import FIXTURES, materialise_case
    from tests.test_review import AppServer

    docs = tmp_path / "served"
    shutil.copytree(FIXTURES / "cases" / "mini" / "docs", docs)
    server = serve_dir(docs)
    case_dir = materialise_case(FIXTURES / "cases" / "mini", tmp_path / "mini", server)
    first = _run(case_dir, settings)
    out = first.out_dir
    assert (out / "report.html").exists() and (first.run_dir / "report.html").exists()
    for name in ("datapackage.json", "claimreview.jsonld", "entities.ftm.jsonl"):
        assert (out / name).exists() and (first.run_dir / name).exists()
    # the exports of a real run hold up too
    import json
    import subprocess
    import sys

    import jsonschema
    from followthemoney import model

    from extractors.export.exports import claimreview_schema

    r = subprocess.run([str(Path(sys.executable).parent / "frictionless"), "validate", str(out / "datapackage.json")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:]
    jsonschema.validate(json.loads((out / "claimreview.jsonld").read_text()), claimreview_schema())
    ents = [model.get_proxy(json.loads(x), cleaned=False)
            for x in (out / "entities.ftm.jsonl").read_text().splitlines()]
    assert any(e.schema.name == "Document" for e in ents)

    claims = pq.read_table(out / "claims.parquet").to_pylist()
    esc = next(c for c in claims if "most serious escalation" in c["text"])
    # the row to review: one with evidence, from an HTML source we can edit
    # (else the page-7 PDF row, edited by appending a comment after %%EOF)
    files = {"kosovo-spo-indictment-2024": "spo-indictment.html", "uk-osce-statement-2024-10": "uk-osce-statement.html",
             "ec-kosovo-report-2024": "kosovo-report-2024.pdf"}
    rows = [r for r in pq.read_table(out / "source_claims.parquet").to_pylist()
            if r["evidence_text"] and r["source_id"] in files]
    assert rows, "the example case gave no row with evidence"
    text = {c["claim_id"]: c["text"] for c in claims}
    spo = sorted(rows, key=lambda r: ("indicted" not in text[r["claim_id"]], files[r["source_id"]].endswith(".pdf")))[0]
    source_id = spo["source_id"]
    ind = next(c for c in claims if c["claim_id"] == spo["claim_id"])
    assert spo["review_status"] is None

    w = Watched(browser)
    srv = AppServer(case_dir, settings)
    try:
        # the run's own report: select a claim, see its evidence and page
        w.open((out / "report.html").as_uri())
        _claim(w.page, esc["claim_id"])
        ec = w.page.locator('#detail .card[data-source-id="ec-kosovo-report-2024"]').inner_text()
        assert "escalation" in ec and "page 7" in ec
        # every claim sits at its offsets in the article, rewritten clauses too
        assert w.page.locator("#article [data-claim-id]").count() == len(claims)
        assert w.page.locator("#unplaced").inner_text().strip() == ""
        w.shot("report-mini.png")

        # review in the app: confirm the indictment row, reload, still there
        w.open(srv.url + "/")
        w.page.fill("#reviewer", "bo")
        _claim(w.page, ind["claim_id"])
        card = f'#detail .card[data-source-id="{source_id}"]'
        w.page.select_option(f"{card} select[name=decision]", "confirmed")
        w.page.fill(f"{card} textarea[name=note]", "matches the press release")
        w.page.click(f"{card} button[type=submit]")
        w.page.wait_for_selector(f"{card} .msg.saved")
        w.page.reload()
        w.page.wait_for_selector("body[data-ready='1']")
        _claim(w.page, ind["claim_id"])
        assert "confirmed" in w.page.locator(card).inner_text()

        # the next run applies it
        second = _run(case_dir, settings)
        row = _row(out, ind["claim_id"], source_id)
        assert (row["review_status"], row["reviewer_note"]) == ("confirmed", "matches the press release")
        assert _row(second.run_dir, ind["claim_id"], source_id)["review_status"] == "confirmed"
        w.open((out / "report.html").as_uri())
        _claim(w.page, ind["claim_id"])
        assert "confirmed" in w.page.locator(card).inner_text()

        # the source is edited: the decision is flagged stale, not kept, not dropped
        page_file = docs / files[source_id]
        if page_file.suffix == ".html":
            html = page_file.read_text(encoding="utf-8")
            assert "</body>" in html
            page_file.write_text(html.replace("</body>", "<p>Update: the office added the case number.</p></body>"),
                                 encoding="utf-8")
        else:
            with open(page_file, "ab") as fh:
                fh.write(b"\n% edited after the review\n")
        later = time.time() + 60
        os.utime(page_file, (later, later))  # newer than any If-Modified-Since the fetcher sent
        _run(case_dir, settings)
        row = _row(out, ind["claim_id"], source_id)
        assert row["document_sha256"] != spo["document_sha256"]
        assert row["review_status"] == "stale"
        assert "confirmed by bo" in row["reviewer_note"] and "matches the press release" in row["reviewer_note"]
        w.open(srv.url + "/")
        _claim(w.page, ind["claim_id"])
        assert "stale" in w.page.locator(card).inner_text()
        w.shot("review-stale.png")
        assert w.dialogs == [] and w.errors == []
    finally:
        w.close()
        srv.close()
