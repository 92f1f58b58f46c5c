"""Deployments for `run` and `watch` registered against a real Prefect API
(the session's test harness server on 127.0.0.1), read back, and triggered."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, materialise_case

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def test_deployments_have_cron_schedules_and_can_be_triggered(tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    from flows.deploy import apply_deployments, build_deployments, deployment_names

    case_dir = materialise_case(FIXTURES / "cases" / "mini", tmp_path / "mini")
    deps = build_deployments(case_dir, run_cron="15 4 * * *", watch_cron="0 7 * * 1",
                             out_dir=str(tmp_path / "outputs"))
    ids = apply_deployments(deps)
    assert len(ids) == 2
    names = deployment_names("mini")

    with get_client(sync_client=True) as client:
        run_dep = client.read_deployment_by_name(names["run"])
        watch_dep = client.read_deployment_by_name(names["watch"])
        assert [s.schedule.cron for s in run_dep.schedules] == ["15 4 * * *"]
        assert [s.schedule.cron for s in watch_dep.schedules] == ["0 7 * * 1"]
        assert all(s.active for s in run_dep.schedules + watch_dep.schedules)
        assert run_dep.parameters["case_dir"] == str(case_dir.resolve())
        assert watch_dep.parameters["out_dir"] == str(tmp_path / "outputs")
        assert run_dep.entrypoint.endswith("flows/run.py:run_case")

        # a triggered run is created for the deployment, with its parameters ...
        overrides = {"offline": True, "state_dir": str(tmp_path / "state"),
                     "store_dir": str(tmp_path / "store")}
        flow_run = run_deployment(names["watch"], timeout=0, parameters={"overrides": overrides})
        got = client.read_flow_run(flow_run.id)
        assert got.deployment_id == watch_dep.id
        assert got.parameters["overrides"] == overrides
        assert got.state.is_scheduled()

        # ... and executed the way a served runner does: Prefect's engine in a subprocess
        env = dict(os.environ, PREFECT__FLOW_RUN_ID=str(flow_run.id),
                   PREFECT_API_URL=PREFECT_API_URL.value())
        proc = subprocess.run([sys.executable, "-m", "prefect.flow_engine", watch_dep.entrypoint],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        done = client.read_flow_run(flow_run.id)
        assert done.state.is_completed(), done.state
    changes = (tmp_path / "outputs" / "mini" / "changes.md").read_text()
    assert "offline: editions not looked up" in changes
