"""The one replay loop: every platform's pending inbox rows, run at start-up and while serving.

What it finishes: a crash's backlog (acknowledged, never run), what a store failure delayed
(rolled back, left pending), and what a replica took and died with (its transaction rolled
back with it: nothing to wait for, no lease). A row this process is running right now is in
`in_flight` and left alone. Each platform registers how it finishes a delivery (process it
and answer where it still can); deliveries from one room run in the order they came.

Replicas (PostgreSQL): each pass runs only this process's rows (and rows nobody holds); a
live replica's rows are its own, however slow it is. A replica that dies leaves its rows
to the others: every LOOK seconds the loop asks the store to take over the rows of
holders that are gone (bot/store/interfaces/holders.py, one cheap statement) and runs what
it took at once, instead of the next pass finding them `EVERY` seconds later.
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
from bot.services.base import Deps
from handlers.delivery import Delivery
from handlers.unit_of_work import StoreUnavailable

log = logging.getLogger("swarmbot")
# The loop looks for pending deliveries this often (and at once after a store failure).
EVERY = 5.0
# Rooms whose pending deliveries a pass runs at once (each room's in order).
LANES = 16
# Replicas: the loop looks for replicas gone this often (a dead one's rows are run within
# about this long of its death, plus the time the database takes to see it gone).
LOOK = 0.25
_REPLAYING: ContextVar[bool] = ContextVar("swarmbot_replaying", default=False)
Finish = Callable[[Delivery], Awaitable[None]]
# The keys of the deliveries of replicas gone, made this process's (`taker`).
TakeOver = Callable[[], Awaitable[list[str]]]


def taker(deps: Deps, in_thread: Callable[..., Awaitable[Any]],
          calls_due: Callable[[], None]) -> TakeOver | None:
    """How this process takes over what replicas gone held (bot/store/interfaces/
    holders.py): their deliveries' keys, now its own; `calls_due` is told when their
    platform calls are due (the outbox worker woken). None: one process (SQLite)."""
    holders = deps.store.holders
    if not holders.several():
        return None

    async def look() -> list[str]:
        taken = await in_thread(holders.take_over, deps.now_iso())
        if taken.calls:
            calls_due()
        return list(taken.keys)
    return look


def replaying() -> bool:
    """Whether the running code is a replay pass's (a store failure then stops the pass
    instead of telling the person again)."""
    return _REPLAYING.get()


class Replays:
    def __init__(self, pending: Callable[[str, str | None], list[Delivery]],
                 in_thread: Callable[..., Awaitable[Any]], in_flight: set[str],
                 now: Callable[[], datetime],
                 take_over: TakeOver | None = None) -> None:
        self._pending, self._in_thread = pending, in_thread
        self._in_flight, self._now = in_flight, now
        self._take_over = take_over  # replicas: what dead ones held (None: one process)
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

    async def run_pending(self, grace: float | None = None, lanes: int = LANES,
                          only: set[str] | None = None) -> int:
        """Run every pending delivery of every registered source that is not running here.
        `grace`: only rows older than that many seconds (younger ones are on their way);
        `only`: only these keys. Returns how many were run; a store failure pauses the
        pass."""
        before = None if grace is None else iso(self._now() - timedelta(seconds=grace))
        rooms: dict[tuple[str, str | None], list[Delivery]] = {}
        for source in list(self.finishers):
            for delivery in await self._in_thread(self._pending, source, before):
                if only is not None and delivery.key not in only:
                    continue
                rooms.setdefault((source, delivery.room), []).append(delivery)
        slots = asyncio.Semaphore(lanes)
        paused: list[StoreUnavailable] = []

        async def room(source: str, deliveries: list[Delivery]) -> int:
            done = 0
            async with slots:
                for delivery in deliveries:
                    if paused or delivery.key in self._in_flight:
                        continue
                    if delivery.key is not None:
                        # Running here now: another pass (the takeover's) leaves it alone.
                        self._in_flight.add(delivery.key)
                    log.info("%s: finishing %s from the inbox", source, delivery.key)
                    try:
                        await self.finishers[source](delivery)
                    except StoreUnavailable as err:
                        paused.append(err)
                        return done
                    finally:
                        if delivery.key is not None:
                            self._in_flight.discard(delivery.key)
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

    async def forever(self, every: float = EVERY, look: float = LOOK) -> None:
        """While serving: look every `every` seconds, or at once when woken. The first
        pass, at start-up, takes every row however young (a crash's backlog). With
        replicas, what dead ones held is taken over every `look` seconds, beside."""
        watch = asyncio.ensure_future(self._watch(look)) \
            if self._take_over is not None else None
        try:
            await self._passes(every)
        finally:
            if watch is not None:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch

    async def _watch(self, look: float) -> None:
        """Take over the rows of replicas gone, and run them at once."""
        take_over = self._take_over
        assert take_over is not None
        while True:
            try:
                taken = await take_over()
                if taken:
                    await self.run_pending(None, only=set(taken))
            except Exception:  # the loop must outlive one bad row; it is logged in full
                log.exception("inbox takeover: a look failed; going on")
            await asyncio.sleep(look)  # a polling period, not a wait for something to happen

    async def _passes(self, every: float) -> None:
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
