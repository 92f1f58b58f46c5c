"""Relations: subject, predicate class, object, negation and modality."""
from __future__ import annotations

import pytest

from extractors.nlp import analyse
from extractors.nlp.pipeline import build_nlp
from tests.nlp_helpers import article, one

RAD, SRB, UK = "person:milan-radoicic", "place:serbia", "place:united-kingdom"


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def rels(nlp, text):
    return {(r.subject, r.predicate, r.object, r.negated, r.modality) for r in analyse(nlp, one(text))[1]}


@pytest.fixture(scope="module")
def article_relations(nlp):
    text, passages = article()
    return text, analyse(nlp, passages)[1]


def test_article_holds_the_key_relations(article_relations):
    text, relations = article_relations
    got = {(r.subject, r.predicate, r.object, r.negated, r.modality) for r in relations}
    assert ("org:special-prosecution-kosovo", "indict", RAD, False, "asserted") in got
    assert (UK, "call_on", SRB, False, "asserted") in got
    assert (SRB, "cooperate", "", False, "demanded") in got  # "... calls on Serbia to cooperate"
    assert (SRB, "extradite", RAD, True, "asserted") in got  # "Belgrade has still not extradited him."
    assert ("org:european-parliament", "condemn", "event:banjska-attack-2023", False, "asserted") in got
    assert (UK, "sanction", RAD, False, "asserted") in got  # "London's regime lists Milan Radoicic"
    for r in relations:
        assert 0 <= r.char_start < r.char_end <= len(text)
        assert r.modality in ("asserted", "demanded", "reported", "hypothetical")
    neg = [r for r in relations if r.predicate == "extradite" and r.negated]
    assert "has still not extradited him" in neg[0].sentence


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Radoičić was indicted by the Special Prosecution.",
         ("org:special-prosecution-kosovo", "indict", RAD, False, "asserted")),
        ("Belgrade has not extradited Radojicic.", (SRB, "extradite", RAD, True, "asserted")),
        ("The United Kingdom calls on Serbia to extradite Radoicic.", (SRB, "extradite", RAD, False, "demanded")),
        ("The United Kingdom calls on Serbia to extradite Radoicic.", (UK, "call_on", SRB, False, "asserted")),
        ("Serbia reportedly bought Pantsir-S1 systems from Russia.",
         (SRB, "purchase", "weapon:pantsir-s1", False, "reported")),
        ("If Serbia extradited Radoičić, relations would improve.", (SRB, "extradite", RAD, False, "hypothetical")),
        ("The EU would sanction Radoičić if the evidence held.",
         ("org:european-union", "sanction", RAD, False, "hypothetical")),
        ("Serbia refused to extradite Radoičić.", (SRB, "extradite", RAD, True, "asserted")),
        ("The European Parliament urged the Council to list Milan Radoičić.",
         ("org:council-of-the-eu", "sanction", RAD, False, "demanded")),
        ("Milan Radoičić was designated by OFAC under GLOMAG.", ("org:ofac", "sanction", RAD, False, "asserted")),
        ("Armed men attacked Kosovo Police in Banjska, killing Sergeant Afrim Bunjaku.",
         ("armed men", "kill", "person:afrim-bunjaku", False, "asserted")),
        ("Serbian paramilitaries killed Sergeant Afrim Bunjaku.",
         ("serbian paramilitaries", "kill", "person:afrim-bunjaku", False, "asserted")),
    ],
)
def test_relation_shapes(nlp, text, expected):
    assert expected in rels(nlp, text)


def test_no_relation_without_a_listed_verb(nlp):
    assert rels(nlp, "The weather in Pristina was mild in October.") == set()
