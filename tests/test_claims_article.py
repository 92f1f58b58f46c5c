"""Article reading: copy-paste repair, headings, body / trailing material /
source list separation (extractors.claims.article)."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.claims import read_article, repair_text
from extractors.ids import sha256_bytes
from extractors.parse import parse_document
from extractors.registry.case import load_case

CASE = Path(__file__).resolve().parents[1] / "corpus" / "cases" / "serbia-after-banjska" / "case.toml"


@pytest.fixture(scope="module")
def bundled():
    case = load_case(CASE)
    raw = (case.root / case.article).read_bytes()
    parsed = parse_document("article", sha256_bytes(raw), raw, "text")
    return case, parsed, read_article(case, parsed)


def test_glued_sentence_gets_a_space_and_offsets_point_back():
    text = "Belgrade has still not extradited him.A regional security recalibration."
    fixed, offsets, foot, notes = repair_text(text)
    assert fixed == "Belgrade has still not extradited him. A regional security recalibration."
    assert len(offsets) == len(fixed)
    i = fixed.index("A regional")
    assert text[offsets[i]:offsets[i] + 10] == "A regional"
    assert notes and "space inserted" in notes[0]


def test_footnote_markers_are_removed_but_model_names_are_not():
    fixed, _, foot, _ = repair_text("Twelve months ago, I wrote1 that Banjska was a blueprint.")
    assert fixed == "Twelve months ago, I wrote that Banjska was a blueprint."
    assert foot == ["1"]
    fixed, _, foot, _ = repair_text("Will the Council act if accountability stalls?2")
    assert fixed.endswith("stalls?") and foot == ["2"]
    keep = "Pantsir-S1/S1M, MiG-29 and FK-3 (HQ-22) at 2.5 bcm/year; the U.S. keeps him. P9_TA(2023)0372"
    assert repair_text(keep)[0] == keep


def test_bundled_article_sections_body_trailing_and_source_list(bundled):
    case, parsed, art = bundled
    assert art.title == "Serbia After Banjska: Guns, Gas, and Russian Leverage"
    body_text = " ".join(p.text for p in art.body)
    # the article ends with its own closing paragraph ...
    assert art.body[-1].text.startswith("Banjska was the loud part.")
    # ... the related-article teasers are trailing material, not body
    trailing = " ".join(p.text for p in art.trailing)
    assert "Kosovo, Not Serbia, Is Britain" in trailing
    assert "The GPC Balkan Watch" in trailing
    assert "Kosovo, Not Serbia" not in body_text and "Sources that matter" not in body_text
    # the source list feeds attribution
    names = [e.name for e in art.source_list]
    assert names[0] == "EU Commission, Kosovo Report 2024"
    assert any(n.startswith("UK OSCE statement") for n in names)
    assert len(art.source_list) == 5
    assert "Rafale deal" in art.source_list[3].topic
    # headings become sections
    sections = {p.section for p in art.body}
    assert "Defence procurement: what, from whom, and why it matters?" in sections
    # repairs were applied and recorded
    assert any("him." in r for r in art.repairs) and any("footnote marker 1" in r for r in art.repairs)
    # every paragraph maps back into the parsed text
    for p in art.paragraphs:
        assert parsed.text[p.char_start:p.char_end].startswith(p.text[:5])


def test_html_article_subscription_text_is_trailing():
    html = b"""<html><head><title>Test piece</title></head><body>
    <nav><a href='/'>Home</a><a href='/about'>About</a></nav>
    <article><h1>Arms and gas</h1>
    <p>Serbia signed a contract for 12 Rafale jets with France in August 2024, officials said.</p>
    <p>The government also agreed a three-year gas deal with Gazprom in September 2025.</p>
    <h2>What comes next</h2>
    <p>Parliament will debate the budget in October, and the opposition has promised a long fight over defence spending.</p>
    <p>Thanks for reading! Subscribe for free to receive new posts.</p>
    </article></body></html>"""
    parsed = parse_document("article", sha256_bytes(html), html, "html")
    case = load_case(CASE)
    art = read_article(case, parsed)
    body = " ".join(p.text for p in art.body)
    assert "12 Rafale jets" in body
    assert "Subscribe" not in body
    assert any("Subscribe" in p.text for p in art.trailing)
