"""Several workspaces in one deployment (docs/slack-oauth.md): with `[slack.oauth]`, every
installed workspace is served, each with its own cases, people and token.

What this wires: the dispatcher runs each delivery with its workspace in scope (the core
keeps to it, bot/tenancy.py); the dispatcher, the port (so the outbox worker) and Bolt's
authorize take their token from `WorkspaceClients` (tenants.py: the installation's, refreshed
before expiry under a lease); the rows kept before several workspaces were served are the
workspace of SLACK_BOT_TOKEN's.
"""

from __future__ import annotations

import logging

from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

from adapters.slack.client import make_client
from adapters.slack.dispatch import Dispatcher
from adapters.slack.installations import StoreInstallations
from adapters.slack.port import SlackChatPort
from adapters.slack.settings import WorkspaceSettings
from adapters.slack.tenants import WorkspaceClients
from bot import tenancy
from bot.config import Config
from handlers.installations import InstallationBook

log = logging.getLogger(__name__)


def serve_workspaces(config: Config, flow: AsyncOAuthFlow, book: InstallationBook,
                     dispatcher: Dispatcher, port: SlackChatPort, served_team: str
                     ) -> WorkspaceClients:
    settings = flow.settings
    store = settings.installation_store
    assert isinstance(store, StoreInstallations)
    default = dispatcher.client
    rotator = AsyncTokenRotator(client_id=settings.client_id,
                                client_secret=settings.client_secret,
                                client=make_client("", default.base_url, dispatcher.session))
    clients = WorkspaceClients(default, dispatcher.session, installations=store, book=book,
                               served_team=served_team, rotator=rotator,
                               margin_minutes=config.slack.oauth.token_rotation_minutes)

    async def tell_admin(tenant: tenancy.Tenant, line: str) -> None:
        """One line to whoever installed the app there (the token may still work)."""
        found = await store.async_find_installation(enterprise_id=tenant.org or None,
                                                    team_id=tenant.team)
        if found is None or not found.user_id or not found.bot_token:
            log.error("slack: nobody to tell in %s: %s", tenant.key(), line)
            return
        try:
            await clients.client_for(found.bot_token).chat_postMessage(
                channel=found.user_id, text=line)
        except SlackApiError as err:
            log.error("slack: could not tell %s's admin (%s): %s", tenant.key(),
                      err.response.get("error"), line)

    clients.tell_admin = tell_admin
    dispatcher.clients = clients
    dispatcher.scoped = True
    dispatcher.settings = WorkspaceSettings(config, book, port)
    port.settings_of = dispatcher.settings.tenant  # the scheduler's, a helpdesk's intake
    port.clients = clients
    return clients


async def claim_earlier_rows(book: InstallationBook, team: str) -> None:
    """What was kept before several workspaces were served is SLACK_BOT_TOKEN's workspace's."""
    if not team:
        return
    moved = await book.claim_earlier_rows(team)
    if moved:
        log.info("slack: %d cases kept before several workspaces were served are %s's",
                 moved, team)
