"""The one cache of what the platforms say of people (issue 26): statuses looked up at the
edge, on the event loop, before a command's unit of work, and kept `cache_seconds` so a
burst of `need`s asks the platform once per person. Never used inside a transaction: the
unit gets the statuses as values of its typed command."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from bot.availability import PlatformStatus, PresenceReader
from bot.errors import PortError

log = logging.getLogger("swarmbot.presence")
AT_ONCE = 8  # lookups in flight per request (Slack's users.* methods are tier 3-4)
MAX_KEPT = 10_000


class PresenceCache:
    def __init__(self, ttl_s: float = 120.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self._kept: dict[tuple[str, str], tuple[float, PlatformStatus]] = {}

    def kept(self, platform: str, person: str) -> PlatformStatus | None:
        found = self._kept.get((platform, person))
        if found is None or self.clock() - found[0] > self.ttl_s:
            return None
        return found[1]

    async def statuses(self, platform: str, port: PresenceReader, people: Sequence[str]
                       ) -> dict[str, PlatformStatus]:
        """Each person's status, from the cache or asked now (AT_ONCE at a time). A lookup
        that fails leaves that person out: nobody is skipped because a call failed."""
        out: dict[str, PlatformStatus] = {}
        wanted = []
        for person in dict.fromkeys(people):
            kept = self.kept(platform, person)
            if kept is not None:
                out[person] = kept
            else:
                wanted.append(person)
        gate = asyncio.Semaphore(AT_ONCE)

        async def one(person: str) -> None:
            async with gate:
                try:
                    status = await port.person_status(person)
                except PortError as err:
                    log.info("presence of %s on %s not known: %s", person, platform,
                             err.detail)
                    return
            out[person] = status
            self._put(platform, person, status)

        await asyncio.gather(*(one(p) for p in wanted))
        return out

    def _put(self, platform: str, person: str, status: PlatformStatus) -> None:
        if len(self._kept) >= MAX_KEPT:
            now = self.clock()
            self._kept = {k: v for k, v in self._kept.items() if now - v[0] <= self.ttl_s}
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
        self._kept[(platform, person)] = (self.clock(), status)
