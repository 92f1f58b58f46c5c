"""Text normalisation that keeps offsets true.

``fold(text)`` returns a folded copy (diacritics removed, case folded) and a
map from each folded character back to its offset in the original, so a
match found in folded text points at the right characters of the original.
"""
from __future__ import annotations

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
