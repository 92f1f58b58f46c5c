"""The designations of a case's sanctions lists as a table.

Every designation of every list the case cites goes to
``designations.parquet`` next to the other tables and into DuckDB's
``designations`` table (with ``case_id``, and an index on the folded
primary name), so an analyst can query a whole list while the report and
the evidence show only the entries some claim was matched to.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from extractors.atomic import atomic_write_bytes
from extractors.model import ParsedDoc

DESIGNATIONS_FILE = "designations.parquet"


def designations_arrow(docs: Iterable[ParsedDoc]) -> pa.Table:
    from extractors.parse.sanctions import designations_table

    tables = [designations_table(d) for d in docs if d is not None and d.designations]
    if not tables:
        from extractors.parse.sanctions import DESIGNATION_COLUMNS

        empty = designations_table(ParsedDoc("", "", "", "", []))
        return empty.select(DESIGNATION_COLUMNS)
    return pa.concat_tables(tables)


def write_designations(out_dir: Path, docs: Iterable[ParsedDoc]) -> Path:
    """Write ``designations.parquet`` into *out_dir* (atomically); returns its path."""
    sink = pa.BufferOutputStream()
    pq.write_table(designations_arrow(docs), sink, compression="zstd")
    path = Path(out_dir) / DESIGNATIONS_FILE
    atomic_write_bytes(path, sink.getvalue().to_pybytes())
    return path


def load_designations(db_path: Path, case_id: str, parquet: Path) -> None:
    """Replace this case's rows of DuckDB's ``designations`` table."""
    from extractors.export.tables import duckdb_transaction, replace_case_rows

    with duckdb_transaction(db_path) as con:
        replace_case_rows(con, "designations", "SELECT ? AS case_id, * FROM read_parquet(?)",
                          [case_id, str(parquet)], case_id)
        con.execute("CREATE INDEX IF NOT EXISTS designations_name_folded ON designations (name_folded)")


__all__ = ["DESIGNATIONS_FILE", "designations_arrow", "load_designations", "write_designations"]
