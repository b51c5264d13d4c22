"""The core as adapters see it: commands in, room events in, replies out."""

from __future__ import annotations

import logging

from bot.domain import Case, CaseStatus
from bot.replies import Reply
from bot.services import membership, rooms
from bot.services.base import Deps
from handlers.invocation import Invocation
from handlers.registry import Command, all_commands
from handlers.router import Router

log = logging.getLogger("swarmbot")


class Core:
    def __init__(self, deps: Deps, extra_commands: list[Command] | None = None) -> None:
        self.deps = deps
        self.config = deps.config
        self.store = deps.store
        self.router = Router(deps, all_commands() + list(extra_commands or []))

    async def handle(self, inv: Invocation) -> list[Reply]:
        """Run one command text. Never raises: errors come back as one-line replies."""
        return await self.router.handle(inv)

    async def member_joined(self, platform: str, room_id: str, user_id: str) -> None:
        await membership.room_member_joined(self.deps, platform, room_id, user_id)

    async def member_left(self, platform: str, room_id: str, user_id: str) -> None:
        await membership.room_member_left(self.deps, platform, room_id, user_id)

    async def message_posted(self, platform: str, room_id: str, user_id: str) -> None:
        membership.message_posted(self.deps, platform, room_id, user_id)

    def cases_for(self, user_id: str) -> list[Case]:
        return self.store.cases.recent(status=CaseStatus.OPEN, person=user_id)

    def case_for_room(self, room_id: str) -> Case | None:
        return self.store.cases.by_room(room_id)

    def command_names(self) -> list[str]:
        return [self.router.shown(c) for c in self.router.commands.values()]

    async def reconcile(self) -> list[str]:
        """Finish platform calls a crash left half-way (at start-up; the scheduler's timer
        finishes those that go stale while the server runs)."""
        done = await rooms.reconcile(self.deps)
        for line in done:
            log.info("reconciled %s", line)
        return done
