"""Every Web API call with its workspace's token (docs/slack-oauth.md, several workspaces).

`WorkspaceClients.current()` is the client of the workspace in scope (bot/tenancy.py): the
installation's bot token, read through our installation store (sealed in the database),
refreshed before it expires when the app has token rotation on. Without a tenant in scope,
or for the workspace of SLACK_BOT_TOKEN when it has no installation of its own, the
process's own client.

Token rotation (Slack's refresh tokens, 12 h): a token is refreshed `margin_minutes`
before it expires, with slack_sdk's AsyncTokenRotator (oauth.v2.access,
grant_type=refresh_token). Exactly one refresh at a time: in one process callers of one
installation share an asyncio lock; across replicas the refresher holds a lease row in the
database (`token_refresh_leases`), and the others wait for the token it stores. A refused
refresh (Slack says the refresh token is revoked or invalid) is told to the workspace's
admin in one line, once; calls then fail as the workspace's token does.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import make_client
from adapters.slack.installations import StoreInstallations
from bot import tenancy
from bot.errors import PortError
from handlers.installations import InstallationBook

log = logging.getLogger(__name__)
# How long a refresher may hold the lease (a refresh is one oauth.v2.access call).
LEASE_SECONDS = 30.0
# How often a replica waiting for another's refresh looks for the stored token.
WAIT_STEP = 0.05


class WorkspaceClients:
    def __init__(self, default: AsyncWebClient, session: aiohttp.ClientSession | None, *,
                 installations: StoreInstallations | None = None,
                 book: InstallationBook | None = None, served_team: str = "",
                 rotator: AsyncTokenRotator | None = None, margin_minutes: int = 120,
                 tell_admin: Callable[[tenancy.Tenant, str], Awaitable[None]] | None = None
                 ) -> None:
        self.default = default
        self.session = session
        self.installations = installations
        self.book = book
        self.served_team = served_team
        self.rotator = rotator
        self.margin = margin_minutes * 60
        self.tell_admin = tell_admin
        self.holder = uuid.uuid4().hex  # this process, as a lease holder
        self._clients: dict[str, AsyncWebClient] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._refused: set[str] = set()  # installations whose refresh was refused (told once)
        self.refreshes = 0  # refreshes this process made (a figure for tests and logs)

    def client_for(self, token: str) -> AsyncWebClient:
        found = self._clients.get(token)
        if found is None:
            found = self._clients[token] = make_client(token, self.default.base_url,
                                                       self.session)
        return found

    async def current(self) -> AsyncWebClient:
        """The client of the workspace in scope (raises PortError when it has no token)."""
        tenant = tenancy.current()
        if tenant is None or self.installations is None:
            return self.default
        if tenant.platform not in ("", "slack"):
            # A Teams tenant's command on a bridged case: the Slack workspace the bridge
            # joins it with is SLACK_BOT_TOKEN's (docs/install-teams.md).
            return self.default
        bot = await self._find(tenant)
        if bot is None or not bot.bot_token:
            if tenant.team == self.served_team:
                return self.default
            raise PortError("call Slack", f"swarmbot is not installed in workspace "
                            f"{tenant.team} (or its token was revoked)")
        if self._expiring(bot):
            bot = await self._refreshed(tenant, bot)
        return self.client_for(bot.bot_token or "")

    async def _find(self, tenant: tenancy.Tenant) -> Bot | None:
        assert self.installations is not None
        bot = await self.installations.async_find_bot(enterprise_id=tenant.org or None,
                                                      team_id=tenant.team)
        if bot is None and tenant.org:  # an org-wide install serves every workspace
            bot = await self.installations.async_find_bot(
                enterprise_id=tenant.org, team_id=None, is_enterprise_install=True)
        return bot

    def _expiring(self, bot: Bot) -> bool:
        return (self.rotator is not None and bot.bot_token_expires_at is not None
                and bool(bot.bot_refresh_token)
                and bot.bot_token_expires_at <= time.time() + self.margin)

    async def _refreshed(self, tenant: tenancy.Tenant, bot: Bot) -> Bot:
        key = _installation_key(bot)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # callers in this process share one refresh
            fresh = await self._find(tenant)
            if fresh is None or not self._expiring(fresh):
                return fresh or bot
            return await self._refresh_once(tenant, fresh, key)

    async def _refresh_once(self, tenant: tenancy.Tenant, bot: Bot, key: str) -> Bot:
        """Refresh under the lease, or wait for the replica that holds it."""
        assert self.book is not None and self.rotator is not None
        assert self.installations is not None
        deadline = time.monotonic() + LEASE_SECONDS
        while not await self.book.take_refresh_lease(key, self.holder, LEASE_SECONDS):
            # Another replica is refreshing: its token is stored when it is done.
            await asyncio.sleep(WAIT_STEP)
            fresh = await self._find(tenant)
            if fresh is not None and not self._expiring(fresh):
                return fresh
            if time.monotonic() > deadline:
                break
        try:
            fresh = await self._find(tenant)  # refreshed meanwhile by the lease's last holder
            if fresh is not None and not self._expiring(fresh):
                return fresh
            try:
                rotated = await self.rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=self.margin // 60)
            except SlackTokenRotationError as err:
                await self._refused_refresh(tenant, key, err)
                return bot
            if rotated is None:
                return bot
            await self.installations.async_save_bot(rotated)
            self.refreshes += 1
            log.info("slack: the bot token of %s was refreshed (expires in %d s)",
                     tenant.key(), int((rotated.bot_token_expires_at or 0) - time.time()))
            return rotated
        finally:
            await self.book.end_refresh_lease(key, self.holder)

    async def _refused_refresh(self, tenant: tenancy.Tenant, key: str,
                               err: SlackTokenRotationError) -> None:
        error = str(err.api_error.response.get("error", "refused"))
        log.error("slack: refreshing the token of %s was refused: %s", tenant.key(), error)
        if key in self._refused or self.tell_admin is None:
            return
        self._refused.add(key)
        await self.tell_admin(tenant, (
            f"swarmbot could not refresh its Slack token for this workspace ({error}): "
            "reinstall the app from its install page (docs/slack-oauth.md) or swarmbot "
            "stops answering here when the token runs out."))


def _installation_key(bot: Bot) -> str:
    if bot.is_enterprise_install:
        return f"{bot.enterprise_id or ''}/"
    return f"{bot.enterprise_id or ''}/{bot.team_id or ''}"
