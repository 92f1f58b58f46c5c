"""New editions of yearly publications (a source's ``series``).

A source declares how its editions are found in a ``[sources.editions]``
table of case.toml, in one of two ways:

* ``template = "https://.../country-reports-on-terrorism-{year}/kosovo/"``
  with ``first_year``: each year after the newest known edition, up to next
  year, is probed over HTTP; an answer 200 is an edition.
* ``index = "https://.../strategy-and-reports_en"`` with ``link_pattern``, a
  regular expression with a named group ``year``: the index page is fetched
  and every link matching the pattern is an edition.

Editions found are recorded in an append-only ledger file
``<state_dir>/editions/<case-id>.json`` -- case.toml is never edited -- and
:func:`with_editions` adds them to the case as extra sources, so every later
run (and ``claimcheck watch``) processes them.  Every request goes through
the project's one guarded client (:class:`extractors.fetch.http.Fetcher`):
addresses checked at every redirect hop, bodies capped, no proxy variables.
No Prefect here.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote, urljoin

import httpx

from extractors.errors import FetchError, RegistryError
from extractors.fetch import guard
from extractors.fetch.guard import BlockedAddress
from extractors.fetch.http import Fetcher, HTTPStatusError, RetryableError, describe
from extractors.export.tables import atomic_write_bytes
from extractors.model import Case, SourceSpec
from extractors.settings import Settings

_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


@dataclass(frozen=True)
class Edition:
    series: str
    year: int
    url: str
    source_id: str  # id of the source this edition becomes
    based_on: str  # id of the case source it was derived from
    found_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"series": self.series, "year": self.year, "url": self.url,
                "source_id": self.source_id, "based_on": self.based_on, "found_at": self.found_at}


# ----------------------------------------------------------------- known editions


def edition_year(spec: SourceSpec) -> int | None:
    """The year of a source's edition: from its URL via the series rule, its id, or its date."""
    rule = spec.editions or {}
    if spec.url and rule.get("link_pattern"):
        m = re.search(rule["link_pattern"], unquote(spec.url)) or re.search(rule["link_pattern"], spec.url)
        if m and m.groupdict().get("year"):
            return int(m.group("year"))
    if spec.url and rule.get("template"):
        y = _year_from_template(rule["template"], spec.url)
        if y:
            return y
    m = list(_YEAR.finditer(spec.id))
    if m:
        return int(m[-1].group(0))
    if spec.published:
        return int(spec.published[:4])
    return None


def _year_from_template(template: str, url: str) -> int | None:
    pattern = re.escape(template).replace(re.escape("{year}"), r"(?P<year>\d{4})")
    m = re.fullmatch(pattern, url)
    return int(m.group("year")) if m else None


def series_sources(case: Case) -> dict[str, list[SourceSpec]]:
    """Sources grouped by ``series`` (only series with at least one source)."""
    out: dict[str, list[SourceSpec]] = {}
    for s in case.sources:
        if s.series:
            out.setdefault(s.series, []).append(s)
    return out


def _rule_source(sources: list[SourceSpec]) -> SourceSpec | None:
    """The newest source of a series that declares how editions are found."""
    with_rule = [s for s in sources if s.editions and (s.editions.get("template") or s.editions.get("index"))]
    if not with_rule:
        return None
    return max(with_rule, key=lambda s: edition_year(s) or 0)


# ----------------------------------------------------------------- ledger


def ledger_path(settings: Settings, case_id: str) -> Path:
    return Path(settings.state_dir) / "editions" / f"{case_id}.json"


def load_ledger(settings: Settings, case_id: str) -> list[Edition]:
    path = ledger_path(settings, case_id)
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Edition(**e) for e in data.get("editions", [])]


def record_editions(settings: Settings, case_id: str, new: Iterable[Edition]) -> list[Edition]:
    """Add editions to the ledger (existing entries are never changed); returns the ledger."""
    known = load_ledger(settings, case_id)
    seen = {(e.series, e.year) for e in known}
    added = [e for e in new if (e.series, e.year) not in seen]
    if added:
        everything = known + added
        payload = {"case_id": case_id, "editions": [e.to_dict() for e in everything]}
        atomic_write_bytes(ledger_path(settings, case_id),
                           (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode())
        return everything
    return known


# ----------------------------------------------------------------- the case with its editions


def edition_spec(base: SourceSpec, year: int, url: str) -> SourceSpec:
    """A source for another edition of *base*: same series, year swapped in id and title."""
    old = edition_year(base)

    def swap(text: str) -> str:
        if old and str(old) in text:
            return text.replace(str(old), str(year))
        return f"{text}-{year}" if text == base.id else f"{text} ({year})"

    return replace(base, id=swap(base.id), title=swap(base.title), url=url, path=None, mirrors=(),
                   format=None, published=None, cited_as=())


def with_editions(case: Case, editions: Iterable[Edition]) -> Case:
    """The case plus one source per recorded edition not already in case.toml."""
    have_ids = {s.id for s in case.sources}
    by_series = series_sources(case)
    have_years = {(series, edition_year(s)) for series, specs in by_series.items() for s in specs}
    extra: list[SourceSpec] = []
    for e in sorted(editions, key=lambda e: (e.series, e.year)):
        if e.source_id in have_ids or (e.series, e.year) in have_years:
            continue
        try:
            base = case.source(e.based_on)
        except KeyError:
            continue
        spec = edition_spec(base, e.year, e.url)
        if spec.id != e.source_id:
            spec = replace(spec, id=e.source_id)
        extra.append(spec)
        have_ids.add(spec.id)
    return replace(case, sources=tuple(case.sources) + tuple(extra)) if extra else case


# ----------------------------------------------------------------- finding new editions


def _probe(fetcher: Fetcher, url: str) -> bool:
    """Does *url* answer 200/206?  Through the guarded client: every redirect
    hop is scheme- and address-checked (a refusal raises FetchError)."""
    try:
        return fetcher.probe(url).status in (200, 206)
    except (HTTPStatusError, RetryableError):
        return False


def _decode(data: bytes, content_type: str | None) -> str:
    charset = None
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"') or None
    try:
        return data.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _refusal(exc: FetchError) -> str:
    if isinstance(exc, BlockedAddress):
        return f"a private address was refused: {exc}"
    return str(exc)


def index_links(html: str, base_url: str, link_pattern: str) -> dict[int, str]:
    """``year -> absolute URL`` of every link on an index page matching *link_pattern*."""
    rx = re.compile(link_pattern)
    out: dict[int, str] = {}
    for m in _HREF.finditer(html):
        href = next(g for g in m.groups() if g is not None).strip()
        hit = rx.search(href) or rx.search(unquote(href))
        if hit and hit.groupdict().get("year"):
            out.setdefault(int(hit.group("year")), urljoin(base_url, href))
    return out


def find_new_editions(case: Case, settings: Settings, known: Iterable[Edition] = (),
                      *, now: datetime | None = None) -> tuple[list[Edition], list[str]]:
    """Editions newer than every one known (case.toml and ledger), per series.

    Returns ``(editions, problems)``; a series whose index cannot be read is a
    problem line, not an exception.
    """
    if settings.offline:
        return [], ["offline: editions not looked up"]
    now = now or datetime.now(timezone.utc)
    found_at = now.isoformat(timespec="seconds")
    known = list(known)
    editions: list[Edition] = []
    problems: list[str] = []
    with Fetcher(settings) as fetcher:
        for series, specs in sorted(series_sources(case).items()):
            base = _rule_source(specs)
            if base is None:
                continue
            rule = base.editions
            years = [y for y in (edition_year(s) for s in specs) if y]
            years += [e.year for e in known if e.series == series]
            newest = max(years) if years else int(rule.get("first_year", now.year)) - 1
            candidates: dict[int, str] = {}
            if rule.get("template"):
                if "{year}" not in rule["template"]:
                    raise RegistryError(f"source {base.id}: editions.template has no {{year}}")
                for year in range(max(newest + 1, int(rule.get("first_year", 0))), now.year + 2):
                    url = rule["template"].replace("{year}", str(year))
                    try:
                        if _probe(fetcher, url):
                            candidates[year] = url
                    except FetchError as exc:
                        problems.append(f"{series}: {year} edition at {url} not probed: {_refusal(exc)}")
                    except httpx.HTTPError as exc:
                        problems.append(f"{series}: {year} edition at {url} not probed: {describe(exc)}")
            elif rule.get("index"):
                if not rule.get("link_pattern") or "(?P<year>" not in rule["link_pattern"]:
                    raise RegistryError(f"source {base.id}: editions.link_pattern needs a (?P<year>...) group")
                try:
                    page = fetcher.get(rule["index"])
                except FetchError as exc:
                    problems.append(f"{series}: index {rule['index']} unreadable: {_refusal(exc)}")
                    continue
                except httpx.HTTPError as exc:
                    problems.append(f"{series}: index {rule['index']} unreadable: {describe(exc)}")
                    continue
                links = index_links(_decode(page.data or b"", page.content_type), page.final_url,
                                    rule["link_pattern"])
                for year, url in sorted(links.items()):
                    if year <= newest or year < int(rule.get("first_year", 0)):
                        continue
                    try:  # a link is recorded only where the fetcher would be allowed to go
                        guard.check_url(url, settings.allow_private_addresses, settings.allowed_networks)
                    except FetchError as exc:
                        problems.append(f"{series}: {year} edition link {url} not recorded: {_refusal(exc)}")
                        continue
                    candidates[year] = url
            for year, url in sorted(candidates.items()):
                spec = edition_spec(base, year, url)
                editions.append(Edition(series=series, year=year, url=url, source_id=spec.id,
                                        based_on=base.id, found_at=found_at))
    return editions, problems


__all__ = ["Edition", "edition_spec", "edition_year", "find_new_editions", "index_links",
           "ledger_path", "load_ledger", "record_editions", "series_sources", "with_editions"]
