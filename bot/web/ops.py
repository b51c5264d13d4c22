"""Operations routes: GET /healthz (the process answers), GET /readyz (it can do its job),
GET /metrics (Prometheus text format), and the middleware that counts every request."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from bot.domain import iso, utcnow
from bot.metrics import ACK_SECONDS, OUTBOX_ROWS, REQUESTS, source_of
from bot.store import Store
from bot.store.health import store_problems

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


def add_ops_routes(app: web.Application, store: Store) -> None:
    async def readyz(_: web.Request) -> web.Response:
        problems = store_problems(store)
        if not problems:
            problems = outbox_problems(store, utcnow())
        return web.json_response({"ok": not problems, "problems": problems},
                                 status=503 if problems else 200)

    async def metrics(_: web.Request) -> web.Response:
        counts = store.outbox.counts()
        for state in ("pending", "failed"):
            OUTBOX_ROWS.labels(state).set(counts.get(state, 0))
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
