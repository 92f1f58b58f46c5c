"""Deployments for `run` and `watch` registered against a real Prefect API
(the session's test harness server on 127.0.0.1), read back, and triggered."""
from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, materialise_case

pytestmark = pytest.mark.slow


def test_deployments_have_cron_schedules_and_can_be_triggered(tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

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

        # a triggered run is created for the deployment, with its parameters
        flow_run = run_deployment(names["watch"], timeout=0,
                                  parameters={"overrides": {"offline": True}})
        got = client.read_flow_run(flow_run.id)
        assert got.deployment_id == watch_dep.id
        assert got.parameters["overrides"] == {"offline": True}
        assert got.state.is_scheduled()
