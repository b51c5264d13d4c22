"""What identifies a Slack request for the core's inbox, and the work started after acks.

Slack never retries a slash command and a click happens once, so an acknowledged request
must survive a crash: its delivery is written to the core's inbox before the ack (keyed
here), processed after it. A redelivered event finds its key and is acknowledged without
being processed twice; at start-up whatever is still pending is processed
(`server.replay_pending`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)



def kind_of(body: dict[str, Any]) -> str | None:
    """command / action / view / event, or None for what is not worth an inbox row."""
    if body.get("command"):
        return "command"
    kind = body.get("type")
    return {"block_actions": "action", "view_submission": "view",
            "event_callback": "event"}.get(str(kind))


def key_of(body: dict[str, Any], raw_body: str) -> str:
    """Slack's event_id for events (stable across retries), else a hash of the whole body."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"slack:event:{body['event_id']}"
    raw = raw_body or json.dumps(body, sort_keys=True)  # Socket Mode has no raw body
    return "slack:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


class Work:
    """The tasks started after an ack: kept referenced (asyncio holds tasks weakly) and
    drainable, so shutdown finishes them and tests can wait for them without sleeping."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def __len__(self) -> int:
        return len(self._tasks)


async def run_logged(what: str, call: Callable[[], Awaitable[None]]) -> None:
    """Run post-ack work; a failure is logged with its traceback, never swallowed silently."""
    try:
        await call()
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("slack: %s failed", what)
