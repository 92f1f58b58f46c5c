"""Sanctions lists: the real OFAC SDN excerpt and the synthetic UK lists."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from extractors.errors import ParseError
from extractors.parse import parse_document, parser_version
from extractors.parse.sanctions import designation_passage

FIX = Path(__file__).parent / "fixtures" / "sanctions"
OFAC = FIX / "ofac-sdn-excerpt.csv"
UK_OFSI = FIX / "uk-ofsi-conlist-2022format.SYNTHETIC.csv"
UK_FCDO = FIX / "uk-fcdo-sanctions-list.SYNTHETIC.csv"


@pytest.fixture(scope="module")
def ofac():
    return parse_document("ofac-sdn", "sha-ofac", OFAC.read_bytes(), "csv")


def _by_id(doc, list_id):
    return next(d for d in doc.designations if d["list_id"] == list_id)


def test_ofac_reads_every_record_and_skips_eof_byte(ofac):
    assert OFAC.read_bytes().endswith(b"\x1a")
    assert ofac.parser == "ofac-sdn.v2" == parser_version("csv", OFAC.read_bytes())
    assert len(ofac.designations) == 11
    # a list is structured data: no passage (and so no NLP) until a claim cites an entry
    assert ofac.passages == []
    entries = [designation_passage(ofac, d) for d in ofac.designations]
    assert all(p.kind == "list-entry" for p in entries)
    assert [p.paragraph for p in entries] == list(range(1, 12))
    assert not any("\x1a" in d["name"] for d in ofac.designations)


def test_ofac_radoicic_is_an_alias_of_radojcic(ofac):
    d = _by_id(ofac, "33920")
    assert d["name"] == "RADOJCIC, Milan Rajko"
    assert d["aliases"] == ["RADOJICIC, Milan", "RADOICIC, Milan"]
    assert d["type"] == "individual"
    assert d["programme"] == "GLOMAG"
    assert d["listed_on"] is None
    assert d["list_name"] == "OFAC SDN"
    assert d["name_folded"] == "radojcic milan rajko"
    assert d["aliases_folded"] == ["radojicic milan", "radoicic milan"]
    assert "DOB 21 Feb 1978" in d["identifiers"] and "Identification Number 1174669941" in d["identifiers"]
    assert not any("a.k.a" in x for x in d["identifiers"])
    p = designation_passage(ofac, d)
    assert p.text.startswith(
        "RADOJCIC, Milan Rajko (a.k.a. RADOJICIC, Milan; RADOICIC, Milan) — individual designated under program GLOMAG (OFAC SDN, entry 33920)."
    )
    assert "DOB 21 Feb 1978" in p.text
    assert ofac.text[p.char_start:p.char_end] == p.text


def test_ofac_nulls_programmes_and_types(ofac):
    entity = _by_id(ofac, "36")
    assert entity["type"] == "entity" and entity["aliases"] == []
    assert "-0-" not in ofac.text
    assert _by_id(ofac, "2686")["programme"] == "SDGT; SYRIA"
    assert _by_id(ofac, "4238")["type"] == "vessel"
    assert _by_id(ofac, "33431")["aliases"] == ["INKOP"]
    linked = _by_id(ofac, "33989")
    assert "Linked To: RADOJCIC, Milan Rajko" in linked["remarks"]


@pytest.mark.parametrize("path,list_name,list_id,regime", [
    (UK_OFSI, "UK OFSI Consolidated List", "90001", "Global Anti-Corruption"),
    (UK_FCDO, "UK Sanctions List (FCDO)", "SYN0001", "The Global Anti-Corruption Sanctions Regulations 2021"),
])
def test_uk_layouts(path, list_name, list_id, regime):
    doc = parse_document("uk-sanctions-list", "sha-uk", path.read_bytes(), "csv")
    assert doc.parser == "uk-sanctions.v2"
    d = _by_id(doc, list_id)
    assert d["name"] == "RADOICIC, Milan"
    assert "RADOJICIC, Milan" in d["aliases"]
    assert "Милан Радоичић" in d["aliases"]  # non-Latin spelling kept as an alias
    assert d["programme"] == regime
    assert d["listed_on"] == "2022-12-09"
    assert d["type"] == "individual"
    assert d["list_name"] == list_name
    # one designation per person, not per name row
    assert sum(1 for x in doc.designations if "RADO" in x["name"]) == 1
    assert d["name_folded"] == "radoicic milan" and "радоичић" in " ".join(d["aliases_folded"])
    p = designation_passage(doc, d)
    assert p.text.startswith("RADOICIC, Milan") and doc.text[p.char_start:p.char_end] == p.text
    assert "on 2022-12-09" in p.text and f"entry {list_id}" in p.text


def test_uk_name_na_is_not_missing():
    doc = parse_document("uk", "sha", UK_OFSI.read_bytes(), "csv")
    na = _by_id(doc, "90004")
    assert na["name"] == "NA" and na["type"] == "entity"


def test_uk_missing_column_is_a_clear_error(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("mk", FIX / "make_uk_synthetic.py")
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    bad = tmp_path / "no-regime.csv"
    mk.write_ofsi(bad, drop="Regime")
    with pytest.raises(ParseError, match=r"missing column\(s\): Regime"):
        parse_document("uk", "sha", bad.read_bytes(), "csv")


def test_ofac_missing_column_is_a_clear_error():
    import csv

    rows = list(csv.reader(io.StringIO(OFAC.read_bytes().rstrip(b"\x1a").decode())))
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL).writerows(r[:11] for r in rows if r)
    with pytest.raises(ParseError, match="has 11 columns, expected 12"):
        parse_document("ofac", "sha", buf.getvalue().encode(), "csv")


def test_ofac_ragged_row_is_a_clear_error():
    raw = OFAC.read_bytes().replace(b'"CUBA",-0- ,', b'"CUBA",-0- ,"EXTRA",', 1)
    with pytest.raises(ParseError, match="malformed OFAC SDN CSV"):
        parse_document("ofac", "sha", raw, "csv")


def test_unknown_or_empty_csv():
    with pytest.raises(ParseError, match="unrecognised CSV"):
        parse_document("x", "sha", b"a,b,c\n1,2,3\n", "csv")
    with pytest.raises(ParseError, match="empty file"):
        parse_document("x", "sha", b"\x1a\r\n", "csv")


def test_designation_rows_link_to_passages(ofac):
    from extractors.parse import DESIGNATION_COLUMNS, designation_rows

    rows = designation_rows(ofac)
    assert len(rows) == 11
    assert all(list(r) == DESIGNATION_COLUMNS for r in rows)
    by_passage = {p.passage_id: p for p in (designation_passage(ofac, d) for d in ofac.designations)}
    r = next(r for r in rows if r["list_id"] == "33920")
    assert "RADOICIC, Milan" in r["aliases"]
    assert by_passage[r["passage_id"]].text.startswith("RADOJCIC, Milan Rajko")
    assert len({r["designation_id"] for r in rows}) == 11
