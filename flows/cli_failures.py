"""How the command line reports the end of a run: the article's status, a
busy database, and failures a user can fix as one line (no traceback)."""
from __future__ import annotations

import logging

from rich.console import Console

from extractors.preflight import EXIT_NO_ARTICLE, EXIT_OK, expected_failure

DB_BUSY_LINE = "database busy: tables written, database not updated"


class _DropExpected(logging.Filter):
    """Prefect logs a failed flow's traceback; for failures the CLI reports
    itself in one line (disk full, busy folder...) that record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return exc is None or expected_failure(exc) is None


_FILTER = _DropExpected()


def quiet_expected_failures() -> None:
    for name in ("prefect.flow_runs", "prefect.task_runs"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def article_cell(result) -> str:
    """The article's status for the summary table."""
    article = getattr(result, "article", None) or {}
    status = article.get("status", "ok")
    lang = f" (language {article['language']})" if article.get("language") else ""
    return f"{status}{lang}" if status == "ok" else f"{status} (see below)"


def print_outcome(result, console: Console, err_console: Console) -> None:
    """On stderr, after the summary: why the article could not be read,
    warnings about it, and the database line."""
    article = getattr(result, "article", None) or {}
    status = article.get("status", "ok")
    if status != "ok":
        err_console.print(f"article: {status}: {article.get('error') or ''}; nothing was checked",
                          markup=False, highlight=False, soft_wrap=True)
    for w in article.get("warnings", []):
        line = w if w.startswith("warning: ") else f"warning: {w}"  # a document's notes carry the prefix
        err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    if getattr(result, "database", "updated") == "busy":
        err_console.print(DB_BUSY_LINE, markup=False, highlight=False)


def exit_code(result) -> int:
    article = getattr(result, "article", None) or {}
    return EXIT_NO_ARTICLE if article.get("status", "ok") != "ok" else EXIT_OK


__all__ = ["DB_BUSY_LINE", "article_cell", "exit_code", "print_outcome", "quiet_expected_failures"]
