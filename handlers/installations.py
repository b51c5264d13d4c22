"""The door for the adapters' installation records (OAuth installs, their one-time states).

An adapter never holds the store: it asks here, and each call runs on a unit thread in its
own transaction (a store that is down is StoreUnavailable, as for a command). The values are
opaque: sealed by the adapter before they arrive (adapters/slack/installations.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from bot.domain import iso
from handlers.entrance import Entrance
from handlers.unit_of_work import StoreUnavailable

T = TypeVar("T")


class InstallationBook:
    def __init__(self, entrance: Entrance, platform: str) -> None:
        self._entrance = entrance
        self._platform = platform

    def now(self) -> datetime:
        return self._entrance.deps.now()

    async def _unit(self, step: Callable[[], T]) -> T:
        store = self._entrance.deps.store

        def unit() -> T:
            with store.transaction():
                return step()
        try:
            return await self._entrance.in_thread(unit)
        except Exception as err:
            if store.is_unavailable(err):
                raise StoreUnavailable(str(err)) from err
            raise

    async def save(self, enterprise_id: str, team_id: str, bot: str | None,
                   installer: tuple[str, str] | None) -> None:
        """The bot's installation and/or one installer's (user id, sealed), together."""
        at, p, inst = iso(self.now()), self._platform, self._entrance.deps.store.installations

        def save() -> None:
            if bot is not None:
                inst.save_bot(p, enterprise_id, team_id, bot, at)
            if installer is not None:
                inst.save_user(p, enterprise_id, team_id, installer[0], installer[1], at)
        await self._unit(save)

    async def find(self, enterprise_id: str, team_id: str, user_id: str | None,
                   with_user: bool) -> tuple[str | None, str | None]:
        """(the installer's sealed installation or None, the bot's or None)."""
        p, inst = self._platform, self._entrance.deps.store.installations

        def find() -> tuple[str | None, str | None]:
            user = inst.find_user(p, enterprise_id, team_id, user_id) if with_user else None
            return user, inst.find_bot(p, enterprise_id, team_id)
        return await self._unit(find)

    async def delete(self, enterprise_id: str, team_id: str, *, bot: bool,
                     users: bool, user_id: str | None = None) -> None:
        p, inst = self._platform, self._entrance.deps.store.installations

        def delete() -> None:
            if bot:
                inst.delete_bot(p, enterprise_id, team_id)
            if users:
                inst.delete_users(p, enterprise_id, team_id, user_id)
        await self._unit(delete)

    async def issue_state(self, state: str, expires_at: datetime) -> None:
        at, inst = iso(expires_at), self._entrance.deps.store.installations
        await self._unit(lambda: inst.issue_state(state, at))

    async def consume_state(self, state: str) -> bool:
        at, inst = iso(self.now()), self._entrance.deps.store.installations
        return await self._unit(lambda: inst.consume_state(state, at))

    async def take_refresh_lease(self, installation: str, holder: str, seconds: float
                                 ) -> bool:
        """One replica at a time refreshes an installation's token (adapters/slack/
        tenants.py): True when `holder` has the lease for `seconds`."""
        now = self.now()
        at, until = iso(now), iso(now + timedelta(seconds=seconds))
        p, inst = self._platform, self._entrance.deps.store.installations
        return await self._unit(lambda: inst.take_refresh_lease(p, installation, holder, at,
                                                                until))

    async def end_refresh_lease(self, installation: str, holder: str) -> None:
        p, inst = self._platform, self._entrance.deps.store.installations
        await self._unit(lambda: inst.end_refresh_lease(p, installation, holder))

    async def settings(self, team: str) -> dict[str, str]:
        """What a workspace's managers set in chat (`admin set`): name -> value."""
        p, inst = self._platform, self._entrance.deps.store.installations
        found = await self._unit(lambda: inst.settings(p, team))
        return {name: value for name, (value, _, _) in found.items()}

    async def claim_earlier_rows(self, team: str) -> int:
        """Rows kept before several workspaces were served become `team`'s (the workspace
        of the deployment's own bot token); the number of cases."""
        cases = self._entrance.deps.store.cases
        return await self._unit(lambda: cases.claim_unscoped(team))

    async def claim_platform_rows(self, earlier: tuple[str, ...], workspace: str) -> int:
        """This platform's cases and people kept in `earlier` workspaces (before its tenants
        were recorded: Teams) become `workspace`'s; the number of cases."""
        p, cases = self._platform, self._entrance.deps.store.cases
        return await self._unit(lambda: cases.claim_platform(p, earlier, workspace))
