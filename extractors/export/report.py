"""The analyst report: one self-contained HTML file from the tables.

:func:`render_report` is a pure function (tables + article text + case
metadata -> HTML string).  The page carries its own CSS and JavaScript, no
CDN and no fetch, so it works offline.  The data sits in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&``
escaped, and the script puts every string on the page with ``textContent``,
so text from a source document is always shown as text.  A strict
Content-Security-Policy allows only the page's own script (by hash) and
inline styles; in the static report no request can leave the page, in the
review app only requests to the app itself (``connect-src 'self'``).
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from extractors.export.tables import atomic_write_bytes
from extractors.model import VERDICTS
from extractors.review.store import (
    REVIEW_STATUSES,
    Decision,
    effective_canonical,
    effective_verdict,
    latest_decisions,
    source_claim_key,
)

ASSETS = Path(__file__).parent / "assets"
VERDICT_LABELS = {
    "supported": "supported",
    "partly_supported": "partly supported",
    "contradicted": "contradicted",
    "not_found": "not found",
    "source_unavailable": "source unavailable",
    "not_checkable": "not checkable",
}
REPORT_FILE = "report.html"
# rows of the mentions and relations tabs carried inside a static report; the
# rest stay in the tables next to it (the page says how many), so the page's
# size does not grow with a case's size
REPORT_MAX_ROWS = 2000
# the fields of a relation the page shows
RELATION_FIELDS = ("relation_id", "source_id", "subject", "subject_type", "predicate", "negated", "object",
                   "object_type", "modality", "page", "sentence")


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def script_hash() -> str:
    """The CSP source for the page's one inline script."""
    digest = hashlib.sha256(_asset("report.js").encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp(review: bool) -> str:
    return "; ".join([
        "default-src 'none'",
        f"script-src {script_hash()}",
        "style-src 'unsafe-inline'",
        "img-src 'none'",
        "font-src 'none'",
        "connect-src 'self'" if review else "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-src 'none'",
        "object-src 'none'",
    ])


def _rows(rows: Iterable[Any] | None) -> list[dict[str, Any]]:
    out = []
    for r in rows or []:
        out.append(dict(r) if isinstance(r, Mapping) else r.to_row())
    return out


def _json_default(o: Any) -> Any:
    if isinstance(o, (datetime,)):
        return o.isoformat()
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, (set, tuple)):
        return list(o)
    return str(o)


def embed_json(data: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' survive."""
    text = json.dumps(data, ensure_ascii=False, default=_json_default, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def case_meta(case: Any, run_id: str | None = None) -> dict[str, Any]:
    """Metadata the report shows, from a :class:`~extractors.model.Case` or a dict."""
    if isinstance(case, Mapping):
        meta = dict(case)
    else:
        meta = {
            "id": case.id,
            "title": case.title,
            "published": case.published,
            "article": case.article,
            "sources": [
                {"id": s.id, "title": s.title, "publisher": s.publisher, "kind": s.kind,
                 "url": s.url, "published": s.published}
                for s in case.sources
            ],
            "root": str(case.root),
        }
    if run_id:
        meta["run_id"] = run_id
    return meta


def local_file_link(evidence_url: str | None, case_root: Path) -> str | None:
    """``file:docs/x.pdf#page=5`` (a case's local file, relative to the case
    folder, as the tables keep it) -> an absolute ``file://`` URL with the same
    fragment, which a report opened from disk can link to."""
    if not evidence_url or not evidence_url.startswith("file:") or evidence_url.startswith("file:/"):
        return None
    rel, sep, frag = evidence_url[len("file:"):].partition("#")
    full = (case_root / rel).resolve()
    if not full.is_relative_to(case_root.resolve()):
        return None
    return full.as_uri() + (sep + frag if sep else "")


def report_data(tables: Mapping[str, Iterable[Any]], article_text: str, meta: Mapping[str, Any], *,
                decisions: Iterable[Decision] | None = None, review_api: str | None = None,
                generated_at: str | None = None, max_rows: int | None = REPORT_MAX_ROWS) -> dict[str, Any]:
    """The JSON the page script renders (also handy for tests).

    The static report carries at most *max_rows* mentions and relations
    (``omitted`` counts the rest); the review app (*review_api*) carries every
    mention, since each can be reviewed there."""
    sc = _rows(tables.get("source_claims"))
    all_mentions = _rows(tables.get("mentions"))
    all_relations = [{k: r.get(k) for k in RELATION_FIELDS} for r in _rows(tables.get("relations"))]
    cap = None if review_api else max_rows
    mentions = all_mentions if cap is None else all_mentions[:cap]
    relations = all_relations if cap is None else all_relations[:cap]
    latest = {(k[1], k[2]): d for k, d in latest_decisions(decisions or []).items()}
    root = meta.get("root")
    for r in sc:
        r["effective_verdict"] = effective_verdict(r)
        if root:
            r["evidence_file"] = local_file_link(r.get("evidence_url"), Path(root))
        r["review_state"] = r.get("review_status") or "unreviewed"
        d = latest.get(("source_claim", source_claim_key(r)))
        if d and r.get("review_status"):
            r["review_by"], r["review_at"] = d.reviewer, d.decided_at
    for m in mentions:
        m["effective_canonical"] = effective_canonical(m)
        m["review_state"] = m.get("review_status") or "unreviewed"
        d = latest.get(("mention", str(m.get("mention_id"))))
        if d and m.get("review_status"):
            m["review_by"], m["review_at"] = d.reviewer, d.decided_at
    sources: dict[str, dict[str, Any]] = {}
    for s in meta.get("sources", []):
        sources[s["id"]] = {k: s.get(k) for k in ("title", "publisher", "kind", "url", "published")}
    for doc in _rows(tables.get("documents")):
        sid = doc["source_id"]
        entry = sources.setdefault(sid, {"title": "the article" if sid == "article" else sid})
        entry.update({"status": doc.get("status"), "final_url": doc.get("final_url"), "sha256": doc.get("sha256")})
    for r in sc + all_mentions + all_relations:
        sources.setdefault(r["source_id"], {"title": r["source_id"]})
    claims = _rows(tables.get("claims"))
    return {
        "case": {k: meta.get(k) for k in ("id", "title", "published", "run_id", "article")},
        "generated_at": generated_at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verdicts": list(VERDICTS),
        "verdict_labels": VERDICT_LABELS,
        "review_states": ["unreviewed", *REVIEW_STATUSES],
        "article": article_text or "",
        "claims": claims,
        "source_claims": sc,
        "mentions": mentions,
        "relations": relations,
        "omitted": {"mentions": len(all_mentions) - len(mentions), "relations": len(all_relations) - len(relations)},
        "sources": sources,
        "review": {"api": review_api} if review_api else None,
    }


def render_report(tables: Mapping[str, Iterable[Any]], article_text: str, meta: Mapping[str, Any] | Any, *,
                  decisions: Iterable[Decision] | None = None, review_api: str | None = None,
                  generated_at: str | None = None) -> str:
    """Tables + article text + case metadata -> the report page (HTML string).

    With *review_api* (the review app) the page shows a reviewer field and a
    decision form per claim-source row and per mention, posting JSON to
    that path on the same origin.
    """
    meta = case_meta(meta) if not isinstance(meta, Mapping) else meta
    data = report_data(tables, article_text, meta, decisions=decisions, review_api=review_api,
                       generated_at=generated_at)
    esc = html.escape
    title = meta.get("title") or meta.get("id") or "claimcheck report"
    n_claims = len(data["claims"])
    n_rows = len(data["source_claims"])
    sub = [f"case {meta.get('id', '')}"]
    if meta.get("published"):
        sub.append(f"article published {meta['published']}")
    if meta.get("run_id"):
        sub.append(f"run {meta['run_id']}")
    sub.append(f"generated {data['generated_at']}")
    sub.append(f"{n_claims} claims, {n_rows} claim-source rows")
    reviewer = ('<label>Reviewer <input id="reviewer" autocomplete="name" size="14" '
                'placeholder="your name"></label>' if review_api else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(csp(bool(review_api)))}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(str(title))} — claimcheck{' review' if review_api else ' report'}</title>
<style>{_asset("report.css")}</style>
</head>
<body>
<header>
<h1>{esc(str(title))}</h1>
<div class="meta">{esc(" · ".join(sub))}</div>
</header>
<nav class="tabs" role="tablist">
<button type="button" role="tab" data-tab="claims" aria-selected="true">Claims</button>
<button type="button" role="tab" data-tab="mentions" aria-selected="false">Mentions (<span id="mentions-count">0</span>)</button>
<button type="button" role="tab" data-tab="relations" aria-selected="false">Relations (<span id="relations-count">0</span>)</button>
</nav>
<div class="filters">
<label>Verdict <select id="f-verdict"></select></label>
<label>Source <select id="f-source"></select></label>
<label>Review <select id="f-review"></select></label>
{reviewer}
</div>
<main>
<section id="tab-claims">
<div id="chart" class="chart"></div>
<div class="cols">
<div><h2>Article</h2><div id="article"></div><div id="unplaced"></div></div>
<div id="detail" aria-live="polite"></div>
</div>
</section>
<section id="tab-mentions" hidden>
<table><thead><tr><th>source</th><th>page</th><th>as written</th><th>canonical</th><th>kind</th><th>sentence</th><th>review</th></tr></thead>
<tbody id="mentions-body"></tbody></table>
<div id="mentions-more" class="more"></div>
</section>
<section id="tab-relations" hidden>
<table><thead><tr><th>source</th><th>subject</th><th>predicate</th><th>object</th><th>modality</th><th>page</th><th>sentence</th></tr></thead>
<tbody id="relations-body"></tbody></table>
<div id="relations-more" class="more"></div>
</section>
</main>
<script type="application/json" id="cc-data">{embed_json(data)}</script>
<script>{_asset("report.js")}</script>
</body>
</html>
"""


def write_report(out_dir: Path, tables: Mapping[str, Iterable[Any]], article_text: str, case: Any, *,
                 run_id: str | None = None, decisions: Iterable[Decision] | None = None) -> Path:
    """Write ``report.html`` into *out_dir* (atomically); returns its path."""
    page = render_report(tables, article_text, case_meta(case, run_id), decisions=decisions)
    path = Path(out_dir) / REPORT_FILE
    atomic_write_bytes(path, page.encode("utf-8"))
    return path


def article_text_from_passages(passages: Iterable[Any], source_id: str = "article") -> str:
    """Rebuild a document's canonical text from its passages (offsets kept).

    Gaps between passages become spaces, or a blank line where the gap is
    two characters or more, which is how parsers separate paragraphs.
    """
    rows = sorted((p for p in _rows(passages) if p["source_id"] == source_id),
                  key=lambda p: p["char_start"])
    if not rows:
        return ""
    chars = [" "] * max(p["char_end"] for p in rows)
    for p in rows:
        for i, ch in enumerate(p["text"][: p["char_end"] - p["char_start"]]):
            chars[p["char_start"] + i] = ch
    prev_end = 0
    for p in rows:
        gap = p["char_start"] - prev_end
        if gap >= 2:
            chars[prev_end] = "\n"
            chars[prev_end + 1] = "\n"
        elif gap == 1:
            chars[prev_end] = " " if prev_end else chars[prev_end]
        prev_end = max(prev_end, p["char_end"])
    return "".join(chars)
