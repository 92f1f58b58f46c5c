"""Input-hash manifest: "no needless work" across runs.

Prefect's own cache keys include the flow-run id, so a new run would reuse
nothing; this module is the project's own answer.  Each unit of work (one
document for parse and NLP, the article for claims, one source for match) is
keyed by the sha256 of everything it depends on -- the document's sha256 and
the versions of the code, model and gazetteer -- and its result is kept in a
content-addressed cache under ``settings.state_dir / "cache" / <stage> /``.

A re-run with the same inputs finds the key and reuses the result; a changed
document, parser version, model or gazetteer gives a new key and is computed
again.  A :class:`Ledger` records, per stage, which items were computed and
which reused; the flow writes it into ``run.json`` under ``"stages"``.

Cache entries are written to a temporary file and renamed into place, so a
killed run leaves either a whole entry or none; an unreadable entry counts as
a miss and is recomputed.  Nothing here imports Prefect.
"""
from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, TypeVar

from extractors.atomic import atomic_write_bytes, sweep_dead_temps

T = TypeVar("T")

CACHE_FORMAT = "incr.v1"  # bump to invalidate every cached result at once


# ----------------------------------------------------------------- keys


def _canon(value: Any) -> Any:
    """A JSON-able, order-stable form of *value* for hashing."""
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_canon(v) for v in value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return {"__dc__": type(value).__name__,
                **{k: _canon(getattr(value, k)) for k in value.__dataclass_fields__}}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def stage_key(stage: str, *inputs: Any) -> str:
    """sha256 (hex) of the stage name, the cache format and every input."""
    payload = json.dumps([CACHE_FORMAT, stage, *(_canon(i) for i in inputs)],
                         sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def dir_fingerprint(path: Path) -> str:
    """sha256 over the names and bytes of every file under *path* (sorted).

    Used for the gazetteer: any edit to any data file changes it.  A missing
    folder has the fingerprint of nothing.
    """
    h = hashlib.sha256()
    root = Path(path)
    if root.exists():
        for p in sorted(q for q in root.rglob("*") if q.is_file()):
            if any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(root).parts):
                continue
            h.update(str(p.relative_to(root)).encode("utf-8") + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


@lru_cache(maxsize=32)
def model_version(model: str) -> str:
    """``name==version`` of an installed spaCy pipeline package (name alone if unknown)."""
    for dist in (model.replace("_", "-"), model):
        try:
            return f"{model}=={metadata.version(dist)}"
        except metadata.PackageNotFoundError:
            continue
    return model


def code_version(module: str, attr: str) -> str | None:
    """A stage's versioned id (e.g. ``extractors.parse.PARSE_VERSION``), None if absent.

    The id is read from the module's source when it is a plain string there,
    so that keying a cache never imports the stage (the NLP package imports
    spaCy: seconds of start-up for a run that may reuse everything)."""
    import sys

    mod = sys.modules.get(module)
    if mod is None:
        value, path = _literal_attr(module, attr)
        if path is not None:
            return f"{value}+{_source_hash_path(path)}" if value else None
    try:
        mod = __import__(module, fromlist=[attr])
    except ImportError:
        return None
    value = getattr(mod, attr, None)
    if not value:
        return None
    return f"{value}+{_source_hash(mod)}"


def _literal_attr(module: str, attr: str) -> tuple[str | None, Path | None]:
    """``(value, file)`` of a module-level ``ATTR = "..."`` found without
    importing the module; ``(None, None)`` when it is not written that way.

    Read line by line, not with ``ast``: stages key their caches from worker
    threads, and CPython 3.11's AST constructor can fail with a SystemError
    when two threads parse at once."""
    import importlib.util
    import re

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None, None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None, None
    try:
        lines = Path(spec.origin).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None, None
    assign = re.compile(rf"^{re.escape(attr)}\s*(?::\s*str\s*)?=\s*(.*)$")
    literal = re.compile(r"""^(?:"([^"\\]*)"|'([^'\\]*)')\s*(?:#.*)?$""")
    for line in lines:
        m = assign.match(line)
        if m is None:
            continue
        lit = literal.match(m.group(1).strip())
        if lit is None:
            return None, None  # computed: import the module to read it
        return (lit.group(1) if lit.group(1) is not None else lit.group(2)), Path(spec.origin)
    return None, None


def _source_hash(mod: Any) -> str:
    """Hash of the stage package's Python files: editing the code invalidates
    its cached results even when nobody bumped the declared version."""
    return _source_hash_path(Path(getattr(mod, "__file__", "") or ""))


def _source_hash_path(path: Path) -> str:
    root = path.parent if path.name == "__init__.py" else path
    files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    h = hashlib.sha256()
    for f in files:
        if f.is_file():
            h.update(f.relative_to(root.parent).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def gazetteer_version(gazetteer_dir: Path) -> str:
    """The gazetteer's declared version (if the loader gives one) plus its content hash."""
    declared = None
    try:
        from extractors.registry.gazetteer import load_gazetteer

        declared = getattr(load_gazetteer(gazetteer_dir), "version", None)
    except Exception:  # noqa: BLE001 - the content hash alone is still a sound key
        declared = None
    return f"{declared or '-'}:{dir_fingerprint(gazetteer_dir)[:16]}"


@dataclass(frozen=True)
class Versions:
    """Everything besides the document that the later stages depend on."""

    parse: str | None
    nlp: str | None
    claims: str | None
    match: str | None
    model: str
    gazetteer: str

    @classmethod
    def current(cls, model: str, gazetteer_dir: Path) -> "Versions":
        return cls(
            parse=code_version("extractors.parse", "PARSE_VERSION"),
            nlp=code_version("extractors.nlp", "NLP_VERSION"),
            claims=code_version("extractors.claims", "CLAIMS_VERSION"),
            match=code_version("extractors.match", "MATCH_VERSION"),
            model=model_version(model),
            gazetteer=gazetteer_version(gazetteer_dir),
        )

    def as_dict(self) -> dict[str, str | None]:
        return {"parse": self.parse, "nlp": self.nlp, "claims": self.claims, "match": self.match,
                "model": self.model, "gazetteer": self.gazetteer}


# The keys of each stage, in one place so the dependency rules are readable:
#   parse  <- document sha256, format, parser version
#   nlp    <- document sha256, parser version, NLP version, model, gazetteer
#   claims <- article sha256, the case's citation names, parser/claims versions, model, gazetteer
#   match  <- claims key, the source's sha256/status, the source's spec, every version


def parse_key(sha256: str, fmt: str, v: Versions) -> str:
    return stage_key("parse", sha256, fmt, v.parse)


def nlp_key(sha256: str, v: Versions) -> str:
    return stage_key("nlp", sha256, v.parse, v.nlp, v.model, v.gazetteer)


def claims_key(article_sha256: str | None, case_sources: Any, case_id: str, v: Versions) -> str:
    return stage_key("claims", case_id, article_sha256, case_sources, v.parse, v.claims, v.model,
                     v.gazetteer)


def match_key(claims_key_: str, source_spec: Any, sha256: str | None, status: str,
              error: str | None, v: Versions) -> str:
    return stage_key("match", claims_key_, source_spec, sha256, status, error, v.parse, v.nlp,
                     v.claims, v.match, v.model, v.gazetteer)


# ----------------------------------------------------------------- cache


class ResultCache:
    """Content-addressed results: ``<root>/<stage>/<key[:2]>/<key>.pkl``.

    Entries are immutable (the key is the hash of the inputs), written
    atomically, and never deleted by the pipeline (only the temporary files
    of a writer that was killed are swept).
    """

    def __init__(self, root: Path):
        self.root = Path(root)

    @classmethod
    def for_settings(cls, settings: Any) -> "ResultCache":
        return cls(Path(settings.state_dir) / "cache")

    def path(self, stage: str, key: str) -> Path:
        return self.root / stage / key[:2] / f"{key}.pkl"

    def get(self, stage: str, key: str) -> tuple[bool, Any]:
        p = self.path(stage, key)
        try:
            with open(p, "rb") as fh:
                return True, pickle.load(fh)
        except FileNotFoundError:
            return False, None
        except Exception:  # noqa: BLE001 - a damaged entry is a miss, recomputed and replaced
            return False, None

    def put(self, stage: str, key: str, value: Any) -> None:
        atomic_write_bytes(self.path(stage, key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def has(self, stage: str, key: str) -> bool:
        return self.path(stage, key).exists()

    def sweep(self) -> int:
        """Remove half-written entries left by a run that was killed."""
        if not self.root.exists():
            return 0
        return sweep_dead_temps(self.root)


def cached(cache: ResultCache, stage: str, key: str, compute: Callable[[], T],
           store: Callable[[T], bool] | None = None) -> tuple[T, bool]:
    """Return ``(result, reused)``: the cached result for *key*, or ``compute()``.

    *store* decides whether a computed result is kept (default: always); a
    result that reflects a transient failure should not be cached.
    """
    hit, value = cache.get(stage, key)
    if hit:
        return value, True
    value = compute()
    if store is None or store(value):
        cache.put(stage, key, value)
    return value, False


# ----------------------------------------------------------------- ledger


@dataclass
class Ledger:
    """Per stage: item ids computed in this run and item ids reused."""

    stages: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def record(self, stage: str, item: str, reused: bool) -> None:
        entry = self.stages.setdefault(stage, {"computed": [], "reused": []})
        entry["reused" if reused else "computed"].append(item)

    def note(self, stage: str, key: str, value: Any) -> None:
        self.stages.setdefault(stage, {"computed": [], "reused": []})[key] = value

    def computed(self, stage: str) -> list[str]:
        return list(self.stages.get(stage, {}).get("computed", []))

    def reused(self, stage: str) -> list[str]:
        return list(self.stages.get(stage, {}).get("reused", []))

    def to_dict(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for stage, entry in self.stages.items():
            e = dict(entry)
            e["computed"] = sorted(entry.get("computed", []))
            e["reused"] = sorted(entry.get("reused", []))
            out[stage] = e
        return out


def previous_documents(case_out_dir: Path) -> dict[str, str | None]:
    """``source_id -> sha256`` from the last complete run's ``documents`` table."""
    from extractors.export.tables import read_table

    try:
        return {r["source_id"]: r.get("sha256") for r in read_table(Path(case_out_dir), "documents")}
    except Exception:  # noqa: BLE001 - an unreadable old table only means "nothing known"
        return {}


def record_fetch(ledger: Ledger, docs: list, previous: dict[str, str | None]) -> None:
    """Fetch's line in the ledger.

    ``reused``: the server answered 304 Not Modified to a conditional request,
    so nothing was downloaded (or a local file still has the bytes of the last
    run); ``computed``: the bytes were downloaded or are new.
    ``changed`` lists the sources whose sha256 differs from the previous run
    (new sources included); ``failed`` those that could not be fetched.
    """
    entry = ledger.stages.setdefault("fetch", {"computed": [], "reused": []})
    entry.setdefault("changed", [])
    entry.setdefault("failed", [])
    for d in docs:
        if d.status != "ok":
            entry["failed"].append(d.source_id)
            continue
        # 304: the server confirmed our copy; a local file (no HTTP) with the same bytes
        not_new = d.http_status == 304 or (d.http_status is None and previous.get(d.source_id) == d.sha256)
        ledger.record("fetch", d.source_id, reused=not_new)
        if previous.get(d.source_id) != d.sha256:
            entry["changed"].append(d.source_id)
    entry["changed"].sort()
    entry["failed"].sort()


__all__ = [
    "previous_documents", "record_fetch",
    "CACHE_FORMAT", "Ledger", "ResultCache", "Versions", "cached", "claims_key", "code_version",
    "dir_fingerprint", "gazetteer_version", "match_key", "model_version", "nlp_key", "parse_key",
    "stage_key",
]
