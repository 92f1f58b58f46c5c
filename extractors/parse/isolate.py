"""Run a parser in a child process with a time and memory limit.

pdfminer (under pdfplumber) can raise anything on a malformed file and can
hang; trafilatura's own timeout only works from its command line.  Each
document is therefore parsed by a fresh ``python -m extractors.parse.worker``
process: the job goes in on stdin and the result comes back on stdout
(pickled), the child caps its own address space at
``settings.parse_memory_mb`` and the parent kills it after
``settings.parse_timeout`` seconds.  A fresh interpreter (rather than a fork)
inherits no threads or locks from the caller, which may be a Prefect worker.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from typing import Any

from extractors.errors import ParseError


def run_isolated(fn_name: str, args: tuple, timeout: float, memory_mb: int) -> Any:
    """Call ``extractors.parse.<fn_name>(*args)`` in a child process."""
    job = pickle.dumps((fn_name, args, int(memory_mb or 0)), protocol=pickle.HIGHEST_PROTOCOL)
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.Popen(
        [sys.executable, "-m", "extractors.parse.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        out, err = proc.communicate(job, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise ParseError(
            f"parse timed out after {timeout:g} s",
            hint="the document may be pathological; raise CLAIMCHECK_PARSE_TIMEOUT or find another copy",
        ) from None
    try:
        status, payload = pickle.loads(out) if out else (None, None)
    except Exception:
        status, payload = None, None
    if status is None:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
        detail = f": {tail[0][:300]}" if tail else ""
        raise ParseError(
            f"parser crashed: child process exited with code {proc.returncode}{detail}",
            hint="possibly over the memory limit (CLAIMCHECK_PARSE_MEMORY_MB) or a crash in a native library",
        )
    if status == "ok":
        return payload
    if status == "parse_error":
        message, hint = payload
        raise ParseError(message, hint=hint)
    raise ParseError(f"parser crashed: {payload}", hint="a bug or an unexpected file; report it with the document's sha256")
