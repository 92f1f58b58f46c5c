"""Prefect deployments with cron schedules for ``run`` and ``watch``.

``claimcheck deploy`` registers two deployments per case against the Prefect
server that ``PREFECT_API_URL`` points at and serves them: the process stays
up, and Prefect starts the flows on their schedules (or when triggered from
the UI / ``prefect deployment run``).  Import after prefect_env.configure().
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from extractors.registry.case import load_case

RUN_FLOW = "claimcheck-run"
WATCH_FLOW = "claimcheck-watch"


def deployment_names(case_id: str) -> dict[str, str]:
    """Full ``flow/deployment`` names, as ``prefect deployment run`` wants them."""
    return {"run": f"{RUN_FLOW}/run-{case_id}", "watch": f"{WATCH_FLOW}/watch-{case_id}"}


def build_deployments(case_dir: str | Path, *, run_cron: str | None = "0 5 * * *",
                      watch_cron: str | None = "0 6 * * 1", out_dir: str | None = None,
                      overrides: dict[str, Any] | None = None, timezone: str = "UTC") -> list:
    """RunnerDeployments for one case: ``run-<case>`` and ``watch-<case>``.

    A cron of None registers the deployment without a schedule (manual runs only).
    """
    from prefect.schedules import Cron

    from flows.run import run_case
    from flows.watch import watch_case

    case = load_case(case_dir)
    case_path = str(Path(case.case_file).parent if case.case_file else Path(case_dir)).strip()
    case_path = str(Path(case_path).resolve())
    tags = ["claimcheck", f"case:{case.id}"]
    deployments = [
        run_case.to_deployment(
            name=f"run-{case.id}",
            schedules=[Cron(run_cron, timezone=timezone)] if run_cron else None,
            parameters={"case_dir": case_path, "out_dir": out_dir, "offline": False,
                        "overrides": overrides or {}},
            description=f"Re-run case {case.id}: fetch (conditional), re-process what changed.",
            tags=tags,
        ),
        watch_case.to_deployment(
            name=f"watch-{case.id}",
            schedules=[Cron(watch_cron, timezone=timezone)] if watch_cron else None,
            parameters={"case_dir": case_path, "out_dir": out_dir, "overrides": overrides or {}},
            description=f"Look for new editions of the series in case {case.id}; write changes.md.",
            tags=tags,
        ),
    ]
    return deployments


def apply_deployments(deployments: list) -> list:
    """Register the deployments with the API (no runner); returns their ids."""
    return [d.apply() for d in deployments]


def serve_deployments(deployments: list, limit: int | None = None) -> None:
    """Register and serve: blocks, starting flow runs as they come due."""
    from prefect import serve

    serve(*deployments, limit=limit)
