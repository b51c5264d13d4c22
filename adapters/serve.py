"""`swarmbot serve`: one aiohttp server for Slack, Teams, the digest pages and /healthz.

Start-up order matters: each platform's port needs secrets and an HTTP session, the core
needs the ports, the routes need the core. A missing secret stops start-up naming it.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Mapping

from aiohttp import web

from bot.config import Config, load_config
from bot.errors import ConfigError
from bot.ports import ChatPort

log = logging.getLogger("swarmbot")


async def health(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def build_server(config: Config, env: Mapping[str, str] | None = None) -> web.Application:
    from adapters.bootstrap import build_core

    if not (config.slack.enabled or config.teams.enabled):
        raise ConfigError("nothing to serve: add a [slack] or [teams] section to the config "
                          "(see config.example.toml); `swarmbot shell` needs no server")
    app = web.Application()
    app.router.add_get("/healthz", health)
    ports: dict[str, ChatPort] = {}
    slack_runtime = None
    if config.slack.enabled:
        from adapters.slack.server import start_slack

        slack_runtime = await start_slack(config, env)
        ports["slack"] = slack_runtime.port
    if config.teams.enabled:
        from adapters.teams.endpoint import start_teams

        teams_runtime = await start_teams(config, env)
        ports["teams"] = teams_runtime.port
    core = build_core(config, ports)
    if slack_runtime is not None:
        from adapters.slack.server import add_slack_routes

        add_slack_routes(app, slack_runtime, core)
    if config.teams.enabled:
        from adapters.teams.endpoint import add_teams_routes

        # POST /api/messages; Teams' conversation references live in the store.
        add_teams_routes(app, teams_runtime, core, refs=core.deps.store.refs)

    from bot.scheduler import start_scheduler
    from bot.web.digest_page import add_digest_routes

    add_digest_routes(app, core, env)

    async def reconcile(_: web.Application) -> None:
        await core.reconcile()

    async def close_store(_: web.Application) -> None:
        core.close()

    # Start-up handlers run in order: the start-up reconcile is over before the scheduler,
    # whose timer also reconciles, starts; the two never work on the same intent at once.
    app.on_startup.append(reconcile)
    start_scheduler(app, core)  # weekly digests, promise reminders, stale intents
    app.on_cleanup.append(close_store)
    return app


def cmd_serve(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    logging.getLogger("swarmbot").setLevel(logging.INFO)
    web.run_app(build_server(config), host=args.host or config.server.host,
                port=args.port or config.server.port, print=None)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="run the server for Slack and Teams "
                                                "(/slack/events, /api/messages, /digest, /healthz)")
    serve.add_argument("--config", required=True, help="config.toml")
    serve.add_argument("--host", help="listen address (default [server] host)")
    serve.add_argument("--port", type=int, help="listen port (default [server] port)")
    serve.set_defaults(func=cmd_serve)
