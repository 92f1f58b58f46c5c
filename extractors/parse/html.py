"""HTML -> main text as headings, paragraphs, list items and table rows.

trafilatura finds the main text (navigation, cookie banners, related-article
lists, comments and footers dropped) and htmldate the publication date.  When
trafilatura returns nothing, a plain lxml fallback reads the headings,
paragraphs and list items outside navigation-like containers; the
``parser`` field says which of the two produced the text.
"""
from __future__ import annotations

import re

import lxml.etree as ET
import lxml.html

from extractors.errors import ParseError
from extractors.model import ParsedDoc

from .build import TextBuilder, clean_block
from .encoding import decode_text
from .lang import detect_language, normalise_lang_tag

PARSER_ID = "trafilatura.v1"
FALLBACK_ID = "html-fallback.v1"

# fewer characters of main text than this and the page counts as empty
MIN_TEXT = 40
_LANG_ATTR = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)", re.I)
_META_LANG = re.compile(
    rb"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-language[\"']?[^>]*content\s*=\s*[\"']?([A-Za-z-]+)", re.I
)


def parse_html(source_id: str, sha256: str, raw: bytes) -> ParsedDoc:
    if not raw.strip():
        raise ParseError("empty file", hint="the server or the store returned no content; fetch the source again")
    html, encoding = decode_text(raw)
    if "<" not in html:
        raise ParseError("not HTML: no markup found", hint="check the sniffed format of the document")
    warnings: list[str] = []
    if encoding != "utf-8":
        warnings.append(f"decoded as {encoding}")
    doc = _trafilatura(source_id, sha256, html, warnings)
    if doc is None:
        doc = _fallback(source_id, sha256, html, warnings)
    if doc is None:
        raise ParseError(
            "no main text found (the page holds only navigation or boilerplate)",
            hint="the page may need JavaScript or a login; find a printable or archived copy and add it as a mirror",
        )
    m = _LANG_ATTR.search(raw[:20000]) or _META_LANG.search(raw[:20000])
    declared = normalise_lang_tag(m.group(1).decode("ascii", "ignore")) if m else None
    doc.language = declared or detect_language(doc.text)
    if doc.published is None:
        doc.published = _find_date(html)
    return doc


def _find_date(html: str) -> str | None:
    try:
        from htmldate import find_date

        return find_date(html, original_date=True)
    except Exception:  # htmldate is best-effort metadata
        return None


# --------------------------------------------------------------------------- trafilatura


def _trafilatura(source_id: str, sha256: str, html: str, warnings: list[str]) -> ParsedDoc | None:
    import trafilatura

    try:
        xml = trafilatura.extract(
            html,
            output_format="xml",
            include_comments=False,
            include_tables=True,
            include_formatting=False,
            include_links=False,
            include_images=False,
            with_metadata=True,
            deduplicate=False,
        )
    except Exception as exc:  # trafilatura/lxml can fail on odd markup
        warnings.append(f"trafilatura failed: {type(exc).__name__}: {str(exc)[:200]}")
        return None
    if not xml:
        return None
    root = ET.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    if main is None:
        return None
    b = TextBuilder()
    for el in main:
        _emit(el, b)
    if not b.blocks or _mostly_links(b.text, html):
        return None
    title = root.get("title") or None
    return ParsedDoc(
        source_id=source_id,
        sha256=sha256,
        parser=PARSER_ID,
        text=b.text,
        passages=b.passages(source_id, sha256),
        pages=None,
        title=clean_block(title) if title else None,
        published=root.get("date") or None,
        warnings=warnings,
    )


_WORDS = re.compile(r"\w+", re.UNICODE)
MIN_WORDS = 8


def _mostly_links(text: str, html: str) -> bool:
    """True when fewer than MIN_WORDS words of *text* are left after taking
    away the words of the page's links and menus (trafilatura's own fallback
    returns a navigation bar as text when a page has nothing else)."""
    words = [w.lower() for w in _WORDS.findall(text)]
    if len(words) > 400:
        return False
    try:
        tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", recover=True))
    except (ET.ParserError, ValueError):
        return False
    linked: dict[str, int] = {}
    for el in tree.iter("a", "nav", "option", "button"):
        for w in _WORDS.findall(" ".join(el.itertext())):
            linked[w.lower()] = linked.get(w.lower(), 0) + 1
    left = 0
    for w in words:
        if linked.get(w, 0) > 0:
            linked[w] -= 1
        else:
            left += 1
    return left < MIN_WORDS


def _emit(el, b: TextBuilder) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "head":
        b.add(_text(el), kind="heading")
    elif tag == "list":
        for item in el.iter("item"):
            b.add(_text(item), kind="body")
    elif tag == "table":
        rows = []
        for row in el.iter("row"):
            cells = [clean_block(_text(c)) for c in row if isinstance(c.tag, str) and c.tag == "cell"]
            if any(cells):
                rows.append(" | ".join(cells))
        if rows:
            b.add("\n".join(rows), kind="table", keep_newlines=True)
    elif tag in ("p", "quote", "code"):
        text = _text(el)
        b.add(text, kind="footnote" if _FOOTNOTE.match(text) else "body")
    elif tag:
        # unknown container: read its children, else its own text
        kids = [k for k in el if isinstance(k.tag, str) and k.tag in ("p", "head", "list", "table", "quote")]
        if kids:
            for k in kids:
                _emit(k, b)
        else:
            b.add(_text(el), kind="body")


# "[3] Source ..." / "[iv] ..." / "³ ..." at the start of a paragraph: an endnote
_FOOTNOTE = re.compile(r"^(?:\[(?:\d{1,3}|[ivxlc]{1,6})\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*\S")


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


# --------------------------------------------------------------------------- fallback

_BOILER = re.compile(
    r"(^|[\s_-])(nav|navbar|navigation|menu|breadcrumbs?|cookie|consent|banner|footer|header|sidebar|"
    r"related|share|social|subscribe|newsletter|comments?|advert|ads?|promo|skip)([\s_-]|$)",
    re.I,
)
_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button", "select")
_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "dd", "dt", "figcaption"}


def _fallback(source_id: str, sha256: str, html: str, warnings: list[str]) -> ParsedDoc | None:
    try:
        tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", recover=True))
    except (ET.ParserError, ValueError) as exc:
        warnings.append(f"lxml failed: {exc}")
        return None
    # libxml2 keeps the content of <noframes> as raw text: parse it as HTML
    for el in list(tree.iter("noframes")):
        if el.text and "<" in el.text:
            try:
                body = lxml.html.fragment_fromstring(el.text, create_parent="div")
            except (ET.ParserError, ValueError):
                continue
            el.text = None
            el.append(body)
    for el in list(tree.iter(*_DROP_TAGS)):
        el.drop_tree()
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        attrs = " ".join(filter(None, (el.get("id"), el.get("class"), el.get("role"))))
        if attrs and _BOILER.search(attrs):
            el.drop_tree()
    b = TextBuilder()
    for el in tree.iter(*_BLOCKS):
        # a block inside another block is read with its parent
        if any(isinstance(a.tag, str) and a.tag in _BLOCKS for a in el.iterancestors()):
            continue
        text = _text(el)
        # link lists are navigation, not text
        links = "".join("".join(a.itertext()) for a in el.iter("a"))
        if text and len(links.strip()) >= 0.7 * len(text):
            continue
        kind = "heading" if el.tag[0] == "h" and el.tag[1:].isdigit() else "body"
        b.add(text, kind=kind)
    if sum(1 for bl in b.blocks if bl.kind == "body") == 0 or len(b.text) < MIN_TEXT:
        return None
    title_el = tree.find(".//title")
    title = clean_block(_text(title_el)) if title_el is not None else None
    return ParsedDoc(
        source_id=source_id,
        sha256=sha256,
        parser=FALLBACK_ID,
        text=b.text,
        passages=b.passages(source_id, sha256),
        pages=None,
        title=title or None,
        warnings=warnings,
    )
