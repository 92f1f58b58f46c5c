"""`claimcheck store ...`: look at the raw document store.

The lead mounts this as ``app.add_typer(store_app, name="store")``.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from extractors.settings import Settings

if TYPE_CHECKING:  # imported where used: loading the CLI (any command) need not import the fetch stage
    from extractors.fetch.store import RawStore

store_app = typer.Typer(help="List and inspect the raw document store (stored versions, hashes, fetch attempts).",
                        no_args_is_help=True)

StoreOpt = typer.Option(None, "--store", help="Store directory (default: settings store_dir, CLAIMCHECK_STORE_DIR).")


def _store(store: Optional[Path]) -> RawStore:
    from extractors.fetch.store import RawStore

    return RawStore(store or Settings.from_env().store_dir)


def _console() -> Console:
    return Console(width=max(200, Console().width))



def _cells(*values: str) -> list[str]:
    """Table cells shown as written: a URL or an error with [brackets] is text, not markup."""
    return [escape(v) for v in values]

@store_app.command("list")
def list_cmd(store: Optional[Path] = StoreOpt) -> None:
    """One line per source: number of versions and the newest one."""
    rs = _store(store)
    ids = rs.source_ids()
    console = _console()
    if not ids:
        console.print(f"no stored documents in {escape(str(rs.root))}")
        return
    table = Table(title=escape(f"Raw store {rs.root}"))
    for col in ("source_id", "versions", "latest fetched_at", "sha256", "bytes", "format", "final_url"):
        table.add_column(col, overflow="fold")
    for sid in ids:
        vs = rs.versions(sid)
        v = vs[-1]
        table.add_row(*_cells(sid, str(len(vs)), v.fetched_at, v.sha256[:16], str(v.bytes), v.content_type or "",
                              v.final_url or ""))
    console.print(table)


@store_app.command("show")
def show_cmd(source_id: str = typer.Argument(..., help="Source id from case.toml."),
             store: Optional[Path] = StoreOpt,
             attempts: int = typer.Option(10, help="How many of the latest fetch attempts to show.")) -> None:
    """Every stored version of one source (oldest first) and its latest fetch attempts."""
    rs = _store(store)
    vs = rs.versions(source_id)
    tries = rs.attempts(source_id)
    console = _console()
    if not vs and not tries:
        console.print(f"[red]no stored versions or attempts for {escape(repr(source_id))} in {escape(str(rs.root))}[/red]")
        raise typer.Exit(code=1)
    table = Table(title=escape(f"{source_id}: {len(vs)} stored version(s)"))
    for col in ("#", "fetched_at", "sha256", "bytes", "format", "http", "etag", "last_modified", "final_url"):
        if col == "sha256":
            table.add_column(col, no_wrap=True, min_width=64)
        else:
            table.add_column(col, overflow="fold")
    for i, v in enumerate(vs, 1):
        table.add_row(*_cells(str(i), v.fetched_at, v.sha256, str(v.bytes), v.content_type or "",
                              str(v.provenance.get("http_status") or ""), v.etag or "", v.last_modified or "",
                              v.final_url or ""))
    console.print(table)
    if tries and attempts > 0:
        t = Table(title=f"latest {min(attempts, len(tries))} of {len(tries)} fetch attempt(s)")
        for col in ("fetched_at", "status", "http", "url", "sha256", "error"):
            t.add_column(col, overflow="fold")
        for a in tries[-attempts:]:
            t.add_row(*_cells(a.get("fetched_at") or a.get("recorded_at") or "", a.get("status") or "",
                              str(a.get("http_status") or ""), a.get("url") or "", (a.get("sha256") or "")[:16],
                              a.get("error") or ""))
        console.print(t)


def render_fetch_rows(rows, console: Console | None = None) -> None:
    """Print the documents rows of a fetch run (for `claimcheck fetch`): one line per source."""
    console = console or _console()
    table = Table(title="fetch")
    for col in ("source_id", "status", "http", "format", "bytes", "sha256", "final_url", "error"):
        table.add_column(col, overflow="fold")
    for r in rows:
        colour = "green" if r.status == "ok" and not r.error else ("yellow" if r.status == "ok" else "red")
        table.add_row(escape(r.source_id), f"[{colour}]{escape(r.status)}[/{colour}]",
                      *_cells(str(r.http_status or ""), r.content_type or "", str(r.bytes or ""),
                              (r.sha256 or "")[:16], r.final_url or "", r.error or ""))
    console.print(table)
    ok = sum(r.status == "ok" for r in rows)
    warned = sum(r.status == "ok" and bool(r.error) for r in rows)
    console.print(f"{ok}/{len(rows)} fetched ({warned} with warnings), {len(rows) - ok} failed")
