"""Serve an aiohttp app on 127.0.0.1 on a free port: the stand-ins for Slack, the Bot
Connector and the token issuer, and the bot itself in tests and benchmarks."""

from __future__ import annotations

from aiohttp import web


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Start `app`; return its runner (call `cleanup()` to stop) and base URL, no slash."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"
