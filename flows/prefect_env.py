"""Prefect environment set-up.  Must run before the first ``import prefect``.

Defaults keep a plain run clean and self-contained: Prefect's home lives in
the project's state folder, telemetry is off, and Prefect's own logging is
quiet.  Anything the user already set (e.g. ``PREFECT_API_URL`` pointing at
a real ``prefect server start``) wins.
"""
from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_CLI_COLORS": "false",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    # a loaded 2-core machine can take longer than the default 20 s to start it
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def configure(state_dir: Path) -> None:
    os.environ.setdefault("PREFECT_HOME", str(Path(state_dir) / "prefect"))
    # Prefect's SQLite database cannot be created in a missing folder, and the
    # ephemeral server then only fails after its start-up timeout.
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    bypass_proxy_for_loopback()


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def bypass_proxy_for_loopback() -> None:
    """Add the loopback names to ``NO_PROXY``/``no_proxy``.

    Prefect's client honours the proxy variables; behind a proxy (or with
    them pointing at one that is down) its calls to a server on this machine
    would go to the proxy, which cannot reach this machine's loopback, and the
    run would stop before its first stage.  The project's own fetch client
    ignores these variables, so this changes nothing for outgoing requests."""
    for key in ("NO_PROXY", "no_proxy"):
        current = [h.strip() for h in os.environ.get(key, "").split(",") if h.strip()]
        if "*" in current:
            continue
        missing = [h for h in LOOPBACK if h not in current]
        if missing:
            os.environ[key] = ",".join(current + missing)


def configured_api_url() -> str | None:
    """The Prefect server the user configured: ``PREFECT_API_URL`` in the
    environment or in the active profile (``prefect config set``); None when
    none is, and Prefect would start its ephemeral server."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return url
    import tomllib

    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    return (profiles.get("profiles", {}).get(active) or {}).get("PREFECT_API_URL") or None


class EphemeralServer:
    """Prefect's ephemeral API server (the app and flags Prefect itself uses
    for it), started as a subprocess before this process imports Prefect.

    Prefect would start the same server only when the flow is called, after
    its own import, and then wait for it; started here it comes up on the
    other core while this process imports Prefect and the stages and reads
    the case.  ``PREFECT_API_URL`` is set to it, so the flow, its tasks and
    any Dask worker talk to it as to any server; it is stopped at exit."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.ready = False

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        import importlib.util

        spec = importlib.util.find_spec("prefect")  # finds the package without importing it
        if spec is None or not spec.origin:
            raise RuntimeError("prefect is not installed")
        app_dir = Path(spec.origin).parent.parent
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update({"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"],
            env=env, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent if sys.platform == "linux" else None)

    def wait_ready(self) -> None:
        """Block until the server answers its health check (raises when it
        exits or does not answer within Prefect's start-up timeout)."""
        if self.ready:
            return
        import urllib.error
        import urllib.request

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1: never a proxy
        deadline = time.monotonic() + float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                code = self.proc.returncode if self.proc else None
                raise RuntimeError(f"Prefect's ephemeral server on port {self.port} exited with code {code}")
            try:
                with opener.open(f"{self.api_url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        self.ready = True
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"Prefect's ephemeral server did not answer on {self.api_url} in time")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _die_with_parent() -> None:
    """In the server's process before it starts: the kernel sends it SIGTERM
    when the run's process dies, also by SIGKILL, when no exit handler runs."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server_early() -> EphemeralServer | None:
    """Start Prefect's ephemeral server now and point ``PREFECT_API_URL`` at
    it; call after :func:`configure`, before anything imports Prefect.

    None (nothing started) when a server is configured -- the flow then uses
    that one -- or when Prefect is already imported (its settings were read,
    so it would not see the address) or its ephemeral mode is turned off."""
    if "prefect" in sys.modules or configured_api_url():
        return None
    if os.environ.get("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true").lower() in ("0", "false", "no", "off"):
        return None
    server = EphemeralServer()
    server.start()
    atexit.register(server.stop)  # registered before Prefect's own exit handlers, so it runs after them
    os.environ["PREFECT_API_URL"] = server.api_url
    return server
