"""Child-process entry point for :mod:`extractors.parse.isolate`.

Reads ``(function name, args, memory_mb)`` pickled on stdin, sets the memory
limit, runs ``extractors.parse.<function>(*args)`` and writes ``(status,
payload)`` pickled on stdout.  Not meant to be run by hand."""
from __future__ import annotations

import pickle
import sys


def main() -> int:
    fn_name, args, memory_mb = pickle.loads(sys.stdin.buffer.read())
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        try:
            import resource  # POSIX only; elsewhere the time limit still holds

            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass
    from extractors.errors import ParseError

    try:
        import extractors.parse as P

        result = ("ok", getattr(P, fn_name)(*args))
    except ParseError as exc:
        result = ("parse_error", (exc.args[0] if exc.args else str(exc), exc.hint))
    except MemoryError:
        result = ("crash", f"MemoryError: over the {memory_mb} MB memory limit")
    except RecursionError as exc:
        result = ("crash", f"RecursionError: {str(exc)[:200]}")
    except Exception as exc:  # anything pdfminer/lxml/pandas may raise
        result = ("crash", f"{type(exc).__name__}: {str(exc)[:300]}")
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
