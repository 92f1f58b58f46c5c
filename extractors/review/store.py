"""Decision store (append-only JSON lines), staleness rule, CSV exchange."""
from __future__ import annotations

import csv
import dataclasses
import fcntl
import hashlib
import io
import json
import logging
import os
import re
import threading
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
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
MAX_REVIEWER = 200
MAX_CSV_FIELD = 131_072  # characters per cell of an imported CSV
FUTURE_SKEW = timedelta(minutes=5)  # how far ahead of this clock an imported decision time may be
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CANONICAL_ID = re.compile(r"[a-z_]+:[a-z0-9][a-z0-9._\-]*")
_CORRECTED_RE = re.compile(r"^\[corrected to ([a-z_:.\-0-9]+)\]")

_lock = threading.Lock()
log = logging.getLogger("claimcheck.review")


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
        return list(_COLS)

    def to_dict(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in _COLS}


_COLS: tuple[str, ...] = tuple(f.name for f in fields(Decision))

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


# ----------------------------------------------------------------- times


def parse_time(value: Any) -> datetime:
    """An ISO-8601 time as an aware UTC datetime; a time without a zone is UTC.

    Raises ValueError when *value* is not one."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not an ISO-8601 time: {value!r}")
    try:
        dt = datetime.fromisoformat(value.strip())
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=timezone.utc)
        return dt.astimezone(timezone.utc)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not an ISO-8601 time: {value!r}") from exc


def format_time(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_CANONICAL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def time_key(decided_at: str) -> str:
    """A string that sorts like the time: the canonical UTC form.  Events the
    app writes are already in it; others (older records) are converted."""
    if _CANONICAL_TIME.fullmatch(decided_at):
        return decided_at
    try:
        return format_time(parse_time(decided_at))
    except ValueError:
        return ""  # sorts first: an unreadable time never wins


def _checked_time(value: Any, *, now: datetime | None = None) -> str:
    """*value* as the canonical UTC string; refused when unreadable or in the future."""
    try:
        dt = parse_time(value)
    except ValueError:
        raise ReviewError(f"decided_at {value!r} is not an ISO-8601 time",
                          "write it like 2026-01-31T14:05:00Z; a time without a zone is read as UTC") from None
    now = now or datetime.now(timezone.utc)
    if dt > now + FUTURE_SKEW:
        raise ReviewError(f"decided_at {value!r} is in the future (more than {_skew_text()} ahead of this "
                          "machine's clock)", "check the clock of the machine that recorded it")
    return format_time(dt)


def _skew_text() -> str:
    return f"{int(FUTURE_SKEW.total_seconds() // 60)} minutes"


# ----------------------------------------------------------------- the record


def reviews_path(out_dir: Path) -> Path:
    return Path(out_dir) / REVIEWS_FILE


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _unicode_ok(text: str | None) -> bool:
    if text is None or text.isascii():
        return True
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON) cannot be stored
        return False


def _check_text(**values: str | None) -> None:
    for name, value in values.items():
        if not _unicode_ok(value):
            raise ReviewError(f"field {name!r} holds an unpaired surrogate (not valid Unicode text)")


def _validate(d: Decision) -> None:
    _check_text(case_id=d.case_id, target_id=d.target_id, correction=d.correction, note=d.note,
                reviewer=d.reviewer)
    if d.kind not in KINDS:
        raise ReviewError(f"unknown review kind {d.kind!r}", f"use one of {', '.join(KINDS)}")
    if d.decision not in DECISIONS:
        raise ReviewError(f"unknown decision {d.decision!r}", f"use one of {', '.join(DECISIONS)}")
    if not d.case_id or not d.target_id:
        raise ReviewError("a decision needs a case id and a target id")
    if not d.reviewer or not d.reviewer.strip():
        raise ReviewError("a decision needs a reviewer name", "type your name or initials")
    if len(d.reviewer) > MAX_REVIEWER:
        raise ReviewError(f"reviewer name longer than {MAX_REVIEWER} characters", "shorten it, e.g. to initials")
    if len(d.note) > MAX_NOTE:
        raise ReviewError(f"note longer than {MAX_NOTE} characters")
    if not _SHA256.fullmatch(d.evidence_hash or ""):
        raise ReviewError("evidence_hash must be a sha256 hex digest")
    if d.decision == "corrected":
        if not d.correction:
            raise ReviewError("a correction needs the corrected value",
                              "pick the corrected verdict (or canonical id for a mention)")
        if d.kind == "source_claim" and d.correction not in VERDICTS:
            raise ReviewError(f"unknown verdict {d.correction!r}", f"use one of {', '.join(VERDICTS)}")
        if d.kind == "mention" and not _CANONICAL_ID.fullmatch(d.correction):
            raise ReviewError(f"bad canonical id {d.correction!r}", "write it as type:name, e.g. place:banjska")


def make_decision(*, case_id: str, kind: str, target_id: str, decision: str, evidence_hash: str,
                  reviewer: str, note: str = "", correction: str | None = None,
                  decided_at: str | None = None, claim_id: str | None = None,
                  source_id: str | None = None, mention_id: str | None = None) -> Decision:
    """A validated decision event.  ``decided_at`` defaults to now; a given
    time is parsed as ISO-8601 (no zone = UTC), stored as canonical UTC, and
    refused when unreadable or in the future beyond :data:`FUTURE_SKEW`."""
    decided_at = _now() if decided_at is None else _checked_time(decided_at)
    correction = correction or None
    if decision != "corrected":
        correction = None
    reviewer = (reviewer or "").strip()
    _check_text(case_id=case_id, target_id=target_id, correction=correction, note=note, reviewer=reviewer)
    did = stable_id("review", case_id, kind, target_id, decision, correction, note, reviewer,
                    decided_at, evidence_hash)
    d = Decision(decision_id=did, case_id=case_id, kind=kind, target_id=target_id, decision=decision,
                 correction=correction, note=note or "", reviewer=reviewer,
                 decided_at=decided_at, evidence_hash=evidence_hash, claim_id=claim_id,
                 source_id=source_id, mention_id=mention_id)
    _validate(d)
    return d


def _append(out_dir: Path, decisions: Sequence[Decision], *,
            skip_recorded: "DecisionLog | None" = None) -> list[Decision]:
    """Append *decisions* to the record; returns those written.  With
    *skip_recorded* (a reader of this record, usually refreshed just
    before), events whose ``decision_id`` is already in the record are left
    out, checked under the file lock after reading what was appended since:
    two imports of one file at the same time write each event once."""
    path = reviews_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock:  # threads of one process (the review app)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # other processes (CLI import, a second app)
            try:
                if skip_recorded is not None:
                    recorded = {d.decision_id for d in skip_recorded.refresh_held(fd)}
                    decisions = [d for d in decisions if d.decision_id not in recorded]
                size = os.fstat(fd).st_size
                if not decisions:
                    return []
                # json.dumps escapes \n and \r, so every event is exactly one b"\n"-ended line
                payload = "".join(json.dumps(d.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
                                  for d in decisions).encode("utf-8")
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    payload = b"\n" + payload  # a torn line from a crash stays torn, alone
                os.write(fd, payload)
                os.fsync(fd)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    return list(decisions)


def record_decision(out_dir: Path, **kwargs: Any) -> Decision:
    """Validate and append one decision event; returns it.  See :func:`make_decision`."""
    d = make_decision(**kwargs)
    _append(out_dir, [d])
    return d


# ----------------------------------------------------------------- reading the record

_REQUIRED = ("decision_id", "case_id", "kind", "target_id", "decision", "note", "reviewer", "decided_at",
             "evidence_hash")
_OPTIONAL = ("correction", "claim_id", "source_id", "mention_id")


@dataclass(frozen=True)
class LogProblem:
    """A line of ``reviews.jsonl`` that is not a valid event (skipped), or
    a valid one worth a warning (kept)."""

    path: Path
    line: int
    message: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.path} line {self.line}: {self.message}; " + ("line skipped" if self.skipped else "kept")


def decode_event(raw: bytes) -> Decision:
    """One line of the record as a Decision; ValueError says what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})") from None
    try:
        obj = json.loads(text)
    except RecursionError:
        raise ValueError("not JSON (nested too deeply)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    for name in _REQUIRED:
        if name not in obj:
            raise ValueError(f"missing field {name!r}")
        if not isinstance(obj[name], str):
            raise ValueError(f"field {name!r} must be a string")
    for name in _OPTIONAL:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise ValueError(f"field {name!r} must be a string or null")
    d = Decision(**{k: obj.get(k) for k in _COLS})
    try:
        _validate(d)
    except ReviewError as exc:
        raise ValueError(exc.args[0]) from None
    try:
        parse_time(d.decided_at)  # canonical, or another ISO-8601 form an older version wrote
    except ValueError:
        raise ValueError(f"decided_at {d.decided_at!r} is not an ISO-8601 time") from None
    return d


@dataclass
class Chunk:
    decisions: list[tuple[int, Decision]]  # (line number, event)
    problems: list[LogProblem]
    consumed: int  # bytes up to and including the last b"\n"
    lines: int  # complete lines consumed
    tail: bytes  # an unterminated last line (a write cut short), not consumed


def parse_chunk(data: bytes, path: Path, first_line: int = 1) -> Chunk:
    """Split *data* on b"\\n" only (a note may hold U+2028, U+0085 or \\r:
    ``str.splitlines`` would cut the event there) and decode each line."""
    parts = data.split(b"\n")
    tail = parts.pop()  # b"" when data ends with a newline
    decisions: list[tuple[int, Decision]] = []
    problems: list[LogProblem] = []
    limit = format_time(datetime.now(timezone.utc) + FUTURE_SKEW)
    for i, raw in enumerate(parts):
        if not raw.strip():
            continue
        n = first_line + i
        try:
            d = decode_event(raw)
        except ValueError as exc:
            problems.append(LogProblem(path, n, str(exc)))
            continue
        decisions.append((n, d))
        # kept: a decision acknowledged once never disappears (the clock may
        # have been set back since), but it wins until that time comes
        if time_key(d.decided_at) > limit:
            problems.append(LogProblem(path, n, f"decided_at {d.decided_at} is in the future, so this decision "
                                                "wins over any later one until then", skipped=False))
    return Chunk(decisions, problems, len(data) - len(tail), len(parts), tail)


def _tail_problem(path: Path, line: int) -> LogProblem:
    return LogProblem(path, line, "incomplete (a write cut short, e.g. by a crash)")


def _warn(problems: Iterable[LogProblem]) -> None:
    for p in problems:
        log.warning("%s", p)


class DecisionLog:
    """``reviews.jsonl`` read incrementally: each refresh reads only the
    bytes appended since the last one (the file is append-only).  A file that
    was replaced or shortened is read again from the start.  Bad lines are
    logged once (``claimcheck.review`` logger) and kept in ``problems``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._state_lock = threading.Lock()
        self._reset(None)

    def _reset(self, ident: tuple[int, int] | None) -> None:
        self.decisions: list[Decision] = []
        self.by_target: dict[tuple[str, str, str], list[Decision]] = {}
        self.problems: list[LogProblem] = []
        self._ident = ident
        self._offset = 0
        self._lines = 0
        self._check = b""
        self._tail_reported = -1

    def refresh(self) -> list[Decision]:
        """Every valid event in file order (the list is shared: do not modify)."""
        with self._state_lock:
            return self._consume(self._read_new())

    def refresh_held(self, fd: int) -> list[Decision]:
        """:meth:`refresh` through *fd*, an open descriptor of the record on
        which the caller holds the file lock (``_append``)."""
        with self._state_lock:
            return self._consume(self._read_fd(fd))

    def _consume(self, data: bytes | None) -> list[Decision]:
        if data is None:
            return self.decisions
        chunk = parse_chunk(data, self.path, self._lines + 1)
        for _, d in chunk.decisions:
            self.decisions.append(d)
            self.by_target.setdefault((d.case_id, d.kind, d.target_id), []).append(d)
        problems = list(chunk.problems)
        self._offset += chunk.consumed
        self._lines += chunk.lines
        self._check = (self._check + data[:chunk.consumed])[-64:]
        if chunk.tail.strip() and self._tail_reported != self._offset:
            problems.append(_tail_problem(self.path, self._lines + 1))
            self._tail_reported = self._offset
        self.problems.extend(problems)
        _warn(problems)
        return self.decisions

    def _read_new(self) -> bytes | None:
        with _lock:
            try:
                fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                if self._ident is not None or self.decisions:
                    self._reset(None)
                return None
            try:
                fcntl.flock(fd, fcntl.LOCK_SH)  # no half-appended event is read
                try:
                    return self._read_fd(fd)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def _read_fd(self, fd: int) -> bytes | None:
        st = os.fstat(fd)
        ident = (st.st_dev, st.st_ino)
        if (ident != self._ident or st.st_size < self._offset
                or os.pread(fd, len(self._check), self._offset - len(self._check)) != self._check):
            self._reset(ident)
        if st.st_size == self._offset:
            return None
        return _pread_all(fd, self._offset, st.st_size - self._offset)


def _pread_all(fd: int, offset: int, size: int) -> bytes:
    parts = []
    while size > 0:
        b = os.pread(fd, min(size, 1 << 26), offset)
        if not b:
            break
        parts.append(b)
        offset += len(b)
        size -= len(b)
    return b"".join(parts)


def load_decisions(out_dir: Path, case_id: str | None = None) -> list[Decision]:
    """Every valid decision event in file order.  A bad line (torn by a
    crash, not JSON, missing fields, wrong types or values) is logged with
    the file and line number and skipped; the rest stands."""
    ds = DecisionLog(reviews_path(out_dir)).refresh()
    return list(ds) if case_id is None else [d for d in ds if d.case_id == case_id]


def latest_decisions(decisions: Iterable[Decision]) -> dict[tuple[str, str, str], Decision]:
    """Latest event per (case, kind, target): by the parsed ``decided_at``
    (UTC), then file order."""
    latest: dict[tuple[str, str, str], tuple[str, int, Decision]] = {}
    for i, d in enumerate(decisions):
        key = (d.case_id, d.kind, d.target_id)
        cur = latest.get(key)
        t = time_key(d.decided_at)
        if cur is None or (t, i) >= (cur[0], cur[1]):
            latest[key] = (t, i, d)
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


# ----------------------------------------------------------------- DuckDB mirror

_EXTRA = {"decided_at_utc": "TIMESTAMP", "log_line": "BIGINT"}
_DDL = ", ".join([f'"{c}" VARCHAR' for c in _COLS] + [f'"{c}" {t}' for c, t in _EXTRA.items()])
_STATE_DDL = ("log_path VARCHAR, log_ident VARCHAR, log_offset BIGINT, log_lines BIGINT, tail_check BLOB, "
              "events BIGINT, full_loads BIGINT, last_inserted BIGINT, synced_at VARCHAR")


def _arrow_events(decisions: Sequence[tuple[int, Decision]]):
    import pyarrow as pa

    cols: dict[str, Any] = {c: pa.array([getattr(d, c) for _, d in decisions], pa.string()) for c in _COLS}
    cols["decided_at_utc"] = pa.array([parse_time(d.decided_at).replace(tzinfo=None) for _, d in decisions],
                                      pa.timestamp("us"))
    cols["log_line"] = pa.array([n for n, _ in decisions], pa.int64())
    return pa.table(cols)


def _table_columns(con, name: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [name]).fetchall()]


def sync_reviews_duckdb(out_dir: Path, db_path: Path | None = None) -> int:
    """Bring DuckDB's ``reviews`` table (every valid event, with
    ``decided_at_utc`` and ``log_line``) and ``reviews_latest`` view up to
    date with ``reviews.jsonl``; returns the number of events in the table.

    Incremental: ``reviews_log_state`` remembers how far the log was loaded
    (file identity, byte offset, line count, and the bytes just before the
    offset); only the lines appended since are inserted, in one Arrow batch.
    The table is loaded whole only when the log was replaced or shortened,
    or the database has no state yet.  Bad lines are skipped here quietly
    (the readers report them)."""
    import duckdb

    path = reviews_path(out_dir)
    db_path = Path(db_path or Path(out_dir) / "claimcheck.duckdb")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    try:
        con.execute("BEGIN TRANSACTION")
        state = None
        if _table_columns(con, "reviews_log_state") and _table_columns(con, "reviews") == [*_COLS, *_EXTRA]:
            rows = con.execute("SELECT log_path, log_ident, log_offset, log_lines, tail_check, full_loads "
                               "FROM reviews_log_state").fetchall()
            state = rows[0] if len(rows) == 1 else None
        full_loads = state[5] if state else 0
        with _lock:
            data, ident, offset, lines, full = _read_log_from(path, state)
        chunk = parse_chunk(data, path, lines + 1)
        if full:
            con.execute(f"CREATE OR REPLACE TABLE reviews ({_DDL})")
            full_loads += 1
        if chunk.decisions:
            con.register("review_batch", _arrow_events(chunk.decisions))
            con.execute("INSERT INTO reviews SELECT * FROM review_batch")
            con.unregister("review_batch")
        con.execute(
            "CREATE OR REPLACE VIEW reviews_latest AS SELECT * EXCLUDE (rn) FROM ("
            " SELECT *, row_number() OVER (PARTITION BY case_id, kind, target_id"
            " ORDER BY decided_at_utc DESC, log_line DESC) AS rn FROM reviews) WHERE rn = 1"
        )
        new_offset = offset + chunk.consumed
        before = b"" if full else bytes(state[4] or b"")
        check = (before + data[:chunk.consumed])[-64:]
        events = con.execute("SELECT count(*) FROM reviews").fetchone()[0]
        con.execute(f"CREATE OR REPLACE TABLE reviews_log_state ({_STATE_DDL})")
        con.execute("INSERT INTO reviews_log_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [str(path.resolve()), ident, new_offset, lines + chunk.lines, check, events, full_loads,
                     len(chunk.decisions), _now()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return events


def _read_log_from(path: Path, state: Any) -> tuple[bytes, str, int, int, bool]:
    """(new bytes, file identity, offset they start at, lines before them, whether this is a full load)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return b"", "", 0, 0, True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        try:
            st = os.fstat(fd)
            ident = f"{st.st_dev}:{st.st_ino}"
            if state is not None:
                log_path, log_ident, offset, lines, check = state[:5]
                check = bytes(check or b"")
                if (log_path == str(path.resolve()) and log_ident == ident and offset <= st.st_size
                        and os.pread(fd, len(check), offset - len(check)) == check):
                    return _pread_all(fd, offset, st.st_size - offset), ident, offset, lines, False
            return _pread_all(fd, 0, st.st_size), ident, 0, 0, True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# ----------------------------------------------------------------- CSV exchange


def export_csv(out_dir: Path, dest: Path | io.TextIOBase, case_id: str | None = None) -> int:
    """Write every decision event (optionally of one case) as CSV; returns the count.

    Text cells a spreadsheet would run as a formula get a leading single
    quote (see :mod:`extractors.export.csv_text`); :func:`import_csv` removes
    it again.  The folder of *dest* must exist."""
    from extractors.atomic import atomic_write_bytes
    from extractors.export.csv_text import csv_bytes

    if isinstance(dest, (str, Path)):
        dest = Path(dest)
        if not dest.parent.is_dir():
            raise ReviewError(f"cannot write {dest}: the folder {dest.parent} does not exist",
                              "create it first or choose another file")
        if dest.is_dir():
            raise ReviewError(f"cannot write {dest}: it is a folder", "give a file name, e.g. decisions.csv")
    decisions = load_decisions(out_dir, case_id)
    data = csv_bytes(_COLS, ([getattr(d, c) for c in _COLS] for d in decisions))
    if isinstance(dest, Path):
        atomic_write_bytes(dest, data)
    else:
        dest.write(data.decode("utf-8"))
    return len(decisions)


_IMPORT_REQUIRED = {"case_id", "kind", "target_id", "decision", "reviewer", "decided_at", "evidence_hash"}


def _csv_records(src: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(line where the record starts, cells by column)]), cells
    with the formula quote removed.  Errors name the line in the file."""
    from extractors.export.csv_text import restore_cell

    raw = Path(src).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ReviewError(f"{src} line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                          "save the file as UTF-8 (\"CSV UTF-8\" in a spreadsheet)") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, dict[str, str]]] = []
    end = 0
    try:
        header = next(reader, None)
        end = reader.line_num
        if not header:
            raise ReviewError(f"{src}: empty file", "export the file with `claimcheck reviews export`")
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not cells or cells == [""]:
                continue
            if len(cells) != len(header):
                raise ReviewError(f"{src} line {start}: {len(cells)} cells, the header has {len(header)}")
            if any(len(c) > MAX_CSV_FIELD for c in cells):
                # checked here: the csv module's own limit is process-wide and other libraries raise it
                raise ReviewError(f"{src} line {start}: field larger than {MAX_CSV_FIELD} characters",
                                  f"a note holds at most {MAX_NOTE} characters; is this a decisions CSV?")
            records.append((start, {h: restore_cell(c) for h, c in zip(header, cells)}))
    except csv.Error as exc:
        raise ReviewError(f"{src} line {end + 1}: {exc}", "is it a CSV written by `claimcheck reviews export`?"
                          ) from None
    return header, records


def import_csv(out_dir: Path, src: Path) -> tuple[int, int]:
    """Append the decisions of a CSV written by :func:`export_csv`.

    Events already in the record (same ``decision_id``) are skipped, so an
    import can be repeated.  Every row is validated before anything is
    written; one bad row rejects the file, and the error names its line in
    the file.  ``decided_at`` is ISO-8601 (no zone = UTC), stored as UTC,
    refused when unreadable or in the future.  Returns (added, skipped).
    """
    header, rows = _csv_records(src)
    missing = _IMPORT_REQUIRED - set(header)
    if missing:
        raise ReviewError(f"{src}: missing columns {', '.join(sorted(missing))}",
                          "export the file with `claimcheck reviews export`")
    record = DecisionLog(reviews_path(out_dir))
    known = {d.decision_id for d in record.refresh()}  # read while saves go on; the rest under the lock
    new: list[Decision] = []
    for n, r in rows:
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
    added = _append(out_dir, new, skip_recorded=record) if new else []
    return len(added), len(rows) - len(added)
