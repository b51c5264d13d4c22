"""Inbox rows, written before a platform is answered: on a thread of their own, and those
that arrive together committed together (group commit).

Why a thread of its own: the ack is what Slack and Teams wait for (3 s and 15 s), so it must
never queue behind commands on the unit threads, nor make the event loop wait on the
database (SQLite's busy handler sleeps; a stopped PostgreSQL hangs). Why together: under a
burst, one transaction of 50 rows costs about what one row costs, so acks keep up.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from bot.services.base import Deps
from handlers.unit_of_work import StoreUnavailable, retried

log = logging.getLogger("swarmbot")
Row = tuple[str, str, str, bool]  # key, source, payload, recorded done
# Rows per statement at most (the store's `inbox.put_many` takes up to 500).
PER_INSERT = 500


class InboxWriter:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="swarmbot-inbox")
        self._queue: list[tuple[Row, asyncio.Future[bool]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def put(self, key: str, source: str, payload: str, done: bool = False) -> bool:
        """Write the row (committed when this returns); False when its key was seen before.
        Raises StoreUnavailable when the store cannot take it (the platform is then told to
        try again: nothing was acknowledged)."""
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[bool] = loop.create_future()
        self._queue.append(((key, source, payload, done), finished))
        if self._flushing is None or self._flushing.done():
            self._flushing = loop.create_task(self._flush())
        return await finished

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                written = await loop.run_in_executor(self.thread, self._write,
                                                     [row for row, _ in batch])
            except Exception as err:  # every waiting ack hears it; nothing was written
                failure: Exception = StoreUnavailable(str(err)) \
                    if self.deps.store.is_unavailable(err) else err
                for _, done in batch:
                    if not done.done():
                        done.set_exception(failure)
                continue
            for (_, done), fresh in zip(batch, written, strict=True):
                if not done.done():
                    done.set_result(fresh)

    def _write(self, rows: list[Row]) -> list[bool]:
        store, at = self.deps.store, self.deps.now_iso()
        # In key order: two replicas given the same deliveries (a retry, a redelivery) lock
        # the keys in the same order, so their batches never deadlock on each other. One
        # statement, committed on its own: no BEGIN and COMMIT around it (on PostgreSQL one
        # round trip for the batch, where a transaction of one INSERT a row took n + 2).
        order = sorted(range(len(rows)), key=lambda i: rows[i][0])
        fresh = [False] * len(rows)

        def write(part: list[int]) -> None:
            written = store.inbox.put_many([rows[i] for i in part], at)
            for i, was_fresh in zip(part, written, strict=True):
                fresh[i] = was_fresh
        for lo in range(0, len(order), PER_INSERT):  # each part retried alone
            retried(self.deps, partial(write, order[lo:lo + PER_INSERT]))
        return fresh

    def close(self) -> None:
        self.thread.shutdown(wait=True)
