"""Install by OAuth v2 with Bolt's own flow: `GET /slack/install`, `GET /slack/oauth_redirect`.

`[slack.oauth]` in the config turns it on (docs/slack-oauth.md). Bolt's `AsyncOAuthFlow`
renders the Add to Slack page (setting the state cookie), and on the way back checks the
browser's cookie against the state, consumes the state once in our store (a forged, reused
or expired one is refused: nothing is asked of Slack, nothing stored), exchanges the code at
`oauth.v2.access` and saves the installation through our installation store, sealed
(installations.py, sealing.py). Every refusal is a page saying what happened and where to
start again. The same installation store backs Bolt's authorize and its token revocation
listeners (`app_uninstalled`, `tokens_revoked` drop the tokens; cases are kept).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import StoreInstallations, StoreOAuthStates
from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.sealing import Sealer
from bot import i18n
from bot.config import Config, require_secret
from bot.i18n import N_, _
from handlers.installations import InstallationBook
from handlers.unit_of_work import StoreUnavailable

log = logging.getLogger(__name__)

# What each of Bolt's failure reasons means to the person in the browser.
_FAILURES = {
    "access_denied": N_("The installation was cancelled in Slack."),
    "invalid_browser": N_("This page was not reached from an Add to Slack link opened in this "
                          "browser (its state cookie is missing or does not match)."),
    "invalid_state": N_("This Add to Slack link has expired or was already used."),
    "missing_code": N_("Slack sent no authorisation code back."),
    "invalid_code": N_("Slack refused the authorisation code (it was used or has expired)."),
    "storage_error": N_("The installation could not be saved."),
}


@dataclass(frozen=True)
class OAuthSecrets:
    client_id: str
    client_secret: str
    sealer: Sealer


def oauth_secrets(config: Config, env: Mapping[str, str]) -> OAuthSecrets | None:
    """The client secret and the sealing key `[slack.oauth]` needs (None when it is off); a
    missing one stops start-up in one line naming it."""
    oauth = config.slack.oauth
    if not oauth.enabled:
        return None
    return OAuthSecrets(
        client_id=oauth.client_id or require_secret("SLACK_CLIENT_ID", "[slack.oauth]", env),
        client_secret=require_secret("SLACK_CLIENT_SECRET", "[slack.oauth]", env),
        sealer=Sealer.from_env(env, "[slack.oauth]"))


def _page(title: str, text: str, link: tuple[str, str] | None = None) -> str:
    more = (f'<p><a href="{html.escape(link[0])}">{html.escape(link[1])}</a></p>'
            if link else "")
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title></head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
            f"{more}</body></html>")


def _html(status: int, body: str) -> BoltResponse:
    return BoltResponse(status=status, body=body,
                        headers={"Content-Type": "text/html; charset=utf-8"})


def build_flow(config: Config, secrets: OAuthSecrets, book: InstallationBook,
               client: AsyncWebClient) -> AsyncOAuthFlow:
    """Bolt's flow over our installation and state stores; `client` reaches oauth.v2.access
    (the `[slack] api_url`, so tests point it at the fake Slack)."""
    oauth, slash = config.slack.oauth, config.commands.slash
    install_path = oauth.install_path

    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        inst = args.installation
        where = inst.enterprise_name if inst.is_enterprise_install else inst.team_name
        return _html(200, _page(_("swarmbot is installed"), _(
            "swarmbot is installed in {where}. Type {help} in any channel to start.").format(
                where=where or _("your workspace"), help=f"{slash} help")))

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        # `reason` may be the callback's own `error` parameter: anybody's text, cut short.
        reason = args.reason[:100]
        why = _(_FAILURES[reason]) if reason in _FAILURES else \
            _("Slack answered: {reason}.").format(reason=reason)
        log.info("slack: an installation was refused: %r", reason)
        return _html(args.suggested_status_code,
                     _page(_("swarmbot was not installed"),
                           why + " " + _("Nothing was installed."),
                           (install_path, _("Start again: Add to Slack"))))

    settings = AsyncOAuthSettings(
        client_id=secrets.client_id, client_secret=secrets.client_secret,
        scopes=list(oauth.scopes or BOT_SCOPES), user_scopes=[],
        redirect_uri=config.server.public_url.rstrip("/") + oauth.redirect_path,
        install_path=install_path, redirect_uri_path=oauth.redirect_path,
        installation_store=StoreInstallations(book, secrets.sealer),
        installation_store_bot_only=True,
        state_store=StoreOAuthStates(book, oauth.state_expiration_seconds),
        state_expiration_seconds=oauth.state_expiration_seconds,
        callback_options=AsyncCallbackOptions(success=success, failure=failure))
    return AsyncOAuthFlow(client=client, logger=log, settings=settings)


def add_oauth_routes(app: web.Application, flow: AsyncOAuthFlow,
                     deployment: str = i18n.SOURCE) -> None:
    """The pages speak the browser's language (Accept-Language) where swarmbot has it, else
    the deployment's `[i18n] language`."""
    install_path = flow.install_path

    def speaking(request: web.Request) -> AbstractContextManager[None]:
        first = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0]
        return i18n.speaking(i18n.language_of(first, deployment), deployment)

    def to_bolt(request: web.Request) -> AsyncBoltRequest:
        return AsyncBoltRequest(body="", query=request.query_string,
                                headers=request.headers)  # type: ignore[arg-type]

    def trouble(status: int, why: str) -> web.Response:
        return web.Response(status=status, content_type="text/html", charset="utf-8",
                            text=_page(_("swarmbot was not installed"), why + " " + _(
                                "Nothing was installed; try again in a minute."),
                                       (install_path, _("Start again: Add to Slack"))))

    async def install(request: web.Request) -> web.Response:
        with speaking(request):
            return await install_page(request)

    async def install_page(request: web.Request) -> web.Response:
        try:
            return await to_aiohttp_response(await flow.handle_installation(to_bolt(request)))
        except StoreUnavailable as err:
            log.warning("slack: the Add to Slack page could not be made: %s", err)
            return trouble(503, _("swarmbot's database is not answering."))

    async def redirect(request: web.Request) -> web.Response:
        with speaking(request):
            return await redirect_page(request)

    async def redirect_page(request: web.Request) -> web.Response:
        if len(request.query_string) > 4096:
            return trouble(400, _("The address is too long to be Slack's."))
        try:
            return await to_aiohttp_response(await flow.handle_callback(to_bolt(request)))
        except StoreUnavailable as err:
            log.warning("slack: an installation could not be recorded: %s", err)
            return trouble(503, _("swarmbot's database is not answering."))
        except (aiohttp.ClientError, TimeoutError) as err:
            log.warning("slack: oauth.v2.access could not be reached: %s", err)
            return trouble(502, _("Slack could not be reached to finish the installation."))

    app.router.add_get(install_path, install)
    app.router.add_get(flow.redirect_uri_path, redirect)

