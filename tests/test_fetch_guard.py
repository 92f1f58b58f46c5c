"""Where the fetcher may go: addresses, schemes, local paths, TLS."""
from __future__ import annotations

import datetime as dt
import ipaddress
import ssl

import httpx
import pytest

try:
    from tests.fetch_server import LocalServer, fast_settings, spec
except ImportError:
    from fetch_server import LocalServer, fast_settings, spec

from extractors.errors import FetchError
from extractors.fetch import RawStore, fetch_source, guard
from extractors.fetch.http import GuardedTransport


@pytest.mark.parametrize("ip,why", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.10", "private"),
    ("172.16.5.5", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.251", "multicast"), ("0.0.0.0", "unspecified"), ("::ffff:10.0.0.1", "private"),
    ("100.64.0.1", "non-global"),
])
def test_forbidden_addresses(ip, why):
    assert guard.is_forbidden_ip(ipaddress.ip_address(ip)) == why


@pytest.mark.parametrize("ip", ["93.184.215.14", "2606:4700::6810:84e5", "8.8.8.8"])
def test_public_addresses_pass(ip):
    assert guard.is_forbidden_ip(ipaddress.ip_address(ip)) is None


def test_allowed_networks_exempt_only_what_they_name():
    guard.check_addresses("h", ["127.0.0.1"], False, "127.0.0.1/32, 10.8.0.0/16")
    guard.check_addresses("h", ["10.8.3.4"], False, "127.0.0.1/32, 10.8.0.0/16")
    with pytest.raises(guard.BlockedAddress, match="private address 10.9.0.1"):
        guard.check_addresses("h", ["10.9.0.1"], False, "127.0.0.1/32, 10.8.0.0/16")
    # one bad address among several answers is enough to refuse
    with pytest.raises(guard.BlockedAddress):
        guard.check_addresses("h", ["8.8.8.8", "127.0.0.1"], False)


def test_transport_checks_at_connect_time():
    """The network backend refuses on its own, whatever the caller checked before."""
    srv = LocalServer()
    srv.static("/x", b"hello")
    try:
        settings = fast_settings(__import__("pathlib").Path("/nonexistent"), allow_private_addresses=False)
        with httpx.Client(transport=GuardedTransport(settings)) as client:
            with pytest.raises(guard.BlockedAddress, match="loopback"):
                client.get(srv.url("/x"))
        assert srv.hits == []
    finally:
        srv.close()


def test_local_paths(tmp_path):
    case = tmp_path / "case"
    (case / "docs").mkdir(parents=True)
    (case / "docs" / "a.txt").write_text("x")
    (tmp_path / "secret.txt").write_text("s")
    (case / "docs" / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert guard.resolve_local_path("docs/a.txt", case, False) == (case / "docs" / "a.txt").resolve()
    for bad in ("../secret.txt", "docs/link.txt", str(tmp_path / "secret.txt")):
        with pytest.raises(guard.BlockedPath, match="outside the case directory"):
            guard.resolve_local_path(bad, case, False)
    assert guard.resolve_local_path("../secret.txt", case, True).name == "secret.txt"
    with pytest.raises(FetchError, match="local file not found"):
        guard.resolve_local_path("docs/none.pdf", case, False)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "gopher://x", "data:text/plain,hi", "x"])
def test_schemes(url):
    with pytest.raises(FetchError, match="only http and https"):
        guard.check_scheme(url)


def _self_signed() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


def test_untrusted_certificate_fails_and_is_never_retried_unverified(tmp_path):
    cert, key = _self_signed()
    (tmp_path / "c.pem").write_bytes(cert)
    (tmp_path / "k.pem").write_bytes(key)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tmp_path / "c.pem", tmp_path / "k.pem")
    srv = LocalServer(ssl_context=ctx)
    srv.static("/r.pdf", b"%PDF-1.4 secret")
    try:
        settings = fast_settings(tmp_path, retries=3)
        row = fetch_source(spec("tls", srv.url("/r.pdf")), tmp_path, RawStore(settings.store_dir), settings)
        assert row.status == "failed" and "TLS certificate check failed" in row.error
        assert "CERTIFICATE_VERIFY_FAILED" in row.error
        assert srv.hits == [] and srv.handshakes == 1  # one handshake, refused; no request was ever sent
    finally:
        srv.close()


def test_dns_failures(tmp_path, monkeypatch):
    """A name that does not exist fails at once; a temporary resolver failure is retried.

    DNS is simulated here (no test may send a query out); the HTTP part is real.
    """
    import socket

    real = socket.getaddrinfo
    calls = {"n": 0}

    def fake(host, *a, **k):
        if host == "no-such-host.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if host == "flaky-dns.test":
            calls["n"] += 1
            if calls["n"] == 1:
                raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
            return real("127.0.0.1", *a, **k)
        return real(host, *a, **k)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    settings = fast_settings(tmp_path, retries=3)
    store = RawStore(settings.store_dir)
    row = fetch_source(spec("nx", "http://no-such-host.invalid/report.pdf"), tmp_path, store, settings)
    assert row.status == "failed" and "cannot resolve host 'no-such-host.invalid'" in row.error
    assert len(store.attempts("nx")) == 2  # one try + the final row: not retried

    srv = LocalServer()
    srv.static("/r.pdf", b"%PDF-1.4 ok\n%%EOF\n")
    try:
        row = fetch_source(spec("flaky", f"http://flaky-dns.test:{srv.port}/r.pdf"), tmp_path, store, settings)
        assert row.status == "ok" and calls["n"] >= 2
        assert "Temporary failure" in store.attempts("flaky")[0]["error"]
    finally:
        srv.close()
