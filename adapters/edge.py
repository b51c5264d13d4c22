"""The server's edge: slow clients, a cap on connections, the file descriptor limit.

Every accepted connection is watched (`Watch`, wrapped around aiohttp's own protocol): its
request headers must be complete within `[server] header_timeout` of the connection (or of
the first byte after a response), else it is closed; a body is given `body_timeout` by
`adapters.boundary.read_body`; an idle kept-alive connection is closed by aiohttp after
`keepalive_timeout`. At most `max_connections` are served at once: one more is answered
503 + Retry-After and closed, without ever reaching the app (`Refuse`). The cap is kept
below the process's descriptor limit, with room for the store, the platforms' HTTP clients
and the refusals themselves, so running short of descriptors costs new requests a 503 and
never an acknowledged command its database or its Slack call. Each closed slow client is
a debug line; what an operator needs is a few summary lines (`Edge.note`).
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger("swarmbot.edge")

# Descriptors kept for what is not a served connection: the store (SQLite files, a
# PostgreSQL pool), the platforms' and helpdesks' HTTP clients (up to MAX_RUNNING answers
# and the outbox's calls at once), logs, and the refusals being answered (REFUSE_BUDGET).
# At 256, a flood's refusals took the last descriptors and answers to acknowledged
# commands failed ("Too many open files").
RESERVED_FDS = 448
REFUSE_WAIT = 0.5  # a refused client's request is read for this long before the 503
REFUSE_LINGER = 0.5  # and what it still sends after the 503 is read and dropped this long
MAX_REFUSING = 64  # beyond this many at once, the 503 goes out without waiting
# The listen backlog. asyncio also accepts up to this many connections in one go before
# any of them is answered: it bounds the descriptors a flood takes at once (at 2048, a
# flood's batch took the last descriptors whatever the cap).
BACKLOG = 128
# Connections being answered 503 that the accept budget allows beside the cap: each holds a
# descriptor for up to REFUSE_WAIT + REFUSE_LINGER.
REFUSE_BUDGET = 128
ACCEPT_BATCH = 16  # accepts a wake-up of the listening socket
ACCEPT_RETRY = 0.1  # seconds before accepting again after accept() itself failed
SUMMARY_EVERY = 30.0  # seconds between the summary lines of one kind

_BODY_503 = b'{"error": "swarmbot is at its connection limit, try again shortly"}'
_RESPONSE_503 = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                 b"Retry-After: 1\r\nConnection: close\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (len(_BODY_503), _BODY_503))


class Paused(Protocol):
    """What accepts connections for the Edge (`adapters.accept.Acceptor`)."""

    def resume(self) -> None: ...


@dataclass(frozen=True)
class EdgeLimits:
    header_timeout: float = 5.0
    body_timeout: float = 10.0
    keepalive_timeout: float = 15.0
    max_connections: int = 4000


def descriptor_cap(wanted: int) -> tuple[int, str | None]:
    """Connections the descriptor limit allows (raising the soft limit toward the hard one
    if it must), and one warning line when that is fewer than `wanted`."""
    needed = wanted + RESERVED_FDS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        if target > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                soft = target
            except (ValueError, OSError):
                pass
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return wanted, None
    cap = max(1, soft - RESERVED_FDS)
    return cap, (f"the file descriptor limit ({soft}) is below the {needed} that [server] "
                 f"max_connections = {wanted} needs: serving at most {cap} connections at "
                 "once, 503 beyond (raise LimitNOFILE in the unit, or docker --ulimit nofile)")


class Edge:
    """The connection cap and the per-connection watches of one server."""

    def __init__(self, limits: EdgeLimits, cap: int | None = None) -> None:
        self.limits = limits
        self.cap = limits.max_connections if cap is None else cap
        self.full_cap = self.cap
        self._restore: asyncio.TimerHandle | None = None
        self.open = 0  # connections being served
        self.refusing = 0  # connections being answered 503
        self.watches: dict[RequestHandler, Watch] = {}
        self.counts = {"refused": 0, "slow": 0, "accept_failed": 0}
        self._last_note: dict[str, float] = {}
        self.acceptors: list[Paused] = []

    def may_accept(self, pending: int) -> bool:
        """Whether one more connection's descriptor fits: the served ones up to the cap,
        and the ones being refused up to REFUSE_BUDGET beside them."""
        return self.open + self.refusing + pending < self.cap + REFUSE_BUDGET

    def freed(self) -> None:
        """A connection closed: an acceptor paused at the budget may go on."""
        for acceptor in self.acceptors:
            acceptor.resume()

    def note(self, kind: str, line: str, *args: Any, level: int = logging.WARNING) -> None:
        """Count `kind`; log its line at most once per SUMMARY_EVERY with the count so far."""
        self.counts[kind] = self.counts.get(kind, 0) + 1
        now = time.monotonic()
        if now - self._last_note.get(kind, -SUMMARY_EVERY) >= SUMMARY_EVERY:
            self._last_note[kind] = now
            log.log(level, line + " (%d so far)", *args, self.counts[kind])

    def protocol_factory(self, server: web.Server) -> Callable[[], asyncio.Protocol]:
        def make() -> asyncio.Protocol:
            # Counted here, not in connection_made: asyncio accepts a whole batch of
            # connections before any of them is told it is made.
            if self.open >= self.cap:
                return Refuse(self)
            self.open += 1
            return Watch(self, server())
        return make

    @web.middleware
    async def middleware(self, request: web.Request,
                         handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        watch = self.watches.get(request.protocol)
        if watch is not None:
            watch.busy()
        try:
            response: web.StreamResponse = await handler(request)
            return response
        finally:
            if watch is not None:
                watch.idle()

    def on_loop_exception(self, loop: asyncio.AbstractEventLoop,
                          context: dict[str, Any]) -> None:
        """accept() out of descriptors: one summary line, not a traceback a second."""
        if "out of system resource" in str(context.get("message", "")):
            self.out_of_descriptors(loop, context.get("exception"))
            return
        loop.default_exception_handler(context)

    def out_of_descriptors(self, loop: asyncio.AbstractEventLoop, exc: object) -> None:
        """accept() failed for want of descriptors: something else holds descriptors too,
        so serve fewer for a while; what can be accepted next is answered 503 rather than
        left waiting. One summary line, not a traceback a second."""
        self.cap = min(self.cap, max(1, self.open - MAX_REFUSING))
        if self._restore is None:
            self._restore = loop.call_later(SUMMARY_EVERY, self._restore_cap)
        self.note("accept_failed", "accept() failed: out of file descriptors (%s); "
                  "serving at most %d connections for %g s", exc, self.cap, SUMMARY_EVERY)

    def _restore_cap(self) -> None:
        self._restore = None
        self.cap = self.full_cap


class Watch(asyncio.Protocol):
    """aiohttp's protocol for one connection, with a deadline for request headers."""

    def __init__(self, edge: Edge, inner: RequestHandler) -> None:
        self.edge = edge
        self.inner = inner
        self.timer: asyncio.TimerHandle | None = None
        self.serving = False  # a request's handler is running
        self.loop = asyncio.get_running_loop()

    def _arm(self) -> None:
        if self.timer is None:
            self.timer = self.loop.call_later(self.edge.limits.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _expire(self) -> None:
        self.timer = None
        if not self.serving:
            log.debug("closed a connection whose request headers did not arrive within %g s",
                      self.edge.limits.header_timeout)
            self.edge.note("slow", "closed connections whose request headers did not arrive "
                           "within %g s", self.edge.limits.header_timeout, level=logging.INFO)
            self.inner.force_close()

    def busy(self) -> None:
        self.serving = True
        self._disarm()

    def idle(self) -> None:
        self.serving = False  # idle now: aiohttp's keep-alive timeout closes it

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.edge.watches[self.inner] = self
        self._arm()
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self.serving:
            self._arm()  # the first byte of a request: its headers are now on the clock
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        self.inner.eof_received()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.edge.open -= 1
        self.edge.watches.pop(self.inner, None)
        self.inner.connection_lost(exc)
        self.edge.freed()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


class Refuse(asyncio.Protocol):
    """A connection beyond the cap: read its request briefly, answer 503, close.

    After the answer the sending side is shut (FIN) and what the client still sends is read
    and dropped for a moment: closing with its body unread would reset the connection, and
    a reset can lose the 503 before the client reads it."""

    def __init__(self, edge: Edge) -> None:
        self.edge = edge
        self.transport: asyncio.Transport | None = None
        self.seen = b""
        self.timer: asyncio.TimerHandle | None = None
        self.answered = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.edge.refusing += 1
        self.edge.note("refused", "at the connection limit (%d): answering 503 to new "
                       "connections", self.edge.cap)
        if self.edge.refusing > MAX_REFUSING:
            self.answer()
        else:
            self.timer = asyncio.get_running_loop().call_later(REFUSE_WAIT, self.answer)

    def data_received(self, data: bytes) -> None:
        if self.answered:
            return  # the rest of a refused request: dropped
        self.seen = (self.seen + data)[-4096:]
        if b"\r\n\r\n" in self.seen:
            self.answer()

    def eof_received(self) -> bool | None:
        self.answer()
        return None  # the transport closes itself

    def answer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        transport = self.transport
        if self.answered or transport is None or transport.is_closing():
            return
        self.answered = True
        transport.write(_RESPONSE_503)
        if transport.can_write_eof():
            transport.write_eof()
            self.timer = asyncio.get_running_loop().call_later(REFUSE_LINGER, transport.close)
        else:
            transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.edge.refusing -= 1
        self.edge.freed()
