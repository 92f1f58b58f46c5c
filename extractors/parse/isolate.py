"""Run a parser in a child process with a time and memory limit.

pdfminer (under pdfplumber) can raise anything on a malformed file and can
hang; trafilatura's own timeout only works from its command line.  Documents
are therefore parsed by ``python -m extractors.parse.worker`` processes:
each job goes in on the child's stdin and its result comes back on stdout
(pickled, in length-prefixed frames), the child caps its own address space
at ``settings.parse_memory_mb`` and the parent kills it when a job runs over
``settings.parse_timeout`` seconds.  A fresh interpreter (rather than a
fork) inherits no threads or locks from the caller, which may be a Prefect
worker.

Starting a worker and importing pdfplumber, pypdfium2 and numpy in it takes
about a second, as long as parsing a 100-page report.  A worker is therefore
kept after a job and given the next one with the same limits, so a run pays
the start once per worker, not once per document.  Callers on several
threads each get their own worker; at most one idle worker per core is
kept.  A worker that timed out, crashed or failed in an unexpected way is
killed and the next job gets a fresh one, so one bad document costs only
its own result.  A worker is also replaced after ``MAX_JOBS`` jobs, which
bounds what a leak in a native library can add up to.  A crash or
``MemoryError`` in a worker that had parsed other documents before is tried
once more in a fresh worker, so the memory limit applies to each document as
if it had the process to itself.
"""
from __future__ import annotations

import atexit
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from typing import Any

from extractors.errors import ParseError

from .worker import HEADER, _read_exact

MAX_JOBS = 200  # jobs per worker before it is replaced by a fresh one
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class _Died(Exception):
    """The worker exited (or closed its stdout) without answering; the
    argument is the last line it wrote to stderr."""


class _TimedOut(Exception):
    pass


class _Worker:
    """One ``extractors.parse.worker`` child and its pipes."""

    def __init__(self, memory_mb: int) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = _ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        # stderr goes to a file, emptied before each job: nothing has to drain
        # it while the worker runs, and after a crash its last line says why
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "extractors.parse.worker", str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
        )
        self.jobs = 0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def call(self, job: bytes, timeout: float) -> tuple[str, Any]:
        """Send one job and wait for its answer at most *timeout* seconds."""
        self.stderr.seek(0)
        self.stderr.truncate()
        self.jobs += 1
        answer: list = []

        def exchange() -> None:
            # in a thread, so that the time limit also covers a worker that
            # never reads its job or never answers
            try:
                self.proc.stdin.write(HEADER.pack(len(job)) + job)
                self.proc.stdin.flush()
            except (OSError, ValueError):
                pass  # the worker is gone; reading finds the end of its stdout
            try:
                head = _read_exact(self.proc.stdout, HEADER.size)
                answer.append(_read_exact(self.proc.stdout, HEADER.unpack(head)[0]) if head else None)
            except (OSError, ValueError):
                answer.append(None)

        talk = threading.Thread(target=exchange, name="parse-worker-exchange", daemon=True)
        talk.start()
        talk.join(timeout)
        if talk.is_alive():
            self.proc.kill()  # the thread's read or write then ends at once
            talk.join()
            self.kill()
            raise _TimedOut
        body = answer[0] if answer else None
        try:
            if body is not None:
                return pickle.loads(body)
        except Exception:  # noqa: BLE001 - a garbled answer counts as a crash
            pass
        tail = self.stderr_tail()
        self.kill()
        raise _Died(tail)

    def stderr_tail(self) -> str:
        try:
            self.stderr.seek(0)
            lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
        except (OSError, ValueError):
            return ""
        return lines[-1][:300] if lines else ""

    def returncode(self) -> int | None:
        return self.proc.returncode

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        self._close_pipes()

    def close(self) -> None:
        """Let an idle worker end on its own (its stdin closes), kill it if it lingers."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for f in (self.proc.stdin, self.proc.stdout, self.stderr):
            try:
                f.close()
            except OSError:
                pass


class _Pool:
    """Idle workers by limits; thread-safe.  A forked copy of the process
    starts with an empty pool and never touches its parent's workers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.idle: dict[tuple[int, float], list[_Worker]] = {}

    def take(self, key) -> _Worker | None:
        with self.lock:
            if self.pid != os.getpid():
                self.pid, self.idle = os.getpid(), {}
            workers = self.idle.get(key, [])
            while workers:
                w = workers.pop()
                if w.alive():
                    return w
                w.kill()
        return None

    def give_back(self, key, worker: _Worker) -> None:
        extra = None
        with self.lock:
            if self.pid != os.getpid():
                return
            kept = sum(len(ws) for ws in self.idle.values())
            if worker.jobs >= MAX_JOBS or not worker.alive():
                extra = worker
            elif kept >= (os.cpu_count() or 1):
                # make room: the oldest idle worker of other limits goes first
                others = [k for k, ws in self.idle.items() if ws and k != key]
                extra = self.idle[others[0]].pop(0) if others else worker
                if extra is not worker:
                    self.idle.setdefault(key, []).append(worker)
            else:
                self.idle.setdefault(key, []).append(worker)
        if extra is not None:
            extra.close()

    def close_all(self) -> None:
        with self.lock:
            if self.pid != os.getpid():
                return
            workers = [w for ws in self.idle.values() for w in ws]
            self.idle = {}
        for w in workers:
            w.close()


_POOL = _Pool()
atexit.register(_POOL.close_all)


def shutdown() -> None:
    """End every idle worker (they also end when this process exits)."""
    _POOL.close_all()


def run_isolated(fn_name: str, args: tuple, timeout: float, memory_mb: int) -> Any:
    """Call ``extractors.parse.<fn_name>(*args)`` in a worker process."""
    memory_mb = int(memory_mb or 0)
    job = pickle.dumps((fn_name, args), protocol=pickle.HIGHEST_PROTOCOL)
    # workers serve one pair of limits: the memory cap is set when a worker
    # starts, and a job under a new time limit gets a worker whose start-up
    # counts against that limit
    key = (memory_mb, float(timeout))
    for attempt in (1, 2):
        worker = _POOL.take(key)
        if worker is None:
            worker = _Worker(memory_mb)
        used = worker.jobs > 0
        try:
            status, payload = worker.call(job, timeout)
        except _TimedOut:
            raise ParseError(
                f"parse timed out after {timeout:g} s",
                hint="the document may be pathological; raise CLAIMCHECK_PARSE_TIMEOUT or find another copy",
            ) from None
        except _Died as died:
            if used and attempt == 1:
                continue  # perhaps the earlier documents' doing: once more in a fresh worker
            detail = f": {died.args[0]}" if died.args[0] else ""
            raise ParseError(
                f"parser crashed: child process exited with code {worker.returncode()}{detail}",
                hint="possibly over the memory limit (CLAIMCHECK_PARSE_MEMORY_MB) or a crash in a native library",
            ) from None
        if status in ("ok", "parse_error"):
            _POOL.give_back(key, worker)
        else:
            worker.kill()  # its state after an unexpected error is not to be trusted
            if used and attempt == 1 and str(payload).startswith("MemoryError"):
                continue
        if status == "ok":
            return payload
        if status == "parse_error":
            message, hint = payload
            raise ParseError(message, hint=hint)
        raise ParseError(f"parser crashed: {payload}", hint="a bug or an unexpected file; report it with the document's sha256")
    raise AssertionError("unreachable")
