"""The ``claimcheck`` command line.

Every command and option is documented in its ``--help``; the README's
command list is checked against this module by the tests.
"""
from __future__ import annotations

import os
import time

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from extractors.errors import RegistryError
from extractors.settings import Settings

app = typer.Typer(
    name="claimcheck",
    help=(
        "Check an article against the primary sources it cites.\n\n"
        "A case is a folder with case.toml (the source registry) and the article. "
        "`claimcheck run` fetches every source, parses it into located passages, "
        "runs spaCy (Banjska mentions, entity relations), splits the article into "
        "claims and writes the source-to-claim table with verdicts and evidence "
        "to outputs/<case-id>/ and outputs/claimcheck.duckdb.\n\n"
        "Settings can also come from CLAIMCHECK_* environment variables "
        "(e.g. CLAIMCHECK_MODEL, CLAIMCHECK_STORE_DIR); see the README."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=False, highlight=False)
_T0 = time.perf_counter()


def _process_age(now: float) -> float:
    """Seconds between the start of this process and *now* (perf_counter);
    0 where /proc is not available."""
    try:
        ticks = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19])
        uptime = float(open("/proc/uptime").read().split()[0])
        age_now = uptime - ticks / os.sysconf("SC_CLK_TCK")
        return max(0.0, age_now - (time.perf_counter() - now))
    except (OSError, ValueError, IndexError):
        return 0.0
err_console = Console(stderr=True, highlight=False)

from flows.cli_options import (  # noqa: E402 - shared with flows/cli_ops.py
    AllowPrivateOpt, CaseOpt, DaskOpt, ModelOpt, OfflineOpt, OutOpt, StoreOpt,
)


def _settings(out: Optional[Path], store: Optional[Path], model: Optional[str],
              offline: bool, allow_private: bool) -> Settings:
    return Settings.from_env(
        out_dir=out, store_dir=store, model=model,
        offline=True if offline else None,
        allow_private_addresses=True if allow_private else None,
    )


def _load_case(case: Path):
    from extractors.registry.case import load_case

    try:
        return load_case(case)
    except RegistryError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc


class RichReporter:
    """Progress display for long runs (a bar per stage)."""

    def __init__(self, progress):
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def stage(self, name: str, total: int | None = None) -> None:
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(f"{name:<7}", total=total)
        else:
            self.progress.update(self.tasks[name], total=total)

    def advance(self, name: str, note: str = "") -> None:
        if name not in self.tasks:
            self.stage(name)
        self.progress.update(self.tasks[name], advance=1, description=f"{name:<7} {note[:60]}")

    def done(self, name: str, note: str = "") -> None:
        if name not in self.tasks:
            self.stage(name, 1)
        t = self.tasks[name]
        total = self.progress.tasks[t].total or 1
        self.progress.update(t, total=total, completed=total, description=f"{name:<7} {note[:60]}")


def _configure_prefect(settings: Settings) -> None:
    from extractors.preflight import check_writable
    from flows import prefect_env

    check_writable(settings)  # before Prefect creates its database in the state folder
    prefect_env.configure(settings.state_dir)


def _start_server(settings: Settings):
    """Prefect's home set up and, unless a server is configured, its ephemeral
    server started in a subprocess (it comes up while Prefect is imported);
    call ``wait_ready()`` on the result, when not None, before a flow."""
    from flows import prefect_env

    _configure_prefect(settings)
    return prefect_env.start_server_early()


def _start_prefect(settings: Settings):
    from flows.cli_failures import quiet_expected_failures

    _configure_prefect(settings)
    quiet_expected_failures()
    from flows import run as run_mod  # noqa: WPS433 - imports prefect

    return run_mod


@app.command()
def run(
    case: Path = CaseOpt,
    out: Optional[Path] = OutOpt,
    offline: bool = OfflineOpt,
    store: Optional[Path] = StoreOpt,
    model: Optional[str] = ModelOpt,
    allow_private_addresses: bool = AllowPrivateOpt,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display; print only the summary."),
    dask: Optional[str] = DaskOpt,
) -> None:
    """Run the whole pipeline on a case: fetch -> parse -> NLP -> claims -> match -> outputs.

    Failed sources become rows with status and error. Exit codes: 0 run
    completed (also with failed sources or a busy database); 1 stopped on the
    way (e.g. disk full); 2 invalid case file or unwritable output/state/store
    folder; 3 the article itself could not be read; 4 the output folder is
    held by another run.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    settings = _settings(out, store, model, offline, allow_private_addresses)
    case_obj = _load_case(case)
    console.print(f"claimcheck: case [bold]{case_obj.id}[/] ({len(case_obj.sources)} sources)"
                  + (" \\[offline]" if settings.offline else ""))
    t_imports = time.perf_counter()
    server = _start_server(settings)
    from flows.prefect_env import configured_api_url

    if server is None and configured_api_url():
        console.print(f"Prefect: using the server at {escape(configured_api_url() or '')}")
    else:
        console.print("starting Prefect (ephemeral mode; set PREFECT_API_URL to use a server)...")
    run_mod = _start_prefect(settings)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, disable=quiet, transient=False)
    if not quiet and not console.is_terminal:
        # no terminal (cron, CI, a pipe): one plain line per stage start and end
        from flows.progress import LineReporter

        progress = Progress(console=console, disable=True)
        reporter = LineReporter()
    else:
        reporter = RichReporter(progress)
    from extractors.outputlock import output_lock
    from flows.cli_failures import exit_code, print_outcome

    with output_lock(settings.out_dir, settings.lock_wait), progress:
        run_mod.set_reporter(reporter)
        try:
            run_mod.warm_up()  # while the server starts
            t_flow = time.perf_counter()
            if server is not None:
                server.wait_ready()
            t_ready = time.perf_counter()
            result = run_mod.run_case_flow(dask)(str(case), None, settings.offline, _overrides(settings))
            t_end = time.perf_counter()
        finally:
            run_mod.set_reporter(None)
    _print_summary(result)
    if not quiet:
        stages = sum(result.timings.values())
        prefect_s = (run_mod.EXECUTE_STARTED or t_flow) - t_flow
        print(
            f"start-up: interpreter and imports {t_flow - _T0 + _process_age(_T0):.2f} s "
            f"(prefect {t_flow - t_imports:.2f} s of it), Prefect flow start {prefect_s:.2f} s "
            f"(waiting for the server {t_ready - t_flow:.2f} s of it); "
            f"stages {stages:.2f} s; flow end {t_end - t_flow - prefect_s - stages:.2f} s", flush=True)
    print_outcome(result, console, err_console)
    raise typer.Exit(code=exit_code(result))


def _overrides(settings: Settings) -> dict:
    """Settings that differ from the environment defaults, as flow parameters."""
    base = Settings.from_env()
    out = {}
    for name in ("out_dir", "store_dir", "model", "allow_private_addresses", "offline"):
        value = getattr(settings, name)
        if value != getattr(base, name):
            out[name] = str(value) if isinstance(value, Path) else value
    return out


def _print_summary(result) -> None:
    table = Table(title=f"claimcheck run {result.run_id}", show_header=False, box=None)
    table.add_row("sources", f"{result.sources_ok} fetched and parsed, {result.sources_failed} failed")
    from flows.cli_failures import article_cell

    table.add_row("article", escape(article_cell(result)))
    table.add_row("claims", str(result.counts.get("claims", 0)))
    table.add_row("verdicts", ", ".join(f"{k} {v}" for k, v in sorted(result.verdicts.items())) or "none")
    table.add_row("mentions", str(result.counts.get("mentions", 0)))
    table.add_row("relations", str(result.counts.get("relations", 0)))
    table.add_row("tables", escape(str(result.out_dir)))
    table.add_row("this run", escape(str(result.run_dir)))
    table.add_row("database", escape(str(result.db_path)))
    console.print(table)
    if result.failures:
        console.print(f"[yellow]{len(result.failures)} source(s) unavailable[/] (see documents.csv):")
        for sid, err in result.failures[:50]:
            console.print(f"  {sid}: {err}", no_wrap=True, overflow="ellipsis", markup=False)
    if result.failures and not result.sources_ok:
        console.print(NO_SOURCE_HINT, markup=False, soft_wrap=True)


NO_SOURCE_HINT = ("no source could be read. Next: `make demo` (or `claimcheck run --case corpus/cases/demo`) "
                  "shows a working run on bundled local documents; `claimcheck run --offline` reuses the "
                  "copies stored by an earlier `claimcheck fetch` with network.")


@app.command()
def fetch(
    case: Path = CaseOpt,
    offline: bool = OfflineOpt,
    store: Optional[Path] = StoreOpt,
    allow_private_addresses: bool = AllowPrivateOpt,
    archive_fallback: bool = typer.Option(
        False, "--archive-fallback",
        help="After the url and mirrors fail, try the Wayback Machine's raw copy (off by default)."),
) -> None:
    """Run the fetch stage alone: download every source into the raw store.

    Conditional requests (ETag / Last-Modified) reuse stored copies; a changed
    document becomes a new version, nothing is overwritten.  Exit code 0
    whatever the per-source statuses; 2 if the case file is invalid.
    """
    from extractors.fetch.fetch import fetch_all
    from extractors.fetch.store import RawStore
    from flows.cli_store import render_fetch_rows

    settings = _settings(None, store, None, offline, allow_private_addresses)
    if archive_fallback:
        settings = settings.with_(archive_fallback=True)
    case_obj = _load_case(case)
    store_obj = RawStore(settings.store_dir)
    with console.status("fetching...") as status:
        def progress(row) -> None:
            status.update(f"fetched {row.source_id}: {row.status}")

        rows = fetch_all(list(case_obj.sources), case_obj.root, store_obj, settings, progress=progress)
    render_fetch_rows(rows, console)
    ok = sum(r.status == "ok" for r in rows)
    console.print(f"{ok} of {len(rows)} sources stored in {escape(str(settings.store_dir))}")


@app.command()
def validate(case: Path = CaseOpt) -> None:
    """Check a case file without running anything (exit 2 and every problem listed if invalid)."""
    c = _load_case(case)
    console.print(f"ok: case {escape(c.id)} with {len(c.sources)} sources ({escape(str(c.case_file))})")


@app.command()
def sources(case: Path = CaseOpt, out: Optional[Path] = OutOpt) -> None:
    """List a case's sources with the status of their last run."""
    from extractors.export.tables import read_table

    c = _load_case(case)
    settings = _settings(out, None, None, False, False)
    last = {r["source_id"]: r for r in read_table(settings.out_dir / c.id, "documents")}
    table = Table("id", "kind", "published", "last status", "where")
    for s in c.sources:
        r = last.get(s.id, {})
        status = r.get("status") or "never run"
        if r.get("error") and status != "ok":
            status += f": {r['error'][:60]}"
        table.add_row(*(escape(x) for x in (s.id, s.kind, s.published or "", status, s.url or s.path or "")))
    console.print(table)


from flows.cli_store import store_app  # noqa: E402

app.add_typer(store_app, name="store")

# --- analyst review commands (flows/cli_review.py)
from flows.cli_review import review as _review, reviews_app as _reviews_app  # noqa: E402

app.command(name="review")(_review)
app.add_typer(_reviews_app, name="reviews")

# --- operations commands: watch, diff, deploy
from flows import cli_ops as _cli_ops  # noqa: E402

app.command()(_cli_ops.watch)
app.command()(_cli_ops.diff)
app.command()(_cli_ops.deploy)


@app.command()
def judge(
    pairs: Path = typer.Argument(..., help="JSONL file: one {\"id\", \"claim\", \"evidence\", \"title\"?} object a line"),
    output: Path = typer.Option(..., "--output", "-o", help="where to write one {\"id\", \"verdict\", \"score\", \"reasons\"} line per input line"),
    model: Optional[str] = ModelOpt,
) -> None:
    """Judge claim-evidence pairs with the verdict engine of `run`.

    Each output line answers the input line at the same position; a line that
    is not a JSON object with string `claim` and `evidence` gets
    {"id", "line", "error"} and the other lines go on."""
    from extractors.match.judge import judge_file

    settings = Settings.from_env(model=model)
    counts = judge_file(pairs, output, settings)
    console.print(f"{counts['pairs']} pairs judged, {counts['errors']} malformed lines -> {output}")
    if counts["errors"] and not counts["pairs"]:
        raise typer.Exit(code=1)


def main() -> None:  # console-script entry point
    from extractors.preflight import expected_failure

    try:
        app()
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - expected failures become one line, the rest a traceback
        known = expected_failure(exc)
        if known is None:
            raise
        err_console.print(known[0], markup=False, highlight=False, soft_wrap=True)
        sys.exit(known[1])


if __name__ == "__main__":
    main()
