"""Decision store (append-only JSON lines), staleness rule, CSV exchange."""
from __future__ import annotations

import csv
import dataclasses
import fcntl
import hashlib
import io
import json
import os
import re
import threading
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

from extractors.errors import ClaimcheckError
from extractors.ids import stable_id
from extractors.model import VERDICTS

DECISIONS = ("confirmed", "rejected", "corrected")
REVIEW_STATUSES = (*DECISIONS, "stale")
KINDS = ("source_claim", "mention")
REVIEWS_FILE = "reviews.jsonl"
MAX_NOTE = 4000
_CORRECTED_RE = re.compile(r"^\[corrected to ([a-z_:.\-0-9]+)\]")

_lock = threading.Lock()


class ReviewError(ClaimcheckError):
    """A decision that cannot be recorded (bad value, unknown row)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint or None)


@dataclass(frozen=True)
class Decision:
    decision_id: str
    case_id: str
    kind: str  # source_claim | mention
    target_id: str  # "<claim_id>/<source_id>" or the mention_id
    decision: str  # confirmed | rejected | corrected
    correction: str | None  # corrected verdict (source_claim) or canonical id (mention)
    note: str
    reviewer: str
    decided_at: str  # ISO 8601 UTC, microseconds
    evidence_hash: str
    claim_id: str | None = None
    source_id: str | None = None
    mention_id: str | None = None

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]


# ----------------------------------------------------------------- keys and hashes


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


def source_claim_key(row_or_claim: Any, source_id: str | None = None) -> str:
    if source_id is not None:
        return f"{row_or_claim}/{source_id}"
    return f"{_get(row_or_claim, 'claim_id')}/{_get(row_or_claim, 'source_id')}"


def _h(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(b"\x1f")
        h.update(("" if p is None else str(p)).encode("utf-8"))
    return h.hexdigest()


def evidence_hash(row: Any) -> str:
    """What a claim-source decision was made on: document, evidence, machine verdict."""
    return _h(_get(row, "document_sha256"), _get(row, "evidence_text"), _get(row, "verdict"))


def mention_hash(row: Any) -> str:
    """What a mention decision was made on: document, surface, canonical id, sentence."""
    return _h(_get(row, "document_sha256"), _get(row, "surface"), _get(row, "canonical"),
              _get(row, "sentence"))


def effective_verdict(row: Any) -> str:
    """The verdict after review: the analyst's correction when one applies."""
    verdict = _get(row, "verdict")
    if _get(row, "review_status") == "corrected":
        m = _CORRECTED_RE.match(_get(row, "reviewer_note") or "")
        if m and m.group(1) in VERDICTS:
            return m.group(1)
    return verdict


def effective_canonical(row: Any) -> str:
    canonical = _get(row, "canonical")
    if _get(row, "review_status") == "corrected":
        m = _CORRECTED_RE.match(_get(row, "reviewer_note") or "")
        if m:
            return m.group(1)
    return canonical


# ----------------------------------------------------------------- the record


def reviews_path(out_dir: Path) -> Path:
    return Path(out_dir) / REVIEWS_FILE


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _validate(d: Decision) -> None:
    if d.kind not in KINDS:
        raise ReviewError(f"unknown review kind {d.kind!r}", f"use one of {', '.join(KINDS)}")
    if d.decision not in DECISIONS:
        raise ReviewError(f"unknown decision {d.decision!r}", f"use one of {', '.join(DECISIONS)}")
    if not d.case_id or not d.target_id:
        raise ReviewError("a decision needs a case id and a target id")
    if not d.reviewer or not d.reviewer.strip():
        raise ReviewError("a decision needs a reviewer name", "type your name or initials")
    if len(d.note) > MAX_NOTE or len(d.reviewer) > 200:
        raise ReviewError(f"note longer than {MAX_NOTE} characters")
    if not re.fullmatch(r"[0-9a-f]{64}", d.evidence_hash or ""):
        raise ReviewError("evidence_hash must be a sha256 hex digest")
    if d.decision == "corrected":
        if not d.correction:
            raise ReviewError("a correction needs the corrected value",
                              "pick the corrected verdict (or canonical id for a mention)")
        if d.kind == "source_claim" and d.correction not in VERDICTS:
            raise ReviewError(f"unknown verdict {d.correction!r}", f"use one of {', '.join(VERDICTS)}")
        if d.kind == "mention" and not re.fullmatch(r"[a-z_]+:[a-z0-9][a-z0-9._\-]*", d.correction):
            raise ReviewError(f"bad canonical id {d.correction!r}", "write it as type:name, e.g. place:banjska")


def make_decision(*, case_id: str, kind: str, target_id: str, decision: str, evidence_hash: str,
                  reviewer: str, note: str = "", correction: str | None = None,
                  decided_at: str | None = None, claim_id: str | None = None,
                  source_id: str | None = None, mention_id: str | None = None) -> Decision:
    decided_at = decided_at or _now()
    correction = correction or None
    if decision != "corrected":
        correction = None
    did = stable_id("review", case_id, kind, target_id, decision, correction, note, reviewer.strip(),
                    decided_at, evidence_hash)
    d = Decision(decision_id=did, case_id=case_id, kind=kind, target_id=target_id, decision=decision,
                 correction=correction, note=note or "", reviewer=reviewer.strip(),
                 decided_at=decided_at, evidence_hash=evidence_hash, claim_id=claim_id,
                 source_id=source_id, mention_id=mention_id)
    _validate(d)
    return d


def _append(out_dir: Path, decisions: Sequence[Decision]) -> None:
    path = reviews_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(asdict(d), ensure_ascii=False, sort_keys=True) + "\n" for d in decisions)
    with _lock:  # threads of one process (the review app)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # other processes (CLI import, a second app)
            try:
                payload = data.encode("utf-8")
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    payload = b"\n" + payload  # a torn line from a crash stays torn, alone
                os.write(fd, payload)
                os.fsync(fd)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def record_decision(out_dir: Path, **kwargs: Any) -> Decision:
    """Validate and append one decision event; returns it.  See :func:`make_decision`."""
    d = make_decision(**kwargs)
    _append(out_dir, [d])
    return d


def load_decisions(out_dir: Path, case_id: str | None = None) -> list[Decision]:
    """Every decision event in file order (a torn last line is ignored)."""
    path = reviews_path(out_dir)
    if not path.exists():
        return []
    names = set(Decision.columns())
    out: list[Decision] = []
    with _lock:
        text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by a crash mid-write; the rest stands
        d = Decision(**{k: v for k, v in obj.items() if k in names})
        if case_id is None or d.case_id == case_id:
            out.append(d)
    return out


def latest_decisions(decisions: Iterable[Decision]) -> dict[tuple[str, str, str], Decision]:
    """Latest event per (case, kind, target): by decided_at, then file order."""
    latest: dict[tuple[str, str, str], tuple[str, int, Decision]] = {}
    for i, d in enumerate(decisions):
        key = (d.case_id, d.kind, d.target_id)
        cur = latest.get(key)
        if cur is None or (d.decided_at, i) >= (cur[0], cur[1]):
            latest[key] = (d.decided_at, i, d)
    return {k: v[2] for k, v in latest.items()}


# ----------------------------------------------------------------- applying


def _note_for(d: Decision, current_hash: str) -> tuple[str, str]:
    note = d.note.strip()
    if d.evidence_hash != current_hash:
        what = d.decision + (f" to {d.correction}" if d.correction else "")
        prefix = f"[stale: {what} by {d.reviewer} at {d.decided_at[:19]}Z; the evidence changed since]"
        return "stale", f"{prefix} {note}".strip()
    if d.decision == "corrected":
        return "corrected", f"[corrected to {d.correction}] {note}".strip()
    return d.decision, note


def _with(row: Any, status: str | None, note: str | None) -> Any:
    if isinstance(row, dict):
        return {**row, "review_status": status, "reviewer_note": note}
    return dataclasses.replace(row, review_status=status, reviewer_note=note)


def apply_decisions(source_claims: Sequence[Any], mentions: Sequence[Any],
                    decisions: Iterable[Decision]) -> tuple[list[Any], list[Any]]:
    """Rows with ``review_status``/``reviewer_note`` from the latest decisions.

    Rows keep their machine ``verdict``; a correction is in the note as
    ``[corrected to <verdict>]`` (see :func:`effective_verdict`).  A row whose
    evidence hash differs from the decision's gets ``stale``.  Rows without a
    decision are returned unchanged.  Works on dataclass rows and dicts.
    """
    by_target: dict[tuple[str, str], Decision] = {
        (kind, target): d for (_, kind, target), d in latest_decisions(decisions).items()
    }
    sc_out = []
    for row in source_claims:
        d = by_target.get(("source_claim", source_claim_key(row)))
        sc_out.append(_with(row, *_note_for(d, evidence_hash(row))) if d else row)
    m_out = []
    for row in mentions:
        d = by_target.get(("mention", _get(row, "mention_id")))
        m_out.append(_with(row, *_note_for(d, mention_hash(row))) if d else row)
    return sc_out, m_out


def apply_case_reviews(out_dir: Path, case_id: str, source_claims: Sequence[Any],
                       mentions: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """The flow's hook: read this case's decisions under *out_dir* and apply them."""
    return apply_decisions(source_claims, mentions, load_decisions(out_dir, case_id))


# ----------------------------------------------------------------- DuckDB view


_DDL = ", ".join(f'"{c}" VARCHAR' for c in Decision.columns())


def sync_reviews_duckdb(out_dir: Path, db_path: Path | None = None) -> int:
    """Rebuild the ``reviews`` table (every event) and ``reviews_latest`` view
    in DuckDB from ``reviews.jsonl``.  Returns the number of events."""
    import duckdb

    decisions = load_decisions(out_dir)
    db_path = Path(db_path or Path(out_dir) / "claimcheck.duckdb")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE OR REPLACE TABLE reviews ({_DDL})")
        if decisions:
            cols = Decision.columns()
            con.executemany(f"INSERT INTO reviews VALUES ({', '.join('?' for _ in cols)})",
                            [[getattr(d, c) for c in cols] for d in decisions])
        con.execute(
            "CREATE OR REPLACE VIEW reviews_latest AS SELECT * EXCLUDE (rn) FROM ("
            " SELECT *, row_number() OVER (PARTITION BY case_id, kind, target_id"
            " ORDER BY decided_at DESC) AS rn FROM reviews) WHERE rn = 1"
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return len(decisions)


# ----------------------------------------------------------------- CSV exchange


def export_csv(out_dir: Path, dest: Path | io.TextIOBase, case_id: str | None = None) -> int:
    """Write every decision event (optionally of one case) as CSV; returns the count."""
    decisions = load_decisions(out_dir, case_id)
    cols = Decision.columns()
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for d in decisions:
        w.writerow({c: ("" if getattr(d, c) is None else getattr(d, c)) for c in cols})
    if isinstance(dest, (str, Path)):
        Path(dest).write_text(buf.getvalue(), encoding="utf-8")
    else:
        dest.write(buf.getvalue())
    return len(decisions)


def import_csv(out_dir: Path, src: Path) -> tuple[int, int]:
    """Append the decisions of a CSV written by :func:`export_csv`.

    Events already in the record (same ``decision_id``) are skipped, so an
    import can be repeated.  Every row is validated before anything is
    written; one bad row rejects the file.  Returns (added, skipped).
    """
    with open(src, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"case_id", "kind", "target_id", "decision", "reviewer", "decided_at",
                   "evidence_hash"} - set(reader.fieldnames or [])
        if missing:
            raise ReviewError(f"{src}: missing columns {', '.join(sorted(missing))}",
                              "export the file with `claimcheck reviews export`")
        rows = list(reader)
    known = {d.decision_id for d in load_decisions(out_dir)}
    new: list[Decision] = []
    for n, r in enumerate(rows, start=2):
        try:
            d = make_decision(
                case_id=r["case_id"], kind=r["kind"], target_id=r["target_id"],
                decision=r["decision"], evidence_hash=r["evidence_hash"], reviewer=r["reviewer"],
                note=r.get("note") or "", correction=r.get("correction") or None,
                decided_at=r["decided_at"], claim_id=r.get("claim_id") or None,
                source_id=r.get("source_id") or None, mention_id=r.get("mention_id") or None,
            )
        except ReviewError as exc:
            raise ReviewError(f"{src} line {n}: {exc.args[0]}", exc.hint) from exc
        if d.decision_id in known:
            continue
        known.add(d.decision_id)
        new.append(d)
    if new:
        _append(out_dir, new)
    return len(new), len(rows) - len(new)
