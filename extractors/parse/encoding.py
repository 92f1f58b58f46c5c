"""Bytes to str for text-like formats, trusting valid UTF-8 first."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Encodings web pages and office exports actually use.  charset-normalizer
# is asked to choose among these first, because on short Cyrillic texts it may
# otherwise prefer a rare code page that differs in a few letters (e.g.
# ptcp154 for windows-1251, which turns "ћ" into "һ").
COMMON = [
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1257", "iso8859_2", "iso8859_5",
    "iso8859_15", "koi8_r", "koi8_u", "mac_cyrillic", "gb18030", "big5", "shift_jis", "euc_jp",
    "euc_kr", "utf_16", "latin_1",
]
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode *raw*; return ``(text, encoding)``.

    Valid UTF-8 (with or without BOM) wins whatever a page declares.  Bytes
    that are not valid UTF-8 are decoded with a declared non-UTF-8 charset
    when it decodes cleanly, else with what charset-normalizer finds among
    common encodings, so a windows-1251 page that claims to be UTF-8 is still
    read as Cyrillic."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for m in _META.finditer(raw[:20000]):
        enc = m.group(1).decode("ascii", "ignore").lower()
        try:
            name = codecs.lookup(enc).name
        except LookupError:
            continue
        if name == "utf-8":
            continue
        try:
            return raw.decode(name), name
        except UnicodeDecodeError:
            continue
    for isolation in (COMMON, None):
        best = from_bytes(raw, cp_isolation=isolation).best()
        if best is not None and best.encoding:
            return str(best), best.encoding
    return raw.decode("cp1252", errors="replace"), "cp1252"
