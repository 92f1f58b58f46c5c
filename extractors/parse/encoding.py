"""Bytes to str for text-like formats, trusting valid UTF-8 first."""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode *raw*; return ``(text, encoding)``.

    Valid UTF-8 (with or without BOM) wins whatever a page declares; bytes
    that are not valid UTF-8 go to charset-normalizer, so a windows-1251 page
    that claims to be UTF-8 is still read as Cyrillic."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return raw.decode("cp1252", errors="replace"), "cp1252"
