"""The article's own health: is there anything to check, is it too large,
is it in the language of the NLP model, did NLP finish every document.

The article is fetched and parsed like any source; when it cannot be read
the run still writes its tables (sources are useful on their own) but the
summary says why and the command exits non-zero, because no claim was
checked.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

from extractors.model import DocumentRow, ParsedDoc
from extractors.settings import Settings

ARTICLE_ID = "article"


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


def limit_article(docs: list[DocumentRow], settings: Settings) -> list[DocumentRow]:
    """An article larger than ``max_article_bytes`` becomes a failed row, so it
    is neither parsed nor run through NLP."""
    out = []
    for d in docs:
        if (d.source_id == ARTICLE_ID and d.status == "ok" and d.bytes is not None
                and d.bytes > settings.max_article_bytes):
            d = replace(d, status="failed", error=(
                f"article is {_size(d.bytes)}, over max_article_bytes={_size(settings.max_article_bytes)}"
                " (raise CLAIMCHECK_MAX_ARTICLE_BYTES if the article really is that long)"))
        out.append(d)
    return out


def with_nlp_notes(docs: list[DocumentRow], nlp_out: Mapping[str, Any]) -> list[DocumentRow]:
    """Documents whose NLP hit ``nlp_timeout`` get the note in their ``error``
    column (their status stays ``ok``: text and passages are complete, only
    mentions and relations are partial)."""
    out = []
    for d in docs:
        value = nlp_out.get(d.source_id)
        note = getattr(value[0], "note", None) if value else None
        if note:
            d = replace(d, error=f"{d.error}; {note}" if d.error else note)
        out.append(d)
    return out


def model_language(model: str) -> str | None:
    """``en_core_web_sm`` -> ``en``; None when the name does not start with a language code."""
    head = model.split("_", 1)[0].lower()
    return head if len(head) in (2, 3) and head.isalpha() and head != "xx" else None


def article_status(docs: list[DocumentRow], parsed: ParsedDoc | None,
                   settings: Settings | None = None) -> dict[str, Any]:
    """``{"status", "error", "language", "warnings"}`` of the article:
    status ``ok``, ``failed`` (not fetched, refused, too large, unparseable)
    or ``empty`` (read, but no text)."""
    doc = next((d for d in docs if d.source_id == ARTICLE_ID), None)
    warnings: list[str] = []
    if doc is None or doc.status != "ok":
        return {"status": "failed", "error": (doc.error if doc else None) or "the article was not read",
                "language": None, "warnings": warnings}
    if parsed is None or not parsed.text.strip():
        return {"status": "empty", "error": "the article holds no text to check", "language": doc.language,
                "warnings": warnings}
    language = parsed.language or doc.language
    expected = model_language((settings or Settings()).model)
    if language and expected and language != expected:
        warnings.append(f"the article looks like language '{language}' but the NLP model"
                        f" ({(settings or Settings()).model}) is '{expected}': claims and matches may be poor"
                        " (set CLAIMCHECK_MODEL to a model for that language)")
    if doc.error:
        warnings.append(doc.error)
    return {"status": "ok", "error": None, "language": language, "warnings": warnings}


__all__ = ["article_status", "limit_article", "model_language", "with_nlp_notes"]
