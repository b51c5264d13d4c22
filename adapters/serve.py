"""`swarmbot serve`: one aiohttp server for Slack, Teams, the digest pages and /healthz.

Start-up: the config is checked (every problem at once), the listening address is taken
(a port in use is one line), then adapters start (secrets, sessions, a token check each)
and the server answers. One line says what is served where; one line says it stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import socket

from aiohttp import web

from adapters.accept import EdgeSite
from adapters.bootstrap import build_server, checked_config, open_config_store
from adapters.boundary import BODY_TIMEOUT
from adapters.checks import bind_listener
from adapters.edge import Edge, EdgeLimits, descriptor_cap
from adapters.logs import LEVELS, setup_logging
from bot.config import Config
from bot.web.ops import STOPPING

__all__ = ["build_server", "cmd_serve", "freeze_start_up_heap", "register", "served_line"]
log = logging.getLogger("swarmbot")


def served_line(config: Config, app: web.Application, base: str) -> str:
    """`serving http://h:p: /slack/events (slack), ... ` from the routes really mounted."""
    paths = sorted({r.resource.canonical for r in app.router.routes() if r.resource},
                   key=lambda p: (not p.startswith(("/slack", "/api")), p))
    adapters = [name for name, on in (("slack", config.slack.enabled),
                                      ("teams", config.teams.enabled)) if on]
    if config.slack.enabled and config.slack.socket_mode:
        adapters[adapters.index("slack")] = "slack (socket mode)"
    return (f"swarmbot serving {base} {' '.join(paths)}; adapters: {', '.join(adapters)}; "
            f"store {store_name(config)}")


def store_name(config: Config) -> str:
    from adapters.bootstrap import store_name as name

    return name(config)


def freeze_start_up_heap() -> None:
    """Keep the collector's full passes off what start-up built for the process's life.

    Modules, SDK models, the config and the app are ~73k objects that are never garbage,
    and every full collection walks all of them: 50-100 ms with the event loop stopped, once
    every few thousand requests, which is what the Slack ack p99 at 200 req/s showed
    (issue 15). Frozen (gc.freeze), a full pass walks only what requests made since."""
    gc.collect()
    gc.freeze()


def edge_of(config: Config) -> Edge:
    """The connection cap and timeouts of [server], the cap within the descriptor limit
    (one warning line when the limit is below what max_connections needs)."""
    s = config.server
    limits = EdgeLimits(s.header_timeout, s.body_timeout, s.keepalive_timeout,
                        s.max_connections)
    cap, warning = descriptor_cap(limits.max_connections)
    if warning:
        log.warning("%s", warning)
    return Edge(limits, cap)


async def run(config: Config, sock: socket.socket) -> None:
    edge = edge_of(config)
    asyncio.get_running_loop().set_exception_handler(edge.on_loop_exception)
    app = await build_server(config)
    app.middlewares.append(edge.middleware)
    app[BODY_TIMEOUT] = config.server.body_timeout
    # lingering_time: what is left of a refused body is read for 1 s at most, then closed.
    runner = web.AppRunner(app, handle_signals=False,
                           keepalive_timeout=config.server.keepalive_timeout,
                           lingering_time=1.0)
    await runner.setup()
    freeze_start_up_heap()  # after start-up hooks (inbox replay), before the first request
    try:
        await EdgeSite(runner, sock, edge).start()
        host, port = sock.getsockname()[:2]
        log.info("%s", served_line(config, app, f"http://{host}:{port}"))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        app[STOPPING].now = True  # /readyz: 503 while what is in flight finishes
    finally:
        await runner.cleanup()
    log.info("swarmbot stopped (signal received; requests in flight finished)")


def cmd_serve(args: argparse.Namespace) -> int:
    config = checked_config(args.config, "serve", port=args.port)
    host, port = args.host or config.server.host, args.port or config.server.port
    sock = bind_listener(host, port)
    try:
        # After the port (in use: nothing opened), before the log: a database this release
        # cannot run on (newer, or not yet migrated on PostgreSQL) is one line, a SchemaError.
        open_config_store(config).close()
        # After the checks: a broken config is only its problem lines, nothing logged before.
        setup_logging(args.log_level, args.log_format)
        asyncio.run(run(config, sock))
    finally:
        sock.close()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="run the server for Slack and Teams "
                                                "(/slack/events, /api/messages, /digest, "
                                                "/healthz, /readyz, /metrics)")
    serve.add_argument("--config", required=True, help="config.toml")
    serve.add_argument("--host", help="listen address (default [server] host)")
    serve.add_argument("--port", type=int, help="listen port (default [server] port)")
    serve.add_argument("--log-level", choices=LEVELS, default="info",
                       help="swarmbot's own log level (default info; libraries log warnings)")
    serve.add_argument("--log-format", choices=("text", "json"), default="text",
                       help="text lines, or one JSON object per line for a log collector")
    serve.set_defaults(func=cmd_serve)
