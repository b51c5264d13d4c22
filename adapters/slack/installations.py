"""slack_sdk's async installation store and OAuth state store, over our store.

Bolt's OAuth flow (adapters/slack/oauth.py) saves what `oauth.v2.access` returned through
`async_save`; Bolt's authorize finds a workspace's bot token through `async_find_bot` /
`async_find_installation`; Bolt's token revocation listeners (`app_uninstalled`,
`tokens_revoked`) call the deletes. The whole installation is sealed (sealing.py) before it
reaches the store: only the enterprise, team and user ids are in clear. The bot token lives
in one row (the bot's); an installer's row is kept without it and given the current one
when read, so a revoked bot token cannot come back from an installer's row.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from adapters.slack.sealing import SealBroken, Sealer
from handlers.installations import InstallationBook

log = logging.getLogger(__name__)
_BOT_FIELDS = ("bot_token", "bot_refresh_token", "bot_token_expires_at", "bot_id",
               "bot_user_id", "bot_scopes")
# What a bot installation and an installer's have in common (the workspace, the app).
_SHARED_FIELDS = ("app_id", "enterprise_id", "enterprise_name", "team_id", "team_name",
                  "is_enterprise_install", "installed_at")


def _key(enterprise_id: str | None, team_id: str | None,
         is_enterprise_install: bool | None = False) -> tuple[str, str]:
    """(enterprise, team) as stored: an org-wide install is the org's, whatever workspace."""
    return enterprise_id or "", "" if is_enterprise_install else (team_id or "")


class StoreInstallations(AsyncInstallationStore):
    def __init__(self, book: InstallationBook, sealer: Sealer) -> None:
        self._book = book
        self._sealer = sealer

    @property
    def logger(self) -> logging.Logger:
        return log

    def _seal(self, value: Bot | Installation) -> str:
        return self._sealer.seal(json.dumps(value.__dict__, sort_keys=True))

    def _open(self, sealed: str | None, what: str) -> dict[str, Any] | None:
        if sealed is None:
            return None
        try:
            return dict(json.loads(self._sealer.open(sealed)))
        except SealBroken as err:
            log.error("slack: cannot read the installation of %s: %s", what, err)
            return None

    async def async_save(self, installation: Installation) -> None:
        e, t = _key(installation.enterprise_id, installation.team_id,
                    installation.is_enterprise_install)
        bot = self._seal(installation.to_bot()) if installation.bot_token else None
        installer = None
        if installation.user_id:
            kept = Installation(**installation.__dict__)
            for name in _BOT_FIELDS:
                setattr(kept, name, None)
            installer = (installation.user_id, self._seal(kept))
        await self._book.save(e, t, bot, installer)
        log.info("slack: installed in %s (enterprise %s) by %s", t or "(org-wide)", e or "-",
                 installation.user_id or "?")

    async def async_save_bot(self, bot: Bot) -> None:
        e, t = _key(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        await self._book.save(e, t, self._seal(bot), None)

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        e, t = _key(enterprise_id, team_id, is_enterprise_install)
        _, sealed = await self._book.find(e, t, None, with_user=False)
        data = self._open(sealed, f"{e}/{t}")
        return Bot(**data) if data else None

    async def async_find_installation(self, *, enterprise_id: str | None,
                                      team_id: str | None, user_id: str | None = None,
                                      is_enterprise_install: bool | None = False
                                      ) -> Installation | None:
        e, t = _key(enterprise_id, team_id, is_enterprise_install)
        installer_sealed, bot_sealed = await self._book.find(e, t, user_id, with_user=True)
        installer = self._open(installer_sealed, f"{e}/{t}/{user_id or 'latest'}")
        bot = self._open(bot_sealed, f"{e}/{t}")
        if installer is None:
            # No installer recorded: the bot alone, when asked for the workspace's; a given
            # user's installation does not exist.
            if bot is None or user_id:
                return None
            installer = {k: bot.get(k) for k in _SHARED_FIELDS}
            installer["user_id"] = ""
        for name in _BOT_FIELDS:
            installer[name] = bot.get(name) if bot else None
        return Installation(**installer)

    async def async_delete_bot(self, *, enterprise_id: str | None,
                               team_id: str | None) -> None:
        e, t = _key(enterprise_id, team_id)
        await self._book.delete(e, t, bot=True, users=False)
        log.info("slack: the bot token of %s (enterprise %s) is dropped", t or "(org)", e or "-")

    async def async_delete_installation(self, *, enterprise_id: str | None,
                                        team_id: str | None, user_id: str | None = None
                                        ) -> None:
        e, t = _key(enterprise_id, team_id)
        await self._book.delete(e, t, bot=False, users=True, user_id=user_id)

    async def async_delete_all(self, *, enterprise_id: str | None,
                               team_id: str | None) -> None:
        e, t = _key(enterprise_id, team_id)
        await self._book.delete(e, t, bot=True, users=True)
        log.info("slack: uninstalled from %s (enterprise %s): its tokens are dropped, its "
                 "cases kept", t or "(org)", e or "-")


class StoreOAuthStates(AsyncOAuthStateStore):
    """One-time states for the Add to Slack links: issued with an expiry, consumed once."""

    def __init__(self, book: InstallationBook, expiration_seconds: int) -> None:
        self._book = book
        self._expiration = timedelta(seconds=expiration_seconds)

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        await self._book.issue_state(state, self._book.now() + self._expiration)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state or len(state) > 200:
            return False
        ok = await self._book.consume_state(state)
        if not ok:
            log.info("slack: an OAuth callback's state was refused (forged, used or expired)")
        return ok
