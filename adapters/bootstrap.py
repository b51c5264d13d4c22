"""The composition root: config, store, ports and the core for every CLI verb.

Each verb asks here for what it needs (`checked_config`, `open_checked_store`, `shell_core`,
`build_server`); nothing is built at import time. Every config problem is found by
`adapters.checks` before the first database or connection is opened, so a broken config is a
list of one-line problems and nothing half-started to clean up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.config import Config, load_config
from bot.domain import utcnow
from bot.drafting.port import AssistantPort
from bot.ports import ChatPort
from bot.services.base import Deps
from bot.store import SqliteStore, Store, open_store
from handlers.entrance import Entrance
from handlers.registry import Command

if TYPE_CHECKING:
    from aiohttp import web

    from adapters.shell.port import ShellChatPort

log = logging.getLogger("swarmbot")


def build_core(config: Config, ports: dict[str, ChatPort],
               clock: Callable[[], datetime] | None = None, store: Store | None = None,
               extra_commands: list[Command] | None = None,
               env: Mapping[str, str] | None = None) -> Entrance:
    store = store or open_config_store(config)
    deps = Deps(store=store, ports=ports, config=config, clock=clock or utcnow,
                assistant=build_assistant(config, os.environ if env is None else env))
    return Entrance(deps, extra_commands)


def build_assistant(config: Config, env: Mapping[str, str]) -> AssistantPort | None:
    """The OpenAI-compatible endpoint of `[assistant]`, or None (drafts from the timeline)."""
    if not config.assistant.url:
        return None
    from adapters.assistant.openai_port import OpenAIAssistant

    return OpenAIAssistant(config.assistant, env)


def checked_config(path: str | None, verb: str, *, db: str | None = None,
                   env: Mapping[str, str] | None = None, port: int | None = None) -> Config:
    """Load `path` (None: the defaults), let `--db` override the store, and refuse with
    every problem at once (a ConfigError) if `verb` cannot run with it."""
    from adapters.checks import check_config

    config = load_config(path)
    choose_store(config, db, os.environ if env is None else env)
    return check_config(config, verb, env, port)


def choose_store(config: Config, db: str | None, env: Mapping[str, str]) -> None:
    """Which store a verb opens: `--db` is a SQLite file and wins (it is the explicit ask);
    else SWARMBOT_DATABASE_URL, else `[store] url`, else the SQLite file at `[store] path`."""
    if db:
        config.store.path, config.store.url = db, ""
    elif env.get("SWARMBOT_DATABASE_URL", "").strip():
        config.store.url = env["SWARMBOT_DATABASE_URL"].strip()


def open_config_store(config: Config, migrate: bool = False) -> Store:
    """PostgreSQL when the config has a URL, else the SQLite file. PostgreSQL is migrated
    only when asked (`swarmbot migrate`): replicas must not race to change the schema, and a
    schema other than this release's is refused in one line. SQLite, one process on its own
    file, migrates on open as it always has."""
    if config.store.url:
        from bot.store.postgres import open_pg_store

        return open_pg_store(config.store.url, migrate=migrate)
    return open_store(config.store.path)


def open_checked_store(config: Config) -> Store:
    """The store of a config that `checked_config` passed (its folder or file exists)."""
    return open_config_store(config)


def shell_core(config: Config) -> tuple[Entrance, ShellChatPort]:
    from adapters.shell.clock import SimClock
    from adapters.shell.port import ShellChatPort

    port = ShellChatPort(slash=config.commands.slash, triage_room=config.shell.triage_room)
    # The shell's clock is simulated, so `/clock +2h` can show reminders and nudges firing.
    entrance = build_core(config, {"shell": port}, clock=SimClock(),
                          store=open_checked_store(config))
    port.known_rooms = entrance.room_names()  # rooms from earlier runs keep their names
    return entrance, port


async def build_server(config: Config, env: Mapping[str, str] | None = None,
                       graph_tokens: Any = None) -> web.Application:
    """One aiohttp app: Slack, Teams, the digest pages, /healthz, /readyz, /metrics.
    `graph_tokens`: Teams' Graph token source instead of msal's (start_teams; tests).

    Order matters: each platform's runtime needs secrets and an HTTP session, the core
    needs the ports, the routes need the core and their runtime."""
    from aiohttp import web

    from adapters.checks import check_config
    from bot.scheduler import start_scheduler
    from bot.web.digest_page import add_digest_routes
    from bot.web.ops import add_ops_routes

    worker_key = web.AppKey("outbox_worker", asyncio.Task)
    replay_key = web.AppKey("inbox_replay", asyncio.Task)
    env = os.environ if env is None else env
    check_config(config, "serve", env)
    app = web.Application(middlewares=[request_metrics()])
    ports: dict[str, ChatPort] = {}
    slack_runtime = teams_runtime = None
    try:
        if config.slack.enabled:
            from adapters.slack.server import start_slack

            slack_runtime = await start_slack(config, env)
            ports["slack"] = slack_runtime.port
        if config.teams.enabled:
            from adapters.teams.endpoint import start_teams

            teams_runtime = await start_teams(config, env, graph_tokens)
            ports["teams"] = teams_runtime.port
    except BaseException:
        # A refused token or an unreachable platform stops start-up: close what was opened.
        for runtime in (slack_runtime, teams_runtime):
            if runtime is not None:
                await runtime.close()
        raise
    core = build_core(config, ports, env=env)
    if slack_runtime is not None:
        from adapters.slack.server import add_slack_routes

        add_slack_routes(app, slack_runtime, core)
    if teams_runtime is not None:
        from adapters.teams.endpoint import add_teams_routes
        from adapters.teams.scope import join_slack, scope_for

        # Whose data a Teams activity sees: its tenant's, and what it is joined with.
        scope = scope_for(slack_runtime is not None,
                          slack_runtime is not None and slack_runtime.secrets.oauth is not None,
                          config.bridge.enabled,
                          slack_runtime.team_id if slack_runtime is not None else "")
        # POST /api/messages; Teams' conversation references live in the store.
        add_teams_routes(app, teams_runtime, core, refs=core.deps.store.refs, scope=scope)
        if slack_runtime is not None and slack_runtime.dispatcher is not None:
            join_slack(scope, slack_runtime.dispatcher.joined, teams_runtime.identity.tenant_id)
    from adapters.helpdesk.server import add_helpdesk_routes, enabled, start_helpdesks

    if enabled(config):
        # POST /helpdesk/<name>, and the helpdesk ports for fetching and write-backs.
        add_helpdesk_routes(app, start_helpdesks(config, env), core)
    add_ops_routes(app, core.deps.store)
    add_digest_routes(app, core, env)

    async def reconcile(app: web.Application) -> None:
        await core.reconcile()
        loop = asyncio.get_running_loop()
        # Then the outbox worker keeps doing platform calls as they fall due (retries), and
        # the replay loop runs what the inbox holds: first a crash's backlog, then what a
        # store failure delayed or a dead replica left.
        app[worker_key] = loop.create_task(core.start_worker().run())
        app[replay_key] = loop.create_task(core.replays.forever())

    async def stop_worker(app: web.Application) -> None:
        for key in (replay_key, worker_key):
            task = app.get(key)
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def close_store(_: web.Application) -> None:
        core.close()

    # Start-up handlers run in order: the start-up drain of the outbox is over before the
    # worker and the scheduler start.
    app.on_startup.append(reconcile)
    start_scheduler(app, core)  # weekly digests, promise reminders
    app.on_cleanup.append(stop_worker)
    app.on_cleanup.append(close_store)
    return app


def request_metrics():  # -> aiohttp middleware (typed loosely: aiohttp is imported lazily)
    from bot.web.ops import metrics_middleware

    return metrics_middleware


def store_name(config: Config) -> str:
    """Where the store is, for logs and messages (a URL's password left out)."""
    if config.store.url:
        from bot.store.postgres import redact

        return redact(config.store.url)
    return config.store.path


def migrate_store(config: Config) -> list[str]:
    """Apply the pending migrations (`swarmbot migrate`); the names applied so far."""
    from bot.store import pg_schema
    from bot.store.migrations import migrations
    from bot.store.postgres import PgStore

    store = open_config_store(config, migrate=True)
    try:
        if isinstance(store, PgStore):
            return pg_schema.applied(store.db)
        assert isinstance(store, SqliteStore), "a store is SQLite's or PostgreSQL's"
        return [m.name for m in migrations.applied(store.db)]
    finally:
        store.close()
