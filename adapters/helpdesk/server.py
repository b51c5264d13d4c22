"""The helpdesks of a config: their ports (write-backs, fetching) and `POST /helpdesk/<name>`.

The intake authenticates first (signature or secret header; 401 for forged or stale), then
reads the JSON (400 for a wrong shape or a ticket that cannot be opened), then writes the
webhook to the core's inbox (`Entrance.record`, as Slack and Teams do) and answers at once:
202 `{"status": "accepted", "ref"}`, or 200 `{"status": "duplicate", "ref"}` for a delivery
seen before. The work (the owner looked up by email, the swarm opened, its platform calls,
the write-back) runs after the answer (`Work.run_later`, bounded); what the inbox holds
unfinished is run by the core's one replay loop. A store that cannot take the row is a 503
with Retry-After; a fault of ours is a 500 with an error id, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Protocol

import aiohttp
from aiohttp import web

from adapters.after_ack import Work
from adapters.boundary import (
    Rejected,
    check_media_type,
    internal_error,
    read_body,
    store_unavailable,
)
from adapters.helpdesk.http import helpdesk_session
from adapters.helpdesk.intake import json_object
from adapters.helpdesk.webhook.callbacks import CallbackPolicy, CallbackRefused, GuardedResolver
from bot.config import Config, require_secret
from bot.errors import CommandError
from bot.helpdesk import HelpdeskPort, Ticket
from handlers.entrance import Entrance
from handlers.helpdesk import delivery_of, finish, inbox_source, replayer
from handlers.unit_of_work import StoreUnavailable

log = logging.getLogger("swarmbot.helpdesk")
MAX_WEBHOOK_BYTES = 256 * 1024


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
    # The webhooks' work after their answer (tests drain it; shutdown finishes what runs).
    work: Work = field(default_factory=Work)
    # Where the generic webhook's write-backs may go (empty: a callback_url is refused),
    # and its own session, whose resolver refuses addresses the policy does not allow.
    callbacks: CallbackPolicy = field(default_factory=CallbackPolicy)
    callback_session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        await self.work.stop()  # running work finishes; what waits stays in the inbox
        await self.session.close()
        if self.callback_session is not None:
            await self.callback_session.close()

    def checked(self, desk: str, ticket: Ticket, own_host: str | None) -> Ticket:
        """A generic webhook's callback_url only where callback_origins allow (400 naming
        it); the other helpdesks write back to their own API and carry none."""
        if not ticket.callback_url:
            return ticket
        if desk != "webhook":
            return replace(ticket, callback_url=None)
        try:
            self.callbacks.check(ticket.callback_url, own_host)
        except CallbackRefused as err:
            raise Rejected(400, err.reason) from None
        return ticket


# Where the helpdesks' runtime hangs on the aiohttp Application (tests drain its work).
HELPDESK_RUNTIME = web.AppKey("helpdesk_runtime", HelpdeskRuntime)


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

    runtime = HelpdeskRuntime(session=helpdesk_session(), work=Work(config.server.in_flight))
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
        runtime.callbacks = CallbackPolicy.of(
            h.webhook.callback_origins, h.webhook.callback_internal_hosts,
            [config.server.public_url, *(f"http://{host}:{config.server.port}" for host in
                                         (config.server.host, "127.0.0.1", "localhost",
                                          "[::1]"))])
        callback_secret = ""
        if h.webhook.callback_origins:
            callback_secret = require_secret("SWARMBOT_CALLBACK_SECRET",
                                             "[helpdesk.webhook] callback_origins", env)
        runtime.callback_session = helpdesk_session(aiohttp.TCPConnector(
            resolver=GuardedResolver(runtime.callbacks)))
        runtime.ports["webhook"] = WebhookPort(callback_secret, runtime.callback_session,
                                               runtime.callbacks)
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
            ticket = runtime.checked(desk.name, desk.ticket(json_object(body)), request.host)
            key = desk.delivery_key(request.headers, body)
        except Rejected as err:
            return err.response()
        try:
            delivery = delivery_of(ticket, key, desk.platform, desk.title)
        except CommandError as err:  # nothing kept: the helpdesk is told what is wrong
            return Rejected(400, err.message).response()
        try:
            fresh = await core.record(delivery)  # committed before the helpdesk is answered
        except StoreUnavailable as err:
            return store_unavailable(log, f"a {desk.name} webhook", err)
        except Exception:  # our fault: an error id for the log, a 500 for the helpdesk to retry
            return internal_error(log, f"handling a {desk.name} webhook")
        if not fresh:
            log.info("%s delivery %s (%s) seen before: not redone", desk.name, key, ticket.ref)
            return web.json_response({"status": "duplicate", "ref": ticket.ref})
        runtime.work.run_later(f"{delivery.source} {key} ({ticket.ref})",
                               partial(finish, core, delivery))
        return web.json_response({"status": "accepted", "ref": ticket.ref}, status=202)

    # What the inbox holds unfinished (a process killed after the answer, a store failure)
    # is run by the core's one replay loop (handlers/entrance.py, started with the server).
    for name in runtime.desks:
        core.replays.register(inbox_source(name), replayer(core))

    async def close(app: web.Application) -> None:
        await runtime.close()

    # Write-backs owed are the outbox worker's (retried with backoff, told when they give up).
    app.router.add_post("/helpdesk/{name}", receive)
    app[HELPDESK_RUNTIME] = runtime
    app.on_cleanup.append(close)
