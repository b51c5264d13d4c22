"""Inbox before ack: every command, click and event is written down before Slack gets its 200.

Slack never retries a slash command and a click happens once, so an acknowledged request
must survive a crash: it is recorded here first, processed after the ack, then marked done.
A redelivered event finds its key and is acknowledged without being processed twice; at
start-up whatever is still pending is processed (see `SlackAdapter.replay_pending`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from bot.domain import iso, utcnow
from bot.store import Store

log = logging.getLogger(__name__)

SOURCE = "slack"
# Parts of an event that carry what people wrote: never stored (only who posted, and where).
_CONTENT_KEYS = ("text", "blocks", "attachments", "files", "message", "previous_message")


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


def stored_body(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    if kind != "event":
        return body
    event = {k: v for k, v in (body.get("event") or {}).items() if k not in _CONTENT_KEYS}
    return {**body, "event": event}


@dataclass(frozen=True)
class Pending:
    key: str
    kind: str
    body: dict[str, Any]


class Inbox:
    def __init__(self, store: Store, clock: Callable[[], Any] = utcnow) -> None:
        self.store = store
        self.clock = clock

    def put(self, key: str, kind: str, body: dict[str, Any]) -> bool:
        """Record a request; False when the key was seen before (a redelivery)."""
        started = time.perf_counter()
        payload = json.dumps({"kind": kind, "body": stored_body(kind, body)})
        fresh = self.store.inbox.put(key, SOURCE, payload, iso(self.clock()))
        # The write sits on the ack path (3 s budget): keep an eye on what it costs.
        log.debug("inbox put %s in %.2f ms", key, (time.perf_counter() - started) * 1000)
        return fresh

    def done(self, key: str) -> None:
        self.store.inbox.done(key, iso(self.clock()))

    def pending(self) -> list[Pending]:
        rows = []
        for row in self.store.inbox.pending(SOURCE):
            data = json.loads(row.payload)
            rows.append(Pending(row.key, data["kind"], data["body"]))
        return rows


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
