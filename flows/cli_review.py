"""``claimcheck review`` and ``claimcheck reviews export|import``.

Mounted into :mod:`flows.cli` (``app.command()(review)`` and
``app.add_typer(reviews_app, name="reviews")``).  Kept apart so it does not
import the flow or Prefect.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from extractors.errors import RegistryError
from extractors.settings import DEFAULT_CASE, Settings

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

_OUT_HELP = ("Output folder holding <case-id>/ tables and reviews.jsonl "
             "(default: outputs/ in the project, or CLAIMCHECK_OUT_DIR).")


def review(
    case: Path = typer.Option(DEFAULT_CASE, "--case", "-c", show_default=False,
                              help="Case folder (holding case.toml) or the case.toml file. "
                                   "Default: corpus/cases/serbia-after-banjska."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=_OUT_HELP),
    port: int = typer.Option(8765, "--port", help="Port on 127.0.0.1."),
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to listen on. Only loopback addresses are accepted."),
) -> None:
    """Open the review app: the report with a decision form per claim-source row and mention.

    Serves http://127.0.0.1:8765/ until Ctrl-C.  Each decision (confirmed,
    rejected or corrected, with a note) is appended to OUT/reviews.jsonl and
    mirrored in the `reviews` table of OUT/claimcheck.duckdb; the next
    `claimcheck run` applies it, or flags the row `stale` when its evidence
    changed since.
    """
    from extractors.registry.case import load_case
    from flows.review_app import serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[bold red]error:[/] refusing to listen on {host}: the review app has no login "
                  "and is meant for 127.0.0.1 only")
        raise typer.Exit(code=2)
    settings = Settings.from_env(out_dir=out)
    try:
        c = load_case(case)
    except RegistryError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    tables = settings.out_dir / c.id / "source_claims.parquet"
    if not tables.exists():
        err.print(f"[yellow]no tables yet for {c.id}[/] under {settings.out_dir}; run `claimcheck run` first")
        raise typer.Exit(code=1)
    console.print(f"review app for case [bold]{c.id}[/]: http://{host}:{port}/  (Ctrl-C to stop)")
    serve(case, settings, host=host, port=port)


reviews_app = typer.Typer(
    help="Move review decisions between analysts as CSV (one row per decision event).",
    no_args_is_help=True,
)


@reviews_app.command("export")
def export_reviews(
    file: Path = typer.Argument(..., help="CSV file to write."),
    case_id: Optional[str] = typer.Option(None, "--case-id", help="Only this case's decisions (default: all)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=_OUT_HELP),
) -> None:
    """Write every recorded decision event to FILE.csv (all cases unless --case-id)."""
    from extractors.review import export_csv

    settings = Settings.from_env(out_dir=out)
    n = export_csv(settings.out_dir, file, case_id)
    console.print(f"exported {n} decision(s) to {file}")


@reviews_app.command("import")
def import_reviews(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV written by `reviews export`."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=_OUT_HELP),
) -> None:
    """Add the decisions of FILE.csv to the record; ones already there are skipped.

    The latest decision per row wins (by decision time), so importing a
    colleague's older decision does not override a newer one of yours.
    Exit 2 with the line number when a row is invalid (nothing is imported).
    """
    from extractors.review import ReviewError, import_csv, sync_reviews_duckdb

    settings = Settings.from_env(out_dir=out)
    try:
        added, skipped = import_csv(settings.out_dir, file)
    except ReviewError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    try:
        sync_reviews_duckdb(settings.out_dir)
    except Exception as exc:  # noqa: BLE001 - the JSON lines record holds them; next run rebuilds
        err.print(f"[yellow]note:[/] reviews table in DuckDB not rebuilt now ({exc})")
    console.print(f"imported {added} decision(s), {skipped} already present")
