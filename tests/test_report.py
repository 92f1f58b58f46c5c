"""The report page as HTML: self-contained, strict CSP, data as inert JSON."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

from extractors.export.report import (
    article_text_from_passages,
    embed_json,
    render_report,
    report_data,
    write_report,
)
from extractors.review import apply_decisions, evidence_hash, load_decisions, record_decision, source_claim_key
from tests.review_rows import ARTICLE, CASE_META, HOSTILE, build_tables


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(html):
    p = Tags()
    p.feed(html)
    return p


def test_page_is_self_contained_with_strict_csp():
    html = render_report(build_tables(), ARTICLE, CASE_META)
    p = _parse(html)
    # no element loads anything: no src, no stylesheet links, no external hrefs
    for tag, attrs in p.tags:
        assert "src" not in attrs, (tag, attrs)
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "form")
    assert not re.search(r"https?://(?!127\.0\.0\.1)", html.split('id="cc-data"')[0])
    (csp,) = [a["content"] for t, a in p.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-eval" not in csp
    # exactly one executable script, allowed by its hash, plus one JSON data block
    kinds = [a.get("type") for t, a in p.tags if t == "script"]
    assert kinds == ["application/json", None]
    digest = base64.b64encode(hashlib.sha256(p.scripts[1].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_source_text_is_inert_data():
    html = render_report(build_tables(), ARTICLE, CASE_META)
    block = html.split('id="cc-data">')[1].split("</script>")[0]
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    evidence = [r["evidence_text"] for r in data["source_claims"]]
    assert HOSTILE in evidence  # the exact text survives, escaped only for transport
    assert html.count("<script") == 2 and "<img" not in html
    # markup in metadata shown in the page head is escaped too
    meta = dict(CASE_META, title='Serbia <script>alert("t")</script>')
    assert "&lt;script&gt;alert" in render_report(build_tables(), ARTICLE, meta)
    # the script never parses data as HTML
    js = _parse(html).scripts[1]
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js
    assert "eval(" not in js


def test_embed_json_escapes_script_breakers():
    s = embed_json({"x": "</script><script>alert(1)</script>&\u2028"})
    assert "</" not in s and "<" not in s
    assert json.loads(s)["x"] == "</script><script>alert(1)</script>&\u2028"


def test_report_data_carries_review_state(tmp_path):
    t = build_tables()
    row = t["source_claims"][4]
    record_decision(tmp_path, case_id=CASE_META["id"], kind="source_claim", target_id=source_claim_key(row),
                    decision="corrected", correction="not_found", evidence_hash=evidence_hash(row), reviewer="ana")
    ds = load_decisions(tmp_path)
    t["source_claims"], t["mentions"] = apply_decisions(t["source_claims"], t["mentions"], ds)
    data = report_data(t, ARTICLE, CASE_META, decisions=ds)
    r = data["source_claims"][4]
    assert (r["verdict"], r["effective_verdict"], r["review_state"], r["review_by"]) == \
        ("contradicted", "not_found", "corrected", "ana")
    assert {x["review_state"] for x in data["source_claims"][:4]} == {"unreviewed"}
    assert data["review"] is None
    assert report_data(t, ARTICLE, CASE_META, review_api="/api/decisions")["review"] == {"api": "/api/decisions"}


def test_claims_sit_at_their_offsets_in_the_article():
    t = build_tables()
    for c in t["claims"]:
        assert ARTICLE[c.char_start:c.char_end] == c.text


def test_article_rebuilt_from_passages():
    t = build_tables()
    assert article_text_from_passages(t["passages"]) == ARTICLE
    assert article_text_from_passages([]) == ""


def test_write_report(tmp_path):
    path = write_report(tmp_path / "out", build_tables(), ARTICLE, CASE_META, run_id="20260101T000000Z-abc123")
    html = path.read_text(encoding="utf-8")
    assert path.name == "report.html"
    assert "run 20260101T000000Z-abc123" in html
    assert not list((tmp_path / "out").glob(".*tmp"))


def test_page_size_does_not_grow_with_relations_and_mentions():
    """Tens of thousands of relations and mentions: the static page carries a
    bounded number of rows, says how many it left in the tables, and its size
    stays that of a small case."""
    from dataclasses import replace

    from extractors.export.report import REPORT_MAX_ROWS

    tables = build_tables()
    small = len(render_report(tables, ARTICLE, CASE_META).encode("utf-8"))
    rel, men = tables["relations"][0], tables["mentions"][0]
    big = dict(tables)
    big["relations"] = [replace(rel, relation_id=f"rel-{i}", sentence=f"{rel.sentence} {i}") for i in range(30_000)]
    big["mentions"] = [replace(men, mention_id=f"men-{i}") for i in range(30_000)]
    data = report_data(big, ARTICLE, CASE_META)
    assert len(data["relations"]) == len(data["mentions"]) == REPORT_MAX_ROWS
    assert data["omitted"] == {"relations": 30_000 - REPORT_MAX_ROWS, "mentions": 30_000 - REPORT_MAX_ROWS}
    assert set(data["relations"][0]) <= {"relation_id", "source_id", "subject", "subject_type", "predicate", "negated",
                                         "object", "object_type", "modality", "page", "sentence"}
    size = len(render_report(big, ARTICLE, CASE_META).encode("utf-8"))
    assert size < small + 2 * REPORT_MAX_ROWS * 1200, (small, size)
    # the review app keeps every mention: each can be reviewed there
    assert len(report_data(big, ARTICLE, CASE_META, review_api="/api/review")["mentions"]) == 30_000
