"""Read and validate ``corpus/cases/<id>/case.toml`` into a :class:`Case`.

Every mistake is reported before any work starts, with the file, the source
id and the field, e.g.::

    corpus/cases/x/case.toml: source 'ec-report' field 'publised': unknown field
    (known fields: cited_as, format, ...)
"""
from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from extractors.errors import RegistryError
from extractors.model import FORMATS, SOURCE_KINDS, Case, SourceSpec

CASE_FIELDS = {"id", "title", "article", "published", "description"}
SOURCE_FIELDS = {
    "id", "title", "publisher", "kind", "url", "path", "mirrors", "format",
    "published", "cited_as", "series", "editions", "notes",
}
REQUIRED_SOURCE_FIELDS = ("id", "title", "kind")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


class _Errors:
    def __init__(self, case_file: Path):
        self.case_file = case_file
        self.items: list[str] = []

    def add(self, where: str, field: str, message: str) -> None:
        self.items.append(f"{self.case_file}: {where} field '{field}': {message}")

    def raise_if_any(self) -> None:
        if self.items:
            n = len(self.items)
            head = f"invalid case file ({n} problem{'s' if n > 1 else ''}):\n  "
            raise RegistryError(head + "\n  ".join(self.items))


def check_date(value: Any) -> str | None:
    """Return an error message for a bad ISO date (YYYY, YYYY-MM or YYYY-MM-DD)."""
    if isinstance(value, date):
        return None
    if not isinstance(value, str) or not DATE_RE.match(value):
        return f"{value!r} is not an ISO date (YYYY-MM-DD, YYYY-MM or YYYY)"
    parts = [int(p) for p in value.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        return f"{value!r} is not a valid date ({exc})"
    return None


def _check_url(errs: _Errors, where: str, field: str, url: Any) -> None:
    if not isinstance(url, str) or not url.strip():
        errs.add(where, field, "must be a non-empty string")
        return
    p = urlparse(url)
    if p.scheme not in ("http", "https") or not p.netloc:
        errs.add(where, field, f"{url!r} is not an http(s) URL (local files go in 'path')")


def _check_article_file(errs: _Errors, root: Path, article: str) -> None:
    full = root / article
    if not full.exists():
        errs.add("[case]", "article", f"file {article!r} not found next to the case file")
    elif not full.is_file():
        errs.add("[case]", "article", f"{article!r} is not a file")
    elif full.stat().st_size == 0:
        errs.add("[case]", "article", f"file {article!r} is empty: there is nothing to check")


def _check_editions(errs: _Errors, where: str, editions: dict) -> None:
    """``editions.index`` / ``editions.template`` are fetched like source URLs."""
    for key in ("index", "template"):
        if key in editions:
            _check_url(errs, where, f"editions.{key}", editions[key])
    if "template" in editions and isinstance(editions["template"], str) and "{year}" not in editions["template"]:
        errs.add(where, "editions.template", "needs a {year} placeholder")
    pattern = editions.get("link_pattern")
    if "index" in editions:
        if not isinstance(pattern, str):
            errs.add(where, "editions.link_pattern", "an index needs a link_pattern with a (?P<year>...) group")
        else:
            try:
                if "year" not in re.compile(pattern).groupindex:
                    errs.add(where, "editions.link_pattern", "needs a named group (?P<year>...)")
            except re.error as exc:
                errs.add(where, "editions.link_pattern", f"not a valid regular expression: {exc}")


def _str_list(errs: _Errors, where: str, field: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errs.add(where, field, "must be a list of strings")
        return ()
    return tuple(value)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def load_case(path: str | Path) -> Case:
    """Load a case from its directory or its ``case.toml``; raise
    :class:`RegistryError` listing every problem found."""
    path = Path(path)
    case_file = path / "case.toml" if path.is_dir() else path
    if not case_file.exists():
        raise RegistryError(
            f"{case_file}: no case file here",
            hint="pass --case with a directory holding case.toml (see README: 'A case')",
        )
    try:
        data = tomllib.loads(case_file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{case_file}: not valid TOML: {exc}") from exc

    errs = _Errors(case_file)
    root = case_file.parent
    for key in data:
        if key not in ("case", "sources"):
            errs.add("top level", key, "unknown table (expected [case] and [[sources]])")
    meta = data.get("case")
    if not isinstance(meta, dict):
        errs.add("[case]", "case", "missing [case] table")
        meta = {}
    for key in meta:
        if key not in CASE_FIELDS:
            errs.add("[case]", key, f"unknown field (known fields: {', '.join(sorted(CASE_FIELDS))})")
    for key in ("id", "title", "article"):
        if not meta.get(key):
            errs.add("[case]", key, "required field is missing")
    if meta.get("id") and not ID_RE.match(str(meta["id"])):
        errs.add("[case]", "id", f"{meta['id']!r} must be lowercase letters, digits and dashes")
    if meta.get("published") is not None and (msg := check_date(meta["published"])):
        errs.add("[case]", "published", msg)
    article = meta.get("article")
    if article is not None and not isinstance(article, str):
        errs.add("[case]", "article", f"must be one path or URL as a string, not {type(article).__name__}"
                 f" {article!r}")
    elif isinstance(article, str) and "://" in article:
        _check_url(errs, "[case]", "article", article)
    elif isinstance(article, str) and article:
        _check_article_file(errs, root, article)

    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list) or not raw_sources:
        errs.add("[case]", "sources", "at least one [[sources]] entry is required")
        raw_sources = []
    seen: dict[str, int] = {}
    sources: list[SourceSpec] = []
    for n, src in enumerate(raw_sources, start=1):
        sid = str(src.get("id", "")) if isinstance(src, dict) else ""
        where = f"source '{sid}'" if sid else f"source #{n}"
        if not isinstance(src, dict):
            errs.add(where, "sources", "each [[sources]] entry must be a table")
            continue
        for key in src:
            if key not in SOURCE_FIELDS:
                errs.add(where, key, f"unknown field (known fields: {', '.join(sorted(SOURCE_FIELDS))})")
        for key in REQUIRED_SOURCE_FIELDS:
            if not src.get(key):
                errs.add(where, key, "required field is missing")
        if sid:
            if not ID_RE.match(sid):
                errs.add(where, "id", f"{sid!r} must be lowercase letters, digits and dashes")
            if sid == "article":
                errs.add(where, "id", "'article' is reserved for the article itself")
            if sid in seen:
                errs.add(where, "id", f"duplicate source id (also source #{seen[sid]})")
            seen.setdefault(sid, n)
        if src.get("kind") and src["kind"] not in SOURCE_KINDS:
            errs.add(where, "kind", f"{src['kind']!r} is not one of {', '.join(SOURCE_KINDS)}")
        if src.get("format") and src["format"] not in FORMATS:
            errs.add(where, "format", f"{src['format']!r} is not one of {', '.join(FORMATS)}")
        url, spath = src.get("url"), src.get("path")
        if not url and not spath:
            errs.add(where, "url", "a source needs a 'url' or a 'path'")
        if url:
            _check_url(errs, where, "url", url)
        if spath is not None and (not isinstance(spath, str) or not spath.strip()):
            errs.add(where, "path", "must be a non-empty string")
        mirrors = _str_list(errs, where, "mirrors", src.get("mirrors"))
        for m in mirrors:
            _check_url(errs, where, "mirrors", m)
        if src.get("published") is not None and (msg := check_date(src["published"])):
            errs.add(where, "published", msg)
        editions = src.get("editions", {})
        if not isinstance(editions, dict):
            errs.add(where, "editions", "must be a table")
            editions = {}
        _check_editions(errs, where, editions)
        sources.append(
            SourceSpec(
                id=sid,
                title=str(src.get("title", "")),
                publisher=str(src.get("publisher", "")),
                kind=str(src.get("kind", "")),
                url=url,
                path=spath,
                mirrors=mirrors,
                format=src.get("format"),
                published=_iso(src.get("published")),
                cited_as=_str_list(errs, where, "cited_as", src.get("cited_as")),
                series=src.get("series"),
                editions=editions,
            )
        )
    errs.raise_if_any()
    return Case(
        id=str(meta["id"]),
        title=str(meta["title"]),
        article=str(meta["article"]),
        published=_iso(meta.get("published")),
        root=root.resolve(),
        sources=tuple(sources),
        case_file=case_file.resolve(),
    )
