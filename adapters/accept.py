"""Accepting connections within the Edge's budget (see `adapters.edge`)."""

from __future__ import annotations

import asyncio
import functools
import socket
from collections.abc import Callable
from typing import Any

from aiohttp import web

from adapters.edge import ACCEPT_BATCH, ACCEPT_RETRY, BACKLOG, Edge


class Acceptor:
    """Accepts connections on the listening socket only while the Edge can afford them.

    asyncio's own server accepts a whole backlog's batch (and the next, and the next) before
    any protocol is made: under a flood the refusals alone took every descriptor left, and
    answers to acknowledged commands failed to connect ("Too many open files"). Here each
    accept is counted before the next, and at `Edge.budget` the listening socket is not read
    at all: what more arrives waits in the kernel's backlog until a connection closes."""

    def __init__(self, edge: Edge, sock: socket.socket,
                 factory: Callable[[], asyncio.Protocol]) -> None:
        self.edge = edge
        self.sock = sock
        self.factory = factory
        self.loop = asyncio.get_running_loop()
        self.reading = False
        self.closed = False
        self.pending = 0  # accepted, its protocol not made yet
        self.tasks: set[asyncio.Task[Any]] = set()
        self.retry: asyncio.TimerHandle | None = None

    @property
    def sockets(self) -> tuple[socket.socket, ...]:
        return (self.sock,)

    def start(self) -> None:
        self.sock.setblocking(False)
        self.sock.listen(BACKLOG)
        self.edge.acceptors.append(self)
        self.resume()

    def resume(self) -> None:
        if not (self.reading or self.closed or self.retry is not None):
            self.loop.add_reader(self.sock.fileno(), self._ready)
            self.reading = True

    def pause(self) -> None:
        if self.reading:
            self.loop.remove_reader(self.sock.fileno())
            self.reading = False

    def _retry(self) -> None:
        self.retry = None
        self.resume()

    def _ready(self) -> None:
        for _ in range(ACCEPT_BATCH):  # a few a wake-up: the loop has requests to serve too
            if not self.edge.may_accept(self.pending):
                self.pause()  # resumed by Edge.freed when a connection closes
                return
            try:
                conn, _ = self.sock.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return
            except OSError as exc:  # EMFILE, ENFILE, ENOBUFS: descriptors held elsewhere
                self.edge.out_of_descriptors(self.loop, exc)
                self.pause()
                self.retry = self.loop.call_later(ACCEPT_RETRY, self._retry)
                return
            conn.setblocking(False)
            self.pending += 1
            task = self.loop.create_task(self.loop.connect_accepted_socket(self.factory,
                                                                           conn))
            self.tasks.add(task)
            task.add_done_callback(functools.partial(self._made, conn))

    def _made(self, conn: socket.socket, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        self.pending -= 1
        if task.cancelled() or task.exception() is not None:
            conn.close()  # the client went away before its protocol was made
            self.edge.freed()

    def close(self) -> None:
        self.closed = True
        self.pause()
        if self.retry is not None:
            self.retry.cancel()
            self.retry = None
        if self in self.edge.acceptors:
            self.edge.acceptors.remove(self)
        self.sock.close()

    async def wait_closed(self) -> None:
        if self.tasks:
            await asyncio.wait(self.tasks)


class EdgeSite(web.SockSite):
    """A SockSite whose connections go through the Edge (the cap, the watches, the accept
    budget)."""

    def __init__(self, runner: web.BaseRunner, sock: socket.socket, edge: Edge) -> None:
        super().__init__(runner, sock, backlog=BACKLOG)
        self.edge = edge

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        acceptor = Acceptor(self.edge, self._sock, self.edge.protocol_factory(server))
        acceptor.start()
        # BaseSite.stop only calls close(); the Acceptor has the part of a Server it needs.
        self._server = acceptor  # type: ignore[assignment]
