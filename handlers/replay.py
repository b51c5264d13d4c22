"""The one replay loop: every platform's pending inbox rows, run at start-up and while serving.

What it finishes: a crash's backlog (acknowledged, never run), what a store failure delayed
(rolled back, left pending), and what a replica took and died with (its transaction rolled
back with it: nothing to wait for, no lease). A row this process is running right now is in
`in_flight` and left alone. Each platform registers how it finishes a delivery (process it
and answer where it still can); deliveries from one room run in the order they came.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from bot.domain import iso
from handlers.delivery import Delivery
from handlers.unit_of_work import StoreUnavailable

log = logging.getLogger("swarmbot")
# The loop looks for pending deliveries this often (and at once after a store failure).
EVERY = 5.0
# Rooms whose pending deliveries a pass runs at once (each room's in order).
LANES = 16
_REPLAYING: ContextVar[bool] = ContextVar("swarmbot_replaying", default=False)
Finish = Callable[[Delivery], Awaitable[None]]


def replaying() -> bool:
    """Whether the running code is a replay pass's (a store failure then stops the pass
    instead of telling the person again)."""
    return _REPLAYING.get()


class Replays:
    def __init__(self, pending: Callable[[str, str | None], list[Delivery]],
                 in_thread: Callable[..., Awaitable[Any]], in_flight: set[str],
                 now: Callable[[], datetime]) -> None:
        self._pending, self._in_thread = pending, in_thread
        self._in_flight, self._now = in_flight, now
        self.finishers: dict[str, Finish] = {}
        self._wakeup = asyncio.Event()  # bound to no loop until waited on (Python 3.10+)
        # Set once the loop's first pass (a crash's backlog) is over.
        self.backlog_done = asyncio.Event()

    def register(self, source: str, finish: Finish) -> None:
        """How a source finishes a delivery found pending in the inbox (process it and
        answer where it can: no response_url or open turn is left by then)."""
        self.finishers[source] = finish

    def wake(self) -> None:
        """Look again at once (a store failure just delayed a delivery)."""
        self._wakeup.set()

    async def run_pending(self, grace: float | None = None, lanes: int = LANES) -> int:
        """Run every pending delivery of every registered source that is not running here.
        `grace`: only rows older than that many seconds (younger ones are on their way).
        Returns how many were run; a store failure pauses the pass."""
        before = None if grace is None else iso(self._now() - timedelta(seconds=grace))
        rooms: dict[tuple[str, str | None], list[Delivery]] = {}
        for source in list(self.finishers):
            for delivery in await self._in_thread(self._pending, source, before):
                rooms.setdefault((source, delivery.room), []).append(delivery)
        slots = asyncio.Semaphore(lanes)
        paused: list[StoreUnavailable] = []

        async def room(source: str, deliveries: list[Delivery]) -> int:
            done = 0
            async with slots:
                for delivery in deliveries:
                    if paused or delivery.key in self._in_flight:
                        continue
                    log.info("%s: finishing %s from the inbox", source, delivery.key)
                    try:
                        await self.finishers[source](delivery)
                    except StoreUnavailable as err:
                        paused.append(err)
                        return done
                    done += 1
            return done

        token = _REPLAYING.set(True)
        try:
            counts = await asyncio.gather(*(room(source, ds)
                                            for (source, _), ds in rooms.items()))
        finally:
            _REPLAYING.reset(token)
        if paused:
            log.warning("inbox replay paused: the store failed (%s)", paused[0])
        return sum(counts)

    async def forever(self, every: float = EVERY) -> None:
        """While serving: look every `every` seconds, or at once when woken. The first
        pass, at start-up, takes every row however young (a crash's backlog)."""
        grace: float | None = None
        while True:
            try:
                await self.run_pending(grace)
            except Exception:  # the loop must outlive one bad row; it is logged in full
                log.exception("inbox replay: a pass failed; going on")
            self.backlog_done.set()
            grace = every
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), every)
            self._wakeup.clear()
