"""Mentions of the Banjska attack: the article and targeted sentences."""
from __future__ import annotations

import re

import pytest

from extractors.model import Mention
from extractors.nlp import analyse
from extractors.nlp.pipeline import build_nlp
from tests.nlp_helpers import article, one

E = "event:banjska-attack-2023"


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


@pytest.fixture(scope="module")
def article_result(nlp):
    text, passages = article()
    mentions, relations = analyse(nlp, passages, batch_size=16)
    return text, passages, mentions, relations


def test_every_banjska_in_the_article_is_a_mention(article_result):
    text, _, mentions, _ = article_result
    occurrences = [m.start() for m in re.finditer(r"Banjsk\w*", text)]
    assert len(occurrences) == 25
    for pos in occurrences:
        assert any(m.char_start <= pos < m.char_end for m in mentions), text[pos - 40 : pos + 40]


def test_article_mentions_point_into_the_document(article_result):
    text, passages, mentions, _ = article_result
    for m in mentions:
        assert text[m.char_start : m.char_end] == m.surface
        assert m.source_id == "article" and m.document_sha256 == passages[0].document_sha256
        assert m.kind in ("name", "variant", "indirect")
        assert m.surface in m.sentence or m.sentence in text
    assert len({m.mention_id for m in mentions}) == len(mentions)


def test_article_monastery_and_indirect_references(article_result):
    _, _, mentions, _ = article_result
    got = {(m.surface, m.canonical, m.kind) for m in mentions}
    assert ("Banjska monastery", "place:banjska-monastery", "name") in got
    assert ("24 September 2023 attack", E, "indirect") in got
    assert ("Banjska attack", E, "name") in got
    # "MEPs condemned the attack": the attack named in earlier paragraphs
    assert any(m.surface == "attack" and m.kind == "indirect" and "MEPs condemned" in m.sentence for m in mentions)


def test_mention_ids_are_stable(nlp, article_result):
    _, passages, mentions, _ = article_result
    again, _ = analyse(nlp, list(reversed(passages)), batch_size=7, relations=False)
    assert sorted(m.mention_id for m in again) == sorted(m.mention_id for m in mentions)


def _mentions(nlp, text) -> list[Mention]:
    return analyse(nlp, one(text))[0]


@pytest.mark.parametrize(
    "text, surface, canonical, kind",
    [
        ("Nobody has been tried for the 24 September attack.", "24 September attack", E, "indirect"),
        ("The September 2023 attack in the north was planned in Serbia.", "September 2023 attack in the north", E, "indirect"),
        ("The EU condemned the attack on Kosovo Police officers in Zvečan.",
         "attack on Kosovo Police officers in Zvečan", E, "indirect"),
        ("Serbian tabloids wrote about the events in Banjskoj.", "events in Banjskoj", E, "variant"),
        ("Police stayed in Banjskoj for two days.", "Banjskoj", "place:banjska", "variant"),
        ("Serbian media called the Бањска events a rebellion.", "Бањска events", E, "variant"),
        ("The Bajskë attack was condemned in Tirana.", "Bajskë attack", E, "variant"),
        ("Since Banjske, patrols have doubled.", "Banjske", E, "variant"),
        ("Gunmen attacked the police in the village of Banjska/Banjskë.", "Banjska/Banjskë", "place:banjska", "name"),
        ("They hid in the Banjska/Banjskë monastery.", "Banjska/Banjskë monastery", "place:banjska-monastery", "name"),
        ("Serbia must bring the perpetrators of the 24 September attack to justice.", "24 September attack", E, "indirect"),
    ],
)
def test_mentions_in_any_spelling_and_indirect(nlp, text, surface, canonical, kind):
    got = {(m.surface, m.canonical, m.kind) for m in _mentions(nlp, text)}
    assert (surface, canonical, kind) in got


@pytest.mark.parametrize(
    "text",
    [
        "The May 2023 attack on KFOR soldiers in Zvečan injured dozens.",
        "The November 2024 attack on the Ibar-Lepenac canal cut water supplies.",
        "Drone attacks hit Ukrainian cities in September 2024.",
        "Banjska Stena offers the best view of the Drina canyon.",
        "Sokobanja has been a spa since Ottoman times.",
        "The menu lists banjska voda and local cheese.",
    ],
)
def test_lookalikes_give_no_mention(nlp, text):
    assert _mentions(nlp, text) == []


def test_offsets_are_document_offsets_across_passages(nlp):
    text = "Intro line without the name.\nThe Banjska attack is remembered.\n"
    ms = _mentions(nlp, text)
    assert [(m.paragraph, text[m.char_start : m.char_end]) for m in ms] == [(2, "Banjska attack")]


def test_anaphora_needs_a_named_event_first(nlp):
    assert _mentions(nlp, "Officials said the attack was planned for months.") == []
    ms = _mentions(nlp, "The Banjska attack shocked Kosovo.\nOfficials said the attack was planned for months.")
    assert [(m.surface, m.kind) for m in ms] == [("Banjska attack", "name"), ("attack", "indirect")]


def test_long_passage_is_parsed_in_pieces_with_true_offsets(nlp):
    from extractors.model import Passage
    from extractors.nlp import MAX_CHARS

    filler = "Officials met in Brussels to discuss energy policy and trade. " * (MAX_CHARS // 60 + 20)
    text = filler + "Two years after Banjska, patrols continue. " + filler + "The Banjska monastery reopened."
    doc_text = "HEADER\n" + text
    p = Passage(passage_id="p", source_id="long", document_sha256="x", page=3, paragraph=1,
                char_start=7, char_end=len(doc_text), kind="body", text=text)
    ms, _ = analyse(nlp, [p], batch_size=4, relations=False)
    assert [(doc_text[m.char_start : m.char_end], m.canonical) for m in ms] == [
        ("Banjska", "event:banjska-attack-2023"), ("Banjska monastery", "place:banjska-monastery")]
    assert all(m.page == 3 for m in ms)
