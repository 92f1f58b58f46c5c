"""Text normalisation that keeps offsets true.

``fold(text)`` returns a folded copy (diacritics removed, case folded) and a
map from each folded character back to its offset in the original, so a
match found in folded text points at the right characters of the original.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that NFKD does not decompose but that analysts expect to fold.
_EXTRA = {"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ß": "ss", "ı": "i"}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _EXTRA:
        return _EXTRA[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold()


def fold(text: str) -> tuple[str, list[int]]:
    """Fold *text*; return ``(folded, index_map)`` with
    ``len(index_map) == len(folded)`` and ``index_map[i]`` the offset in
    *text* of the character that produced ``folded[i]``."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        f = _fold_char(ch)
        out.append(f)
        index.extend([i] * len(f))
    return "".join(out), index


def fold_str(text: str) -> str:
    """Folded text only (for keys and comparisons)."""
    return "".join(_fold_char(ch) for ch in text)


def span_to_original(index_map: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a ``[start, end)`` span of folded text back to the original text."""
    if start >= end:
        return (index_map[start] if start < len(index_map) else (index_map[-1] + 1 if index_map else 0),) * 2
    return index_map[start], index_map[end - 1] + 1


# --------------------------------------------------------------------------- normalise

# Characters removed outright: soft hyphen, zero-width space/joiners, word
# joiner, byte-order mark.
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
# Spaces that become a plain space.
_SPACES = frozenset("\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000")
# Typographic quotes and apostrophes that become ASCII ones.
_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-",  # hyphen, non-breaking hyphen
}


def _ligature(ch: str) -> str | None:
    """Latin ligatures (U+FB00..U+FB06) expand to their letters."""
    if "\ufb00" <= ch <= "\ufb06":
        return unicodedata.normalize("NFKC", ch)
    return None


def _normalise_slow(text: str) -> tuple[str, list[int]]:
    """Canonical form of extracted text, with an offset map.

    Applies Unicode NFC (per base character and its combining marks),
    expands ligatures (``ﬁ`` -> ``fi``), drops soft hyphens and zero-width
    characters, turns non-breaking and other odd spaces into a plain space and
    typographic quotes into ASCII quotes.  Letters with diacritics and
    Cyrillic are kept as they are (folding is :func:`fold`'s job).

    Returns ``(normalised, index_map)`` with ``len(index_map) ==
    len(normalised)``; ``index_map[i]`` is the offset in *text* of the
    character that produced ``normalised[i]``.
    """
    out: list[str] = []
    index: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in _DROP:
            i += 1
            continue
        if ch in _SPACES:
            out.append(" ")
            index.append(i)
            i += 1
            continue
        q = _QUOTES.get(ch)
        if q is not None:
            out.append(q)
            index.append(i)
            i += 1
            continue
        lig = _ligature(ch)
        if lig is not None:
            out.append(lig)
            index.extend([i] * len(lig))
            i += 1
            continue
        # a base character followed by combining marks: compose as one cluster
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        composed = unicodedata.normalize("NFC", cluster) if (j - i > 1 or not cluster.isascii()) else cluster
        out.append(composed)
        if len(composed) == len(cluster):
            index.extend(range(i, j))
        else:
            index.extend([i] * len(composed))
        i = j
    return "".join(out), index


_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_TOKEN = re.compile(
    "[" + re.escape("".join(sorted(_DROP | _SPACES | set(_QUOTES)))) + "\ufb00-\ufb06]"
    "|.[" + _COMBINING + "]+",
    re.DOTALL,
)


def normalise(text: str) -> tuple[str, list[int]]:
    """Canonical form of extracted text, with an offset map.

    Applies Unicode NFC (per base character and its combining marks),
    expands ligatures (``ﬁ`` -> ``fi``), drops soft hyphens and zero-width
    characters, turns non-breaking and other odd spaces into a plain space,
    typographic quotes into ASCII quotes and Unicode hyphens into ``-``.
    Letters with diacritics and Cyrillic are kept as they are (folding is
    :func:`fold`'s job).

    Returns ``(normalised, index_map)`` with ``len(index_map) ==
    len(normalised)``; ``index_map[i]`` is the offset in *text* of the
    character that produced ``normalised[i]``.
    """
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        a, b = m.span()
        if a > pos:
            out.append(text[pos:a])
            index.extend(range(pos, a))
        piece, piece_index = _normalise_slow(m.group())
        out.append(piece)
        index.extend(a + k for k in piece_index)
        pos = b
    if pos < len(text):
        out.append(text[pos:])
        index.extend(range(pos, len(text)))
    result = "".join(out)
    if not result.isascii() and not unicodedata.is_normalized("NFC", result):
        return _normalise_slow(text)  # rare singletons (e.g. U+212B) need the full pass
    return result, index


def normalise_str(text: str) -> str:
    """Normalised text only."""
    if text.isascii() or (not _TOKEN.search(text) and unicodedata.is_normalized("NFC", text)):
        return text
    return normalise(text)[0]
