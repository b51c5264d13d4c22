"""One unit of work: a command's store work, run whole on a thread of its own or not at all.

Why threads: the core is synchronous (a service is a plain function on the store), and the
event loop must never wait on the database: a full disk, a stopped server or a compaction
would otherwise hold every other request and /healthz with it. Each unit thread has its own
store connection (bot/store/sqlite_conn.py, bot/store/pg_db.py), so a transaction never
spans an await and never holds another request's statements.

What a unit can end as:
    its step's result   committed with the inbox row's "done" (and its outbox rows)
    Duplicate           the row was done already (a redelivery, another replica)
    StoreUnavailable    the store failed (disk full, server gone): rolled back, the row
                        stays pending, to be run again when the store is back
    Refusal             the command refused (a CommandError: bad words, not allowed):
                        rolled back whole, then the row marked done on its own; the user
                        reads the one line
    Failed              any other exception, a bug: rolled back whole, the row closed as
                        failed with the error id the user is told (never replayed)
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from functools import partial
from typing import Generic, TypeVar

from bot.metrics import COMMANDS
from bot.replies import Reply
from bot.services.base import ENQUEUED, Deps, Enqueued

log = logging.getLogger("swarmbot")
T = TypeVar("T")
# Units of work at once in one process (threads, each with its own store connection).
UNITS = 8


class StoreUnavailable(Exception):
    """The store failed under a unit of work: not the command's fault."""


class Duplicate:
    """The delivery was done already: nothing was run."""


class Failed:
    """A bug, rolled back whole; `error_id` is in the log with the traceback."""

    def __init__(self, error_id: str) -> None:
        self.error_id = error_id


class Refused(Exception):
    """Raised by the router for a command that refused inside a unit's transaction: the
    transaction rolls back whole (nothing the command wrote before refusing stays, without
    a savepoint a command: two round trips on PostgreSQL), and the unit records the
    delivery done on its own."""

    def __init__(self, replies: list[Reply]) -> None:
        super().__init__("refused")
        self.replies = replies


class Refusal:
    """The command refused: rolled back whole, its delivery done; `replies` says why."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies


# True while a unit's write transaction runs on this thread: a refusal there is `Refused`.
IN_UNIT: ContextVar[bool] = ContextVar("swarmbot-in-unit", default=False)


class Done(Generic[T]):
    """Committed: the step's result, and the outbox rows it added (tried right after)."""

    def __init__(self, result: T, enqueued: Enqueued) -> None:
        self.result = result
        self.enqueued = enqueued


class Units:
    """The unit threads, and the inbox keys this process is running right now."""

    def __init__(self, deps: Deps, threads: int = UNITS) -> None:
        self.deps = deps
        self.threads = ThreadPoolExecutor(max_workers=threads,
                                          thread_name_prefix="swarmbot-unit")
        self.in_flight: set[str] = set()

    async def in_thread(self, call: Callable[..., T], *args: object) -> T:
        """Run store work on a unit thread, never on the event loop."""
        loop = asyncio.get_running_loop()
        # The caller's context goes with it (the tenant in scope, bot/tenancy.py).
        context = contextvars.copy_context()
        return await loop.run_in_executor(self.threads, partial(context.run, call, *args))

    async def run(self, key: str | None, source: str, step: Callable[[], T],
                  reads: bool = False, here: bool = False
                  ) -> Done[T] | Duplicate | Refusal | Failed:
        """Run `step` as one unit on a unit thread (`here`: on this one, see `here`);
        raises StoreUnavailable."""
        if here:
            return self.here(source, step)
        if key is not None:
            self.in_flight.add(key)
        try:
            return await self.in_thread(self._unit, key, source, step, reads)
        finally:
            if key is not None:
                self.in_flight.discard(key)

    def here(self, source: str, step: Callable[[], T]) -> Done[T] | Failed:
        """A command that needs nothing of the store (`Command.store` False: `help`), run
        on the calling thread: no unit thread, no connection, nothing to commit. A bug ends
        as any unit's does (an error id); it has no inbox row of its own to close."""
        token = ENQUEUED.set([])
        try:
            return Done(step(), [])
        except Exception as err:
            if self.deps.store.is_unavailable(err):
                raise StoreUnavailable(str(err)) from err
            return self._failed(source, None)
        finally:
            ENQUEUED.reset(token)

    def _unit(self, key: str | None, source: str, step: Callable[[], T],
              reads: bool) -> Done[T] | Duplicate | Refusal | Failed:
        """A read runs outside any write transaction (a long read such as the digest holds
        no writer back); its row was recorded done with it (Entrance.record). A change runs
        in one transaction with its row's "done"."""
        store, now = self.deps.store, self.deps.now_iso
        enqueued: Enqueued = []
        token = ENQUEUED.set(enqueued)
        try:
            if reads:
                return Done(step(), [])
            def unit() -> Done[T] | Duplicate:
                enqueued.clear()  # a try rolled back leaves no outbox rows of its own
                inside = IN_UNIT.set(True)
                try:
                    with store.transaction():
                        # Taken first, in the same transaction: a replica replaying this
                        # delivery while another runs it waits for its commit, then finds
                        # it done.
                        if key is not None and not store.inbox.take(key, now()):
                            return _done_elsewhere(source, key)
                        return Done(step(), enqueued)
                finally:
                    IN_UNIT.reset(inside)
            try:
                return retried(self.deps, unit)
            except Refused as refused:
                enqueued.clear()
                # Rolled back whole; the delivery is done all the same (a refusal is its
                # answer), in one statement of its own.
                if key is not None and not store.inbox.take(key, now()):
                    return _done_elsewhere(source, key)
                return Refusal(refused.replies)
        except Exception as err:
            if store.is_unavailable(err):
                raise StoreUnavailable(str(err)) from err
            return self._failed(source, key)
        finally:
            ENQUEUED.reset(token)

    def _failed(self, source: str, key: str | None) -> Failed:
        """Logged with an id the user is shown; the row is closed as failed (counted in
        swarmbot_inbox_failed), or left pending if the store cannot even say that."""
        error_id = uuid.uuid4().hex[:8]
        log.exception("error %s running %s delivery %s", error_id, source, key)
        COMMANDS.labels("unknown", "error").inc()
        if key is not None:
            try:
                self.deps.store.inbox.fail(key, error_id, self.deps.now_iso())
            except Exception as err:
                if not self.deps.store.is_unavailable(err):
                    raise
                log.warning("inbox %s: could not be marked failed (%s)", key, err)
        return Failed(error_id)

    def close(self) -> None:
        self.threads.shutdown(wait=True)


# A transaction the database chose to abort (a deadlock, a serialization failure) is run
# again at once, this many times in all, before it counts as the store failing.
TRIES = 3


def retried(deps: Deps, run: Callable[[], T]) -> T:
    """Run a transaction, again if the database aborted it to break a deadlock: nothing
    of it stayed, so running it again is safe (on SQLite, never needed: writers take
    turns at BEGIN IMMEDIATE)."""
    for attempt in range(1, TRIES + 1):
        try:
            return run()
        except Exception as err:
            if attempt == TRIES or not deps.store.is_retryable(err):
                raise
            log.info("transaction aborted by the database (%s); try %d of %d",
                     str(err).strip().splitlines()[0], attempt + 1, TRIES)
    raise AssertionError("unreachable")


def _done_elsewhere(source: str, key: str) -> Duplicate:
    log.info("%s delivery %s done elsewhere: not redone", source, key)
    return Duplicate()
