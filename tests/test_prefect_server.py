"""Which Prefect server `claimcheck run` talks to: a configured one is used
as it is; otherwise the CLI starts Prefect's ephemeral server itself, early."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import httpx
import pytest

from tests.conftest import FIXTURES


def test_configured_api_url_comes_from_the_environment_or_the_active_profile(tmp_path, monkeypatch):
    from flows.prefect_env import configured_api_url

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    assert configured_api_url() is None  # no profiles file: Prefect's ephemeral mode
    (tmp_path / "profiles.toml").write_text(
        'active = "team"\n\n[profiles.ephemeral]\n\n'
        '[profiles.team]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n')
    assert configured_api_url() == "http://127.0.0.1:4200/api"
    monkeypatch.setenv("PREFECT_PROFILE", "ephemeral")
    assert configured_api_url() is None
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4300/api")
    assert configured_api_url() == "http://127.0.0.1:4300/api"


@pytest.mark.slow
def test_run_records_its_flow_run_on_the_configured_server(tmp_path, monkeypatch):
    """With PREFECT_API_URL set, the run starts no server of its own: its flow
    run is on the configured server, and the CLI says which server it used."""
    from flows import prefect_env

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "server-home"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    prefect_env.configure(tmp_path / "server-home")
    server = prefect_env.EphemeralServer()  # stands in for a `prefect server start`
    server.start()
    try:
        server.wait_ready()
        case_dir = tmp_path / "local"
        shutil.copytree(FIXTURES / "cases" / "local", case_dir)
        env = dict(os.environ, CLAIMCHECK_STATE_DIR=str(tmp_path / "state"), PREFECT_HOME=str(tmp_path / "home"),
                   PREFECT_API_URL=server.api_url)
        proc = subprocess.run(
            [sys.executable, "-m", "flows.cli", "run", "--case", str(case_dir), "--out", str(tmp_path / "out"),
             "--store", str(tmp_path / "store")],
            capture_output=True, text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert f"Prefect: using the server at {server.api_url}" in proc.stdout
        assert "ephemeral" not in proc.stdout
        runs = httpx.post(f"{server.api_url}/flow_runs/filter", json={}, timeout=30).json()
        flows = {f["id"]: f["name"] for f in httpx.post(f"{server.api_url}/flows/filter", json={}, timeout=30).json()}
        assert [(flows[r["flow_id"]], r["state_type"]) for r in runs] == [("claimcheck-run", "COMPLETED")]
    finally:
        server.stop()
    assert server.proc is None


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # exited, not yet reaped
    except FileNotFoundError:
        return True


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_the_ephemeral_server_ends_when_the_run_is_killed(tmp_path):
    """A run killed with SIGKILL runs no exit handler; its server still ends."""
    import signal
    import time

    code = ("import sys, time\nfrom flows import prefect_env\nprefect_env.configure(sys.argv[1])\n"
            "s = prefect_env.EphemeralServer()\ns.start()\nprint(s.proc.pid, flush=True)\ntime.sleep(600)\n")
    run = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "state")], stdout=subprocess.PIPE, text=True,
                           env={k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"})
    server_pid = int(run.stdout.readline())
    assert not _gone(server_pid)
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 60
    while not _gone(server_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if not _gone(server_pid):
        os.kill(server_pid, signal.SIGKILL)
        pytest.fail("the server outlived the killed run")
