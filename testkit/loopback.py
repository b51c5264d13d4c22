"""Serve an aiohttp app on 127.0.0.1 on a free port: the stand-ins for Slack, the Bot
Connector and the token issuer, and the bot itself in tests and benchmarks."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
from aiohttp import web


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Start `app`; return its runner (call `cleanup()` to stop) and base URL, no slash."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


def free_port() -> int:
    """A port nothing listens on now, for a subprocess to bind."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def until_healthy(http: aiohttp.ClientSession, base: str,
                        proc: asyncio.subprocess.Process, seconds: float = 30,
                        log: Path | None = None) -> None:
    """Wait for a `swarmbot serve` subprocess to answer /healthz: it binds its port only
    when start-up is done, so this is the readiness signal, not a guessed delay. `log`: where
    its stderr goes (else it is read from the pipe), shown if it exits during start-up."""
    deadline = time.monotonic() + seconds
    while True:
        if proc.returncode is not None:
            if log is not None:
                err = log.read_text(encoding="utf-8", errors="replace")
            else:
                err = (await proc.stderr.read()).decode() if proc.stderr else ""
            raise AssertionError(f"serve exited during start-up: {err[-3000:]}")
        try:
            async with http.get(base + "/healthz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        assert time.monotonic() < deadline, "serve did not start"
        await asyncio.sleep(0.05)


async def until(check: Callable[[], bool], what: str, seconds: float = 90) -> None:
    """Poll `check` (the condition itself, not a guessed delay) until it holds."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)
