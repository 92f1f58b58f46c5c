"""HTML: main text through trafilatura, the lxml fallback, metadata."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.errors import ParseError
from extractors.parse import parse_document, parser_version

FIX = Path(__file__).parent / "fixtures" / "html"


@pytest.fixture(scope="module")
def article():
    return parse_document("news-x", "sha-x", (FIX / "article-with-boilerplate.html").read_bytes(), "html")


def test_main_text_without_boilerplate(article):
    assert article.parser == "trafilatura.v1"
    t = article.text
    assert "visited eleven villages" in t
    assert "next report is due in January" in t
    for junk in ("cookie", "Opinion pages", "Subscribe today", "Related articles", "winter holidays",
                 "Reader comments", "too long and should have been shorter", "All rights reserved"):
        assert junk not in t, junk


def test_structure_headings_paragraphs_lists(article):
    kinds = [(p.kind, p.text[:20]) for p in article.passages]
    assert kinds[0] == ("heading", "Monitors report on t")
    assert ("heading", "Roads and crossings") in kinds
    assert any(p.text == "Eleven villages visited in one month." for p in article.passages)
    assert [p.paragraph for p in article.passages] == list(range(1, len(article.passages) + 1))
    assert all(p.page is None for p in article.passages)
    for p in article.passages:
        assert article.text[p.char_start:p.char_end] == p.text


def test_metadata(article):
    assert article.title == "Monitors report on the northern municipalities"
    assert article.published == "2024-10-17"
    assert article.language == "en"  # from <html lang="en-GB">


def test_normalised_text_keeps_diacritics(article):
    assert "Zvečan" in article.text and "Leposavić" in article.text
    assert "mission's report" in article.text  # curly apostrophe made straight
    assert "\u2019" not in article.text


def test_fallback_used_when_trafilatura_finds_nothing():
    doc = parse_document("council", "sha", (FIX / "frameset-noframes.html").read_bytes(), "html")
    assert doc.parser == "html-fallback.v1"
    assert doc.passages[0].kind == "heading"
    assert "crossings in the north will stay open" in doc.text
    assert doc.title == "Municipal council: decisions"
    assert "html-fallback.v1" in parser_version("html")


def test_navigation_only_page_fails_clearly():
    with pytest.raises(ParseError, match="no main text found"):
        parse_document("nav", "sha", (FIX / "nav-only.html").read_bytes(), "html")


def test_language_from_text_when_undeclared():
    html = (
        "<html><body><article><p>Die Mission hat am Donnerstag mitgeteilt, dass ihre Teams im vergangenen Monat "
        "elf Dörfer im Norden besucht und mit den Bewohnern, mit Beamten und mit Polizisten über die Lage "
        "gesprochen haben. Die nächste Mitteilung wird im Januar erwartet, und sie soll auch die Zahl der "
        "Vorfälle enthalten, die von den Teams aufgezeichnet wurden.</p></article></body></html>"
    )
    doc = parse_document("de", "sha", html.encode(), "html")
    assert doc.language == "de"


def test_endnotes_marked_as_footnotes():
    html = (
        "<html lang='en'><body><article><h1>Notes on the northern crossings</h1>"
        "<p>The council said the crossings would stay open at night from next week, and that the police would add patrols there.[1]</p>"
        "<p>The municipality asked for a list of the roads that were closed during the search operation in September.[2]</p>"
        "<p>[1] Minutes of the council session, 14 October.</p><p>[2] Letter of the municipality to the council.</p>"
        "</article></body></html>"
    )
    doc = parse_document("notes", "sha", html.encode(), "html")
    kinds = {p.text[:3]: p.kind for p in doc.passages}
    assert kinds["[1]"] == "footnote" and kinds["[2]"] == "footnote"
    assert kinds["The"] == "body"


def test_table_rows_kept():
    html = (
        "<html lang='en'><body><article><h1>Patrols in the north</h1>"
        "<p>The mission published the number of patrols and incidents in each municipality for the autumn months of the year.</p>"
        "<table><tr><th>Municipality</th><th>Patrols</th><th>Incidents</th></tr>"
        "<tr><td>Zubin Potok</td><td>42</td><td>3</td></tr>"
        "<tr><td>Zvečan</td><td>29</td><td>2</td></tr></table>"
        "<p>The figures for December will be published in January together with the annual summary of the mission.</p>"
        "</article></body></html>"
    )
    doc = parse_document("tab", "sha", html.encode(), "html")
    table = next(p for p in doc.passages if p.kind == "table")
    assert table.text.split("\n") == ["Municipality | Patrols | Incidents", "Zubin Potok | 42 | 3", "Zvečan | 29 | 2"]
    assert doc.text[table.char_start:table.char_end] == table.text
