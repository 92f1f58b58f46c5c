"""Plain text (the article, local notes): one paragraph per non-empty line."""
from __future__ import annotations

from extractors.errors import ParseError
from extractors.model import ParsedDoc

from .build import TextBuilder, clean_block
from .encoding import decode_text
from .lang import detect_language

PARSER_ID = "text.v1"

_FINAL = tuple(".!:;…,")


def _is_heading(line: str, next_line: str | None) -> bool:
    """A short line without final punctuation followed by a longer line."""
    if next_line is None or len(line) > 90:
        return False
    # a sentence ends a line with . ! : ; (also inside a closing quote or
    # bracket); a heading may end with a question mark or a quoted title
    stripped = line.rstrip("\"')]”’")
    if stripped.endswith(_FINAL) or (stripped != line and stripped.endswith(("?",))):
        return False
    if len(line.split()) > 12:
        return False
    return len(next_line) > max(len(line) * 1.5, 60)


def parse_text(source_id: str, sha256: str, raw: bytes) -> ParsedDoc:
    if not raw.strip():
        raise ParseError("empty file", hint="the source returned no content; check the URL or the local path")
    text, _enc = decode_text(raw)
    lines = [clean_block(ln) for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        raise ParseError("no text in file", hint="the file holds only white space or control characters")
    b = TextBuilder()
    for i, ln in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        b.add(ln, kind="heading" if _is_heading(ln, nxt) else "body")
    full = b.text
    return ParsedDoc(
        source_id=source_id,
        sha256=sha256,
        parser=PARSER_ID,
        text=full,
        passages=b.passages(source_id, sha256),
        pages=None,
        language=detect_language(full),
        title=lines[0] if b.blocks and b.blocks[0].kind == "heading" else None,
    )
