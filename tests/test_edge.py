"""The server's edge in one process (adapters/edge.py): the header deadline, the idle
keep-alive close, the connection cap's 503, the descriptor limit's warning. The same,
at a thousand connections against a real `swarmbot serve`: tests/faults/test_slow_clients.py.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import socket
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from adapters.accept import EdgeSite
from adapters.edge import RESERVED_FDS, Edge, EdgeLimits, descriptor_cap

REQUEST = b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.fixture
async def edge_server() -> AsyncIterator[tuple[Edge, int]]:
    edge = Edge(EdgeLimits(header_timeout=0.3, keepalive_timeout=1.2, max_connections=3))
    app = web.Application(middlewares=[edge.middleware])

    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.router.add_get("/ok", ok)
    runner = web.AppRunner(app, keepalive_timeout=edge.limits.keepalive_timeout)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await EdgeSite(runner, sock, edge).start()
    try:
        yield edge, sock.getsockname()[1]
    finally:
        await runner.cleanup()
        sock.close()


async def closed_after(reader: asyncio.StreamReader, limit: float = 5.0) -> tuple[float, bytes]:
    started = time.monotonic()
    data = await asyncio.wait_for(reader.read(), limit)
    return time.monotonic() - started, data


async def test_half_sent_headers_are_closed_after_the_header_timeout(
        edge_server: tuple[Edge, int]) -> None:
    edge, port = edge_server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(REQUEST[:20])
    took, data = await closed_after(reader)
    assert data == b"" and 0.25 < took < 1.5, (took, data)
    writer.close()


async def test_a_kept_alive_connection_is_timed_again_for_its_next_request_and_when_idle(
        edge_server: tuple[Edge, int]) -> None:
    edge, port = edge_server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(REQUEST)
    assert (await reader.readuntil(b"ok")).startswith(b"HTTP/1.1 200")
    writer.write(REQUEST[:20])  # the next request, half sent: the header deadline again
    took, data = await closed_after(reader)
    assert data == b"" and took < 1.0, took  # header_timeout, not keepalive_timeout
    writer.close()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(REQUEST)
    assert (await reader.readuntil(b"ok")).startswith(b"HTTP/1.1 200")
    took, data = await closed_after(reader)  # idle: keepalive_timeout
    assert data == b"" and 1.0 < took < 3.0, took
    writer.close()


async def test_beyond_the_cap_a_connection_gets_503_and_the_held_ones_are_served(
        edge_server: tuple[Edge, int]) -> None:
    edge, port = edge_server
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(REQUEST)
    _, answer = await closed_after(reader)
    assert answer.startswith(b"HTTP/1.1 503") and b"Retry-After: 1" in answer, answer
    assert edge.open == 3
    r, w = held[0]
    w.write(REQUEST)
    assert (await r.readuntil(b"ok")).startswith(b"HTTP/1.1 200")
    for _, w in held:
        w.close()
    writer.close()


def test_a_low_descriptor_limit_lowers_the_cap_with_one_warning() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        pytest.skip("no hard descriptor limit here")
    cap, warning = descriptor_cap(hard)  # more than the hard limit can hold
    assert cap == hard - RESERVED_FDS
    assert warning is not None and f"serving at most {cap} connections" in warning
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == hard  # raised as far as it may
    assert descriptor_cap(10) == (10, None)


SERVER = """
import asyncio, logging, resource, socket, sys
from aiohttp import web
from adapters.accept import EdgeSite
from adapters.edge import Edge, EdgeLimits
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
resource.setrlimit(resource.RLIMIT_NOFILE, (int(sys.argv[1]), int(sys.argv[1])))

async def main():
    edge = Edge(EdgeLimits(header_timeout=30, max_connections=10000))  # the cap ignores it
    asyncio.get_running_loop().set_exception_handler(edge.on_loop_exception)
    app = web.Application(middlewares=[edge.middleware])
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await EdgeSite(runner, sock, edge).start()
    print(sock.getsockname()[1], flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_out_of_descriptors_new_connections_get_503_and_the_log_a_few_lines() -> None:
    """A cap above what the descriptor limit holds (something else took descriptors):
    accept() fails, the edge serves fewer for a while, and what it can accept is 503."""
    import sys

    from testkit import REPO

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SERVER, "128", cwd=REPO, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        port = int(await asyncio.wait_for(proc.stdout.readline(), 30))
        held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(200)]
        for _, w in held:
            w.write(REQUEST[:10])

        async def late() -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(REQUEST)
            try:
                return await asyncio.wait_for(reader.read(), 10)
            finally:
                writer.close()

        await asyncio.sleep(0.5)
        for _, w in held[:20]:  # descriptors come free: the next accepts are refusals
            w.transport.abort()
        answers = await asyncio.gather(*(late() for _ in range(5)))
        assert all(a.startswith(b"HTTP/1.1 503") for a in answers), answers
    finally:
        proc.kill()
        await proc.wait()
    assert proc.stderr is not None
    lines = (await proc.stderr.read()).decode().splitlines()
    assert len(lines) < 10 and not [line for line in lines if "Traceback" in line], lines
    assert any("accept() failed: out of file descriptors" in line for line in lines), lines


@pytest.mark.parametrize("goes", ["abort", "half-close"])
async def test_a_client_gone_mid_body_is_one_debug_line(
        goes: str, caplog: pytest.LogCaptureFixture) -> None:
    from adapters.boundary import Rejected, read_body

    app = web.Application()
    reading, handled = asyncio.Event(), asyncio.Event()

    async def take(request: web.Request) -> web.Response:
        reading.set()
        try:
            await read_body(request)
        except Rejected as err:
            return err.response()
        finally:
            handled.set()  # read_body has logged by now, however it ended
        return web.Response(text="ok")

    app.router.add_post("/take", take)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    # The logger's own level too: a CLI test run in this process may have set it higher.
    caplog.set_level(logging.DEBUG, logger="swarmbot.boundary")
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /take HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\nabc")
        await writer.drain()
        await asyncio.wait_for(reading.wait(), 10)  # the handler is reading the body
        if goes == "abort":
            writer.transport.abort()
        else:  # the body's end comes as the connection's: 3 of 900 bytes is not a body
            writer.write_eof()
        await asyncio.wait_for(handled.wait(), 10)
        writer.close()
    finally:
        await runner.cleanup()
    ours = [r for r in caplog.records if r.name.startswith(("swarmbot", "aiohttp"))
            and r.levelno >= logging.DEBUG and "went away" in r.getMessage()]
    assert [r.levelno for r in ours] == [logging.DEBUG], [r.getMessage() for r in ours]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
