"""Where the fetcher may go: URL schemes, resolved addresses, local paths.

The address rule is enforced twice: ``check_url`` gives an early, readable
refusal before each request and each redirect hop, and the guarded network
backend in :mod:`extractors.fetch.http` re-checks the addresses at connect
time and connects to the checked IP itself, so a DNS answer that changes
between the check and the connection (DNS rebinding) cannot slip through.
"""
from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from urllib.parse import urlsplit

from extractors.errors import FetchError

ALLOWED_SCHEMES = ("http", "https")


class BlockedAddress(FetchError):
    """A URL resolves to an address the settings do not allow."""

    hint = "set allow_private_addresses (CLAIMCHECK_ALLOW_PRIVATE_ADDRESSES=1) only if you trust this host"


class BlockedPath(FetchError):
    hint = "move the file into the case directory, or set allow_paths_outside_case"


def is_forbidden_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Return why *ip* is off limits by default, or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return is_forbidden_ip(ip.ipv4_mapped)
    for label, flag in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-global", not ip.is_global),
    ):
        if flag:
            return label
    return None


def resolve(host: str, port: int) -> list[str]:
    """All addresses *host* resolves to (IP literals resolve to themselves)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        err = FetchError(f"cannot resolve host {host!r}: {exc.strerror or exc}",
                         hint="check the URL's host name and your DNS")
        err.transient = exc.errno == socket.EAI_AGAIN  # type: ignore[attr-defined]  # retried by the fetcher
        raise err from exc
    seen: list[str] = []
    for info in infos:
        addr = str(info[4][0]).split("%", 1)[0]
        if addr not in seen:
            seen.append(addr)
    return seen


def parse_networks(spec: str | None) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    nets = []
    for part in (spec or "").replace(";", ",").split(","):
        part = part.strip()
        if part:
            nets.append(ipaddress.ip_network(part, strict=False))
    return tuple(nets)


def check_addresses(host: str, addresses: list[str], allow_private: bool,
                    allowed_networks: str | None = None) -> None:
    if allow_private:
        return
    nets = parse_networks(allowed_networks)
    for addr in addresses:
        ip = ipaddress.ip_address(addr)
        if any(ip in n for n in nets):
            continue
        why = is_forbidden_ip(ip)
        if why:
            raise BlockedAddress(f"refused: host {host!r} resolves to {why} address {addr}")


def check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FetchError(
            f"refused: URL scheme {scheme or '(none)'!r} in {url!r}; only http and https are fetched",
            hint="use `path` in case.toml for a local file",
        )


def check_url(url: str, allow_private: bool, allowed_networks: str | None = None) -> None:
    """Scheme and resolved-address check for one URL (raises FetchError)."""
    check_scheme(url)
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise FetchError(f"refused: URL {url!r} has no host")
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    check_addresses(host, resolve(host, port), allow_private, allowed_networks)


def resolve_local_path(path: str, case_root: Path, allow_outside: bool) -> Path:
    """The real file behind a source's ``path``, kept inside the case directory."""
    root = case_root.resolve()
    p = Path(path).expanduser()
    full = (p if p.is_absolute() else root / p).resolve()
    if not allow_outside and not full.is_relative_to(root):
        raise BlockedPath(f"refused: path {path!r} resolves to {full}, outside the case directory {root}")
    if not full.is_file():
        raise FetchError(f"local file not found: {full} (from path {path!r})",
                         hint="check `path` in case.toml; it is relative to the case directory")
    return full
