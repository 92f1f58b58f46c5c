"""Plain text (the article): one passage per non-empty line."""
from __future__ import annotations

import pytest

from extractors.errors import ParseError
from extractors.parse import parse_document

ARTICLE = """Serbia after the attack

The first paragraph of a made-up article says that the attack in the village of Banjska took place on 24 September 2023 and that it was followed by a long investigation.

   
The second paragraph quotes a \u201cspokesperson\u201d and names Milan Radoi\u010di\u0107 as the leader of the group, in the author's own words.
Short closing line.
"""


def test_text_paragraphs_and_offsets():
    doc = parse_document("article", "sha-a", ARTICLE.encode(), "text")
    assert doc.parser == "text.v1"
    assert [p.kind for p in doc.passages] == ["heading", "body", "body", "body"]
    assert [p.paragraph for p in doc.passages] == [1, 2, 3, 4]
    assert all(p.page is None for p in doc.passages)
    for p in doc.passages:
        assert doc.text[p.char_start:p.char_end] == p.text
    assert doc.title == "Serbia after the attack"
    assert doc.language == "en"
    assert '"spokesperson"' in doc.text and "Radoičić" in doc.text
    assert doc.passages[3].text == "Short closing line."


def test_text_in_windows_1250():
    raw = "Milan Radoičić i Zvonko Veselinović su navedeni u odluci od 9. decembra 2022.\n".encode("cp1250")
    doc = parse_document("note", "sha", raw, "text")
    assert "Radoičić" in doc.text


def test_blank_text():
    with pytest.raises(ParseError, match="empty file"):
        parse_document("a", "sha", b"  \n\n ", "text")
