"""The work a platform's request asks for, run after its ack: kept, bounded, logged.

Slack and Teams both write a delivery to the core's inbox, answer the platform, then run
the command (DESIGN "Inbox before ack"): the platform's wait is the inbox write, not the
command, and a crash in between is finished from the inbox at the next start. This is where
that work runs, for every platform: one helper for one job.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger("swarmbot.after_ack")

# Commands run after their ack at most this many at a time ([server] in_flight sets it per
# platform of a `serve`; this is its default). Their store work is bounded
# apart (handlers/unit_of_work.py: 8 unit threads); the rest of a command's time is waiting on
# the platform (its calls, its answer), which overlaps freely: at 8, a command waiting 150 ms
# on Slack held a slot another case needed (30 cases x 10 commands took 3.9x one case's
# time; at 64, 1.9x: benchmarks/cases_wait.py). Bounded still, so that a burst's commands
# wait in line (their rows are in the inbox) while acks keep coming back in milliseconds.
MAX_RUNNING = 64
# On SIGTERM, commands already running get this long to finish; those still waiting in line
# are left in the inbox, for the next start (or another replica) to run.
STOP_WITHIN = 4.0
_stop_by: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, float] = \
    weakref.WeakKeyDictionary()


class Work:
    """The tasks started after an ack: kept referenced (asyncio holds tasks weakly) and
    drainable, so shutdown finishes them and tests can wait for them without sleeping."""

    def __init__(self, max_running: int = MAX_RUNNING) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.max_running = max_running
        self._running = asyncio.Semaphore(max_running)
        self._waiting: set[asyncio.Task[Any]] = set()  # in line, not started
        self._stopping = False

    def start(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def run_later(self, what: str, call: Callable[[], Awaitable[object]]) -> asyncio.Task[Any]:
        """A command's work after its ack: in line behind at most MAX_RUNNING others
        (first come, first started), a failure logged with `what`."""
        return self.start(self._in_line(what, call))

    async def _in_line(self, what: str, call: Callable[[], Awaitable[object]]) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._waiting.add(task)
        try:
            async with self._running:
                self._waiting.discard(task)
                if self._stopping:
                    return  # left in the inbox for the next start
                await run_logged(what, call)
        finally:
            self._waiting.discard(task)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self, within: float = STOP_WITHIN) -> None:
        """Shutdown: what waits in line is not started (its inbox row stays pending, run at
        the next start or by another replica); what runs gets `within` seconds, then is
        cancelled (a unit of work cut off rolls back: its row stays pending too)."""
        self._stopping = True
        for task in list(self._waiting):
            task.cancel()
        # One deadline for the whole process: Slack's, Teams' and the helpdesks' work stop
        # one after another at shutdown, within `within` seconds of the first, not each.
        loop = asyncio.get_running_loop()
        deadline = _stop_by.setdefault(loop, loop.time() + within)
        running = list(self._tasks)
        if running:
            _, late = await asyncio.wait(running, timeout=max(deadline - loop.time(), 0.0))
            for task in late:
                task.cancel()
            if late:
                log.warning("stopping: %d command(s) cut off after %.0f s; they stay in the "
                            "inbox for the next start", len(late), within)
                await asyncio.gather(*late, return_exceptions=True)

    def __len__(self) -> int:
        return len(self._tasks)


async def run_logged(what: str, call: Callable[[], Awaitable[object]]) -> None:
    """Run post-ack work; a failure is logged with its traceback, never swallowed silently."""
    try:
        await call()
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("%s failed", what)
