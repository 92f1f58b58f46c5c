"""``claimcheck watch``: look for new editions of every ``series``, record
them (never editing case.toml), process them and say what changed.

Import only after :func:`flows.prefect_env.configure` has run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: F401

from flows.taskrunners import default_task_runner

from extractors.changes import edition_change, render_markdown, summary_dict, verdict_changes, write_summary
from extractors.editions import (
    edition_year, find_new_editions, load_ledger, record_editions, series_sources, with_editions,
)
from extractors.export.tables import read_table
from extractors.outputlock import output_lock
from extractors.publish import publish_run
from extractors.registry.case import load_case
from extractors.settings import Settings
from flows.run import RunResult, execute


@dataclass
class WatchResult:
    case_id: str
    new_editions: list[dict[str, Any]]
    run: RunResult
    summary_md: Path
    summary_json: Path
    markdown: str
    problems: list[str] = field(default_factory=list)


def watch(case_dir: str, settings: Settings) -> WatchResult:
    # the whole watch holds the output folder: the "before" tables it compares
    # with and the changes it writes belong to the run it makes, not another's
    with output_lock(settings.out_dir, settings.lock_wait):
        return _watch(case_dir, settings)


def _watch(case_dir: str, settings: Settings) -> WatchResult:
    case = load_case(case_dir)
    known = load_ledger(settings, case.id)
    found, problems = find_new_editions(with_editions(case, known), settings, known)
    ledger = record_editions(settings, case.id, found)
    full = with_editions(case, ledger)

    case_out = settings.out_dir / case.id
    before = read_table(case_out, "source_claims")
    result = execute(full, settings)
    mentions = read_table(result.run_dir, "mentions")
    relations = read_table(result.run_dir, "relations")
    source_claims = read_table(result.run_dir, "source_claims")
    claims = read_table(result.run_dir, "claims")

    groups = series_sources(full)
    changes = []
    for e in found:
        older = [s for s in groups.get(e.series, [])
                 if s.id != e.source_id and (edition_year(s) or 0) < e.year]
        old = max(older, key=lambda s: edition_year(s) or 0).id if older else None
        changes.append(edition_change(e.series, old, e.source_id, mentions, relations, source_claims))
    run_changes = verdict_changes(before, source_claims, claims) if before else []
    editions = [e.to_dict() for e in found]
    md = render_markdown(case.id, result.run_id, editions, changes, run_changes, problems)
    data = summary_dict(case.id, result.run_id, editions, changes, run_changes, problems)
    paths = write_summary(result.run_dir, "changes", md, data)
    publish_run(case_out, result.run_dir)  # OUT/<case>/changes.* join the run's other published files
    return WatchResult(case_id=case.id, new_editions=editions, run=result, summary_md=paths["markdown"],
                       summary_json=paths["json"], markdown=md, problems=problems)


@flow(name="claimcheck-watch", task_runner=default_task_runner(), log_prints=False)
def watch_case(case_dir: str, out_dir: str | None = None,
               overrides: dict[str, Any] | None = None) -> WatchResult:
    """Find new editions of the case's series, process them, write changes.md."""
    settings = Settings.from_env(**(overrides or {}))
    if out_dir:
        settings = settings.with_(out_dir=Path(out_dir))
    return watch(case_dir, settings)


def watch_case_flow(dask: str | None = None):
    from flows.taskrunners import make_task_runner

    return watch_case if not dask else watch_case.with_options(task_runner=make_task_runner(dask))
