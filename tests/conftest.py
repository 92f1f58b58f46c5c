"""Shared fixtures: a real HTTP server on 127.0.0.1, the real spaCy model
(loaded once), a Prefect test harness (started once), and fixture cases
copied to a temporary folder with their URLs pointing at the local server."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


# ----------------------------------------------------------------- network guard


@pytest.fixture(autouse=True, scope="session")
def _no_internet():
    """Fail any test that tries to open a connection outside 127.0.0.0/8."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6):
            if not (host.startswith("127.") or host in ("localhost", "::1")):
                raise OSError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    socket.socket.connect = guarded
    yield
    socket.socket.connect = real_connect


# ----------------------------------------------------------------- local HTTP server


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


class LocalServer:
    """A real threaded HTTP server serving a folder on 127.0.0.1."""

    def __init__(self, directory: Path):
        handler = functools.partial(_Handler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str = "") -> str:
        return f"http://{self.host}/{path.lstrip('/')}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve_dir():
    servers: list[LocalServer] = []

    def _serve(directory: Path) -> LocalServer:
        s = LocalServer(directory)
        servers.append(s)
        return s

    yield _serve
    for s in servers:
        s.close()


# ----------------------------------------------------------------- settings & cases


@pytest.fixture
def settings(tmp_path):
    from extractors.settings import Settings

    return Settings(
        out_dir=tmp_path / "outputs",
        store_dir=tmp_path / "store",
        state_dir=tmp_path / "state",
        allow_private_addresses=True,
        read_timeout=5.0,
        connect_timeout=2.0,
        backoff_base=0.01,
        backoff_max=0.1,
        retries=1,
        per_host_delay=0.0,
    )


def materialise_case(src: Path, dest: Path, server: LocalServer | None = None) -> Path:
    """Copy a fixture case to *dest*; fill ``__SERVER__`` in case.toml.in."""
    shutil.copytree(src, dest)
    template = dest / "case.toml.in"
    if template.exists():
        text = template.read_text(encoding="utf-8")
        if server is not None:
            text = text.replace("__SERVER__", server.host)
        (dest / "case.toml").write_text(text, encoding="utf-8")
    return dest


@pytest.fixture
def mini_case(tmp_path, serve_dir):
    """The example case: its docs served over real HTTP, URLs filled in."""
    src = FIXTURES / "cases" / "mini"
    server = serve_dir(src / "docs")
    return materialise_case(src, tmp_path / "mini", server), server


# ----------------------------------------------------------------- heavy, session-scoped


@pytest.fixture(scope="session")
def nlp():
    from extractors.nlp.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def gazetteer():
    from extractors.registry.gazetteer import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One Prefect test harness (temporary database + server) per session."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    from flows import prefect_env

    prefect_env.configure(home)
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    from tests.browser_setup import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()
