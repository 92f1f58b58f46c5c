"""Prefect environment set-up.  Must run before the first ``import prefect``.

Defaults keep a plain run clean and self-contained: Prefect's home lives in
the project's state folder, telemetry is off, and Prefect's own logging is
quiet.  Anything the user already set (e.g. ``PREFECT_API_URL`` pointing at
a real ``prefect server start``) wins.
"""
from __future__ import annotations

import os
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
