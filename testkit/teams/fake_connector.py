"""A loopback Bot Connector: the Bot Framework service's side of the wire, on 127.0.0.1.

The bot's real connector client (msrest/botframework) calls it at the activity's
`serviceUrl`. It records each call and answers with ids the way the Bot Connector does:
POST v3/conversations -> {"id", "activityId"}, POST .../activities[/{replyToId}] -> {"id"},
PUT .../activities/{id} -> {"id"}. With `require_token` set it checks the bearer token
the bot got from the (local) token endpoint, so tests see outgoing auth too.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from testkit.loopback import serve
from testkit.slack.fake_slack import FAULT_KINDS, Faults


@dataclass
class Call:
    method: str
    path: str
    body: Any
    auth: str | None
    answer: Any = None  # what the connector answered (or would have: a dropped answer)

    @property
    def conversation_id(self) -> str | None:
        parts = self.path.split("/")
        return parts[3] if len(parts) > 3 and parts[2] == "conversations" else None

    def cards(self) -> list[dict[str, Any]]:
        """Adaptive Card contents in this call's activity (or in a create_conversation)."""
        activity = self.body.get("activity") if isinstance(self.body, dict) and \
            "activity" in self.body else self.body
        if not isinstance(activity, dict):
            return []
        return [a["content"] for a in activity.get("attachments") or []
                if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]


@dataclass
class FakeConnector:
    calls: list[Call] = field(default_factory=list)
    # Called with the bearer token; returns False to answer 401 (outgoing auth checks).
    check_token: Callable[[str], bool] | None = None
    # {"POST /v3/conversations": 403} makes that route fail, to test failures told.
    failing: dict[str, int] = field(default_factory=dict)
    base_url: str = ""
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    _faults: Faults | None = None
    injected: dict[str, int] = field(default_factory=dict)  # fault kind -> how many
    # (fault kind, operation) -> how many: "create" (POST v3/conversations) or "send".
    injected_at: dict[tuple[str, str], int] = field(default_factory=dict)
    # The team roster GET .../members answers with (Teams' TeamsChannelAccount fields):
    # {"id": "29:…", "name", "aadObjectId", "email", "userPrincipalName"}. Empty: any
    # member id asked for is answered with a made-up member (tests that need no roster).
    roster: list[dict[str, Any]] = field(default_factory=list)
    # Set: posts and replies wait for it before they are recorded and answered (a slow Teams).
    hold: asyncio.Event | None = None
    # Told of each call as it is recorded (a benchmark times replies by it).
    on_call: Callable[[Call], None] | None = None

    def inject(self, rate: float, kinds: tuple[str, ...] = FAULT_KINDS, seed: int = 11) -> None:
        """Fail a share `rate` of connector calls, as the fake Slack does: 429 with
        Retry-After, 500, the connection dropped before the connector acts, or after it
        acted (the call took effect; its answer never arrives). `inject(0)` stops it."""
        self._faults = Faults(rate, kinds, random.Random(seed)) if rate else None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_delete("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_get("/v3/conversations/{cid}/members", self._members)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self._member)
        return app

    async def start(self) -> str:
        self._runner, url = await serve(self.app())
        self.base_url = url + "/"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _record(self, request: web.Request) -> web.Response | None:
        body = await request.json() if request.can_read_body else None
        auth = request.headers.get("Authorization")
        call = Call(request.method, request.path, body, auth)
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)
        if self.check_token is not None:
            token = auth.split(" ", 1)[1] if auth and auth.startswith("Bearer ") else ""
            if not self.check_token(token):
                return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        key = f"{request.method} {request.match_info.route.resource.canonical}"  # type: ignore
        if key in self.failing:
            return web.json_response({"error": {"code": "Forbidden", "message": "refused"}},
                                     status=self.failing[key])
        return None

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    async def _faulty(self, request: web.Request,
                      act: Callable[[], Awaitable[web.Response]]) -> web.Response:
        fault = self._faults.pick(request.path) if self._faults else None
        if fault is not None:
            self.injected[fault] = self.injected.get(fault, 0) + 1
            where = (fault, "create" if request.path == "/v3/conversations" else "send")
            self.injected_at[where] = self.injected_at.get(where, 0) + 1
        if fault == "429":
            return web.json_response({"error": {"code": "TooManyRequests"}}, status=429,
                                     headers={"Retry-After": "1"})
        if fault == "500":
            return web.json_response({"error": {"code": "ServiceError"}}, status=500)
        if fault == "drop_after":
            await act()  # the connector acted; the answer never arrives
        if fault in ("drop_before", "drop_after"):
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)  # goes nowhere: the connection is gone
        return await act()

    async def _create_conversation(self, request: web.Request) -> web.Response:
        return await self._faulty(request, lambda: self._do_create(request))

    async def _do_create(self, request: web.Request) -> web.Response:
        if (refused := await self._record(request)) is not None:
            return refused
        body = self.calls[-1].body
        channel = (body.get("channelData") or {}).get("channel") or {}
        activity_id = self.next_id("1000")
        if channel.get("id"):
            # A new thread in a channel: Teams names it after the channel and the root post.
            cid = f"{channel['id']};messageid={activity_id}"
        else:
            cid = self.next_id("a:1:1-")
        answer = {"id": cid, "activityId": activity_id, "serviceUrl": self.base_url}
        self.calls[-1].answer = answer
        return web.json_response(answer, status=201)

    async def _send(self, request: web.Request) -> web.Response:
        return await self._faulty(request, lambda: self._do_send(request))

    async def _do_send(self, request: web.Request) -> web.Response:
        if self.hold is not None:
            await self.hold.wait()
        if (refused := await self._record(request)) is not None:
            return refused
        call = self.calls[-1]
        call.answer = {"id": self.next_id("2000")}
        return web.json_response(call.answer, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        if (refused := await self._record(request)) is not None:
            return refused
        return web.json_response({"id": request.match_info["aid"]})

    async def _member(self, request: web.Request) -> web.Response:
        if (refused := await self._record(request)) is not None:
            return refused
        uid = request.match_info["uid"]
        if self.roster:
            found = next((m for m in self.roster if m["id"] == uid), None)
            if found is None:
                return web.json_response({"error": {
                    "code": "MemberNotFoundInConversation",
                    "message": "The member was not found in the conversation."}}, status=404)
            return web.json_response(found)
        return web.json_response({"id": uid, "name": uid.split(":")[-1],
                                  "aadObjectId": "00000000-0000-0000-0000-000000000001"})

    async def _members(self, request: web.Request) -> web.Response:
        if (refused := await self._record(request)) is not None:
            return refused
        return web.json_response(self.roster)

    # -- what tests read --------------------------------------------------------------

    def sent(self, conversation_id: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.method in ("POST", "PUT")
                and (conversation_id is None or c.conversation_id == conversation_id)]

    def created(self) -> list[Call]:
        return [c for c in self.calls if c.path == "/v3/conversations"]

    def threads(self) -> dict[str, list[Call]]:
        """Each thread opened in a channel (its conversation id) -> the posts in it, its
        root post (the create call's activity) first; a dropped answer's thread included."""
        found: dict[str, list[Call]] = {}
        for c in self.calls:
            if c.path == "/v3/conversations" and c.answer and \
                    (c.body.get("channelData") or {}).get("channel"):
                found[c.answer["id"]] = [c]
            elif c.method == "POST" and c.conversation_id in found:
                found[c.conversation_id].append(c)
        return found

    def all_cards(self) -> list[dict[str, Any]]:
        return [card for c in self.calls for card in c.cards()]
