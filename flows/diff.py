"""``claimcheck diff RUN_A RUN_B``: the changed rows of every table between
two runs, matched on each table's stable id.  Plain code, no Prefect."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.export.tables import LIST_SEP, columns, read_table
from extractors.model import TABLES

# the stable identity of a row in each table
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("source_id",),
    "passages": ("passage_id",),
    "mentions": ("mention_id",),
    "relations": ("relation_id",),
    "claims": ("claim_id",),
    "source_claims": ("claim_id", "source_id"),
}
# columns that differ on every run by nature; ignored unless asked for
VOLATILE: dict[str, tuple[str, ...]] = {"documents": ("fetched_at", "http_status")}


@dataclass
class TableDiff:
    table: str
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[dict[str, Any], dict[str, Any], list[str]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def rows(self) -> list[dict[str, Any]]:
        """One output row per difference: ``change`` (added | removed | changed),
        ``changed_columns``, then the table's columns (new values; old for removed)."""
        out = []
        for r in self.added:
            out.append({"change": "added", "changed_columns": "", **r})
        for r in self.removed:
            out.append({"change": "removed", "changed_columns": "", **r})
        for old, new, cols in self.changed:
            row = {"change": "changed", "changed_columns": LIST_SEP.join(cols), **new}
            for c in cols:
                row[f"old_{c}"] = old.get(c)
            out.append(row)
        return out


def _unfinished(p: Path) -> FileNotFoundError:
    return FileNotFoundError(f"run folder {str(p)!r} is not a complete run (no run.json: the run was stopped "
                             "before it finished, or is still running); compare complete runs only")


def resolve_run(ref: str | Path, out_dir: Path | None = None) -> Path:
    """A complete run folder (one holding ``run.json``, which a run writes
    last) from a path, or from a run id looked up under OUT/*/runs/.  The
    case folder OUT/<case> itself stands for its published run."""
    p = Path(ref)
    if p.is_dir():
        if not (p / "run.json").is_file():
            raise _unfinished(p)
        return p
    if out_dir is not None:
        hits = sorted(Path(out_dir).glob(f"*/runs/{ref}"))
        done = [h for h in hits if (h / "run.json").is_file()]
        if done:
            return done[0]
        if hits:
            raise _unfinished(hits[0])
    raise FileNotFoundError(f"no run folder {ref!r} (give a path, or a run id under {out_dir})")


def _key(table: str, row: dict[str, Any]) -> tuple:
    return tuple(row.get(k) for k in KEYS[table])


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return a == b


def diff_table(table: str, a: list[dict[str, Any]], b: list[dict[str, Any]],
               include_volatile: bool = False) -> TableDiff:
    ignore = set() if include_volatile else set(VOLATILE.get(table, ()))
    cols = [c for c in columns(table) if c not in ignore]
    ia, ib = {_key(table, r): r for r in a}, {_key(table, r): r for r in b}
    d = TableDiff(table)
    for k in ib.keys() - ia.keys():
        d.added.append(ib[k])
    for k in ia.keys() - ib.keys():
        d.removed.append(ia[k])
    for k in ia.keys() & ib.keys():
        changed = [c for c in cols if not _same(ia[k].get(c), ib[k].get(c))]
        if changed:
            d.changed.append((ia[k], ib[k], changed))
    order = lambda r: tuple(str(x) for x in _key(table, r))  # noqa: E731
    d.added.sort(key=order)
    d.removed.sort(key=order)
    d.changed.sort(key=lambda t: order(t[1]))
    return d


def diff_runs(run_a: Path, run_b: Path, include_volatile: bool = False) -> dict[str, TableDiff]:
    return {t: diff_table(t, read_table(run_a, t), read_table(run_b, t), include_volatile) for t in TABLES}


def write_diff(diffs: dict[str, TableDiff], dest: Path) -> list[Path]:
    """Write ``<table>.csv`` of the changed rows for every table (empty tables too)."""
    from extractors.export.tables import atomic_write_bytes, csv_table_bytes

    paths = []
    for table, d in diffs.items():
        rows = d.rows()
        cols = ["change", "changed_columns", *columns(table)]
        extra = sorted({k for r in rows for k in r if k not in cols})
        path = Path(dest) / f"{table}.csv"
        atomic_write_bytes(path, csv_table_bytes(cols + extra, rows))
        paths.append(path)
    return paths
