"""Analyst review decisions: an append-only record, applied to later runs.

The source of truth is ``<out_dir>/reviews.jsonl``: one JSON object per
decision *event* and per line (split on b"\n" only), appended under a lock
and fsync'd; every line is validated when read, and a bad one is skipped
with a warning naming the file and line.  The latest event per target (by
the parsed ``decided_at``, then file order) wins, so two browser tabs saving
at the same time both land in the file and nothing is lost.  The DuckDB
``reviews`` table in ``claimcheck.duckdb`` follows the file incrementally
(:func:`sync_reviews_duckdb`); it is a copy for SQL users, never the record.

A decision is made on the evidence the analyst saw: its ``evidence_hash`` is
a hash of the row's ``document_sha256``, evidence text and machine verdict
(mentions: ``document_sha256``, surface, canonical id and sentence).  When a
later run produces a different hash for the same target, the decision is not
silently kept or dropped: the row gets ``review_status = "stale"`` and a note
saying what was decided on the older evidence.
"""
from extractors.review.store import (
    DECISIONS,
    REVIEW_STATUSES,
    Decision,
    DecisionLog,
    LogProblem,
    ReviewError,
    apply_case_reviews,
    apply_decisions,
    evidence_hash,
    export_csv,
    import_csv,
    latest_decisions,
    load_decisions,
    mention_hash,
    record_decision,
    reviews_path,
    source_claim_key,
    sync_reviews_duckdb,
)

__all__ = [
    "DECISIONS", "REVIEW_STATUSES", "Decision", "DecisionLog", "LogProblem", "ReviewError", "apply_case_reviews",
    "apply_decisions", "evidence_hash", "export_csv", "import_csv", "latest_decisions",
    "load_decisions", "mention_hash", "record_decision", "reviews_path", "source_claim_key",
    "sync_reviews_duckdb",
]
