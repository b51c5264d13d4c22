"""Where the generic webhook's write-backs may go: only to origins an admin listed.

`[helpdesk.webhook] callback_origins` lists `https://host[:port]` (http only where an entry
says `http://`). A delivery's `callback_url` is checked at intake (400 naming the field) and
again before each write-back (a link recorded before the list changed); the address a name
resolves to is checked when the connection is made (`GuardedResolver`), so a name that
turns inward later (DNS rebinding) is refused too. Loopback, private, link-local, metadata
and other non-public addresses are reached only where the admin named them: an IP address
written in `callback_origins`, or a name listed in `callback_internal_hosts`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

_DEFAULT_PORT = {"https": 443, "http": 80}
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class CallbackRefused(OSError):
    """A callback URL or the address it resolved to is not one the admin allowed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _ip(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def inward(ip: Address) -> str | None:
    """What kind of non-public address `ip` is (loopback, private …), None if public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, test in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("private", ip.is_private), ("multicast", ip.is_multicast),
                       ("unspecified", ip.is_unspecified), ("reserved", ip.is_reserved)):
        if test:
            return kind
    return None if ip.is_global else "non-public"


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int


def origin_of(entry: str) -> Origin:
    """`https://host[:port]` (or http://) as an Origin; ValueError saying what is wrong."""
    parts = urlsplit(entry.strip())
    if parts.scheme not in _DEFAULT_PORT or not parts.hostname:
        raise ValueError(f"{entry!r} is not https://host[:port] (or http://host[:port])")
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query:
        raise ValueError(f"{entry!r} must be an origin only: scheme, host and port")
    return Origin(parts.scheme, parts.hostname.lower().rstrip("."),
                  parts.port or _DEFAULT_PORT[parts.scheme])


def origin_problems(entries: Iterable[str], where: str) -> list[str]:
    problems = []
    for entry in entries:
        try:
            origin_of(entry)
        except ValueError as err:
            problems.append(f"{where}: {err}")
    return problems


@dataclass
class CallbackPolicy:
    """The allowlist, and the origins that are swarmbot's own (never a callback)."""

    origins: frozenset[Origin] = frozenset()
    internal_hosts: frozenset[str] = frozenset()
    own: set[tuple[str, int]] = field(default_factory=set)

    @classmethod
    def of(cls, origins: Iterable[str], internal_hosts: Iterable[str],
           own_urls: Iterable[str] = ()) -> CallbackPolicy:
        own = set()
        for url in own_urls:
            try:
                o = origin_of(url)
            except ValueError:
                continue
            own.add((o.host, o.port))
        return cls(frozenset(origin_of(o) for o in origins),
                   frozenset(h.lower().rstrip(".") for h in internal_hosts), own)

    def check(self, url: str, own_host: str | None = None) -> None:
        """Raise CallbackRefused with one line if `url` may not be called back."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise CallbackRefused("callback_url is not a URL") from None
        if parts.scheme not in _DEFAULT_PORT:
            raise CallbackRefused(f"callback_url scheme {parts.scheme[:20]!r} is not "
                                  "supported: use https://")
        if parts.username is not None or parts.password is not None:
            raise CallbackRefused("callback_url must not carry a user name or password")
        host = (parts.hostname or "").lower().rstrip(".")
        if not host:
            raise CallbackRefused("callback_url has no host")
        port = port or _DEFAULT_PORT[parts.scheme]
        if (host, port) in self.own or (own_host and _same_host(own_host, host, port)):
            raise CallbackRefused("callback_url is swarmbot's own address")
        if Origin(parts.scheme, host, port) not in self.origins:
            allowed = ", ".join(sorted(f"{o.scheme}://{o.host}:{o.port}"
                                       for o in self.origins)) or "none configured"
            shown = f"[{host[:80]}]" if ":" in host else host[:80]
            raise CallbackRefused(f"callback_url {parts.scheme}://{shown}:{port} is not "
                                  f"an allowed callback origin ([helpdesk.webhook] "
                                  f"callback_origins: {allowed})")
        ip = _ip(host)
        if ip is not None:
            self.check_address(host, ip)

    def check_address(self, host: str, ip: Address) -> None:
        """Connect time: a non-public address only where the admin named it."""
        kind = inward(ip)
        if kind is None or host in self.internal_hosts:
            return
        if _ip(host) == ip and any(o.host == host for o in self.origins):
            return  # the admin wrote this very address in callback_origins
        raise CallbackRefused(f"callback host {host[:80]} resolves to {ip}, a {kind} "
                              "address (list it in [helpdesk.webhook] "
                              "callback_internal_hosts to allow it)")


def _same_host(own_host: str, host: str, port: int) -> bool:
    """Is host:port the `Host` a delivery came in on (swarmbot's own listener)?"""
    try:
        own = urlsplit(f"//{own_host}")
        own_port = own.port
    except ValueError:
        return False
    return (own.hostname or "").lower().rstrip(".") == host and own_port in (None, port)


class GuardedResolver(AbstractResolver):
    """Resolves like aiohttp's default, then refuses addresses the policy does not allow."""

    def __init__(self, policy: CallbackPolicy, inner: AbstractResolver | None = None) -> None:
        self.policy = policy
        self.inner = inner or DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self.inner.resolve(host, port, family)
        name = host.lower().rstrip(".")
        for result in found:
            ip = _ip(result["host"])
            if ip is None:
                raise CallbackRefused(f"callback host {name[:80]} resolved to "
                                      f"{result['host']!r}, not an address")
            self.policy.check_address(name, ip)
        return found

    async def close(self) -> None:
        await self.inner.close()


def refused_cause(err: BaseException) -> CallbackRefused | None:
    """The CallbackRefused behind an aiohttp connection error, if that is what it was."""
    seen: Any = err
    while seen is not None:
        if isinstance(seen, CallbackRefused):
            return seen
        seen = getattr(seen, "os_error", None) or seen.__cause__
    return None
