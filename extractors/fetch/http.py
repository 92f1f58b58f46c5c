"""One HTTP client for every outgoing request of the project (sources,
mirrors, archive copies, edition look-ups): guarded, bounded, retried.

* httpx with separate connect/read timeouts, plus a per-attempt deadline
  enforced at the socket (httpx has no overall deadline: a server that
  trickles one byte every few seconds never trips the read timeout).
* Retries by ``tenacity``: connection errors, timeouts, HTTP 429 (honouring
  ``Retry-After``) and 5xx, with exponential backoff and jitter.  TLS
  verification is always on and is never switched off for a retry.
* Redirects followed by hand, so every hop is checked (scheme, resolved
  address), loops are named, and the chain is kept.
* Bodies streamed with a wire-size cap; gzip/deflate decoded here with a cap
  on the decompressed size (a gzip bomb stops at the cap, not in memory).
* A per-host concurrency limit and a minimum delay between requests to a host.
* The network backend resolves the host, refuses loopback/private/link-local/
  multicast addresses unless allowed, and connects to the checked IP, so the
  check cannot be bypassed by a second DNS answer.
"""
from __future__ import annotations

import email.utils
import ssl
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterator
from urllib.parse import urlsplit

import certifi
import httpcore
import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from extractors.errors import FetchError
from extractors.fetch import guard
from extractors.settings import Settings

SUCCESS = (200, 203)
STATUS_HINTS = {
    404: "the document moved or was removed: find its new URL, add a mirror, or set archive_fallback",
    410: "the publisher removed the document: add a mirror or set archive_fallback",
    401: "the site wants a login: add a public mirror or a local `path` copy",
    403: "the site refuses this client: add a mirror or a local `path` copy",
    451: "the document is withheld for legal reasons here: add a mirror or a local `path` copy",
}
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024


# ---------------------------------------------------------------------- errors


class RetryableError(FetchError):
    """A failure worth another try (5xx, 429, dropped connection, timeout)."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None,
                 final_url: str | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.final_url = final_url


class HTTPStatusError(FetchError):
    """A final HTTP answer that is not a document (404, 410, 403...)."""

    def __init__(self, message: str, *, status: int, final_url: str | None = None):
        super().__init__(message)
        self.status = status
        self.final_url = final_url


class DeadlineExceeded(FetchError):
    hint = "the server is sending too slowly; raise attempt_deadline if this source is just large"


class TooLarge(FetchError):
    hint = "raise max_bytes / max_decompressed_bytes if this document is legitimately that large"


class RedirectError(FetchError):
    hint = "the URL redirects in a loop or too many times; look for a stable direct link"


# ---------------------------------------------------------------------- deadline + address guard at the socket

_local = threading.local()


@contextmanager
def attempt_deadline(seconds: float, label: float | None = None) -> Iterator[None]:
    """Socket reads and writes on this thread must finish within *seconds* from now."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = time.monotonic() + seconds
    _local.deadline_seconds = seconds if label is None else label
    try:
        yield
    finally:
        _local.deadline = previous


def _clamp(timeout: float | None) -> float | None:
    deadline = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded(f"attempt took longer than attempt_deadline={_local.deadline_seconds:g} s")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        deadline = getattr(_local, "deadline", None)
        try:
            return self._inner.read(max_bytes, _clamp(timeout))
        except httpcore.ReadTimeout:
            if deadline is not None and time.monotonic() >= deadline - 0.001:
                raise DeadlineExceeded(
                    f"attempt took longer than attempt_deadline={_local.deadline_seconds:g} s") from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Resolve, check every address, connect to a checked IP; deadline-aware streams."""

    def __init__(self, allow_private: bool, allowed_networks: str = ""):
        self.allow_private = allow_private
        self.allowed_networks = allowed_networks
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options=None) -> httpcore.NetworkStream:
        addresses = guard.resolve(host, port)
        guard.check_addresses(host, addresses, self.allow_private, self.allowed_networks)
        last: Exception | None = None
        for addr in addresses:
            try:
                stream = self._inner.connect_tcp(addr, port, _clamp(timeout), local_address, socket_options)
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        raise httpcore.ConnectError("unix sockets are not used by the fetcher")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, settings: Settings, max_connections: int = 32):
        super().__init__(trust_env=False, retries=0)
        ctx = ssl.create_default_context(cafile=certifi.where())  # verification on, always
        # Replace httpx's pool with one using our backend (httpx 0.28 does not
        # take a network_backend argument; the pool is its only I/O object).
        self._pool = httpcore.ConnectionPool(
            ssl_context=ctx,
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            retries=0,
            network_backend=GuardedBackend(settings.allow_private_addresses, settings.allowed_networks),
        )


# ---------------------------------------------------------------------- per-host limits


class HostLimiter:
    """At most *concurrency* requests in flight per host, *delay* s between starts."""

    def __init__(self, concurrency: int, delay: float):
        self.concurrency = max(1, concurrency)
        self.delay = max(0.0, delay)
        self._lock = threading.Lock()
        self._sems: dict[str, threading.BoundedSemaphore] = {}
        self._next: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            sem = self._sems.setdefault(host, threading.BoundedSemaphore(self.concurrency))
        with sem:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next.get(host, now))
                self._next[host] = start + self.delay
            if start > now:
                time.sleep(start - now)
            yield


# ---------------------------------------------------------------------- decoding with a cap


class _Decoder:
    def __init__(self, encoding: str | None, cap: int):
        encs = [e.strip().lower() for e in (encoding or "").split(",") if e.strip()]
        encs = [e for e in encs if e != "identity"]
        if len(encs) > 1:
            raise FetchError(f"unsupported stacked Content-Encoding {encoding!r}")
        self.kind = encs[0] if encs else None
        if self.kind in ("gzip", "x-gzip"):
            self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.kind == "deflate":
            self._d = zlib.decompressobj(zlib.MAX_WBITS)
            self._first = True
        elif self.kind is None:
            self._d = None
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r} (asked for gzip or deflate only)")
        self.cap = cap
        self.total = 0

    def _take(self, data: bytes) -> bytes:
        out = bytearray()
        assert self._d is not None
        while True:
            limit = self.cap - self.total + 1
            try:
                piece = self._d.decompress(data, limit)
            except zlib.error as exc:
                if self.kind == "deflate" and getattr(self, "_first", False) and self.total == 0:
                    self._d = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
                    self._first = False
                    continue
                raise FetchError(f"corrupt {self.kind} body: {exc}") from exc
            self._first = False
            self.total += len(piece)
            out += piece
            if self.total > self.cap:
                raise TooLarge(f"decompressed body exceeds max_decompressed_bytes={self.cap}"
                               f" (Content-Encoding {self.kind}; possible compression bomb)")
            data = self._d.unconsumed_tail
            if not data:
                return bytes(out)

    def feed(self, chunk: bytes) -> bytes:
        if self._d is None:
            self.total += len(chunk)
            if self.total > self.cap:
                raise TooLarge(f"body exceeds max_decompressed_bytes={self.cap}")
            return chunk
        return self._take(chunk)

    def finish(self) -> bytes:
        if self._d is None:
            return b""
        tail = self._d.flush()
        self.total += len(tail)
        if self.total > self.cap:
            raise TooLarge(f"decompressed body exceeds max_decompressed_bytes={self.cap}")
        if not self._d.eof:
            raise RetryableError(f"{self.kind} body ends before the end of the compressed stream")
        return tail


# ---------------------------------------------------------------------- results


@dataclass
class HttpResult:
    url: str
    final_url: str
    status: int
    data: bytes | None  # None on 304
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    redirects: list[str] = field(default_factory=list)
    wire_bytes: int = 0
    tries: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304


FailureHook = Callable[[str, str | None, int | None, str], None]


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _tls_failure(exc: BaseException) -> ssl.SSLError | None:
    seen = 0
    cur: BaseException | None = exc
    while cur is not None and seen < 8:
        if isinstance(cur, ssl.SSLError):
            return cur
        if "CERTIFICATE_VERIFY_FAILED" in str(cur):
            return ssl.SSLError(str(cur))
        cur = cur.__cause__ or cur.__context__
        seen += 1
    return None


def _retryable(exc: BaseException) -> bool:
    if _tls_failure(exc) is not None:
        return False  # a bad certificate does not get better, and is never retried unverified
    if isinstance(exc, RetryableError) or getattr(exc, "transient", False):
        return True
    if isinstance(exc, FetchError):
        return False
    return isinstance(exc, (httpx.TransportError,)) and not isinstance(
        exc, (httpx.UnsupportedProtocol, httpx.ProxyError, httpx.LocalProtocolError))


def describe(exc: BaseException) -> str:
    if isinstance(exc, FetchError):
        return str(exc)
    tls = _tls_failure(exc)
    if tls is not None:
        return (f"TLS certificate check failed: {tls}; certificate verification is always on"
                " (install the site's CA in the system store if you trust it)")
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, httpx.ReadTimeout):
        return "server stopped sending (read timeout)"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {exc}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection broken mid-response: {exc}"
    if isinstance(exc, httpx.ReadError):
        return f"connection reset while reading: {exc}"
    return f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------- the fetcher


class Fetcher:
    """Thread-safe; share one per run."""

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.limiter = HostLimiter(settings.per_host_concurrency, settings.per_host_delay)
        self.client = httpx.Client(
            transport=transport or GuardedTransport(settings),
            timeout=httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                  write=settings.read_timeout, pool=settings.attempt_deadline),
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": settings.full_user_agent,
                "Accept": "application/pdf, text/html;q=0.9, text/csv, application/xml, */*;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --------------------------------------------------------------- public

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            on_failure: FailureHook | None = None) -> HttpResult:
        """GET *url* with retries; raise FetchError (with a readable message) on failure."""
        s = self.settings
        tries = 0

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            ra = getattr(exc, "retry_after", None)
            if ra is not None:
                return ra
            return wait_exponential_jitter(initial=s.backoff_base, max=s.backoff_max, jitter=s.backoff_base)(state)

        def one_try() -> HttpResult:
            nonlocal tries
            tries += 1
            try:
                return self._attempt(url, etag, last_modified)
            except Exception as exc:  # noqa: BLE001 - reported, then re-raised for tenacity
                try:
                    exc.tries = tries  # type: ignore[attr-defined]
                except AttributeError:
                    pass
                if on_failure is not None:
                    on_failure(url, getattr(exc, "final_url", None), getattr(exc, "status", None),
                               f"try {tries}: {describe(exc)}")
                raise

        retrying = Retrying(
            stop=stop_after_attempt(max(1, s.retries + 1)),
            wait=wait,
            retry=retry_if_exception(_retryable),
            reraise=True,
        )
        result = retrying(one_try)
        result.tries = tries
        return result

    # --------------------------------------------------------------- one attempt (a redirect chain)

    def probe(self, url: str) -> HttpResult:
        """Is there a document at *url*?  A HEAD request (or, where HEAD is not
        allowed, a one-byte ranged GET whose body is never read) through the
        same guarded redirect chain as :meth:`get`; the result has no data."""
        result = self._attempt(url, None, None, method="HEAD", read_body=False)
        if result.status in (405, 501):
            result = self._attempt(url, None, None, extra={"Range": "bytes=0-0"}, read_body=False)
        return result

    def _attempt(self, url: str, etag: str | None, last_modified: str | None, *,
                 method: str = "GET", extra: dict[str, str] | None = None,
                 read_body: bool = True) -> HttpResult:
        s = self.settings
        chain: list[str] = []
        current = url
        headers: dict[str, str] = dict(extra or {})
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        budget = s.attempt_deadline  # seconds of network time for the whole chain; waiting for a slot is free
        while True:
            guard.check_url(current, s.allow_private_addresses, s.allowed_networks)
            host = (urlsplit(current).hostname or "").lower()
            with self.limiter.slot(host), attempt_deadline(budget, s.attempt_deadline):
                hop_started = time.monotonic()
                request = self.client.build_request(method, current, headers=headers)
                response = self.client.send(request, stream=True)
                try:
                    status = response.status_code
                    if status in REDIRECTS:
                        location = response.headers.get("location")
                        if not location:
                            raise HTTPStatusError(f"HTTP {status} without a Location header from {current}",
                                                  status=status, final_url=current)
                        target = str(response.url.join(location))
                        chain.append(current)
                        if target in chain:
                            raise _loop_error(chain, target)
                        if len(chain) > s.max_redirects:
                            raise RedirectError(f"more than max_redirects={s.max_redirects} redirects from {url}")
                        guard.check_scheme(target)
                        current = target
                        continue
                    if not read_body:
                        h = response.headers
                        return HttpResult(url, current, status, None, h.get("content-type"), h.get("etag"),
                                          h.get("last-modified"), chain)
                    return self._finish(url, current, chain, response)
                finally:
                    response.close()
                    budget -= time.monotonic() - hop_started

    def _finish(self, url: str, current: str, chain: list[str], response: httpx.Response) -> HttpResult:
        s = self.settings
        status = response.status_code
        h = response.headers
        if status == 304:
            return HttpResult(url, current, 304, None, h.get("content-type"), h.get("etag"),
                              h.get("last-modified"), chain)
        if status == 429 or status >= 500:
            ra = parse_retry_after(h.get("retry-after"))
            msg = f"HTTP {status} from {current}"
            if ra is not None:
                msg += f" (Retry-After {ra:g} s)"
                if ra > s.backoff_max:
                    raise HTTPStatusError(msg + f"; the server asks for a longer wait than backoff_max={s.backoff_max:g} s,"
                                          " try again later", status=status, final_url=current)
            raise RetryableError(msg, status=status, retry_after=ra, final_url=current)
        if status not in SUCCESS:
            err = HTTPStatusError(f"HTTP {status} from {current}", status=status, final_url=current)
            err.hint = STATUS_HINTS.get(status, "")
            raise err
        declared = h.get("content-length")
        if declared and declared.isdigit() and int(declared) > s.max_bytes:
            raise TooLarge(f"Content-Length {declared} exceeds max_bytes={s.max_bytes} ({current})")
        decoder = _Decoder(h.get("content-encoding"), s.max_decompressed_bytes)
        body = bytearray()
        wire = 0
        try:
            for chunk in response.iter_raw(CHUNK):
                wire += len(chunk)
                if wire > s.max_bytes:
                    raise TooLarge(f"body exceeds max_bytes={s.max_bytes} ({current})")
                body += decoder.feed(chunk)
                _clamp(None)  # deadline check between chunks
            body += decoder.finish()
        except FetchError as exc:
            exc.final_url = current  # type: ignore[attr-defined]
            exc.status = status  # type: ignore[attr-defined]
            raise
        except httpx.TransportError as exc:
            raise RetryableError(f"{describe(exc)} after {wire} bytes from {current}",
                                 status=status, final_url=current) from exc
        return HttpResult(url, current, status, bytes(body), h.get("content-type"), h.get("etag"),
                          h.get("last-modified"), chain, wire)


def _loop_error(chain: list[str], target: str) -> RedirectError:
    err = RedirectError("redirect loop: " + " -> ".join(chain + [target]))
    err.final_url = target  # type: ignore[attr-defined]
    return err
