"""`need`'s edge step (issue 26): what the platform says of the people the finder may
suggest, looked up on the event loop before the unit of work (bot/presence_cache.py keeps
it briefly), and handed to the command as values. Nothing here writes."""

from __future__ import annotations

import asyncio

from bot.availability import PlatformStatus, PresenceReader
from bot.domain import Case
from bot.services.base import Deps
from bot.services.membership import normalise_skills

# The people asked about per request, least loaded first: a skill held by hundreds is not
# worth hundreds of calls (the rest are suggested on what the store knows).
LOOK_UP_AT_MOST = 30


def _who(deps: Deps, case: Case, skills: list[str], suggested: bool) -> list[str]:
    store = deps.store
    if suggested:
        found = store.prefs.suggestion(case.id)
        skills = list(found.skills) if found else []
    # The least loaded first, read in that order from the finder's kept figures (issue 28:
    # not every holder of the skills).
    return store.cases.least_loaded(normalise_skills(skills), LOOK_UP_AT_MOST)


async def statuses(deps: Deps, case: Case | None, skills: list[str],
                   suggested: bool = False) -> dict[str, PlatformStatus]:
    """Statuses of the people `need` may suggest for `skills` on `case`; {} when presence is
    off or the case's platform cannot tell."""
    if case is None or not deps.config.availability.presence or deps.presence is None:
        return {}
    port = deps.ports.get(case.platform)
    if not isinstance(port, PresenceReader):
        return {}
    # The store is read on a thread, never on the event loop.
    people = await asyncio.to_thread(_who, deps, case, skills, suggested)
    return await deps.presence.statuses(case.platform, port, people)
