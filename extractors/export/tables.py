"""Column schemas (derived from the row dataclasses, the DESIGN contract) and
writers: CSV + Parquet per case, and the shared DuckDB file.

CSV text cells that a spreadsheet would run as a formula get a leading
single quote (:mod:`extractors.export.csv_text`); Parquet and DuckDB keep
the raw text.

Every file is written to a temporary name and renamed into place, so a
killed run never leaves a half-written table behind.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from extractors.atomic import atomic_write_bytes
from extractors.export.csv_text import csv_bytes, neutralise_cell
from extractors.model import TABLES, Row

LIST_SEP = "; "


def _arrow_type(annotation: Any) -> pa.DataType:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    if text.startswith("list"):
        return pa.list_(pa.string())
    if "bool" in text:
        return pa.bool_()
    if "float" in text:
        return pa.float64()
    if "int" in text:
        return pa.int64()
    return pa.string()


def schema(table: str) -> pa.Schema:
    cls = TABLES[table]
    return pa.schema([(f.name, _arrow_type(f.type)) for f in fields(cls)])  # type: ignore[arg-type]


def columns(table: str) -> list[str]:
    return TABLES[table].columns()


def cell_value(value: Any) -> Any:
    """A table value as CSV text: lists joined with ``; ``, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return LIST_SEP.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _csv_cell(value: Any) -> Any:
    """:func:`cell_value`, with a text that a spreadsheet would run as a formula neutralised."""
    v = cell_value(value)
    return neutralise_cell(v) if isinstance(v, str) else v


def csv_table_bytes(cols: list[str], dicts: Iterable[dict[str, Any]]) -> bytes:
    """A table as CSV bytes (see :mod:`extractors.export.csv_text` for the formula rule)."""
    return csv_bytes(cols, ([cell_value(d.get(c)) for c in cols] for d in dicts))


def rows_to_dicts(rows: Iterable[Row | dict]) -> list[dict[str, Any]]:
    return [r if isinstance(r, dict) else r.to_row() for r in rows]


def to_arrow(table: str, rows: Iterable[Row | dict]) -> pa.Table:
    sch = schema(table)
    dicts = rows_to_dicts(rows)
    cols = {name: [d.get(name) for d in dicts] for name in sch.names}
    try:
        return pa.Table.from_pydict(cols, schema=sch)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        for f in sch:
            try:
                pa.array(cols[f.name], type=f.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                bad = next(v for v in cols[f.name] if v is not None and not _fits(v, f.type))
                raise TypeError(f"table {table!r} column {f.name!r} ({f.type}) got {bad!r}") from exc
        raise


def _fits(value: Any, typ: pa.DataType) -> bool:
    try:
        pa.array([value], type=typ)
        return True
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False


def write_table(out_dir: Path, table: str, rows: Iterable[Row | dict]) -> dict[str, Path]:
    """Write ``<table>.csv`` and ``<table>.parquet`` into *out_dir*."""
    dicts = rows_to_dicts(rows)
    csv_path = out_dir / f"{table}.csv"
    atomic_write_bytes(csv_path, csv_table_bytes(columns(table), dicts))
    pq_path = out_dir / f"{table}.parquet"
    sink = pa.BufferOutputStream()
    pq.write_table(to_arrow(table, dicts), sink)
    atomic_write_bytes(pq_path, sink.getvalue().to_pybytes())
    return {"csv": csv_path, "parquet": pq_path}


def read_table(out_dir: Path, table: str) -> list[dict[str, Any]]:
    path = out_dir / f"{table}.parquet"
    if not path.exists():
        return []
    # one file: ParquetFile reads it as pq.read_table would, without the
    # dataset layer (whose import pulls in pandas: seconds of a re-run's start)
    with pq.ParquetFile(path) as f:
        return f.read().to_pylist()


def _add_missing_columns(con, table: str, src: str, params: list) -> None:
    """A database written by an older version may lack columns added since:
    add them (NULL for the old rows) instead of failing or dropping data."""
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
    for name, typ, *_ in con.execute(f"DESCRIBE {src}", params).fetchall():
        if name not in have:
            con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {typ}')


@contextmanager
def duckdb_transaction(db_path: Path):
    """A connection to *db_path* inside one transaction: committed when the
    block ends, rolled back when it raises, closed either way."""
    import duckdb

    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    try:
        con.execute("BEGIN TRANSACTION")
        yield con
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()


def replace_case_rows(con: Any, table: str, src: str, params: list, case_id: str) -> None:
    """Replace this case's rows of *table* by the rows the query *src* selects
    (the table is created from the query when missing; a table from an older
    version gains the query's new columns)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchone()[0]
    if not exists:
        con.execute(f'CREATE TABLE "{table}" AS {src} LIMIT 0', params)
    else:
        _add_missing_columns(con, table, src, params)
    con.execute(f'DELETE FROM "{table}" WHERE case_id = ?', [case_id])
    con.execute(f'INSERT INTO "{table}" BY NAME {src}', params)


def load_duckdb(db_path: Path, case_id: str, out_dir: Path, tables: Iterable[str] = TABLES) -> None:
    """Replace this case's rows in every table of the shared DuckDB file.

    Tables without a ``case_id`` column in the contract get one in DuckDB
    (first column), so one file can hold many cases.
    """
    with duckdb_transaction(db_path) as con:
        for table in tables:
            pq_path = out_dir / f"{table}.parquet"
            if not pq_path.exists():
                continue
            cols = columns(table)
            select = "SELECT " + ", ".join(f'"{c}"' for c in cols)
            if "case_id" not in cols:
                select = "SELECT ? AS case_id, " + ", ".join(f'"{c}"' for c in cols)
            src = f"{select} FROM read_parquet(?)"
            params = [case_id, str(pq_path)] if "case_id" not in cols else [str(pq_path)]
            replace_case_rows(con, table, src, params, case_id)


__all__ = [
    "atomic_write_bytes", "cell_value", "columns", "csv_table_bytes", "duckdb_transaction", "load_duckdb", "read_table", "schema",
    "replace_case_rows", "to_arrow", "write_table", "LIST_SEP",
]
