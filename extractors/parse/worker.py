"""Child-process entry point for :mod:`extractors.parse.isolate`.

``python -m extractors.parse.worker MEMORY_MB`` caps its own address space
at MEMORY_MB (0: no cap), then serves jobs until its stdin closes.  A job is
a frame (8-byte big-endian length, then a pickle) holding ``(function name,
args)``; the worker runs ``extractors.parse.<function>(*args)`` and answers
with one frame holding ``(status, payload)``.  Modules imported by one job
stay loaded for the next.  Anything a library prints goes to stderr, so
stdout carries nothing but answers.  Not meant to be run by hand."""
from __future__ import annotations

import os
import pickle
import struct
import sys

HEADER = struct.Struct(">Q")


def _read_exact(stream, n: int) -> bytes | None:
    """*n* bytes from *stream*, or None when it closes first."""
    parts, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            return None
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _set_memory_limit(memory_mb: int) -> None:
    if memory_mb <= 0:
        return
    limit = memory_mb * 1024 * 1024
    try:
        import resource  # POSIX only; elsewhere the time limit still holds

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _run(fn_name: str, args: tuple, memory_mb: int) -> tuple[str, object]:
    from extractors.errors import ParseError

    try:
        import extractors.parse as P

        return "ok", getattr(P, fn_name)(*args)
    except ParseError as exc:
        return "parse_error", (exc.args[0] if exc.args else str(exc), exc.hint)
    except MemoryError:
        return "crash", f"MemoryError: over the {memory_mb} MB memory limit"
    except RecursionError as exc:
        return "crash", f"RecursionError: {str(exc)[:200]}"
    except Exception as exc:  # anything pdfminer/lxml/pandas may raise
        return "crash", f"{type(exc).__name__}: {str(exc)[:300]}"


def main() -> int:
    memory_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    _set_memory_limit(memory_mb)
    # keep the real stdout for answers and point file descriptor 1 at stderr
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    jobs = sys.stdin.buffer
    while True:
        head = _read_exact(jobs, HEADER.size)
        if head is None:
            return 0  # the parent closed the pipe: no more work
        body = _read_exact(jobs, HEADER.unpack(head)[0])
        if body is None:
            return 0
        try:
            fn_name, args = pickle.loads(body)
            result = _run(fn_name, args, memory_mb)
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("crash", f"MemoryError: over the {memory_mb} MB memory limit"))
        except Exception as exc:  # a result that does not pickle
            data = pickle.dumps(("crash", f"{type(exc).__name__}: {str(exc)[:300]}"))
        answers.write(HEADER.pack(len(data)) + data)
        answers.flush()


if __name__ == "__main__":
    sys.exit(main())
