"""A fake Slack Web API on 127.0.0.1 that answers the way Slack does.

The bot's real AsyncWebClient reaches it through `[slack] api_url`. It takes form, query
and JSON bodies, checks `Authorization: Bearer`, answers refusals with HTTP 200 and
`{"ok": false, "error": ...}`, can answer 429 with Retry-After, and records every call so
tests assert on what the bot really sent. `response_url`s point at `/response/<id>` here.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from aiohttp import web

from testkit.slack.fake_methods import SlackMethods
from testkit.slack.fake_types import (  # noqa: F401  (tests import them from here)
    APP_TOKEN,
    BOT_USER,
    CLIENT_ID,
    CLIENT_SECRET,
    FAULT_KINDS,
    TOKEN,
    Call,
    Channel,
    Faults,
    SlackError,
    Workspace,
)


class FakeSlack(SlackMethods):
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.channels: dict[str, Channel] = {}
        self.messages: list[dict[str, Any]] = []  # chat.postMessage, with "ts"
        self.updates: list[dict[str, Any]] = []  # chat.update: channel and ts
        self.deleted: list[dict[str, Any]] = []  # chat.delete: channel and ts
        self.ephemerals: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # bodies POSTed to response_urls
        self.views: list[dict[str, Any]] = []  # views.open / views.publish args
        self.users: dict[str, dict[str, Any]] = {}
        self.expired_triggers: set[str] = set()
        self.page_size: int | None = None  # force small conversations.list pages
        self._rate_limited: dict[str, tuple[int, int]] = {}  # method -> (times, retry_after)
        self._fail: dict[str, str] = {}  # method -> error, once
        self._holds: dict[str, asyncio.Event] = {}  # method -> answer once the event is set
        self._seq = 0
        self._token = ""  # the token of the call being answered (auth.test says whose)
        self._faults: Faults | None = None
        self.injected: dict[str, int] = {}  # fault kind -> how many were injected
        self.app = web.Application()
        self.app.router.add_post("/api/{method}", self._api)
        self.app.router.add_get("/api/{method}", self._api)
        self.app.router.add_post("/response/{rid}", self._response_url)
        self.app.router.add_post("/upload/{file_id}", self._upload)
        self.uploads: dict[str, bytes] = {}  # file_id -> bytes POSTed to its upload URL
        self.shared_files: list[dict[str, Any]] = []  # files.completeUploadExternal
        self.alt_texts: dict[str, str] = {}  # file id -> alt_txt (files.getUploadURLExternal)
        self.app.router.add_get("/socket", self._socket)
        self.socket_ready = asyncio.Event()
        self._ws: web.WebSocketResponse | None = None
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.base_url = ""  # set by the fixture once the server listens
        # Seconds each Web API call takes to answer (a hosted Slack's round trip), so a
        # benchmark sees how many calls a user waits for one after another.
        self.latency = 0.0
        self.posted = asyncio.Condition()  # notified after each chat.postMessage is answered
        # OAuth: bot token -> the workspace it belongs to (TOKEN is the first workspace's),
        # authorisation codes not yet exchanged, and what oauth.v2.access gave out.
        self.tokens: dict[str, Workspace] = {TOKEN: Workspace("T0001", "Fake")}
        self.codes: dict[str, Workspace] = {}
        self.installed: list[dict[str, Any]] = []  # oauth.v2.access answers, in order
        # Token rotation: with `token_lifetime` set, installs give a refresh token and tokens
        # that expire (epoch seconds in `expires`); a call with an expired token is refused
        # (token_expired) and kept in `expired_calls`; refreshes are counted.
        self.token_lifetime: int | None = None
        self.expires: dict[str, float] = {}
        self.refresh_tokens: dict[str, Workspace] = {}
        self.expired_calls: list[Call] = []
        self.refreshes = 0
        self.refuse_refresh: str | None = None  # an error every refresh gets

    # test controls ---------------------------------------------------------
    def add_user(self, uid: str, name: str, email: str) -> None:
        self.users[uid] = {"id": uid, "name": name, "real_name": name, "deleted": False,
                           "is_bot": False, "profile": {"email": email, "real_name": name}}

    def authorize(self, workspace: Workspace) -> str:
        """What Slack does when someone approves the install on its authorize page: a
        one-time code, to be sent back to the app's redirect URL with the state."""
        code = f"code-{workspace.team_id}-{self._id('')}"
        self.codes[code] = workspace
        return code

    def revoke(self, token: str) -> None:
        self.tokens.pop(token, None)

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        self._rate_limited[method] = (times, retry_after)

    def hold(self, method: str, gate: asyncio.Event) -> None:
        """Keep the next call to `method` waiting until `gate` is set (a slow Slack)."""
        self._holds[method] = gate

    def inject(self, rate: float, kinds: tuple[str, ...] = FAULT_KINDS, seed: int = 9) -> None:
        """Fail a share `rate` of Web API calls, each with one of `kinds` (FAULT_KINDS):
        429 with Retry-After (seconds or an HTTP-date), 500, the connection dropped before
        Slack acts, or dropped after it acted. `inject(0)` stops it."""
        self._faults = Faults(rate, kinds, random.Random(seed)) if rate else None

    def fail_next(self, method: str, error: str) -> None:
        self._fail[method] = error

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def response_url(self, rid: str) -> str:
        return f"{self.base_url}response/{rid}"

    # wire -------------------------------------------------------------------
    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        ctype = request.content_type
        if request.can_read_body:
            if ctype == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        self.calls.append(Call(method, args, request.content_type,
                               auth.removeprefix("Bearer ") if auth.startswith("Bearer ")
                               else ""))
        if method == "oauth.v2.access":
            return web.json_response(self._oauth_access(auth, args))
        if method in self._rate_limited:
            times, retry_after = self._rate_limited[method]
            if times > 1:
                self._rate_limited[method] = (times - 1, retry_after)
            else:
                del self._rate_limited[method]
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(retry_after)})
        if not auth:
            return web.json_response({"ok": False, "error": "not_authed"})
        token = auth.removeprefix("Bearer ")
        if method == "apps.connections.open" and token != APP_TOKEN or \
                method != "apps.connections.open" and token not in self.tokens:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if token in self.expires and time.time() >= self.expires[token]:
            self.expired_calls.append(self.calls[-1])
            return web.json_response({"ok": False, "error": "token_expired"})
        if method in self._holds:
            await self._holds.pop(method).wait()
        if self.latency:
            await asyncio.sleep(self.latency)  # the simulated network, not a race's cover
        fault = self._faults.pick(method) if self._faults else None
        if fault is not None:
            self.injected[fault] = self.injected.get(fault, 0) + 1
            if fault == "429":
                # Both forms of Retry-After (RFC 9110), a second or so ahead.
                after = "1" if self._seq % 2 else format_datetime(
                    datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": after})
            if fault == "500":
                return web.json_response({"ok": False, "error": "internal_error"}, status=500)
            if fault == "drop_after":
                self._answer(method, args)  # Slack acted; the answer never arrives
            return self._drop(request)
        if method in self._fail:
            return web.json_response({"ok": False, "error": self._fail.pop(method)})
        self._token = token
        answer = self._answer(method, args)
        if method == "chat.postMessage":
            async with self.posted:
                self.posted.notify_all()
        return web.json_response(answer)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "m_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            data = handler(args)
        except SlackError as err:
            return {"ok": False, "error": err.error}
        return {"ok": True, **data}

    @staticmethod
    def _drop(request: web.Request) -> web.Response:
        """Close the connection without an answer (the client sees it dropped)."""
        assert request.transport is not None
        request.transport.abort()
        return web.Response(status=500)  # goes nowhere: the connection is gone

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - uploaded")

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append({"rid": request.match_info["rid"], **body})
        return web.Response(text="ok")

    # Socket Mode ----------------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A123456"}})
        self.socket_ready.set()
        async for msg in ws:
            data = json.loads(msg.data)
            future = self._acks.pop(str(data.get("envelope_id")), None)
            if future is not None and not future.done():
                future.set_result(data)
        return ws

    async def close_sockets(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()

    async def socket_send(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one envelope the way Slack does; return the app's acknowledgement."""
        assert self._ws is not None, "nobody connected over Socket Mode"
        envelope_id = self._id("env-")
        ack: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = ack
        await self._ws.send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                  "accepts_response_payload": kind != "events_api",
                                  "retry_attempt": 0, "retry_reason": ""})
        return await asyncio.wait_for(ack, timeout=5)

    def m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.base_url.replace("http", "ws", 1) + "socket"}

    def _oauth_access(self, auth: str, args: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: the client credentials (HTTP Basic, or client_id and
        client_secret in the form) and a code `authorize` gave out, good once."""
        client = (str(args.get("client_id", "")), str(args.get("client_secret", "")))
        if auth.startswith("Basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            client = (user, password)
        if client != (CLIENT_ID, CLIENT_SECRET):
            return {"ok": False, "error": "invalid_client_id"}
        if args.get("grant_type") == "refresh_token":
            return self._refresh(str(args.get("refresh_token", "")))
        workspace = self.codes.pop(str(args.get("code", "")), None)
        if workspace is None:
            return {"ok": False, "error": "invalid_code"}
        token = f"xoxb-{workspace.team_id}-{uuid.uuid4().hex}"
        self.tokens[token] = workspace
        enterprise = ({"id": workspace.enterprise_id, "name": workspace.enterprise_name}
                      if workspace.enterprise_id else None)
        answer = {"ok": True, "app_id": "A123456", "access_token": token, "token_type": "bot",
                  "scope": "commands,chat:write", "bot_user_id": BOT_USER,
                  "team": None if workspace.org_wide else {"id": workspace.team_id,
                                                           "name": workspace.name},
                  "enterprise": enterprise, "is_enterprise_install": workspace.org_wide,
                  "authed_user": {"id": f"U{workspace.team_id}ADMIN"}}
        if self.token_lifetime is not None:
            answer.update(self._rotating(token, workspace))
        self.installed.append(answer)
        return answer

    def _rotating(self, token: str, workspace: Workspace) -> dict[str, Any]:
        assert self.token_lifetime is not None
        refresh = f"xoxe-{workspace.team_id}-{uuid.uuid4().hex}"
        self.refresh_tokens[refresh] = workspace
        self.expires[token] = time.time() + self.token_lifetime
        return {"refresh_token": refresh, "expires_in": self.token_lifetime}

    def _refresh(self, refresh: str) -> dict[str, Any]:
        """oauth.v2.access, grant_type=refresh_token: a new token (the old one stays good
        until it expires) and a new refresh token; the old refresh token is used up."""
        if self.refuse_refresh:
            return {"ok": False, "error": self.refuse_refresh}
        workspace = self.refresh_tokens.pop(refresh, None)
        if workspace is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        self.refreshes += 1
        token = f"xoxb-{workspace.team_id}-{uuid.uuid4().hex}"
        self.tokens[token] = workspace
        return {"ok": True, "access_token": token, "token_type": "bot",
                "team": {"id": workspace.team_id}, **self._rotating(token, workspace)}
