"""Shared helpers of the NLP tests (not a conftest: the lead owns that)."""
from __future__ import annotations

from pathlib import Path

from extractors.ids import sha256_bytes
from extractors.model import Passage
from extractors.nlp import passages_from_lines

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = FIXTURES / "article" / "serbia-after-banjska.txt"


def article() -> tuple[str, list[Passage]]:
    raw = ARTICLE.read_bytes()
    text = raw.decode("utf-8")
    return text, passages_from_lines("article", sha256_bytes(raw), text)


def one(text: str, source_id: str = "t") -> list[Passage]:
    return passages_from_lines(source_id, sha256_bytes(text.encode()), text)
