"""``claimcheck review`` and ``claimcheck reviews export|import``.

Mounted into :mod:`flows.cli` (``app.command()(review)`` and
``app.add_typer(reviews_app, name="reviews")``).  Kept apart so it does not
import the flow or Prefect.
"""
from __future__ import annotations

import contextlib
import logging
import secrets
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape

from extractors.errors import RegistryError
from extractors.settings import DEFAULT_CASE, Settings

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

EXIT_HELP = ("Exit codes: 0 done; 2 bad input (the message names the file and line); "
             "1 the file system refused (permission, disk full).")


def _fail(exc: BaseException, code: int) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
    return typer.Exit(code=code)


class _Warnings(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"[yellow]warning:[/] {escape(record.getMessage())}", soft_wrap=True)


@contextlib.contextmanager
def _log_warnings() -> Iterator[None]:
    """Bad lines of reviews.jsonl (logged by the store) as one line each on stderr."""
    logger = logging.getLogger("claimcheck.review")
    handler = _Warnings(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


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
    token: Optional[str] = typer.Option(
        None, "--token",
        help="Require this access token on every request (for machines shared with other users); "
             "'auto' makes a random one. The address printed at start carries it; the page keeps it "
             "in a cookie. Default: CLAIMCHECK_REVIEW_TOKEN, or no token."),
) -> None:
    """Open the review app: the report with a decision form per claim-source row and mention.

    Serves http://127.0.0.1:8765/ until Ctrl-C.  Each decision (confirmed,
    rejected or corrected, with a note) is appended to OUT/reviews.jsonl and
    mirrored in the `reviews` table of OUT/claimcheck.duckdb; the next
    `claimcheck run` applies it, or flags the row `stale` when its evidence
    changed since.  With --token (or CLAIMCHECK_REVIEW_TOKEN) every request
    must carry the token: open the printed address once.
    """
    from extractors.registry.case import load_case
    from flows.review_app import serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[bold red]error:[/] refusing to listen on {host}: the review app has no login "
                  "and is meant for 127.0.0.1 only")
        raise typer.Exit(code=2)
    settings = Settings.from_env(out_dir=out, review_token=token)
    if settings.review_token == "auto":
        settings = settings.with_(review_token=secrets.token_urlsafe(32))
    try:
        c = load_case(case)
    except RegistryError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(code=2) from exc
    tables = settings.out_dir / c.id / "source_claims.parquet"
    if not tables.exists():
        err.print(f"[yellow]no tables yet for {escape(c.id)}[/] under {escape(str(settings.out_dir))}; "
                  "run `claimcheck run` first", soft_wrap=True)
        raise typer.Exit(code=1)
    url = f"http://{host}:{port}/" + (f"?token={settings.review_token}" if settings.review_token else "")
    # one plain line, flushed: scripts and terminals pick the address up whole
    print(f"review app for case {c.id}: {url}  (Ctrl-C to stop)", flush=True)
    serve(case, settings, host=host, port=port)


reviews_app = typer.Typer(
    help="Move review decisions between analysts as CSV (one row per decision event). " + EXIT_HELP,
    no_args_is_help=True,
)


@reviews_app.command("export")
def export_reviews(
    file: Path = typer.Argument(..., help="CSV file to write."),
    case_id: Optional[str] = typer.Option(None, "--case-id", help="Only this case's decisions (default: all)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=_OUT_HELP),
) -> None:
    """Write every recorded decision event to FILE.csv (all cases unless --case-id).

    Text cells starting with =, +, -, @, a tab or a carriage return get a
    leading single quote so a spreadsheet shows them as text; `reviews
    import` removes it.  The folder of FILE must exist.
    """
    from extractors.review import ReviewError, export_csv

    settings = Settings.from_env(out_dir=out)
    try:
        with _log_warnings():
            n = export_csv(settings.out_dir, file, case_id)
    except ReviewError as exc:
        raise _fail(exc, 2) from None
    except OSError as exc:
        raise _fail(f"cannot write {file}: {exc.strerror or exc}", 1) from None
    console.print(f"exported {n} decision(s) to {escape(str(file))}", soft_wrap=True)


@reviews_app.command("import")
def import_reviews(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV written by `reviews export`."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=_OUT_HELP),
) -> None:
    """Add the decisions of FILE.csv to the record; ones already there are skipped.

    The latest decision per row wins (by decision time), so importing a
    colleague's older decision does not override a newer one of yours.
    decided_at is ISO-8601; a time without a zone is read as UTC; a time that
    cannot be read or lies in the future (beyond 5 minutes) is refused.
    Exit 2 with the line of the file when a row is invalid or the file is
    not UTF-8 CSV (nothing is imported); exit 1 when the record cannot be
    written.
    """
    from extractors.review import ReviewError, import_csv, sync_reviews_duckdb

    settings = Settings.from_env(out_dir=out)
    try:
        with _log_warnings():
            added, skipped = import_csv(settings.out_dir, file)
    except ReviewError as exc:
        raise _fail(exc, 2) from None
    except OSError as exc:
        raise _fail(f"{exc.filename or file}: {exc.strerror or exc}", 1) from None
    try:
        sync_reviews_duckdb(settings.out_dir)
    except Exception as exc:  # noqa: BLE001 - the JSON lines record holds them; the next save or run catches up
        err.print(f"[yellow]note:[/] reviews table in DuckDB not updated now ({escape(str(exc).splitlines()[0])}); "
                  "the next save or run catches up", soft_wrap=True)
    console.print(f"imported {added} decision(s), {skipped} already present")
