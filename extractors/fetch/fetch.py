"""The fetch stage: one ``DocumentRow`` per source, never an exception.

For each source the candidates are tried in order: ``url``, each of
``mirrors``, the archive copy (only when ``archive_fallback`` is on), then
the local ``path`` if one is given.  A candidate whose bytes look wrong (a
declared PDF that is HTML, an error page served with 200, a truncated PDF)
is kept as a fallback while later candidates are tried; if none does better
it is used, with the reasons in ``error`` prefixed ``warning:``.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from extractors.errors import FetchError
from extractors.fetch import guard
from extractors.fetch.http import Fetcher, HttpResult, describe
from extractors.fetch.sniff import sniff, warnings_for
from extractors.fetch.store import RawStore, StoredVersion, utcnow
from extractors.model import DocumentRow, SourceSpec
from extractors.settings import Settings

OFFLINE_MISSING = "offline and no stored copy; run `claimcheck fetch` with network first"


def archive_url(url: str, settings: Settings) -> str:
    ts = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    return settings.archive_url.format(url=url, timestamp=ts)


def candidate_urls(spec: SourceSpec, settings: Settings) -> list[tuple[str, str]]:
    """(label, url) pairs in the order they are tried."""
    out: list[tuple[str, str]] = []
    if spec.url:
        out.append(("url", spec.url))
    for i, m in enumerate(spec.mirrors, 1):
        out.append((f"mirror {i}", m))
    if settings.archive_fallback and spec.url:
        out.append(("archive", archive_url(spec.url, settings)))
    seen: set[str] = set()
    uniq = []
    for label, u in out:
        if u not in seen:
            seen.add(u)
            uniq.append((label, u))
    return uniq


def _warn_text(warnings: list[str]) -> str | None:
    return "; ".join(f"warning: {w}" for w in warnings) or None


def _row_from_version(spec_id: str, v: StoredVersion, *, http_status: int | None, fetched_at: str,
                      warnings: list[str]) -> DocumentRow:
    return DocumentRow(
        source_id=spec_id, url=v.url, final_url=v.final_url, status="ok", http_status=http_status,
        content_type=v.content_type, bytes=v.bytes, sha256=v.sha256, fetched_at=fetched_at,
        error=_warn_text(warnings),
    )


# ---------------------------------------------------------------------- one source


def fetch_source(spec: SourceSpec, case_root: Path, store: RawStore, settings: Settings, *,
                 client: Fetcher | None = None) -> DocumentRow:
    try:
        if settings.offline:
            if spec.path and (not (spec.url or spec.mirrors) or store.latest(spec.id) is None):
                # a file in the case folder needs no network: read it as a run with network would
                try:
                    return _done(store, _local(spec, Path(case_root), store, settings), [])
                except FetchError as exc:
                    return _failed(spec, store, [f"path: {exc}"])
            return _offline(spec, store)
        own = client is None and bool(spec.url or spec.mirrors)
        fetcher = Fetcher(settings) if own else client
        try:
            return _online(spec, Path(case_root), store, settings, fetcher)
        finally:
            if own and fetcher is not None:
                fetcher.close()
    except Exception as exc:  # noqa: BLE001 - a per-source problem must not stop the run
        row = DocumentRow(source_id=spec.id, url=spec.url or spec.path, status="failed",
                          fetched_at=utcnow(), error=f"unexpected {type(exc).__name__}: {exc}")
        try:
            store.record_attempt(row)
        except OSError:
            pass
        return row


def _offline(spec: SourceSpec, store: RawStore) -> DocumentRow:
    latest = store.latest(spec.id)
    if latest is None or not store.has(latest.sha256):
        row = DocumentRow(source_id=spec.id, url=spec.url or spec.path, status="failed", error=OFFLINE_MISSING)
        return row
    try:
        data = store.read(latest.sha256)
    except (OSError, ValueError) as exc:
        return DocumentRow(source_id=spec.id, url=latest.url, status="failed",
                           error=f"offline and the stored copy {latest.sha256[:12]} is unreadable: {exc}")
    warnings = warnings_for(data, latest.content_type or sniff(data), spec.format,
                            latest.provenance.get("header_content_type"), url=latest.final_url)
    return _row_from_version(spec.id, latest, http_status=latest.provenance.get("http_status"),
                             fetched_at=latest.fetched_at, warnings=warnings)


def _online(spec: SourceSpec, case_root: Path, store: RawStore, settings: Settings,
            fetcher: Fetcher | None) -> DocumentRow:
    failures: list[str] = []  # one readable line per candidate that failed
    statuses: dict[str, int] = {}  # last HTTP status answered per candidate url
    weak: tuple[str, HttpResult, str, list[str]] | None = None  # label, result, format, warnings
    latest = store.latest(spec.id)

    def on_failure(url: str, final_url: str | None, status: int | None, error: str) -> None:
        if status is not None:
            statuses[url] = status
        store.record_attempt(DocumentRow(source_id=spec.id, url=url, final_url=final_url, status="failed",
                                         http_status=status, fetched_at=utcnow(), error=error))

    candidates = candidate_urls(spec, settings)
    for index, (label, url) in enumerate(candidates):
        assert fetcher is not None
        more_to_try = index < len(candidates) - 1 or bool(spec.path)
        prefix = "" if label == "url" else f"{label}: "
        try:
            guard.check_scheme(url)
        except FetchError as exc:
            failures.append(prefix + str(exc))
            on_failure(url, None, None, str(exc))
            continue
        cond = latest if latest is not None and latest.url == url and store.has(latest.sha256) else None
        try:
            res = fetcher.get(url, etag=cond.etag if cond else None,
                              last_modified=cond.last_modified if cond else None, on_failure=on_failure)
        except Exception as exc:  # noqa: BLE001 - every try was recorded by on_failure
            text = describe(exc)
            final = getattr(exc, "final_url", None)
            if url not in text and not (final and final in text):
                text += f" ({url})"
            tries = getattr(exc, "tries", 1)
            if tries > 1:
                text += f" after {tries} tries"
            failures.append(prefix + text)
            continue

        if res.not_modified:
            if cond is None:
                failures.append(f"{label}: HTTP 304 from {url} without a conditional request")
                continue
            data = store.read(cond.sha256)
            warnings = warnings_for(data, cond.content_type or sniff(data), spec.format,
                                    cond.provenance.get("header_content_type"), url=cond.final_url)
            row = _row_from_version(spec.id, cond, http_status=304, fetched_at=utcnow(), warnings=warnings)
            row.url, row.final_url = url, res.final_url
            return _done(store, row, failures)

        data = res.data or b""
        if not data:
            failures.append(f"{label}: empty body (HTTP {res.status}) from {res.final_url}")
            on_failure(url, res.final_url, res.status, failures[-1])
            continue
        fmt = sniff(data, res.content_type, res.final_url)
        warnings = warnings_for(data, fmt, spec.format, res.content_type, url=res.final_url)
        if warnings and more_to_try:
            if weak is None:
                weak = (label, res, fmt, warnings)
            sha = store.put_object(data)  # keep the bytes we judged, even if unused
            store.record_attempt(DocumentRow(
                source_id=spec.id, url=url, final_url=res.final_url, status="ok", http_status=res.status,
                content_type=fmt, bytes=len(data), sha256=sha, fetched_at=utcnow(),
                error=_warn_text(warnings + ["looking for a better candidate"])))
            continue
        return _done(store, _store_result(spec, store, label, res, fmt, warnings), failures)

    if spec.path:  # the case's own copy beats a doubtful download
        try:
            return _done(store, _local(spec, case_root, store, settings), failures)
        except FetchError as exc:
            failures.append(f"path: {exc}")

    if weak is not None:
        label, res, fmt, warnings = weak
        return _done(store, _store_result(spec, store, label, res, fmt, warnings), failures)

    if not failures:
        failures.append("no url, mirrors or path in case.toml")
    primary = spec.url or next(iter(statuses), None)
    return _failed(spec, store, failures, http_status=statuses.get(primary) if primary else None)


def _store_result(spec: SourceSpec, store: RawStore, label: str, res: HttpResult, fmt: str,
                  warnings: list[str]) -> DocumentRow:
    fetched_at = utcnow()
    version = store.put(spec.id, res.data or b"", {
        "url": res.url, "final_url": res.final_url, "content_type": fmt, "fetched_at": fetched_at,
        "etag": res.etag, "last_modified": res.last_modified, "http_status": res.status,
        "header_content_type": res.content_type, "redirects": res.redirects, "wire_bytes": res.wire_bytes,
        "tries": res.tries, "candidate": label,
    })
    return DocumentRow(
        source_id=spec.id, url=res.url, final_url=res.final_url, status="ok", http_status=res.status,
        content_type=fmt, bytes=len(res.data or b""), sha256=version.sha256, fetched_at=fetched_at,
        error=_warn_text(warnings),
    )


def _local(spec: SourceSpec, case_root: Path, store: RawStore, settings: Settings) -> DocumentRow:
    assert spec.path
    full = guard.resolve_local_path(spec.path, case_root, settings.allow_paths_outside_case)
    size = full.stat().st_size
    if size > settings.max_bytes:
        raise FetchError(f"local file {full} is {size} bytes, over max_bytes={settings.max_bytes}")
    data = full.read_bytes()
    root = case_root.resolve()
    shown = full.relative_to(root).as_posix() if full.is_relative_to(root) else str(full)
    fmt = sniff(data, None, full.name)
    warnings = warnings_for(data, fmt, spec.format, None, url=full.name)
    fetched_at = utcnow()
    version = store.put(spec.id, data, {
        "url": spec.path, "final_url": f"file:{shown}", "content_type": fmt, "fetched_at": fetched_at,
        "candidate": "path",
    })
    return DocumentRow(source_id=spec.id, url=spec.path, final_url=f"file:{shown}", status="ok",
                       content_type=fmt, bytes=len(data), sha256=version.sha256, fetched_at=fetched_at,
                       error=_warn_text(warnings))


def _done(store: RawStore, row: DocumentRow, failures: list[str]) -> DocumentRow:
    if failures:
        note = "warning: used " + (row.url or "?") + "; other candidates: " + " | ".join(failures)
        row.error = f"{row.error}; {note}" if row.error else note
    store.record_attempt(row)
    return row


def _failed(spec: SourceSpec, store: RawStore, failures: list[str],
            http_status: int | None = None) -> DocumentRow:
    first, rest = failures[0], failures[1:]
    error = first
    if rest:
        error += f"; {len(rest)} mirror{'s' if len(rest) > 1 else ''} tried: " + " | ".join(rest)
    row = DocumentRow(source_id=spec.id, url=spec.url or spec.path, status="failed", fetched_at=utcnow(),
                      http_status=http_status, error=error)
    store.record_attempt(row)
    return row


# ---------------------------------------------------------------------- all sources


def fetch_all(specs: list[SourceSpec], case_root: Path, store: RawStore, settings: Settings,
              progress: Callable[[DocumentRow], None] | None = None) -> list[DocumentRow]:
    """Fetch every source concurrently; results in the order of *specs*."""
    specs = list(specs)
    if not specs:
        return []
    rows: list[DocumentRow | None] = [None] * len(specs)
    fetcher = None if settings.offline else Fetcher(settings)
    workers = max(1, min(len(specs), 8))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
            futures = {pool.submit(fetch_source, spec, case_root, store, settings, client=fetcher): i
                       for i, spec in enumerate(specs)}
            for fut in as_completed(futures):
                row = fut.result()  # fetch_source never raises
                rows[futures[fut]] = row
                if progress is not None:
                    progress(row)
    finally:
        if fetcher is not None:
            fetcher.close()
    return [r for r in rows if r is not None]
