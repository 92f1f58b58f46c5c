"""A small threaded HTTP/1.1 server on 127.0.0.1 that can misbehave on purpose.

pytest-httpserver answers through werkzeug, which always sends whole, well
formed responses; the fetch tests also need servers that stall, trickle,
reset the connection mid-body or lie about Content-Length, so this one writes
raw bytes to the socket.  Each route is a function ``handler(req) -> None``
that writes its answer with ``req.send(...)`` or ``req.raw(...)``.
"""
from __future__ import annotations

import socket
import socketserver
import struct
import threading
import time
from dataclasses import dataclass
from typing import Callable

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 404: "Not Found",
           429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    sock: socket.socket
    server: "LocalServer"

    def raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def head(self, status: int, headers: dict[str, str] | None = None, *, length: int | None = None) -> None:
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
        hdrs = {"Connection": "close"}
        if length is not None:
            hdrs["Content-Length"] = str(length)
        hdrs.update(headers or {})
        lines += [f"{k}: {v}" for k, v in hdrs.items()]
        self.raw(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def send(self, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.head(status, headers, length=len(body))
        if body:
            self.raw(body)

    def reset(self) -> None:
        """Abort the connection with a TCP RST."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


Handler = Callable[[Request], None]


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


class LocalServer:
    def __init__(self, ssl_context=None) -> None:
        self.ssl_context = ssl_context
        self.handshakes = 0
        self.routes: dict[str, Handler] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        outer = self

        class _H(socketserver.BaseRequestHandler):
            def handle(self) -> None:  # one request per connection (Connection: close)
                outer._handle(self.request)

        class _S(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self._srv = _S(("127.0.0.1", 0), _H)
        self.port = self._srv.server_address[1]
        self._closed = False
        self._thread = threading.Thread(target=self._srv.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ api

    def url(self, path: str) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def static(self, path: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> str:
        return self.route(path, lambda req: req.send(status, body, headers))

    def sequence(self, path: str, handlers: list[Handler]) -> str:
        """Answer the n-th request with handlers[n]; the last one repeats."""
        state = {"n": 0}

        def run(req: Request) -> None:
            with self._lock:
                i = min(state["n"], len(handlers) - 1)
                state["n"] += 1
            handlers[i](req)

        return self.route(path, run)

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._srv.shutdown()
        self._srv.server_close()

    # ------------------------------------------------------------------ internals

    def _handle(self, sock: socket.socket) -> None:
        sock.settimeout(10)
        if self.ssl_context is not None:
            with self._lock:
                self.handshakes += 1
            try:
                sock = self.ssl_context.wrap_socket(sock, server_side=True)
            except OSError:
                return  # the client refused our certificate
        buf = b""
        try:
            while b"\r\n\r\n" not in buf:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
        except OSError:
            return
        head = buf.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        lines = head.split("\r\n")
        method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
        headers = {}
        for ln in lines[1:]:
            if ":" in ln:
                k, v = ln.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        path = target.split("?", 1)[0]
        with self._lock:
            self.hits.append(Hit(path, headers, time.monotonic()))
        req = Request(method, path, headers, sock, self)
        handler = self.routes.get(path)
        if handler is None:  # "prefix*" routes
            for key, fn in self.routes.items():
                if key.endswith("*") and path.startswith(key[:-1]):
                    handler = fn
                    break
        try:
            if handler is None:
                req.send(404, b"<html><head><title>404 Not Found</title></head><body>nothing here</body></html>",
                         {"Content-Type": "text/html"})
            else:
                handler(req)
        except OSError:
            pass  # the client went away: that is what some tests do
        finally:
            try:
                sock.close()
            except OSError:
                pass


# ---------------------------------------------------------------------- documents written for the tests


def make_pdf(paragraphs: list[str]) -> bytes:
    """A real one-page PDF (fpdf2) holding *paragraphs*."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for p in paragraphs:
        pdf.multi_cell(0, 6, p)
        pdf.ln(2)
    return bytes(pdf.output())


def make_html(title: str, paragraphs: list[str]) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><main><h1>{title}</h1>\n{body}\n</main></body></html>\n").encode("utf-8")


REPORT_TEXT = [
    "Test report for the fetch stage. On 24 September 2023 an armed group attacked a police patrol "
    "near the village of Banjska in northern Kosovo; one police officer was killed.",
    "This paragraph exists so that the document carries more than a token amount of text, which is "
    "what a parser and a reviewer would expect from a real report rather than an error page.",
]


# ---------------------------------------------------------------------- pytest fixtures (import them in test modules)

import pytest  # noqa: E402


@pytest.fixture
def server():
    srv = LocalServer()
    yield srv
    srv.close()


def fast_settings(tmp_path, **changes):
    """Settings with small timeouts so failure cases take well under a second."""
    from extractors.settings import Settings

    base = dict(
        store_dir=tmp_path / "store", connect_timeout=1.0, read_timeout=0.5, attempt_deadline=3.0,
        retries=2, backoff_base=0.01, backoff_max=2.0, per_host_concurrency=4, per_host_delay=0.0,
        max_redirects=5, allow_private_addresses=True, contact="fetch-tests@example.org",
    )
    base.update(changes)
    return Settings(**base)


def spec(id_: str, url: str | None = None, **kw):
    from extractors.model import SourceSpec

    return SourceSpec(id=id_, title=id_, publisher="test", kind="report", url=url, **kw)
