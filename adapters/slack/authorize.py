"""Bolt's authorize with OAuth on: the workspace's installation, else SLACK_BOT_TOKEN's
workspace's own token.

The workspace of SLACK_BOT_TOKEN need not be installed by OAuth as well: what Bolt answers
for it (the Home tab, Socket Mode requests) is authorized with that token, as without OAuth.
Every other workspace is authorized only by its installation (Bolt's
AsyncInstallationStoreAuthorize over our store), its token refreshed first if it is about to
expire (tenants.py).
"""

from __future__ import annotations

import logging

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import (
    AsyncAuthorize,
    AsyncInstallationStoreAuthorize,
)
from slack_bolt.context.async_context import AsyncBoltContext

from adapters.slack.tenants import WorkspaceClients
from bot import tenancy
from bot.errors import PortError

log = logging.getLogger(__name__)


class ServedOrInstalled(AsyncAuthorize):
    def __init__(self, installed: AsyncInstallationStoreAuthorize, served_team: str,
                 token: str, bot_user_id: str, clients: WorkspaceClients | None = None
                 ) -> None:
        super().__init__()
        self._clients = clients
        self._installed = installed
        self._served_team = served_team
        self._token = token
        self._bot_user_id = bot_user_id

    async def __call__(self, *, context: AsyncBoltContext, enterprise_id: str | None,
                       team_id: str | None, user_id: str | None,
                       actor_enterprise_id: str | None = None,
                       actor_team_id: str | None = None,
                       actor_user_id: str | None = None) -> AuthorizeResult | None:
        if self._clients is not None and team_id:
            # A token about to expire is refreshed here, under the lease (tenants.py).
            with tenancy.scoped(tenancy.Tenant(team_id, enterprise_id or "")):
                try:
                    await self._clients.current()
                except PortError as err:  # not installed: Bolt's authorize says so below
                    log.info("slack: no token for %s: %s", team_id, err.detail)
        found = await self._installed(context=context, enterprise_id=enterprise_id,
                                      team_id=team_id, user_id=user_id,
                                      actor_enterprise_id=actor_enterprise_id,
                                      actor_team_id=actor_team_id,
                                      actor_user_id=actor_user_id)
        if found is not None or not self._served_team or team_id != self._served_team:
            return found
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id,
                               bot_token=self._token, bot_user_id=self._bot_user_id,
                               user_id=user_id)
