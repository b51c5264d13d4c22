"""Each workspace's own settings at the edge: read before a delivery runs, so the core reads
them as its config (bot/workspace_settings.py, `Deps.config` while the tenant is in scope),
and its triage channel found by name with the workspace's own token."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

from adapters.slack.port import SlackChatPort
from bot import tenancy, workspace_settings
from bot.config import Config
from bot.errors import PortError
from handlers.installations import InstallationBook

log = logging.getLogger(__name__)


class WorkspaceSettings:
    def __init__(self, config: Config, book: InstallationBook, port: SlackChatPort) -> None:
        self.config = config
        self.book = book
        self.port = port
        self._configs: dict[str, Config] = {}  # settings (as JSON) -> the config they make
        self._rooms: dict[tuple[str, str], str | None] = {}  # (team, channel) -> its id

    async def tenant(self, tenant: tenancy.Tenant) -> tenancy.Tenant:
        chat = await self.book.settings(tenant.team)
        found = workspace_settings.effective(self.config, tenant.team, chat, tenant.org)
        if not found:
            return tenant
        key = json.dumps([tenant.team, found], sort_keys=True, default=str)
        config = self._configs.get(key)
        if config is None:
            config = self._configs[key] = workspace_settings.overlay(self.config, found)
        room = None
        channel = str(found.get("triage_channel") or "")
        if channel:
            room = await self._room(tenant, channel)
        return replace(tenant, config=config, triage_room=room)

    async def _room(self, tenant: tenancy.Tenant, channel: str) -> str | None:
        key = (tenant.team, channel)
        if key not in self._rooms:
            with tenancy.scoped(tenant):
                try:
                    self._rooms[key] = await self.port.resolve_channel(channel)
                except PortError as err:  # not cached: asked again next time
                    log.warning("slack: the triage channel %s of %s: %s", channel,
                                tenant.team, err)
                    return None
            if self._rooms[key] is None:
                log.warning("slack: workspace %s has no channel %s the bot can see",
                            tenant.team, channel)
        return self._rooms[key]
