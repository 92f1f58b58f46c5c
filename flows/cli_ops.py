"""Operations commands: ``watch``, ``diff``, ``deploy`` (mounted on the main app in cli.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape


from flows.cli_options import AllowPrivateOpt, CaseOpt, DaskOpt, ModelOpt, OutOpt, StoreOpt


def _cli():
    from flows import cli

    return cli



def watch(
    case: Path = CaseOpt,
    out: Optional[Path] = OutOpt,
    store: Optional[Path] = StoreOpt,
    model: Optional[str] = ModelOpt,
    allow_private_addresses: bool = AllowPrivateOpt,
    dask: Optional[str] = DaskOpt,
) -> None:
    """Find new editions of `series` sources, process them, and say what changed.

    Editions newer than the known ones are recorded in the state folder
    (case.toml is never edited), fetched and processed with the rest of the
    case (unchanged sources are reused), and the Banjska mentions and relations
    new or gone between editions, and the claims whose verdict changed, are
    written to OUT/<case-id>/changes.md and changes.json.
    """
    settings = _cli()._settings(out, store, model, False, allow_private_addresses)
    case_obj = _cli()._load_case(case)
    _cli().console.print(f"claimcheck watch: case [bold]{escape(case_obj.id)}[/]")
    server = _cli()._start_server(settings)
    _cli()._start_prefect(settings)
    from flows.watch import watch_case_flow

    if server is not None:
        server.wait_ready()
    result = watch_case_flow(dask)(str(case), None, _cli()._overrides(settings))
    if result.new_editions:
        for e in result.new_editions:
            _cli().console.print(f"new edition: {e['series']} {e['year']} -> {e['source_id']} ({e['url']})",
                                     markup=False)
    else:
        _cli().console.print("no new editions")
    for p in result.problems:
        _cli().err_console.print(f"[yellow]warning:[/] {escape(p)}")
    _cli().console.print(result.markdown, markup=False)
    _cli().console.print(f"summary: {result.summary_md}", markup=False)
    from flows.cli_failures import exit_code, print_outcome

    print_outcome(result.run, _cli().console, _cli().err_console)
    raise typer.Exit(code=exit_code(result.run))


def diff(
    run_a: str = typer.Argument(..., help="First run: a run folder (OUT/<case>/runs/<run-id>) or a run id."),
    run_b: str = typer.Argument(..., help="Second run, same forms."),
    out: Optional[Path] = OutOpt,
    dest: Optional[Path] = typer.Option(
        None, "--dest", help="Folder for the diff tables. Default: RUN_B/diff-<run-a-id>/."),
    include_volatile: bool = typer.Option(
        False, "--include-volatile", help="Also compare columns that change on every run "
                                          "(documents.fetched_at, documents.http_status)."),
    limit: int = typer.Option(20, "--limit", help="Rows printed per table and kind of change."),
) -> None:
    """Print and write the changed rows of every table between two runs.

    Rows are matched on their stable ids; added, removed and changed rows are
    printed and written to <table>.csv in --dest. Exit 1 when the runs differ.
    """
    from flows.diff import diff_runs, resolve_run, write_diff

    settings = _cli()._settings(out, None, None, False, False)
    try:
        a, b = resolve_run(run_a, settings.out_dir), resolve_run(run_b, settings.out_dir)
    except FileNotFoundError as exc:
        _cli().err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    diffs = diff_runs(a, b, include_volatile)
    target = dest or (b / f"diff-{a.name}")
    write_diff(diffs, target)
    total = 0
    for table, d in diffs.items():
        n = len(d.added) + len(d.removed) + len(d.changed)
        total += n
        _cli().console.print(f"[bold]{table}[/]: {len(d.added)} added, {len(d.removed)} removed, "
                      f"{len(d.changed)} changed")
        for kind, rows in (("+", d.added), ("-", d.removed)):
            for r in rows[:limit]:
                _cli().console.print(f"  {kind} {_brief(table, r)}", markup=False)
        for old, new, cols in d.changed[:limit]:
            what = ", ".join(f"{c}: {str(old.get(c))[:40]!r} -> {str(new.get(c))[:40]!r}" for c in cols)
            _cli().console.print(f"  ~ {_brief(table, new)}  {what}", markup=False)
    _cli().console.print(f"diff tables: {target}", markup=False)
    raise typer.Exit(code=1 if total else 0)


def _brief(table: str, row: dict) -> str:
    from flows.diff import KEYS

    key = "/".join(str(row.get(k)) for k in KEYS[table])
    text = row.get("text") or row.get("sentence") or row.get("verdict") or row.get("status") or ""
    return f"{key} {str(text)[:80]}"


def deploy(
    case: Path = CaseOpt,
    out: Optional[Path] = OutOpt,
    run_cron: str = typer.Option("0 5 * * *", "--run-cron", help="Cron for `run` (UTC). '' for none."),
    watch_cron: str = typer.Option("0 6 * * 1", "--watch-cron",
                                   help="Cron for `watch` (UTC; default Mondays 06:00). '' for none."),
    dask: Optional[str] = DaskOpt,
    apply_only: bool = typer.Option(
        False, "--apply-only", help="Register the deployments and exit, without serving them "
                                    "(they then run only where a `claimcheck deploy` process serves them)."),
) -> None:
    """Register and serve Prefect deployments for `run` and `watch` on cron schedules.

    Deployments `run-<case>` and `watch-<case>` go to the Prefect server in
    PREFECT_API_URL; the command then serves them (blocks; Ctrl-C stops).

    Start a server first with `prefect server start` and
    `export PREFECT_API_URL=http://127.0.0.1:4200/api`.
    """
    import os

    settings = _cli()._settings(out, None, None, False, False)
    case_obj = _cli()._load_case(case)
    if not os.environ.get("PREFECT_API_URL"):
        _cli().err_console.print("[yellow]PREFECT_API_URL is not set:[/] deployments need a Prefect server; "
                          "run `prefect server start` and export "
                          "PREFECT_API_URL=http://127.0.0.1:4200/api")
        raise typer.Exit(code=2)
    if dask:
        os.environ["CLAIMCHECK_DASK"] = dask  # read by the flows' default task runner
    _cli()._start_prefect(settings)
    from flows.deploy import apply_deployments, build_deployments, deployment_names, serve_deployments

    deps = build_deployments(case, run_cron=run_cron or None, watch_cron=watch_cron or None,
                             out_dir=str(out) if out else None)
    names = deployment_names(case_obj.id)
    if apply_only:
        apply_deployments(deps)
        _cli().console.print(f"registered {names['run']} ({run_cron or 'no schedule'}) and "
                      f"{names['watch']} ({watch_cron or 'no schedule'})")
        return
    _cli().console.print(f"serving {names['run']} and {names['watch']} (Ctrl-C to stop)")
    serve_deployments(deps)
