"""The aiohttp side: `POST /slack/events` (commands, clicks, forms, events), `GET /healthz`.

Wiring, in the order start-up needs it (the core needs the port, the routes need the core):

    runtime = await start_slack(config)                  # secrets, HTTP session, client, port
    entrance = build_core(config, {"slack": runtime.port})
    add_slack_routes(app, runtime, entrance)             # Bolt app + routes + start/stop hooks

`adapters.serve.build_server` does exactly that, next to the other platforms' routes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.after_ack import Work
from adapters.boundary import (
    Rejected,
    check_media_type,
    internal_error,
    read_body,
    store_unavailable,
)
from adapters.slack.app import build_bolt_app
from adapters.slack.client import bolt_client, make_client
from adapters.slack.deliveries import SOURCE
from adapters.slack.dispatch import Dispatcher
from adapters.slack.guard import MEDIA_TYPES, ParsedBoltRequest, check_signature, classify
from adapters.slack.intake import Intake
from adapters.slack.multi import claim_earlier_rows, serve_workspaces
from adapters.slack.oauth import OAuthSecrets, add_oauth_routes, build_flow, oauth_secrets
from adapters.slack.port import SlackChatPort
from bot.config import Config, require_secret
from bot.errors import ConfigError, PortError
from handlers.entrance import Entrance
from handlers.installations import InstallationBook
from handlers.unit_of_work import StoreUnavailable

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Where the running adapter hangs on the aiohttp Application (tests drain its work).


@dataclass(frozen=True)
class SlackSecrets:
    bot_token: str
    signing_secret: str
    app_token: str | None
    oauth: OAuthSecrets | None = None  # [slack.oauth]: the client secret, the sealing key


def slack_secrets(config: Config, env: Mapping[str, str] | None = None) -> SlackSecrets:
    """Read the secrets this config needs; a missing one stops start-up, naming it."""
    env = os.environ if env is None else env

    def need(name: str) -> str:
        return require_secret(name, "[slack]", env)

    socket = config.slack.socket_mode
    return SlackSecrets(
        bot_token=need("SLACK_BOT_TOKEN"),
        # Socket Mode requests come over Slack's websocket, not signed HTTP.
        signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip() if socket
        else need("SLACK_SIGNING_SECRET"),
        app_token=need("SLACK_APP_TOKEN") if socket else None,
        oauth=oauth_secrets(config, env),
    )


@dataclass
class SlackRuntime:
    config: Config
    secrets: SlackSecrets
    session: aiohttp.ClientSession
    client: AsyncWebClient
    port: SlackChatPort
    bot_user_id: str = ""
    team_id: str = ""  # SLACK_BOT_TOKEN's workspace (auth.test)
    work: Work = field(default_factory=Work)
    bolt: AsyncApp | None = None
    dispatcher: Dispatcher | None = None

    async def close(self) -> None:
        await self.work.stop()  # running commands finish (and answer); queued ones wait
        await self.session.close()


SLACK_RUNTIME = web.AppKey("slack_runtime", SlackRuntime)
class _SocketMode(Protocol):
    """What cleanup needs of slack_bolt's AsyncSocketModeHandler (imported when used)."""

    async def close_async(self) -> None: ...


SOCKET_MODE = web.AppKey("slack_socket_mode", _SocketMode)


def api_base_url(config: Config) -> str:
    url = config.slack.api_url or "https://slack.com/api/"
    return url if url.endswith("/") else url + "/"


async def start_slack(config: Config, env: Mapping[str, str] | None = None) -> SlackRuntime:
    """Secrets, one shared HTTP session, the Web API client and the port (needs a loop)."""
    secrets = slack_secrets(config, env)
    session = aiohttp.ClientSession()
    client = make_client(secrets.bot_token, api_base_url(config), session)
    port = SlackChatPort(client, private_channels=config.slack.private_channels,
                         archive_on_resolve=config.slack.archive_on_resolve,
                         room_prefix=config.slack.channel_prefix)
    try:
        bot_user_id, team_id = await whoami(client)
        port.triage_room = await triage_room(port, config.slack.triage_channel)
    except BaseException:
        await session.close()
        raise
    return SlackRuntime(config=config, secrets=secrets, session=session, client=client,
                        work=Work(config.server.in_flight),
                        port=port, bot_user_id=bot_user_id, team_id=team_id)


async def whoami(client: AsyncWebClient) -> tuple[str, str]:
    """auth.test at start-up: a wrong token stops start-up now, not at the first command,
    and the bot's own user id is known before any inbox replay (its own joins are skipped)."""
    try:
        resp = await client.auth_test()
    except SlackApiError as err:
        raise ConfigError(f"Slack refused SLACK_BOT_TOKEN: {err.response.get('error')}") from err
    except (aiohttp.ClientError, TimeoutError) as err:
        raise ConfigError(f"cannot reach the Slack Web API at {client.base_url}: {err}") from err
    return str(resp.get("user_id", "")), str(resp.get("team_id", ""))


async def triage_room(port: SlackChatPort, configured: str) -> str | None:
    if not configured.strip():
        log.warning("slack: no [slack] triage_channel: `need` will not ask anybody")
        return None
    try:
        room_id = await port.resolve_channel(configured)
    except PortError as err:
        raise ConfigError(f"[slack] triage_channel {configured}: {err}") from err
    if room_id is None:
        raise ConfigError(f"[slack] triage_channel {configured}: no such channel the bot can "
                          "see (for a private channel, invite the bot first)")
    return room_id


def add_slack_routes(app: web.Application, runtime: SlackRuntime,
                     entrance: Entrance) -> AsyncApp:
    """Mount the Slack endpoint on `app` and hook start-up (inbox replay) and clean-up."""
    config = runtime.config
    dispatcher = Dispatcher(entrance, runtime.client, runtime.session, config.commands.slash)
    dispatcher.bot_user_id = runtime.bot_user_id or None
    intake = Intake(entrance, dispatcher, runtime.work, config.commands.slash)
    flow, clients, book = None, None, InstallationBook(entrance, "slack")
    if runtime.secrets.oauth is not None:
        flow = build_flow(config, runtime.secrets.oauth, book,
                          make_client("", api_base_url(config), runtime.session))
        add_oauth_routes(app, flow, config.i18n.language)
        clients = serve_workspaces(config, flow, book, dispatcher, runtime.port,
                                   runtime.team_id)
        intake.any_slash = True
        log.info("slack: installable by OAuth at %s; every installed workspace is served, "
                 "its cases kept apart", config.slack.oauth.install_path)
    bolt = build_bolt_app(token=runtime.secrets.bot_token,
                          signing_secret=runtime.secrets.signing_secret,
                          verify_requests=not config.slack.socket_mode,
                          client=bolt_client(runtime.client), intake=intake, oauth_flow=flow,
                          served_team=runtime.team_id, bot_user_id=runtime.bot_user_id,
                          clients=clients)
    runtime.bolt, runtime.dispatcher = bolt, dispatcher
    app[SLACK_RUNTIME] = runtime

    async def slack_events(request: web.Request) -> web.Response:
        """Checked and read here (adapters/slack/guard.py), then acked by the intake or
        handed to Bolt parsed."""
        assert verifier is not None  # the route exists only over HTTP, where it is set
        try:
            raw = await read_body(request)
            media = check_media_type(request, MEDIA_TYPES)
            check_signature(verifier, raw, request.headers)
            read = classify(raw, media)
        except Rejected as err:
            if not err.quiet:  # a slow client or one gone: read_body logged it (debug)
                log.info("slack: refused a request to %s: %s %s", EVENTS_PATH, err.status,
                         err.reason)
            return err.response()
        if read.kind == "app_rate_limited":
            # Slack stopped sending this workspace's events for a minute: nothing to do
            # but say so where an operator looks (Slack only needs the 200).
            log.warning("slack: Slack is rate-limiting events for team %s (minute %s)",
                        read.body.get("team_id"), read.body.get("minute_rate_limited"))
            return web.Response(status=200)
        if read.kind == "ssl_check":
            return web.Response(status=200)
        try:
            # What the core takes is acked here once its inbox row is written (intake.py).
            text = raw.decode("utf-8")  # classify has read it as UTF-8
            acked = await intake.ack_http(read.body, text,
                                          request.headers.get("X-Slack-Retry-Num"))
            if acked is not None:
                return acked
            return await to_aiohttp_response(await bolt.async_dispatch(ParsedBoltRequest(
                raw_body=text, body=read.body, query=request.query_string,
                headers=request.headers)))
        except StoreUnavailable as err:
            return store_unavailable(log, f"a Slack {read.kind}", err)
        except Exception:  # our bug: an error id in the log and the answer, no traceback
            return internal_error(log, f"handling a Slack {read.kind}")

    async def on_startup(_: web.Application) -> None:
        # What the inbox holds unfinished is run by the core's one replay loop
        # (handlers/entrance.py, started with the server), answered through the Web API.
        if clients is not None:
            await claim_earlier_rows(book, runtime.team_id)
        entrance.replays.register(SOURCE, dispatcher.run)
        if config.slack.socket_mode:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(bolt, runtime.secrets.app_token)
            await handler.connect_async()
            app[SOCKET_MODE] = handler

    async def on_cleanup(_: web.Application) -> None:
        handler = app.get(SOCKET_MODE)
        if handler is not None:
            await handler.close_async()
        await runtime.close()

    # Socket Mode has no signing secret (nothing is signed over the websocket) and no route.
    verifier: SignatureVerifier | None = None
    if not config.slack.socket_mode:
        verifier = SignatureVerifier(runtime.secrets.signing_secret)
        app.router.add_post(EVENTS_PATH, slack_events)
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return bolt
