"""The review app: the report served on 127.0.0.1 with decision forms.

``create_app(case_dir, settings)`` builds a small Starlette app:

* ``GET /`` — the report of the case's latest tables with every recorded
  decision applied, plus a form per claim-source row and per mention;
* ``POST /api/decisions`` — record one decision (JSON body: kind,
  target_id, decision, correction, note, reviewer).  The server looks the
  row up in the current tables and computes the evidence hash itself;
* ``GET /api/decisions`` — the latest decision per row of this case.

Decisions go to the append-only ``reviews.jsonl`` (see
:mod:`extractors.review`); the DuckDB ``reviews`` table is rebuilt after each
save when the database is free (a running flow may hold it; the next run
rebuilds it anyway).  Only same-origin JSON posts to a loopback host are
accepted, and the page's Content-Security-Policy is also sent as a header.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from extractors.export.report import article_text_from_passages, case_meta, csp, render_report
from extractors.export.tables import read_table
from extractors.registry.case import load_case
from extractors.review.store import (
    ReviewError,
    apply_decisions,
    effective_canonical,
    effective_verdict,
    evidence_hash,
    latest_decisions,
    load_decisions,
    mention_hash,
    record_decision,
    source_claim_key,
    sync_reviews_duckdb,
)
from extractors.settings import Settings

log = logging.getLogger("claimcheck.review")
API = "/api/decisions"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
TABLE_NAMES = ("documents", "passages", "claims", "source_claims", "mentions", "relations")


def _security_headers(review: bool = True) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp(review) + "; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def _clean(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # the record is the truth: forget what the last run wrote and re-apply
    return [{**r, "review_status": None, "reviewer_note": None} for r in rows]


def create_app(case_dir: Path | str, settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    case = load_case(Path(case_dir))
    out_dir = settings.out_dir
    tables_dir = out_dir / case.id
    db_path = out_dir / "claimcheck.duckdb"
    db_lock = threading.Lock()

    def tables() -> dict[str, list[dict[str, Any]]]:
        t = {name: read_table(tables_dir, name) for name in TABLE_NAMES}
        t["source_claims"] = _clean(t["source_claims"])
        t["mentions"] = _clean(t["mentions"])
        return t

    def sync_db() -> None:
        if not db_lock.acquire(blocking=False):
            return  # another save is rebuilding it from the same file
        try:
            sync_reviews_duckdb(out_dir, db_path)
        except Exception as exc:  # noqa: BLE001 - the JSON lines record already holds the decision
            log.warning("reviews table not rebuilt now (%s); the next run rebuilds it", exc)
        finally:
            db_lock.release()

    async def page(request: Request) -> Response:
        t = tables()
        if not t["source_claims"] and not t["claims"] and not t["documents"]:
            return HTMLResponse(
                f"<!DOCTYPE html><meta charset=utf-8><title>claimcheck review</title>"
                f"<p>No tables for case {case.id} under {tables_dir}. Run <code>claimcheck run</code> first.</p>",
                status_code=404, headers=_security_headers())
        decisions = load_decisions(out_dir, case.id)
        t["source_claims"], t["mentions"] = apply_decisions(t["source_claims"], t["mentions"], decisions)
        html_page = render_report(t, article_text_from_passages(t["passages"]), case_meta(case),
                                  decisions=decisions, review_api=API)
        return HTMLResponse(html_page, headers=_security_headers())

    def _same_origin(request: Request) -> bool:
        site = request.headers.get("sec-fetch-site")
        if site and site not in ("same-origin", "none"):
            return False
        origin = request.headers.get("origin")
        if origin and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
            return False
        return True

    async def post_decision(request: Request) -> Response:
        if not _same_origin(request):
            return JSONResponse({"error": "cross-origin request refused"}, status_code=403)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return JSONResponse({"error": "send JSON (Content-Type: application/json)"}, status_code=415)
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "body is not JSON"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "body must be a JSON object"}, status_code=400)
        kind = body.get("kind")
        target = str(body.get("target_id") or "")
        t = tables()
        if kind == "source_claim":
            row = next((r for r in t["source_claims"] if source_claim_key(r) == target), None)
            ids = {"claim_id": row and row["claim_id"], "source_id": row and row["source_id"]}
            h = evidence_hash(row) if row else ""
        elif kind == "mention":
            row = next((r for r in t["mentions"] if r["mention_id"] == target), None)
            ids = {"mention_id": target, "source_id": row and row["source_id"]}
            h = mention_hash(row) if row else ""
        else:
            return JSONResponse({"error": "kind must be source_claim or mention"}, status_code=400)
        if row is None:
            return JSONResponse({"error": f"no {kind} row {target!r} in the current tables"}, status_code=404)
        try:
            d = record_decision(
                out_dir, case_id=case.id, kind=kind, target_id=target,
                decision=str(body.get("decision") or ""), correction=body.get("correction") or None,
                note=str(body.get("note") or ""), reviewer=str(body.get("reviewer") or ""),
                evidence_hash=h, **ids,
            )
        except ReviewError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        # what the row looks like now: the latest decision for it (ours, or a newer one)
        decisions = [x for x in load_decisions(out_dir, case.id) if x.kind == kind and x.target_id == target]
        if kind == "source_claim":
            (applied,), _ = apply_decisions([row], [], decisions)
            extra = {"effective_verdict": effective_verdict(applied)}
        else:
            _, (applied,) = apply_decisions([], [row], decisions)
            extra = {"effective_canonical": effective_canonical(applied)}
        latest = next(iter(latest_decisions(decisions).values()))
        await anyio.to_thread.run_sync(sync_db)
        return JSONResponse({
            "decision_id": d.decision_id, "review_status": applied["review_status"],
            "reviewer_note": applied["reviewer_note"], "reviewer": latest.reviewer,
            "decided_at": latest.decided_at, **extra,
        })

    async def list_decisions(request: Request) -> Response:
        latest = latest_decisions(load_decisions(out_dir, case.id))
        return JSONResponse([asdict(d) for d in latest.values()])

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "case": case.id})

    return Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route(API, post_decision, methods=["POST"]),
            Route(API, list_decisions, methods=["GET"]),
            Route("/healthz", health, methods=["GET"]),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS)],
    )


def serve(case_dir: Path | str, settings: Settings | None = None, host: str = "127.0.0.1",
          port: int = 8765) -> None:
    """Serve the review app until interrupted (uvicorn, one process)."""
    import uvicorn

    uvicorn.run(create_app(case_dir, settings), host=host, port=port, log_level="warning")
