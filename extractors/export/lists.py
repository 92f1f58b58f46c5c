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
    import duckdb

    from extractors.export.tables import _add_missing_columns

    con = duckdb.connect(str(db_path))
    try:
        con.execute("BEGIN TRANSACTION")
        src = "SELECT ? AS case_id, * FROM read_parquet(?)"
        params = [case_id, str(parquet)]
        con.execute(f"CREATE TABLE IF NOT EXISTS designations AS {src} LIMIT 0", params)
        _add_missing_columns(con, "designations", src, params)  # a file from an older version gains new columns
        con.execute("DELETE FROM designations WHERE case_id = ?", [case_id])
        con.execute(f"INSERT INTO designations BY NAME {src}", params)
        con.execute("CREATE INDEX IF NOT EXISTS designations_name_folded ON designations (name_folded)")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()


__all__ = ["DESIGNATIONS_FILE", "designations_arrow", "load_designations", "write_designations"]
