"""Claims: read the article, split it into atomic claims, attribute them."""
from __future__ import annotations

from extractors.claims.article import Article, ArticleParagraph, SourceListEntry, read_article, repair_text
from extractors.claims.segment import analyse_claim, claim_from_text, extract_claims

CLAIMS_VERSION = "claims.v2"

__all__ = [
    "CLAIMS_VERSION",
    "Article",
    "ArticleParagraph",
    "SourceListEntry",
    "analyse_claim",
    "claim_from_text",
    "extract_claims",
    "read_article",
    "repair_text",
]
