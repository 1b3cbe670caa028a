"""Webhooks: checking an agency's URL, signing the body, and one HTTP POST."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from wayhome.errors import InvalidInput

SIGNATURE_HEADER = "X-Wayhome-Signature"
TIMESTAMP_HEADER = "X-Wayhome-Timestamp"
TIMEOUT_SECONDS = 10.0

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: `sha256=` + hex HMAC-SHA256 over `timestamp.body`."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signature_matches(secret: str, timestamp: str, body: bytes, presented: str) -> bool:
    """Whether a presented signature is right (what a receiving system checks)."""
    return hmac.compare_digest(sign(secret, timestamp, body), presented)


@lru_cache(maxsize=1)
def own_names_and_addresses() -> tuple[frozenset[str], frozenset[Address]]:
    """This server's host names and the addresses they and its interfaces resolve to."""
    names = {"localhost", socket.gethostname().lower(), socket.getfqdn().lower()}
    addresses: set[Address] = set()
    for name in list(names):
        try:
            infos = socket.getaddrinfo(name, None)
        except OSError:
            continue
        for info in infos:
            addresses.add(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
    return frozenset(names), frozenset(addresses)


def _resolve(host: str) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as error:
        raise InvalidInput(
            f"host {host!r} does not resolve ({error})", location="body.url"
        ) from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def address_problem(address: Address, allow_private: bool) -> str | None:
    """Why a webhook may not go to an address, or None (pure)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_unspecified or address.is_multicast or address.is_reserved:
        return "not a unicast address"
    if address.is_private and not address.is_global and not allow_private:
        return "a private address (allowed only with WAYHOME_WEBHOOK_ALLOW_PRIVATE)"
    return None


@dataclass(frozen=True)
class Target:
    """A checked webhook URL."""

    scheme: str
    host: str
    port: int
    path: str


def check_url(
    url: str,
    *,
    allow_private: bool = False,
    allowed_hosts: Iterable[str] = (),
    server_names: Iterable[str] = (),
) -> Target:
    """Parse and check a webhook URL: http(s) only, never at this server, loopback or
    link-local, private ranges only when allowed; `allowed_hosts` are an operator's override."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InvalidInput(f"not a URL: {error}", location="body.url") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidInput("a webhook URL must start with http:// or https://", location="body.url")
    host = (parts.hostname or "").lower()
    if not host:
        raise InvalidInput("the URL names no host", location="body.url")
    if parts.username or parts.password:
        raise InvalidInput("the URL may not carry a user name or password", location="body.url")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    target = Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)
    if host in {h.lower() for h in allowed_hosts}:
        return target
    own_names, own_addresses = own_names_and_addresses()
    if host in own_names or host in {n.lower() for n in server_names}:
        raise InvalidInput("the URL points at this server", location="body.url")
    for address in _resolve(host):
        problem = address_problem(address, allow_private)
        if problem:
            raise InvalidInput(f"the URL's host is {problem}", location="body.url")
        if address in own_addresses:
            raise InvalidInput("the URL points at this server", location="body.url")
    return target


@dataclass(frozen=True)
class Sent:
    """What one POST got: a status code, or an error."""

    ok: bool
    status_code: int | None
    error: str | None


def post(target: Target, secret: str, timestamp: str, body: bytes) -> Sent:
    """POST a signed JSON body once (no redirects are followed)."""
    connection_class = (
        http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(target.host, target.port, timeout=TIMEOUT_SECONDS)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Wayhome-Webhook/1",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(4096)
        ok = 200 <= response.status < 300
        return Sent(ok, response.status, None if ok else f"HTTP {response.status}")
    except OSError as error:
        return Sent(False, None, f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()
