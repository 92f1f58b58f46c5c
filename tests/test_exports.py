"""Exports for other datasets: Frictionless Data Package, schema.org
ClaimReview JSON-LD, FollowTheMoney entities."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from extractors.export.exports import (
    CLAIMREVIEW_FILE,
    DATAPACKAGE_FILE,
    FTM_FILE,
    claimreview_schema,
    write_exports,
)
from extractors.model import TABLES
from extractors.review import apply_decisions, evidence_hash, load_decisions, mention_hash, record_decision, source_claim_key
from tests.review_rows import CASE_ID, CASE_META, build_tables, write_outputs

BIN = Path(sys.executable).parent


@pytest.fixture
def exported(tmp_path):
    t = build_tables()
    rows = t["source_claims"]
    # an analyst rejected the blog row and corrected the contradicted one
    for row, decision, corr in ((rows[2], "rejected", None), (rows[4], "corrected", "partly_supported")):
        record_decision(tmp_path, case_id=CASE_ID, kind="source_claim", target_id=source_claim_key(row),
                        decision=decision, correction=corr, evidence_hash=evidence_hash(row), reviewer="ana")
    m = t["mentions"][2]
    record_decision(tmp_path, case_id=CASE_ID, kind="mention", target_id=m.mention_id, decision="rejected",
                    evidence_hash=mention_hash(m), reviewer="ana")
    t["source_claims"], t["mentions"] = apply_decisions(rows, t["mentions"], load_decisions(tmp_path))
    write_outputs(tmp_path / "out", t)
    out = tmp_path / "out" / CASE_ID
    paths = write_exports(out, t, CASE_META, run_id="20260101T000000Z-abc123")
    return out, paths, t


def test_datapackage_describes_every_table_and_column(exported):
    out, paths, _ = exported
    pkg = json.loads((out / DATAPACKAGE_FILE).read_text())
    assert [r["path"] for r in pkg["resources"]] == [f"{t}.csv" for t in TABLES]
    for res, (table, cls) in zip(pkg["resources"], TABLES.items()):
        assert [f["name"] for f in res["schema"]["fields"]] == cls.columns()
    sc = next(r for r in pkg["resources"] if r["path"] == "source_claims.csv")
    types = {f["name"]: f["type"] for f in sc["schema"]["fields"]}
    assert types["score"] == "number" and types["cited"] == "boolean" and types["evidence_page"] == "integer"


def test_frictionless_validate_passes(exported):
    out, _, _ = exported
    r = subprocess.run([str(BIN / "frictionless"), "validate", str(out / DATAPACKAGE_FILE)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "VALID" in r.stdout.upper() and "INVALID" not in r.stdout.upper()


def test_frictionless_catches_a_broken_table(exported):
    out, _, _ = exported
    csv = out / "source_claims.csv"
    csv.write_text(csv.read_text().replace("0.91", "ninety-one"))
    r = subprocess.run([str(BIN / "frictionless"), "validate", str(out / DATAPACKAGE_FILE)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0


def test_claimreview_matches_the_documented_shape(exported):
    out, _, t = exported
    doc = json.loads((out / CLAIMREVIEW_FILE).read_text())
    jsonschema.Draft202012Validator(claimreview_schema(), format_checker=jsonschema.FormatChecker()).validate(doc)
    graph = doc["@graph"]
    by_source = {(g["@id"].split(":")[-2], g["@id"].split(":")[-1]): g for g in graph}
    c1 = t["claims"][0].claim_id
    ec = by_source[(c1, "ec-kosovo-report-2024")]
    assert ec["reviewRating"]["ratingValue"] == 3
    assert ec["itemReviewed"]["text"].startswith("In September 2024")
    assert ec["itemReviewed"]["position"] == "page 7, paragraph 3"
    assert ec["itemReviewed"]["url"].endswith("#page=7")
    assert ec["itemReviewed"]["isPartOf"]["publisher"]["name"] == "European Commission"
    assert ec["claimReviewed"] == t["claims"][0].text
    # rejected row left out; corrected row rated by the correction; not_checkable left out
    assert (c1, "hostile-blog") not in by_source
    c3 = by_source[(t["claims"][2].claim_id, "ec-kosovo-report-2024")]
    assert c3["reviewRating"]["alternateName"] == "Partly supported by the source"
    assert all(g["reviewRating"]["ratingValue"] in (1, 2, 3) for g in graph)
    assert len(graph) == 4


def test_claimreview_schema_rejects_a_wrong_shape(exported):
    out, _, _ = exported
    doc = json.loads((out / CLAIMREVIEW_FILE).read_text())
    doc["@graph"][0]["reviewRating"]["ratingValue"] = 7
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, claimreview_schema())


def test_ftm_lines_load_with_followthemoney(exported):
    from followthemoney import model

    out, _, _ = exported
    lines = (out / FTM_FILE).read_text(encoding="utf-8").splitlines()
    proxies = [model.get_proxy(json.loads(line), cleaned=False) for line in lines]
    by_id = {p.id: p for p in proxies}
    assert len(by_id) == len(proxies)
    people = [p for p in proxies if p.schema.name == "Person"]
    assert [p.caption for p in people] == ["Milan Radoičić"]
    # every entity reference points at an entity in the file
    for p in proxies:
        for prop, value in p.itervalues():
            if prop.type.name == "entity":
                assert value in by_id, (p.schema.name, prop.name, value)
    schemata = {p.schema.name for p in proxies}
    assert {"Document", "Documentation", "Event", "Person", "Organization", "UnknownLink", "Sanction"} <= schemata
    link = next(p for p in proxies if p.schema.name == "UnknownLink")
    assert link.get("role") == ["indict"]
    assert by_id[link.first("object")].caption == "Milan Radoičić"
    # the rejected mention (place:banjska in the blog) is not exported
    assert not [p for p in proxies if p.schema.name == "Address"]
    # the ftm tool reads the file too
    r = subprocess.run([str(BIN / "ftm"), "validate", "-i", str(out / FTM_FILE)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
