"""The review app: the report served on 127.0.0.1 with decision forms.

``create_app(case_dir, settings)`` builds a small Starlette app:

* ``GET /`` — the report of the case's latest tables with every recorded
  decision applied, plus a form per claim-source row and per mention;
* ``POST /api/decisions`` — record one decision (JSON body: kind,
  target_id, decision, correction, note, reviewer).  The server looks the
  row up in the current tables and computes the evidence hash itself;
* ``GET /api/decisions`` — the latest decision per row of this case.

Decisions go to the append-only ``reviews.jsonl`` (see
:mod:`extractors.review`), read incrementally by the app.  After each save
the DuckDB ``reviews`` table gets the lines appended since its last update
(one insert, never a rebuild) before the response is sent, unless another
process holds the database (then the response says ``"duckdb": "busy"``
and the next save or run catches up).  Only same-origin JSON posts to a
loopback host are accepted; bodies over ``review_max_body`` bytes get 413;
every field is type-checked.  With ``review_token`` set, every request needs
the token (header ``X-Claimcheck-Token``, ``Authorization: Bearer``, the
``token`` query parameter, or the cookie the query parameter sets).  The
page's Content-Security-Policy is also sent as a header.
"""
from __future__ import annotations

import hmac
import json
import logging
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from extractors.export.report import article_text_from_passages, case_meta, csp, render_report
from extractors.export.tables import read_table
from extractors.registry.case import load_case
from extractors.review.store import (
    DecisionLog,
    ReviewError,
    apply_decisions,
    effective_canonical,
    effective_verdict,
    evidence_hash,
    latest_decisions,
    mention_hash,
    record_decision,
    reviews_path,
    source_claim_key,
    sync_reviews_duckdb,
)
from extractors.settings import Settings

log = logging.getLogger("claimcheck.review")
API = "/api/decisions"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
TABLE_NAMES = ("documents", "passages", "claims", "source_claims", "mentions", "relations")
# what a decision body may hold: field -> whether null is allowed
BODY_FIELDS = {"kind": False, "target_id": False, "decision": False, "correction": True, "note": True,
               "reviewer": False}
TOKEN_HEADER = "x-claimcheck-token"


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (BodyTooLarge) past *limit* bytes, whether
    or not the client announced its length."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise BodyTooLarge
    buf = bytearray()
    async for chunk in request.stream():
        buf += chunk
        if len(buf) > limit:
            raise BodyTooLarge
    return bytes(buf)


def body_error(body: Any) -> str | None:
    """The first problem of a decision body, as the message sent back."""
    if not isinstance(body, dict):
        return "body must be a JSON object"
    for name in body:
        if name not in BODY_FIELDS:
            return f"unknown field {name!r}"
    for name, nullable in BODY_FIELDS.items():
        value = body.get(name)
        if nullable and value is not None and not isinstance(value, str):
            return f"field {name!r} must be a string or null"
        if not nullable and not isinstance(value, str):
            return f"field {name!r} must be a string"
    return None


class TokenGuard:
    """Every request must carry *token*: the ``X-Claimcheck-Token`` header,
    ``Authorization: Bearer``, the ``token`` query parameter or the cookie.
    A GET with the right ``?token=`` sets the cookie (HttpOnly,
    SameSite=Strict) and redirects to the address without it, so the token
    leaves the address bar and the page's own requests carry the cookie.
    Missing token: 401; wrong token: 403."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode("utf-8")

    def _ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode("utf-8"), self.token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        cookie_name = f"claimcheck_token_{request.url.port or 80}"
        auth = request.headers.get("authorization", "")
        given = {
            "header": request.headers.get(TOKEN_HEADER),
            "bearer": auth[7:].strip() if auth.lower().startswith("bearer ") else None,
            "query": request.query_params.get("token"),
            "cookie": request.cookies.get(cookie_name),
        }
        if self._ok(given["query"]) and request.method == "GET":
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            path = request.url.path if not request.url.path.startswith("//") else "/"  # never off-site
            target = path + ("?" + urlencode(rest) if rest else "")
            response: Response = RedirectResponse(target, status_code=303, headers=_security_headers())
            response.set_cookie(cookie_name, given["query"] or "", httponly=True, samesite="strict", path="/")
        elif any(self._ok(v) for v in given.values()):
            await self.app(scope, receive, send)
            return
        elif all(v is None for v in given.values()):
            response = JSONResponse({"error": "access token required: open the address printed by "
                                              "`claimcheck review` (it ends with ?token=...)"},
                                    status_code=401, headers=_security_headers())
        else:
            response = JSONResponse({"error": "wrong access token"}, status_code=403, headers=_security_headers())
        await response(scope, receive, send)


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
    record = DecisionLog(reviews_path(out_dir))
    record.refresh()  # read the record once at start; each request then reads only what was appended
    max_body = settings.review_max_body

    def tables() -> dict[str, list[dict[str, Any]]]:
        t = {name: read_table(tables_dir, name) for name in TABLE_NAMES}
        t["source_claims"] = _clean(t["source_claims"])
        t["mentions"] = _clean(t["mentions"])
        return t

    def case_decisions():
        return [d for d in record.refresh() if d.case_id == case.id]

    def sync_db() -> bool:
        # one update at a time, each bringing the table up to the end of the
        # log: when a save returns, its event (and every earlier one) is in
        with db_lock:
            try:
                sync_reviews_duckdb(out_dir, db_path)
                return True
            except Exception as exc:  # noqa: BLE001 - the JSON lines record already holds the decision
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                log.warning("reviews table in DuckDB not updated now (%s); the next save or run catches up", first)
                return False

    async def page(request: Request) -> Response:
        t = tables()
        if not t["source_claims"] and not t["claims"] and not t["documents"]:
            return HTMLResponse(
                f"<!DOCTYPE html><meta charset=utf-8><title>claimcheck review</title>"
                f"<p>No tables for case {case.id} under {tables_dir}. Run <code>claimcheck run</code> first.</p>",
                status_code=404, headers=_security_headers())
        decisions = await anyio.to_thread.run_sync(case_decisions)
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

    def error(message: str, status: int) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    async def post_decision(request: Request) -> Response:
        if not _same_origin(request):
            return error("cross-origin request refused", 403)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return error("send JSON (Content-Type: application/json)", 415)
        try:
            raw = await read_body(request, max_body)
        except BodyTooLarge:
            return JSONResponse({"error": f"request body larger than {max_body} bytes"}, status_code=413,
                                headers={"Connection": "close"})
        try:
            body = json.loads(raw)
        except RecursionError:
            return error("body nests too deeply", 400)
        except ValueError:
            return error("body is not JSON", 400)
        problem = body_error(body)
        if problem:
            return error(problem, 400)
        kind, target = body["kind"], body["target_id"]
        if kind == "source_claim":
            rows = _clean(read_table(tables_dir, "source_claims"))
            row = next((r for r in rows if source_claim_key(r) == target), None)
            ids = {"claim_id": row and row["claim_id"], "source_id": row and row["source_id"]}
            h = evidence_hash(row) if row else ""
        elif kind == "mention":
            rows = _clean(read_table(tables_dir, "mentions"))
            row = next((r for r in rows if r["mention_id"] == target), None)
            ids = {"mention_id": target, "source_id": row and row["source_id"]}
            h = mention_hash(row) if row else ""
        else:
            return error("kind must be source_claim or mention", 400)
        if row is None:
            return error(f"no {kind} row {target!r} in the current tables", 404)
        try:
            d = await anyio.to_thread.run_sync(lambda: record_decision(
                out_dir, case_id=case.id, kind=kind, target_id=target,
                decision=body["decision"], correction=body.get("correction") or None,
                note=body.get("note") or "", reviewer=body["reviewer"], evidence_hash=h, **ids,
            ))
        except ReviewError as exc:
            return error(str(exc), 400)
        # what the row looks like now: the latest decision for it (ours, or a newer one)
        await anyio.to_thread.run_sync(record.refresh)
        decisions = list(record.by_target.get((case.id, kind, target), []))
        if kind == "source_claim":
            (applied,), _ = apply_decisions([row], [], decisions)
            extra = {"effective_verdict": effective_verdict(applied)}
        else:
            _, (applied,) = apply_decisions([], [row], decisions)
            extra = {"effective_canonical": effective_canonical(applied)}
        latest = next(iter(latest_decisions(decisions).values()))
        synced = await anyio.to_thread.run_sync(sync_db)
        return JSONResponse({
            "decision_id": d.decision_id, "review_status": applied["review_status"],
            "reviewer_note": applied["reviewer_note"], "reviewer": latest.reviewer,
            "decided_at": latest.decided_at, "duckdb": "updated" if synced else "busy", **extra,
        })

    async def list_decisions(request: Request) -> Response:
        latest = latest_decisions(await anyio.to_thread.run_sync(case_decisions))
        return JSONResponse([asdict(d) for d in latest.values()])

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "case": case.id})

    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS)]
    if settings.review_token:
        middleware.append(Middleware(TokenGuard, token=settings.review_token))
    return Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route(API, post_decision, methods=["POST"]),
            Route(API, list_decisions, methods=["GET"]),
            Route("/healthz", health, methods=["GET"]),
        ],
        middleware=middleware,
    )


def serve(case_dir: Path | str, settings: Settings | None = None, host: str = "127.0.0.1",
          port: int = 8765) -> None:
    """Serve the review app until interrupted (uvicorn, one process)."""
    import uvicorn

    uvicorn.run(create_app(case_dir, settings), host=host, port=port, log_level="warning")
