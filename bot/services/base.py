"""What every service needs: the store, the chat ports, the clock, the config, and the guards."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from bot.config import Config
from bot.domain import Case, Person, iso, utcnow
from bot.errors import CommandError, NotAllowed, NotFound, PortError
from bot.helpdesk import HelpdeskPort
from bot.people import mention
from bot.phrases import Phrases
from bot.ports import ChatPort
from bot.store import Store

log = logging.getLogger("swarmbot")
T = TypeVar("T")


@dataclass
class Deps:
    store: Store
    ports: dict[str, ChatPort]
    config: Config
    clock: Callable[[], datetime] = utcnow
    # Connected helpdesks by name (issue 11); the composition root fills it.
    helpdesks: dict[str, HelpdeskPort] = field(default_factory=dict)

    @property
    def phrases(self) -> Phrases:
        return Phrases(self.config.commands)

    def now(self) -> datetime:
        return self.clock()

    def now_iso(self) -> str:
        return iso(self.clock())

    def port(self, platform: str) -> ChatPort:
        try:
            return self.ports[platform]
        except KeyError:
            raise CommandError(f"swarmbot is not connected to {platform} here") from None

    def is_manager(self, person: Person) -> bool:
        managers = set(self.config.people.managers) | set(self.config.digest.managers)
        return person.manager or person.id in managers


@dataclass
class Effects:
    """Platform calls made on a command's behalf; failures are told, never reported as success."""

    failures: list[str] = field(default_factory=list)

    async def attempt(self, what: str, call: Awaitable[T]) -> T | None:
        try:
            return await call
        except PortError as err:
            log.warning("%s failed: %s", what, err.detail)
            self.failures.append(f"Couldn't {what}: {err.detail}")
            return None


def find_case(store: Store, ref: str) -> Case:
    case = store.cases.by_ref(ref)
    if case is None:
        raise NotFound(f"No case {ref}.")
    return case


def require_open(case: Case) -> None:
    if not case.is_open:
        # Cancelled or resolved: `reopen` is the way back (issue 12).
        raise NotAllowed(f"{case.ref} is {case.status.value} ({case.resolution}); nothing more "
                         "can change until it is reopened.")


def require_owner(deps: Deps, case: Case, actor: Person, action: str) -> None:
    if case.owner != actor.id and not deps.is_manager(actor):
        raise NotAllowed(f"Only the owner of {case.ref} ({mention(case.owner)}) or a manager can "
                         f"{action}.")


def require_participant(deps: Deps, case: Case, actor: Person) -> None:
    if case.owner == actor.id or deps.is_manager(actor):
        return
    if deps.store.cases.participant(case.id, actor.id) is None:
        raise NotAllowed(f"You're not in the swarm for {case.ref}: "
                         f"{deps.phrases.command('join', case.ref)} first.")


