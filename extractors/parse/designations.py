"""The designations of a parsed sanctions list, held as one Arrow table.

A list of 100,000 entries is 100,000 small records: as Python dicts they
cost hundreds of megabytes and every framework that walks task arguments
walks each of them.  :class:`Designations` keeps them columnar (pyarrow),
pickles as one buffer, is stored as Parquet next to the parse cache, and
still reads like a sequence of dicts where a caller wants one entry.

Columns (:data:`SCHEMA`): ``entry`` (1-based position in the list),
``list_id`` (the list's own key: OFAC ``ent_num``, UK group/unique id),
``list_name``, ``name``, ``aliases``, ``name_folded`` / ``aliases_folded``
(diacritics and case folded), ``type``, ``programme`` (joined with ``; ``)
and ``programmes``, ``listed_on`` and ``last_updated`` (ISO dates when the
list gives them), ``identifiers`` (``label value`` strings: dates of birth,
passport, national and registration numbers...), ``remarks``, and
``char_start`` / ``char_end`` of the entry's sentence in the document's
canonical text.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from extractors.atomic import atomic_write_bytes

_STR = pa.string()
_LIST = pa.list_(pa.string())

SCHEMA = pa.schema([
    ("entry", pa.int32()),
    ("list_id", _STR),
    ("list_name", _STR),
    ("name", _STR),
    ("aliases", _LIST),
    ("name_folded", _STR),
    ("aliases_folded", _LIST),
    ("type", _STR),
    ("programme", _STR),
    ("programmes", _LIST),
    ("listed_on", _STR),
    ("last_updated", _STR),
    ("identifiers", _LIST),
    ("remarks", _STR),
    ("char_start", pa.int64()),
    ("char_end", pa.int64()),
])


class Designations:
    """A read-only sequence of designation records backed by an Arrow table."""

    __slots__ = ("table", "_rows")

    def __init__(self, table: pa.Table | None = None):
        self.table = table if table is not None else SCHEMA.empty_table()
        self._rows: list[dict[str, Any]] | None = None

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]]) -> "Designations":
        recs = list(records)
        cols = {f.name: [r.get(f.name) for r in recs] for f in SCHEMA}
        for f in SCHEMA:
            if pa.types.is_list(f.type):
                cols[f.name] = [list(v or []) for v in cols[f.name]]
        return cls(pa.Table.from_pydict(cols, schema=SCHEMA))

    @classmethod
    def concat(cls, parts: Iterable["Designations"]) -> "Designations":
        tables = [p.table for p in parts]
        return cls(pa.concat_tables(tables) if tables else None)

    # --------------------------------------------------------------- sequence
    def __len__(self) -> int:
        return self.table.num_rows

    def __bool__(self) -> bool:
        return self.table.num_rows > 0

    def _all(self) -> list[dict[str, Any]]:
        if self._rows is None:
            self._rows = self.table.to_pylist()
        return self._rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for batch in self.table.to_batches(max_chunksize=4096):
            yield from batch.to_pylist()

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step == 1:
                return self.table.slice(start, max(0, stop - start)).to_pylist()
            return [self[j] for j in range(start, stop, step)]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self.table.slice(i, 1).to_pylist()[0]

    def column(self, name: str) -> list[Any]:
        return self.table.column(name).to_pylist()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Designations):
            return self.table.equals(other.table)
        if isinstance(other, list):
            return self._all() == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"Designations({len(self)} entries)"

    def __getstate__(self):
        return {"table": self.table}

    def __setstate__(self, state):
        self.table = state["table"]
        self._rows = None

    # --------------------------------------------------------------- storage
    def write_parquet(self, path: Path) -> Path:
        sink = pa.BufferOutputStream()
        pq.write_table(self.table, sink, compression="zstd")
        atomic_write_bytes(Path(path), sink.getvalue().to_pybytes())
        return Path(path)

    @classmethod
    def read_parquet(cls, path: Path) -> "Designations":
        return cls(pq.read_table(Path(path)).cast(SCHEMA))


def as_designations(value: Any) -> Designations:
    """A :class:`Designations` from what a ParsedDoc may hold (an instance,
    a list of dicts from an older cache, or nothing)."""
    if isinstance(value, Designations):
        return value
    return Designations.from_records(value or [])
