"""`POST /api/messages`: the Bot Framework endpoint, on the server Slack shares.

Start-up is two steps, like Slack's, because the core needs the port and the route needs
the core: `start_teams(config, env)` builds auth, the CloudAdapter and the ChatPort;
`add_teams_routes(app, runtime, core)` mounts the handler (adapters.bootstrap does both).
The handler is ours, around `CloudAdapter.process_activity` (botbuilder_fixes defect 1):
401 for a refused token, 415 for a non-JSON body, 400 for a body that is not an activity,
503 with Retry-After while the Bot Framework's signing keys cannot be fetched (nobody's
fault here: the channel tries again), the InvokeResponse as-is. A message is answered once
botbuilder has authenticated it and its delivery is in the inbox; its command runs after
that (bot.py, `runtime.work`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from aiohttp import ClientSession, web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from adapters.after_ack import Work
from adapters.boundary import (
    Rejected,
    check_media_type,
    internal_error,
    read_body,
    store_unavailable,
)
from adapters.teams.auth import BotIdentity, build_authentication
from adapters.teams.bot import SwarmTeamsBot
from adapters.teams.botbuilder_fixes import (
    FixedAuthentication,
    apply_global_fixes,
    invoke_to_response,
)
from adapters.teams.connector import BotConnector
from adapters.teams.directory import Directory, RefStore
from adapters.teams.envelope import parse_activity, tenant_of
from adapters.teams.graph import HttpGraphClient, MsalTokens, TokenSource
from adapters.teams.managed_identity import ManagedIdentityTokens
from adapters.teams.port import TeamsChatPort
from adapters.teams.scope import TeamsScope
from adapters.teams.signing_keys import KeysUnavailable
from bot.config import Config, require_secret
from bot.errors import ConfigError
from handlers.entrance import Entrance
from handlers.installations import InstallationBook
from handlers.unit_of_work import StoreUnavailable

log = logging.getLogger("swarmbot.teams")
RUNTIME_KEY = web.AppKey("teams_runtime", object)
PLATFORM = "teams"


@dataclass
class TeamsRuntime:
    identity: BotIdentity
    session: ClientSession
    auth: FixedAuthentication
    adapter: CloudAdapter
    directory: Directory
    port: TeamsChatPort
    work: Work = field(default_factory=Work)  # messages' commands, run after their ack

    async def close(self) -> None:
        await self.work.stop()  # running commands finish (and answer); queued ones wait
        await self.auth.connectors.close()
        await self.session.close()


async def start_teams(config: Config, env: Mapping[str, str] | None = None,
                      graph_tokens: TokenSource | None = None) -> TeamsRuntime:
    """Build what Teams needs before the core exists. A missing secret stops start-up.

    `graph_tokens` replaces the msal client-credentials token source in Graph mode (tests
    use a fixed token; another credential type would plug in here)."""
    env = os.environ if env is None else env
    apply_global_fixes()
    identity = BotIdentity.from_env(env)
    session = ClientSession()
    try:
        # A managed identity has no secret: the bot's tokens come from the host's identity
        # endpoint, fetched our way (botbuilder_fixes.py, defect 9).
        outgoing = ManagedIdentityTokens(identity.app_id, session, env) \
            if identity.managed_identity else None
        auth = await build_authentication(config.teams, identity, session, outgoing)
        graph = None
        if config.teams.graph.enabled:
            if not config.teams.swarm_team_id:
                raise ConfigError("[teams.graph] needs [teams] swarm_team_id (the team that "
                                  "gets a channel per swarm)")
            if graph_tokens is None:
                secret = require_secret("SWARMBOT_GRAPH_CLIENT_SECRET", "[teams.graph]", env)
                graph_tokens = MsalTokens(config.teams.graph, secret)
            graph = HttpGraphClient(config.teams.graph.graph_url, graph_tokens, session)
    except BaseException:
        await session.close()
        raise
    directory = Directory()
    connector = BotConnector(session, auth.connectors.tokens)
    port = TeamsChatPort(config.teams, connector, directory, graph)
    adapter = CloudAdapter(auth)
    log.info("Teams: swarm rooms are %s", "Graph channels in team " + config.teams.swarm_team_id
             if graph else f"threads in channel {config.teams.swarm_channel_id or '(unset)'}")
    return TeamsRuntime(identity, session, auth, adapter, directory, port,
                        Work(config.server.in_flight))


def make_handler(runtime: TeamsRuntime, bot: SwarmTeamsBot):
    async def messages(request: web.Request) -> web.Response:
        """Size, media type and token before the body is parsed; then the activity's shape
        (envelope.py), then botbuilder's own checks of the token against the activity."""
        auth_header = request.headers.get("Authorization", "")
        try:
            raw = await read_body(request)
            check_media_type(request, ("application/json",))
            try:
                await runtime.auth.verify_token(auth_header)
            except PermissionError as err:
                raise Rejected(401, "unauthorized") from err
            activity = parse_activity(raw)
            check_tenant(runtime.identity.tenant_id, activity)
        except Rejected as err:
            if not err.quiet:  # a slow client or one gone: read_body logged it (debug)
                log.info("Teams: refused a request to /api/messages: %s %s (%s)", err.status,
                         err.reason, err.__cause__ or "")
            return err.response()
        except KeysUnavailable as err:
            return _keys_unavailable(err)

        async def turn(turn_context: TurnContext) -> None:
            await bot.on_turn(turn_context)

        try:
            invoke = await runtime.adapter.process_activity(auth_header, activity, turn)
        except PermissionError as err:
            log.info("Teams: refused a request to /api/messages: %s", err)
            return web.json_response({"error": "unauthorized"}, status=401)
        except KeysUnavailable as err:  # botbuilder's own check, should keys expire meanwhile
            return _keys_unavailable(err)
        except StoreUnavailable as err:
            return store_unavailable(log, f"Teams activity {activity.id}", err)
        except Exception:  # a bug or a refused connector call: logged with an id, told as 500
            return internal_error(log, f"handling {activity.type} activity {activity.id}")
        return invoke_to_response(invoke)

    return messages


def check_tenant(tenant_id: str, activity: Activity) -> None:
    """A single-tenant or managed-identity bot answers its own tenant only: an activity of
    another (or of none) is refused with 403, whatever its token, and never run."""
    if not tenant_id:
        return
    sent = tenant_of(activity)
    if sent != tenant_id:
        log.warning("Teams: refused activity %s (%s) from tenant %s: this bot serves tenant "
                    "%s only (MicrosoftAppTenantId)", activity.id, activity.type, sent,
                    tenant_id)
        raise Rejected(403, "activity from another tenant")


async def claim_earlier_rows(entrance: Entrance, tenant: str, earlier: tuple[str, ...]
                             ) -> None:
    """Teams cases and people kept before tenants were recorded become the tenant's."""
    moved = await InstallationBook(entrance, PLATFORM).claim_platform_rows(earlier, tenant)
    if moved:
        log.info("Teams: %d cases kept before tenants were recorded are tenant %s's", moved,
                 tenant)


def _keys_unavailable(err: KeysUnavailable) -> web.Response:
    """One line in the log (an outage, not a bug: no traceback), 503 + Retry-After out."""
    log.warning("Teams: answered 503 to /api/messages: %s", err)
    return Rejected(503, "Bot Framework signing keys unavailable, try again later",
                    retry_after=err.retry_after).response()


def add_teams_routes(app: web.Application, runtime: TeamsRuntime, entrance: Entrance,
                     refs: RefStore | None = None, scope: TeamsScope | None = None) -> None:
    """Mount `/api/messages`. `refs` keeps Teams' conversation references across restarts
    (the composition root passes the store's platform references); `scope`: whose data an
    activity sees (scope.py; the composition root knows what Slack serves)."""
    runtime.directory.fallback = entrance.person_name
    runtime.directory.case_room = lambda name: entrance.case_room(PLATFORM, name)
    if refs is not None:
        # From now on conversation references are kept in the store (and read back from it).
        runtime.directory.refs = refs
        runtime.directory.now = entrance.deps.now_iso
    bot = SwarmTeamsBot(entrance, runtime.directory, runtime.port.connector, runtime.port,
                        runtime.work)
    bot.scope = scope or TeamsScope()
    app.router.add_post("/api/messages", make_handler(runtime, bot))
    app[RUNTIME_KEY] = runtime

    async def replay(_: web.Application) -> None:
        tenant = runtime.identity.tenant_id
        if bot.scope.apart and tenant:
            await claim_earlier_rows(entrance, tenant, bot.scope.earlier(tenant))
        # What the inbox holds unfinished is run by the core's one replay loop
        # (handlers/entrance.py, started with the server), answered proactively.
        entrance.replays.register(PLATFORM, bot.replay)

    async def close(_: web.Application) -> None:
        await runtime.close()

    app.on_startup.append(replay)
    app.on_cleanup.append(close)
