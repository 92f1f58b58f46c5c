"""Figures for the report, exports and review store at a realistic scale:
120 claims x 40 sources (4,800 claim-source rows), 3,000 mentions, 600
relations, 2,000 recorded decisions.  Prints timings and sizes; asserts nothing.

    uv run python benchmarks/report_scale.py
"""
from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractors.export.exports import claim_reviews, datapackage, ftm_entities  # noqa: E402
from extractors.export.report import render_report  # noqa: E402
from extractors.review import apply_decisions, evidence_hash, load_decisions, record_decision, source_claim_key  # noqa: E402
from tests.review_rows import ARTICLE, CASE_ID, CASE_META, build_tables  # noqa: E402


def scaled():
    base = build_tables()
    claims, rows, mentions, relations = [], [], [], []
    for i in range(120):
        c = dataclasses.replace(base["claims"][i % 4], claim_id=f"clm-{i:04d}")
        claims.append(c)
        for s in range(40):
            r = base["source_claims"][(i + s) % 6]
            rows.append(dataclasses.replace(r, claim_id=c.claim_id, source_id=f"src-{s:02d}"))
    for i in range(3000):
        mentions.append(dataclasses.replace(base["mentions"][i % 3], mention_id=f"men-{i:05d}"))
    for i in range(600):
        relations.append(dataclasses.replace(base["relations"][i % 2], relation_id=f"rel-{i:04d}"))
    return {**base, "claims": claims, "source_claims": rows, "mentions": mentions, "relations": relations}


def timed(label, fn):
    t0 = time.perf_counter()
    out = fn()
    print(f"{label:<40} {time.perf_counter() - t0:8.3f} s")
    return out


def main():
    t = scaled()
    print(f"rows: {len(t['claims'])} claims, {len(t['source_claims'])} claim-source, "
          f"{len(t['mentions'])} mentions, {len(t['relations'])} relations")
    html = timed("render_report", lambda: render_report(t, ARTICLE, CASE_META))
    print(f"{'report.html size':<40} {len(html.encode()) / 1e6:8.2f} MB")
    timed("claim_reviews", lambda: claim_reviews(t, CASE_META))
    timed("datapackage", lambda: datapackage(CASE_META))
    timed("ftm_entities", lambda: ftm_entities(t, CASE_META))
    with tempfile.TemporaryDirectory() as d:
        def record():
            for r in t["source_claims"][:2000]:
                record_decision(Path(d), case_id=CASE_ID, kind="source_claim", target_id=source_claim_key(r),
                                decision="confirmed", evidence_hash=evidence_hash(r), reviewer="bench")
        timed("record_decision x2000 (fsync each)", record)
        ds = timed("load_decisions (2000 events)", lambda: load_decisions(Path(d)))
        timed("apply_decisions (4800 rows, 3000 mentions)",
              lambda: apply_decisions(t["source_claims"], t["mentions"], ds))


if __name__ == "__main__":
    main()
