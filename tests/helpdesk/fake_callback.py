"""The other end of the generic webhook's callback_url: checks the signature, keeps the
first event of each id (as the README tells receivers to), and can fail like a server."""

from __future__ import annotations

from collections import Counter
from typing import Any

from aiohttp import web

from adapters.helpdesk.webhook.intake import sign
from adapters.helpdesk.webhook.port import CALLBACK_SIGNATURE
from tests.helpdesk.faults import Faults


class FakeCallback:
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.events: list[dict[str, Any]] = []  # the first of each id
        self.received = 0
        self.deliveries: Counter[str] = Counter()  # event id -> times it arrived
        self.faults = Faults(seed=3)
        self.hits = 0  # every request that reached it, signed or not
        self.redirect_to: str | None = None  # answer 307 there instead
        self.refusal: tuple[int, str] | None = None  # answer this status and body instead
        self.app = web.Application()
        self.app.router.add_post("/swarm-events", self._receive)

    def of(self, ticket_id: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["ticket_id"] == ticket_id]

    async def _receive(self, request: web.Request) -> web.Response:
        self.hits += 1
        raw = await request.read()
        if self.redirect_to is not None:
            raise web.HTTPTemporaryRedirect(self.redirect_to)
        if self.refusal is not None:
            return web.Response(status=self.refusal[0], text=self.refusal[1])
        if request.headers.get(CALLBACK_SIGNATURE) != f"sha256={sign(self.secret, raw)}":
            return web.json_response({"error": "bad signature"}, status=401)
        if (refused := self.faults.before(request)) is not None:
            return refused
        event = await request.json()
        self.received += 1
        key = f"{event['ticket_id']}/{event['id']}"
        self.deliveries[key] += 1
        if self.deliveries[key] == 1:
            self.events.append(event)
        return self.faults.finish(request, web.json_response({"ok": True}))
