"""The helpdesks of a config: their ports (write-backs, fetching) and `POST /helpdesk/<name>`.

The intake authenticates first (signature or secret header; 401 for forged or stale), then
reads the JSON (400 for a wrong shape), then hands a neutral `Ticket` to the core's intake;
a fault of ours is a 500 with an error id, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import aiohttp
from aiohttp import web

from adapters.boundary import Rejected, check_media_type, internal_error, read_body
from adapters.helpdesk.http import helpdesk_session
from adapters.helpdesk.intake import json_object
from bot.config import Config, require_secret
from bot.helpdesk import HelpdeskPort, Ticket
from handlers.entrance import Entrance
from handlers.helpdesk import intake, replay

log = logging.getLogger("swarmbot.helpdesk")
MAX_WEBHOOK_BYTES = 256 * 1024
_REPLAY = web.AppKey("helpdesk_replay", asyncio.Task)


class Desk(Protocol):
    name: str
    title: str
    platform: str

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None: ...
    def ticket(self, data: dict) -> Ticket: ...
    def delivery_key(self, headers: Mapping[str, str], body: bytes) -> str: ...


@dataclass
class HelpdeskRuntime:
    session: aiohttp.ClientSession
    ports: dict[str, HelpdeskPort] = field(default_factory=dict)
    desks: dict[str, Desk] = field(default_factory=dict)

    async def close(self) -> None:
        await self.session.close()


def enabled(config: Config) -> bool:
    h = config.helpdesk
    return h.zendesk.enabled or h.jira.enabled or h.webhook.enabled


def chat_platform(config: Config, chosen: str) -> str:
    """Where a helpdesk's swarms open: as configured, else the platform being served."""
    if chosen:
        return chosen
    return "slack" if config.slack.enabled else "teams" if config.teams.enabled else "shell"


def start_helpdesks(config: Config, env: Mapping[str, str]) -> HelpdeskRuntime:
    """Ports and intakes for each [helpdesk.*] section (secrets checked by adapters.checks)."""
    from adapters.helpdesk.jira.intake import JiraIntake
    from adapters.helpdesk.jira.port import JiraPort
    from adapters.helpdesk.webhook.intake import WebhookIntake
    from adapters.helpdesk.webhook.port import WebhookPort
    from adapters.helpdesk.zendesk.intake import ZendeskIntake
    from adapters.helpdesk.zendesk.port import ZendeskPort

    runtime = HelpdeskRuntime(session=helpdesk_session())
    h = config.helpdesk
    # Order matters for `open <ref>` alone: ZD-123 is Zendesk's before it could be a Jira key.
    if h.zendesk.enabled:
        runtime.ports["zendesk"] = ZendeskPort(
            h.zendesk.api_url, h.zendesk.email,
            require_secret("ZENDESK_API_TOKEN", "[helpdesk.zendesk]", env), runtime.session)
        runtime.desks["zendesk"] = ZendeskIntake(
            require_secret("ZENDESK_WEBHOOK_SECRET", "[helpdesk.zendesk]", env),
            chat_platform(config, h.zendesk.platform))
    if h.jira.enabled:
        runtime.ports["jira"] = JiraPort(
            h.jira.api_url, h.jira.email,
            require_secret("JIRA_API_TOKEN", "[helpdesk.jira]", env), runtime.session,
            h.jira.projects)
        runtime.desks["jira"] = JiraIntake(
            require_secret("JIRA_WEBHOOK_SECRET", "[helpdesk.jira]", env),
            chat_platform(config, h.jira.platform))
    if h.webhook.enabled:
        secret = require_secret("SWARMBOT_WEBHOOK_SECRET", "[helpdesk.webhook]", env)
        runtime.ports["webhook"] = WebhookPort(secret, runtime.session)
        runtime.desks["webhook"] = WebhookIntake(secret, chat_platform(config,
                                                                      h.webhook.platform))
    return runtime


def add_helpdesk_routes(app: web.Application, runtime: HelpdeskRuntime,
                        core: Entrance) -> None:
    core.deps.helpdesks.update(runtime.ports)

    async def receive(request: web.Request) -> web.Response:
        desk = runtime.desks.get(request.match_info["name"])
        if desk is None:
            return web.json_response({"error": f"no helpdesk {request.match_info['name'][:40]!r}"
                                      f" here (connected: {', '.join(runtime.desks)})"},
                                     status=404)
        try:
            body = await read_body(request, MAX_WEBHOOK_BYTES)
            desk.verify(request.headers, body, core.deps.now())  # before parsing anything
            check_media_type(request, ("application/json",))
            ticket = desk.ticket(json_object(body))
            key = desk.delivery_key(request.headers, body)
        except Rejected as err:
            return err.response()
        try:
            result = await intake(core, ticket, key, desk.platform, desk.title)
        except Exception:  # our fault: an error id for the log, a 500 for the helpdesk to retry
            return internal_error(log, f"handling a {desk.name} webhook")
        return web.json_response(result.as_json(),
                                 status=400 if result.status == "refused" else 200)

    async def finish_backlog(app: web.Application) -> None:
        # Webhooks written to the inbox whose command a killed process never committed: run
        # now, beside the server (their owner look-ups call the chat platform).
        app[_REPLAY] = asyncio.get_running_loop().create_task(replay_logged())

    async def replay_logged() -> None:
        try:
            await replay(core, {name: desk.title for name, desk in runtime.desks.items()})
        except Exception:  # logged in full; the rows stay for the next start
            log.exception("finishing the helpdesk webhooks from before the restart failed")

    async def close(app: web.Application) -> None:
        task = app.get(_REPLAY)
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await runtime.close()

    # Write-backs owed are the outbox worker's (retried with backoff, told when they give up).
    app.router.add_post("/helpdesk/{name}", receive)
    app.on_startup.append(finish_backlog)
    app.on_cleanup.append(close)
