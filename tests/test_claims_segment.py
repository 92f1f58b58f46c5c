"""Claims: clause splitting, pronouns, numbers, dates, quotes, checkworthiness
and attribution on the bundled article (extractors.claims)."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.claims import analyse_claim, extract_claims, read_article
from extractors.claims.quantities import dates_agree, find_dates, find_quantities, find_quotes
from extractors.ids import sha256_bytes, stable_id
from extractors.parse import parse_document
from extractors.registry.case import load_case

CASE = Path(__file__).resolve().parents[1] / "corpus" / "cases" / "serbia-after-banjska" / "case.toml"


@pytest.fixture(scope="module")
def claims(nlp, gazetteer):
    case = load_case(CASE)
    raw = (case.root / case.article).read_bytes()
    parsed = parse_document("article", sha256_bytes(raw), raw, "text")
    art = read_article(case, parsed)
    return case, parsed, extract_claims(case, art, nlp, gazetteer)


def one(claims, start):
    """The claim whose stand-alone form (``resolved_text``) starts with *start*."""
    found = [c for c in claims if c.resolved_text.startswith(start)]
    assert len(found) == 1, (start, [c.resolved_text for c in claims if start[:12] in c.resolved_text])
    return found[0]


def test_numbers_with_units():
    got = {q.surface.replace("~ ", "~"): (q.value, q.unit_class, q.approx) for q in find_quantities(
        "a new three-year deal (2.5 bcm/year); value ~ €3bn; 12 aircraft; it indicted 45 suspects; worth 2.7 billion euros")}
    assert got["2.5 bcm/year"] == (2.5, "gas_volume_year", False)
    assert got["~€3bn"] == (3e9, "currency:EUR", True)
    assert got["12 aircraft"][0:2] == (12, "aircraft")
    assert got["45 suspects"][0:2] == (45, "persons")
    assert got["2.7 billion euros"][0:2] == (2.7e9, "currency:EUR")
    assert got["three-year"][0:2] == (3, "duration_years")
    # years, dates and model names are not quantities
    assert find_quantities("On 24 September 2023 the MiG-29 and FK-3 (HQ-22) in 2024") == []


def test_dates_keep_their_precision():
    iso = [d.iso for d in find_dates("fielding confirmed Jan 2025; deal finalised 29 Aug 2024; through 2024–2025; in 2023; on September 24, 2023")]
    assert iso == ["2025-01", "2024-08-29", "2024/2025", "2023", "2023-09-24"]
    a, b = find_dates("September 2024")[0], find_dates("11 September 2024")[0]
    assert dates_agree(a, b) and not dates_agree(find_dates("October 2024")[0], b)


def test_quotes_with_curly_or_straight_marks():
    assert [q for q, _, _ in find_quotes('labels Banjska “the gravest escalation in recent years,” praises')] == ["the gravest escalation in recent years"]
    assert [q for q, _, _ in find_quotes('names Russia as the "most acute threat".')] == ["most acute threat"]


def test_three_purchases_in_one_sentence_are_three_claims(claims):
    _, _, cl = claims
    para = [c for c in cl if c.resolved_text.startswith("Belgrade ") and c.paragraph == one(cl, "Belgrade consummated").paragraph]
    assert [c.resolved_text.split()[1] for c in para] == ["consummated", "completed", "folded"]
    # the borrowed subject is context: the text column keeps the article's words
    assert one(cl, "Belgrade completed deployment").text.startswith("completed deployment")
    rafale = one(cl, "Belgrade consummated")
    assert "12 aircraft" in rafale.numbers and "weapon:rafale" in rafale.entities
    assert "weapon:fk-3" in one(cl, "Belgrade completed deployment").entities
    assert "weapon:mi-35" in one(cl, "Belgrade folded").entities
    assert len({c.claim_id for c in para}) == 3


def test_pronouns_are_resolved_to_the_person_named_before(claims, nlp):
    _, _, cl = claims
    extradite = one(cl, "Belgrade has still not extradited him")
    assert extradite.resolved_text == "Belgrade has still not extradited him [Milan Radoicic]."
    assert extradite.text == "Belgrade has still not extradited him."
    assert "person:milan-radoicic" in extradite.entities
    sdn = one(cl, "the U.S. keeps him [Milan Radoicic] on the SDN List")
    assert "person:milan-radoicic" in sdn.entities and sdn.checkworthy


def test_numbers_dates_and_claim_fields(claims):
    case, parsed, cl = claims
    indict = one(cl, "Kosovo's Special Prosecutor indicted 45 suspects")
    assert indict.numbers == ["45 suspects"] and indict.dates == ["2024-09"]
    assert indict.claim_type == "quantity" and indict.checkworthy
    assert "person:milan-radoicic" in indict.entities
    assert indict.claim_id == stable_id("claim", case.id, indict.resolved_text)
    assert parsed.text[indict.char_start:indict.char_end].startswith("Kosovo")
    # text is exactly the article's characters between char_start and char_end
    assert all(c.text == parsed.text[c.char_start:c.char_end] for c in cl)
    gas = one(cl, "Serbia is lining up a new three-year gas import deal")
    assert {"three-year", "2.5 bcm/year"} <= set(gas.numbers)
    value = one(cl, "12 Dassault Rafale multirole fighters (France): estimated value")
    assert "~€3bn" in value.numbers
    assert one(cl, "12 Dassault Rafale multirole fighters (France): Deal finalised").dates == ["2024-08-29"]
    assert one(cl, "FK-3 (HQ-22 export) surface-to-air missiles (China): System fielding").dates == ["2025-01"]
    # paragraph numbers are 1-based article paragraphs, sentences 1-based within them
    assert indict.paragraph == 7 and indict.sentence == 1
    assert one(cl, "Belgrade has still not extradited").sentence == 2


def test_opinion_questions_and_predictions_are_not_checkworthy(claims, nlp):
    _, _, cl = claims
    assert not one(cl, "Twelve months ago, I wrote that Banjska").checkworthy
    assert not one(cl, "Will the Council and Commission finally test").checkworthy
    assert not one(cl, "Gazprom's new three-year gas deal would outlast").checkworthy
    assert not one(cl, "it's arming everywhere").checkworthy
    assert one(cl, "Banjska was the loud part").claim_type == "assessment"
    a = analyse_claim(nlp, "Does Belgrade finally cooperate on Radoicic?")
    assert a["checkworthy"] is False and a["not_checkworthy_reason"] == "question"


def test_explicit_attributions_reach_the_right_claims(claims):
    _, _, cl = claims
    assert one(cl, "The Commission labels Banjska").cited_source_ids == ["ec-kosovo-report-2024"]
    assert "ec-kosovo-report-2024" in one(cl, "The Commission praises the Kosovo Police response").cited_source_ids
    assert "ep-resolution-2023-10-19" in one(cl, "MEPs condemned the attack").cited_source_ids
    assert "ep-resolution-2023-10-19" in one(cl, "MEPs pressed the Council").cited_source_ids
    assert "us-state-crt-2023" in one(cl, "Banjska appears in State's annual country reporting").cited_source_ids
    assert "uk-osce-statement-2024-10" in one(cl, "London's October 2024 OSCE statement").cited_source_ids
    assert one(cl, "London's regime lists Milan Radoicic").cited_source_ids == ["uk-sanctions-list"]
    assert one(cl, "the U.S. keeps him").cited_source_ids == ["ofac-sdn-list"]
    # through the source list at the end ("Rafale deal; FK-3 deployment; Mi-35s; gas contracts")
    assert "news-rafale-2024-08" in one(cl, "Belgrade consummated").cited_source_ids
    assert "news-fk3-2025-01" in one(cl, "Belgrade completed deployment").cited_source_ids
    assert "news-mi35-2023-11" in one(cl, "Belgrade folded").cited_source_ids
    assert "news-gazprom-gas-deal-2025" in one(cl, "Serbia is lining up").cited_source_ids
    assert "news-russia-intelligence-2025-03" in one(cl, "In March 2025, Serbia's deputy prime minister").cited_source_ids
    # an unattributed claim keeps an empty list
    assert one(cl, "Pantsir-S1/S1M short-range air defence (Russia): Delivered").cited_source_ids == []


def test_claim_counts_on_the_bundled_article(claims):
    _, _, cl = claims
    n, cw = len(cl), sum(c.checkworthy for c in cl)
    print(f"bundled article: {n} claims, {cw} checkworthy")
    assert 70 <= n <= 110 and 45 <= cw <= 75
    assert len({c.claim_id for c in cl}) == n


def test_sentence_the_parser_reads_without_a_verb_is_kept_whole(nlp, gazetteer):
    """spaCy tags 'lists' as a plural noun here; the claim must not vanish."""
    from extractors.claims.segment import split_paragraph
    from extractors.claims.article import ArticleParagraph

    text = "A State Department report on terrorism lists Banjska as a benchmark incident of 2023."
    para = ArticleParagraph(number=8, text=text, offsets=list(range(len(text))), char_start=0,
                            char_end=len(text), kind="body")
    pieces, topic = split_paragraph(nlp, para)
    assert [p.text for p in pieces] == [text]
    assert topic is None


def test_facts_inside_opinion_and_descriptions_are_their_own_claims(claims):
    _, _, cl = claims
    # the blueprint sentence is opinion, its "when ..." clause is a fact
    assert not one(cl, "Two years on from the 24 September 2023 attack").checkworthy
    killed = one(cl, "a well-armed Serb paramilitary group killed Kosovo Police Sergeant Afrim Bunjaku")
    assert killed.checkworthy and "person:afrim-bunjaku" in killed.entities
    # the description of Radoicic leaves the indictment claim
    assert one(cl, "Milan Radoicic: the political fixer long tied to the ruling Serbian Progressive Party").checkworthy
    assert "political fixer" not in one(cl, "Kosovo's Special Prosecutor indicted 45 suspects").resolved_text
    # an elliptical fragment is not checkworthy
    assert not one(cl, "Serbia's didn't").checkworthy
