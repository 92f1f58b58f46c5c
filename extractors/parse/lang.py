"""Light language identification from stop words (no model download).

Uses the stop lists that ship with jusText (a trafilatura dependency) for a
fixed set of candidate languages and returns an ISO 639-1 code."""
from __future__ import annotations

import re
from functools import lru_cache

# jusText stop-list name -> ISO 639-1 code.  Candidates: the languages of the
# sources this project reads, plus the common European ones.
CANDIDATES = {
    "English": "en", "German": "de", "French": "fr", "Italian": "it", "Spanish": "es",
    "Polish": "pl", "Serbian": "sr", "Croatian": "hr", "Bosnian": "bs", "Albanian": "sq",
    "Russian": "ru", "Macedonian": "mk", "Bulgarian": "bg", "Dutch": "nl", "Portuguese": "pt",
    "Czech": "cs", "Slovenian": "sl", "Romanian": "ro", "Hungarian": "hu", "Ukrainian": "uk",
}
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    import justext

    out = {}
    for name, code in CANDIDATES.items():
        try:
            out[code] = frozenset(justext.get_stoplist(name))
        except (ValueError, KeyError, OSError):
            continue
    return out


def detect_language(text: str, *, max_words: int = 3000) -> str | None:
    """ISO code of the language whose stop words cover most tokens, or None
    when the text is too short or no list covers at least 15 % of it."""
    words = [w.lower() for w in _WORD.findall(text[: max_words * 12])][:max_words]
    if len(words) < 30:
        return None
    best, best_score = None, 0.0
    for code, stops in _stoplists().items():
        score = sum(1 for w in words if w in stops) / len(words)
        if score > best_score:
            best, best_score = code, score
    return best if best_score >= 0.15 else None


def normalise_lang_tag(tag: str | None) -> str | None:
    """``"en-GB"`` -> ``"en"``; empty -> None."""
    if not tag:
        return None
    tag = tag.strip().lower().replace("_", "-").split("-")[0]
    return tag if 2 <= len(tag) <= 3 and tag.isalpha() else None
