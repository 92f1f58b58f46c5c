"""Sanctions lists as structured data: large generated lists parse and are
looked up by name; a list supports or contradicts listing facts only."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.claims import claim_from_text
from extractors.match import match_claims
from extractors.match.sanctions import ListIndex, list_index
from extractors.model import Case, DocumentRow, SourceSpec
from extractors.parse import parse_document
from extractors.parse.designations import Designations
from tests.list_rows import fcdo_csv, ofac_csv

GAC = "The Global Anti-Corruption Sanctions Regulations 2021"


@pytest.fixture(scope="module")
def big_uk():
    raw = fcdo_csv(20_000, extra=[
        ("GAC9001", "RADOIČIĆ", "Milan", "Primary Name", GAC, "09/12/2022"),
        ("GAC9001", "RADOJIČIĆ", "Milan", "Alias", GAC, "09/12/2022"),
        ("GAC9002", "VUKASOVIĆ", "Dragana", "Primary Name", GAC, "14/03/2023"),
        ("GAC9002", "PETROVA", "Draga", "Alias", GAC, "14/03/2023"),
    ])
    return parse_document("uk-list", "sha-uk-gen", raw, "csv")


@pytest.fixture(scope="module")
def big_ofac():
    raw = ofac_csv(20_000, extra=[
        ("TWELFTH STAR TRADING GMBH", "", "RUSSIA-EO14024", "Registration ID HRB 445566 (Germany)."),
        ("KOVACEVIC, Stanislav", "individual", "GLOMAG",
         "DOB 02 Mar 1971; nationality Testland; Passport 77889911 (Testland); a.k.a. 'KOVACHEVICH, Stanislav'; "
         "a.k.a. 'STANKO THE BROKER'."),
    ])
    return parse_document("sdn-list", "sha-sdn-gen", raw, "csv")


def test_twenty_thousand_rows_parse_into_designations(big_uk, big_ofac):
    assert isinstance(big_uk.designations, Designations)
    assert len(big_uk.designations) == 20_002  # one per person, not per name row
    assert len(big_ofac.designations) == 20_002
    assert big_uk.passages == [] and big_ofac.passages == []
    d = big_uk.designations[-2]
    assert d["name"] == "RADOIČIĆ, Milan" and d["name_folded"] == "radoicic milan"
    assert d["aliases"] == ["RADOJIČIĆ, Milan"] and d["listed_on"] == "2022-12-09"
    assert any(x.startswith("passport P") for x in big_uk.designations[0]["identifiers"])


def test_lookup_with_diacritics_and_alias(big_uk, big_ofac):
    idx = list_index(big_uk)
    assert list_index(big_uk) is idx  # built once per list
    for written in ("Milan Radoicic", "Milan Radoičić", "RADOICIC Milan", "Milan Radojicic"):
        hits, _ = idx.lookup(written)
        assert hits and hits[0].row == len(big_uk.designations) - 2, written
    hits, _ = idx.lookup("Draga Petrova")  # an alias row of another entry
    assert hits and hits[0].kind == "alias" and hits[0].name == "PETROVA, Draga"
    oidx = ListIndex(big_ofac.designations)
    hits, _ = oidx.lookup("Stanislav Kovachevich")  # an a.k.a. inside OFAC remarks
    assert hits and big_ofac.designations[hits[0].row]["name"] == "KOVACEVIC, Stanislav"
    hits, _ = oidx.lookup("Stanislav Kovacevich")  # a spelling neither primary nor alias
    assert hits and hits[0].how == "spelling variant"
    hits, closest = oidx.lookup("Thirteenth Star Trading GmbH")
    assert hits == [] and closest[0] == "TWELFTH STAR TRADING GMBH"
    # a firm may be written without its legal form, not without a word of its name
    legal = {"gmbh", "llc"}
    assert oidx.lookup("Twelfth Star Trading", legal)[0]
    assert oidx.lookup("Star Trading GmbH", legal)[0] == []


def test_designations_round_trip_through_the_parse_cache(tmp_path, big_uk):
    from extractors.parse import cache

    path = tmp_path / "doc.json"
    cache.store_doc(path, big_uk)
    assert (tmp_path / "doc.designations.parquet").exists()
    back = cache.load(path, "uk-list", timeout=60)
    assert back.designations == big_uk.designations and back.text == big_uk.text


# ------------------------------------------------------------------ verdicts


@pytest.fixture(scope="module")
def listed(big_ofac, big_uk):
    specs = (
        SourceSpec(id="sdn-list", title="Specially Designated Nationals list", publisher="US Treasury, OFAC",
                   kind="sanctions-list", url="http://127.0.0.1/sdn.csv", cited_as=("SDN List",)),
        SourceSpec(id="uk-list", title="UK Sanctions List", publisher="FCDO", kind="sanctions-list",
                   url="http://127.0.0.1/uk.csv", cited_as=("UK Sanctions List",)),
    )
    case = Case(id="lists", title="t", article="a.txt", published=None, root=Path("."), sources=specs)
    sources = {
        "sdn-list": (DocumentRow("sdn-list", url=specs[0].url, status="ok", content_type="csv", sha256="sha-sdn-gen"), big_ofac),
        "uk-list": (DocumentRow("uk-list", url=specs[1].url, status="ok", content_type="csv", sha256="sha-uk-gen"), big_uk),
    }
    return case, sources


def _verdict(listed, nlp, gazetteer, text, sid):
    case, sources = listed
    claim = claim_from_text(case.id, text, nlp, gazetteer, cited=[sid])
    rows = match_claims(case, [claim], sources, nlp, gazetteer, check_all=False)
    assert len(rows) == 1
    return rows[0]


def test_listed_person_acquitted_is_not_found(listed, nlp, gazetteer):
    r = _verdict(listed, nlp, gazetteer, "Stanislav Kovacevic was acquitted of all charges.", "sdn-list")
    assert r.verdict == "not_found", r.reasons
    assert any("acquitted" in x for x in r.reasons)
    r = _verdict(listed, nlp, gazetteer, "Stanislav Kovacevic organised the attack on the monastery.", "sdn-list")
    assert r.verdict == "not_found", r.reasons


def test_listed_under_the_right_programme_is_supported(listed, nlp, gazetteer):
    r = _verdict(listed, nlp, gazetteer, "The U.S. keeps Stanislav Kovacevic on the SDN List under GLOMAG.", "sdn-list")
    assert r.verdict == "supported", r.reasons
    assert any("GLOMAG" in x for x in r.reasons)
    assert "KOVACEVIC, Stanislav" in r.evidence_text and r.evidence_char_start is not None
    r = _verdict(listed, nlp, gazetteer, "London designated Milan Radoicic under the Global Anti-Corruption regime in December 2022.", "uk-list")
    assert r.verdict == "supported", r.reasons
    assert any("2022-12-09" in x for x in r.reasons)


def test_listed_under_another_programme_is_contradicted(listed, nlp, gazetteer):
    r = _verdict(listed, nlp, gazetteer, "The U.S. keeps Stanislav Kovacevic on the SDN List under its Russia sanctions programme.", "sdn-list")
    assert r.verdict == "contradicted", r.reasons
    why = " ".join(r.reasons)
    assert "GLOMAG" in why and "russia" in why.lower()
    r = _verdict(listed, nlp, gazetteer, "London designated Milan Radoicic under the Global Anti-Corruption regime in March 2021.", "uk-list")
    assert r.verdict == "contradicted" and any("2022-12-09" in x for x in r.reasons), r.reasons


def test_listing_plus_another_fact_is_at_most_partly_supported(listed, nlp, gazetteer):
    r = _verdict(listed, nlp, gazetteer, "Stanislav Kovacevic, who financed the militia, is on the SDN List.", "sdn-list")
    assert r.verdict == "partly_supported", r.reasons
    assert any("financed" in x for x in r.reasons)
    # a country named for another reason is no programme
    r = _verdict(listed, nlp, gazetteer, "Stanislav Kovacevic, an ally of Russia, is on the SDN List.", "sdn-list")
    assert r.verdict == "partly_supported" and not any("programme differs" in x for x in r.reasons), r.reasons


def test_near_miss_name_is_not_found_with_closest_entry(listed, nlp, gazetteer):
    r = _verdict(listed, nlp, gazetteer, "Thirteenth Star Trading GmbH is on the SDN List.", "sdn-list")
    assert r.verdict == "not_found", r.reasons
    assert any("closest entry" in x and "TWELFTH STAR TRADING GMBH" in x for x in r.reasons)


def test_identifiers_dates_of_birth_and_aliases_are_listing_facts(listed, nlp, gazetteer):
    def v(text):
        return _verdict(listed, nlp, gazetteer, text, "sdn-list")

    r = v("Stanislav Kovacevic, born on 2 March 1971, is on the SDN List.")
    assert r.verdict == "supported" and any("date of birth matches" in x for x in r.reasons), r.reasons
    r = v("Stanislav Kovacevic, born in 1975, is on the SDN List.")
    assert r.verdict == "contradicted" and any("DOB 02 Mar 1971" in x and "1975" in x for x in r.reasons), r.reasons
    r = v("Stanislav Kovacevic, whose passport number is 77889911, is on the SDN List.")
    assert r.verdict == "supported" and any("Passport 77889911" in x for x in r.reasons), r.reasons
    r = v("Stanislav Kovacevic, whose passport number is 12345678, is on the SDN List.")
    assert r.verdict == "contradicted", r.reasons
    r = v("Stanislav Kovacevic, also known as Stanislav Kovachevich, is on the SDN List.")
    assert r.verdict == "supported" and any("same entry" in x for x in r.reasons), r.reasons
    # the legacy SDN CSV has no designation dates: a date is not confirmed
    r = v("Stanislav Kovacevic was added to the SDN List in 2021.")
    assert r.verdict == "partly_supported" and any("no designation date" in x for x in r.reasons), r.reasons
    r = v("Stanislav Kovacevic is not on the SDN List.")
    assert r.verdict == "contradicted", r.reasons
