"""build_nlp: the model plus gazetteer entities in doc.ents."""
from __future__ import annotations

import pytest

from extractors.errors import RegistryError
from extractors.nlp.pipeline import BANJSKA, FOLD, RULER, build_nlp


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()  # cached per process: loaded once for all NLP test modules


def ents(nlp, text):
    return {(e.text, e.ent_id_, e.label_) for e in nlp(text).ents}


def test_pipeline_is_model_plus_gazetteer_components_and_cached(nlp):
    assert nlp.pipe_names[-3:] == [FOLD, RULER, BANJSKA]
    assert "ner" in nlp.pipe_names and "parser" in nlp.pipe_names
    assert build_nlp() is nlp


def test_unknown_model_is_a_clear_error():
    with pytest.raises(RegistryError, match="not installed"):
        build_nlp("no_such_model_xyz")


@pytest.mark.parametrize(
    "text, surface, eid, label",
    [
        ("Police questioned Radojičića in Belgrade.", "Radojičića", "person:milan-radoicic", "PERSON"),
        ("The Special Prosecution Office of Kosovo filed charges.", "Special Prosecution Office of Kosovo",
         "org:special-prosecution-kosovo", "ORG"),
        ("A statement by the UK's Office of Financial Sanctions Implementation followed.",
         "Office of Financial Sanctions Implementation", "org:ofsi", "ORG"),
        ("Serbia bought Mi-35 helicopters and FK-3 batteries.", "FK-3", "weapon:fk-3", "PRODUCT"),
        ("Serbia bought Mi-35 helicopters and FK-3 batteries.", "Mi-35", "weapon:mi-35", "PRODUCT"),
        ("He is listed under GLOMAG.", "GLOMAG", "programme:glomag", "LAW"),
        ("Shots were fired in Zveçan.", "Zveçan", "place:zvecan", "GPE"),
        ("Fighting spread around the Banjska monastery.", "Banjska monastery", "place:banjska-monastery", "FAC"),
        ("Pristina blamed Srpska Lista and the SNS.", "Srpska Lista", "org:srpska-lista", "ORG"),
        ("Pristina blamed Srpska Lista and the SNS.", "SNS", "org:sns", "ORG"),
        ("NIS is owned by Gazprom Neft.", "Gazprom Neft", "org:gazprom-neft", "ORG"),
        ("NIS is owned by Gazprom Neft.", "NIS", "org:nis", "ORG"),
    ],
)
def test_gazetteer_entities_in_doc_ents(nlp, text, surface, eid, label):
    assert (surface, eid, label) in ents(nlp, text)


def test_case_sensitive_alias_does_not_fire_on_the_city(nlp):
    assert not any(e.ent_id_ == "org:nis" for e in nlp("The Humanitarian Center in Nis draws scrutiny.").ents)


@pytest.mark.parametrize(
    "text",
    [
        "Hikers walked up to Banjska Stena in Tara National Park.",
        "The hotel offers banjska voda from its own spring.",
        "Sokobanja is a spa town in eastern Serbia.",
    ],
)
def test_lookalikes_are_not_banjska(nlp, text):
    ids = {e.ent_id_ for e in nlp(text).ents}
    assert not ids & {"place:banjska", "event:banjska-attack-2023", "place:banjska-monastery"}


@pytest.mark.parametrize(
    "text, surface, eid",
    [
        ("Two years after Banjska, little has changed.", "Banjska", "event:banjska-attack-2023"),
        ("The village of Banjska is quiet again.", "Banjska", "place:banjska"),
        ("Police patrols returned to the road in Banjskë.", "Banjskë", "place:banjska"),
        ("The Banjska attack shocked Kosovo.", "Banjska attack", "event:banjska-attack-2023"),
        ("Gunmen barricaded themselves in the Banjska monastery.", "Banjska monastery", "place:banjska-monastery"),
    ],
)
def test_event_village_and_monastery_told_apart(nlp, text, surface, eid):
    assert any(e.text == surface and e.ent_id_ == eid for e in nlp(text).ents)


def test_model_comes_from_settings(monkeypatch):
    from extractors.nlp import nlp_from_settings
    from extractors.settings import Settings

    assert nlp_from_settings(Settings()) is build_nlp()
    monkeypatch.setenv("CLAIMCHECK_MODEL", "no_such_model_xyz")
    with pytest.raises(RegistryError, match="no_such_model_xyz"):
        nlp_from_settings()
