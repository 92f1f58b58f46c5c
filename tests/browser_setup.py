"""Make sure the browser the report tests need is installed.

Debian's chromium is used (Playwright's own browser download cannot work on
machines that reach package registries only).  Installs it with apt-get when
missing and we are root; otherwise prints what to do and the browser tests
are skipped with that reason.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


# Headless flags that keep Chromium off this machine's closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    for p in CHROMIUM:
        if os.path.exists(p):
            return p
    return shutil.which("chromium")


def main() -> int:
    if chromium_path():
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("browser_setup: chromium not found; install Debian's 'chromium' package "
              "to run the browser tests (they are skipped otherwise)", file=sys.stderr)
        return 0
    print("browser_setup: installing Debian chromium (one time)...", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    r = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
                       check=False, env=env)
    if r.returncode != 0:
        print("browser_setup: apt-get could not install chromium; browser tests will be skipped",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
