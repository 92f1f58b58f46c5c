"""The development cases on other topics are well-formed (no quality figure here;
benchmarks/verdict_quality.py measures them): each case loads and validates,
every gold clause is a substring of its article, every gold source id exists,
every document parses, and the scorer counts what its docstring says."""
from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors.model import VERDICTS, Claim, SourceClaim

DEVCASES = Path(__file__).parent / "fixtures" / "devcases"
sys.path.insert(0, str(DEVCASES))
import devcases  # noqa: E402

ALL = (devcases.DEV_CASES + devcases.HOLDOUT_CASES + devcases.BLIND_CASES + devcases.BLIND2_CASES
       + devcases.BLIND3_CASES)


def test_dev_holdout_and_blind_lists_are_disjoint_and_complete():
    on_disk = {str(p.parent.relative_to(DEVCASES)) for p in DEVCASES.rglob("case.toml")}
    assert on_disk == set(ALL)
    assert len(ALL) == len(set(ALL))
    assert all(n.startswith("holdout/") for n in devcases.HOLDOUT_CASES)
    assert all(n.startswith("blind/") for n in devcases.BLIND_CASES)
    assert all(n.startswith("blind-2/") for n in devcases.BLIND2_CASES)
    assert all(n.startswith("blind-3/") for n in devcases.BLIND3_CASES)
    assert (DEVCASES / "holdout" / "README.md").exists()
    assert (DEVCASES / "blind" / "README.md").exists()
    assert (DEVCASES / "blind-2" / "README.md").exists()
    assert (DEVCASES / "blind-3" / "README.md").exists()


@pytest.mark.parametrize("name", ALL)
def test_case_validates_with_the_cli(name):
    from flows.cli import app

    res = CliRunner().invoke(app, ["validate", "--case", str(DEVCASES / name)])
    assert res.exit_code == 0, res.output
    assert "ok: case" in res.output


@pytest.mark.parametrize("name", ALL)
def test_gold_is_well_formed(name):
    dc = devcases.load_dev_case(name)
    article = (dc.path / dc.case.article).read_text(encoding="utf-8")
    source_ids = {s.id for s in dc.case.sources}
    keys = [g.key for g in dc.claims]
    assert len(keys) == len(set(keys))
    for g in dc.claims:
        assert g.text and g.text in article, g.key
        assert set(g.cited) <= source_ids, g.key
        assert g.claim_type in ("event", "quantity", "date", "quote", "attribution", "assessment"), g.key
    assert {v.key for v in dc.verdicts} == set(keys), "every gold claim needs a verdict row and vice versa"
    labels = set(VERDICTS)
    for v in dc.verdicts:
        assert v.verdict in labels and v.verdict in devcases.VERDICT_LABELS, v
        assert v.source_id == "" or v.source_id in source_ids, v
        if v.verdict == "not_checkable":
            assert v.source_id == "", v
        else:
            assert v.source_id, v
    # the parsed article holds every clause, so spans can be compared with claim offsets
    devcases.gold_spans(devcases.article_parsed(dc.case).text, dc.claims)
    # gold rows that check a claim against a source are for check-worthy claims
    cw = {g.key: g.checkworthy for g in dc.claims}
    assert all(cw[v.key] == (v.verdict != "not_checkable") for v in dc.verdicts)


@pytest.mark.parametrize("name", ALL)
def test_every_source_file_parses_and_has_an_origin_note(name):
    dc = devcases.load_dev_case(name)
    origin = (dc.path / "ORIGIN.md").read_text(encoding="utf-8")
    sources = devcases.load_sources(dc.case)
    assert set(sources) == {s.id for s in dc.case.sources}
    for sid, (row, parsed) in sources.items():
        assert row.status == "ok" and parsed is not None, sid
        assert len(parsed.text) > 1000, sid
        spec = dc.case.source(sid)
        assert Path(spec.path).name in origin, f"{spec.path} has no line in ORIGIN.md"
        assert row.sha256 == hashlib.sha256((dc.path / spec.path).read_bytes()).hexdigest()
    assert {p.name for p in (dc.path / "docs").iterdir()} == {Path(s.path).name for s in dc.case.sources}


def test_gold_csv_columns():
    for name in ALL:
        with (DEVCASES / name / "gold_claims.csv").open(encoding="utf-8", newline="") as fh:
            assert csv.DictReader(fh).fieldnames == ["claim_key", "text", "checkworthy", "cited_source_ids", "claim_type"]
        with (DEVCASES / name / "gold_verdicts.csv").open(encoding="utf-8", newline="") as fh:
            assert csv.DictReader(fh).fieldnames == ["claim_key", "source_id", "gold_verdict", "evidence_hint", "note"]


def _claim(cid, start, end, checkworthy=True, cited=()):
    return Claim(cid, "x", 1, 1, start, end, "t" * (end - start), "event", checkworthy, list(cited))


def test_scorer_counts_matches_attribution_checkworthiness_and_verdicts():
    text = "Alpha rose 5 percent. I think it is great. Beta fell."
    g = [devcases.GoldClaim("a", "Alpha rose 5 percent", True, ("s1",), "quantity"),
         devcases.GoldClaim("b", "I think it is great", False, (), "assessment"),
         devcases.GoldClaim("c", "Beta fell", True, ("s1",), "event")]
    v = [devcases.GoldVerdict("a", "s1", "contradicted"), devcases.GoldVerdict("b", "", "not_checkable"),
         devcases.GoldVerdict("c", "s1", "supported")]
    dc = devcases.DevCase("t", DEVCASES, None, g, v)
    claims = [_claim("c1", 0, 21, cited=["s1"]), _claim("c2", 22, 42, checkworthy=True)]  # "Beta fell" not extracted
    rows = [SourceClaim("c1", "s1", True, "supported", 0.9), SourceClaim("c2", "s1", False, "not_found", 0.1)]
    sc = devcases.score_case(dc, text, claims, rows)
    assert (sc.found, sc.n_claims) == (2, 3)
    assert (sc.attribution_ok, sc.attribution_n) == (1, 1)
    assert (sc.flagged_nc, sc.n_nc) == (1, 1)
    assert (sc.verdict_ok, sc.n_verdicts) == (0, 3)
    assert sc.supported_on_wrong == 1
    assert sc.confusion[("supported", devcases.MISSING)] == 1


def test_a_whole_paragraph_claim_does_not_find_each_clause():
    spans = {"a": (0, 10)}
    assert devcases.match_gold(spans, [_claim("c1", 0, 100)])["a"] is None
    assert devcases.match_gold(spans, [_claim("c1", 0, 100), _claim("c2", 2, 12)])["a"].claim_id == "c2"


def test_offsets_are_read_against_the_text_they_index():
    parsed, raw = "Title\n\nAlpha rose.", "Title\nAlpha rose."
    c = Claim("c1", "x", 1, 1, 7, 18, "Alpha rose.", "event", True, [])
    assert devcases.offset_base([parsed, raw], [c]) == parsed
    c2 = Claim("c1", "x", 1, 1, 6, 17, "Alpha rose.", "event", True, [])
    assert devcases.offset_base([parsed, raw], [c2]) == raw
