"""Writing CSV that a spreadsheet opens safely and a reader gets back exactly.

Spreadsheets run a cell as a formula when it starts with ``=``, ``+``,
``-`` or ``@`` (and some also after a leading tab or carriage return), so a
source passage or a reviewer's note such as ``=HYPERLINK(...)`` could run
when an analyst opens a table.  Every text cell that starts with one of
those characters gets a single quote in front (the OWASP advice for CSV
injection); numbers are never changed.  A text that already starts with
quotes followed by such a character gets one more quote, so
:func:`restore_cell` undoes the escaping exactly and ``reviews import`` of an
exported file gives back the text as it was recorded.  Parquet and DuckDB
keep the raw text.

Rows holding a carriage return are written with every cell quoted: Python's
CSV writer only quotes the characters of its line terminator (``\\n`` here),
and a bare ``\\r`` outside quotes would end the row for most readers.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_RISKY = re.compile(r"'*[=+\-@\t\r]")


def neutralise_cell(value: str) -> str:
    """``=1+2`` -> ``'=1+2``; ``'=x`` -> ``''=x``; anything else unchanged."""
    return "'" + value if _RISKY.match(value) else value


def restore_cell(value: str) -> str:
    """The inverse of :func:`neutralise_cell`."""
    return value[1:] if value.startswith("'") and _RISKY.match(value, 1) else value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV (``\\n`` line ends) with text cells neutralised."""
    buf = io.StringIO()
    plain = csv.writer(buf, lineterminator="\n")
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow(header)
    for row in rows:
        cells = [neutralise_cell(v) if isinstance(v, str) else ("" if v is None else v) for v in row]
        cr = any(isinstance(v, str) and "\r" in v for v in cells)
        (quoted if cr else plain).writerow(cells)
    return buf.getvalue().encode("utf-8")
