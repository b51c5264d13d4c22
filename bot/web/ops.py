"""Operations routes: GET /healthz (the process answers), GET /readyz (it can do its job),
GET /metrics (Prometheus text format), and the middleware that counts every request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from bot.domain import iso, utcnow
from bot.metrics import ACK_SECONDS, INBOX_FAILED, OUTBOX_ROWS, REQUESTS, source_of
from bot.store import Store
from bot.store.health import store_problems, write_problems


class Stopping:
    """Set when the server stops taking requests (SIGTERM): /readyz answers 503 from then."""

    def __init__(self) -> None:
        self.now = False


STOPPING = web.AppKey("stopping", Stopping)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Requests whose answer time is the platform's ack (Slack wants it within 3 s).
_ACKED = ("slack", "teams")


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    source = source_of(request.path)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as err:
        status = err.status
        raise
    finally:
        REQUESTS.labels(source, f"{status // 100}xx").inc()
        if source in _ACKED:
            ACK_SECONDS.labels(source).observe(time.perf_counter() - started)


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


# A pending platform call this much past its time means no worker is doing the outbox.
STUCK_AFTER = timedelta(minutes=10)


def outbox_problems(store: Store, now: datetime) -> list[str]:
    overdue = store.outbox.overdue(iso(now - STUCK_AFTER))
    return [f"outbox stuck: {overdue} platform call(s) overdue by more than "
            f"{int(STUCK_AFTER.total_seconds() // 60)} minutes"] if overdue else []


# /readyz gives the store this long to answer (a hung server is not ready, and says so).
READY_WITHIN = 2.0


def ready_problems(store: Store) -> list[str]:
    """The store answers, its schema is current, a write commits (a full disk or a read-only
    server fails here, where `SELECT 1` passes), and the outbox is being worked."""
    problems = store_problems(store)
    if not problems:
        problems = write_problems(store, iso(utcnow()))
    if not problems:
        problems = outbox_problems(store, utcnow())
    return problems


def add_ops_routes(app: web.Application, store: Store) -> None:
    app[STOPPING] = Stopping()

    async def readyz(_: web.Request) -> web.Response:
        # On a thread, with a deadline: the event loop never waits on the database.
        try:
            problems = await asyncio.wait_for(asyncio.to_thread(ready_problems, store),
                                              READY_WITHIN)
        except TimeoutError:
            problems = [f"store not answering within {READY_WITHIN:.0f} s"]
        if app[STOPPING].now:
            problems = ["stopping: finishing the requests in flight"] + problems
        return web.json_response({"ok": not problems, "problems": problems},
                                 status=503 if problems else 200)

    def counts() -> tuple[dict[str, int], int]:
        return store.outbox.counts(), store.inbox.failed_count()

    async def metrics(_: web.Request) -> web.Response:
        outbox_rows, inbox_failed = await asyncio.to_thread(counts)
        for state in ("pending", "failed"):
            OUTBOX_ROWS.labels(state).set(outbox_rows.get(state, 0))
        INBOX_FAILED.set(inbox_failed)
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
