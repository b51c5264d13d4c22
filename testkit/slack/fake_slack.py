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
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from aiohttp import web

TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"  # Socket Mode: apps.connections.open takes the app token
BOT_USER = "UBOT"
_NAME_OK = re.compile(r"^[a-z0-9_-]{1,80}$")


# The app's OAuth credentials at the fake (oauth.v2.access checks them, HTTP Basic).
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    content_type: str
    token: str = ""  # the Bearer token the call carried


@dataclass
class Workspace:
    """A workspace the app can be installed in by OAuth (`FakeSlack.workspace`)."""

    team_id: str
    name: str
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    org_wide: bool = False  # an Enterprise Grid org-wide install (is_enterprise_install)


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool
    members: set[str] = field(default_factory=lambda: {BOT_USER})
    topic: str = ""
    archived: bool = False
    bookmarks: list[dict[str, Any]] = field(default_factory=list)  # bookmarks.add/.edit

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "is_channel": not self.is_private,
                "is_group": self.is_private, "is_private": self.is_private,
                "is_archived": self.archived, "topic": {"value": self.topic},
                "num_members": len(self.members)}


# Calls never failed: start-up's (a failed auth.test stops `serve`, which is its own test).
_NEVER_FAIL = {"auth.test", "apps.connections.open"}
FAULT_KINDS = ("429", "500", "drop_before", "drop_after")


@dataclass
class Faults:
    rate: float
    kinds: tuple[str, ...]
    rng: random.Random

    def pick(self, method: str) -> str | None:
        if method in _NEVER_FAIL or self.rng.random() >= self.rate:
            return None
        return self.rng.choice(self.kinds)


class SlackError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class FakeSlack:
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
    def add_channel(self, name: str, private: bool = False, members: set[str] | None = None
                    ) -> Channel:
        ch = Channel(id=self._id("G" if private else "C"), name=name, is_private=private)
        if members:
            ch.members |= members
        self.channels[ch.id] = ch
        return ch

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

    def channel_named(self, name: str) -> Channel | None:
        return next((c for c in self.channels.values() if c.name == name), None)

    def response_url(self, rid: str) -> str:
        return f"{self.base_url}response/{rid}"

    # wire -------------------------------------------------------------------
    def _id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    def _ts(self) -> str:
        self._seq += 1
        return f"1700000000.{self._seq:06d}"

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

    def m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            raise SlackError("invalid_arguments")
        file_id = self._id("F")
        self.alt_texts[file_id] = str(args.get("alt_txt") or "")
        return {"file_id": file_id, "upload_url": f"{self.base_url}upload/{file_id}"}

    def m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        files = json.loads(files) if isinstance(files, str) else files
        if not files or any(f["id"] not in self.uploads for f in files):
            raise SlackError("file_not_found")
        channel = str(args.get("channel_id", ""))
        if channel and BOT_USER not in self._channel(channel).members:
            raise SlackError("not_in_channel")
        for f in files:
            self.shared_files.append({"channel": channel, "title": f.get("title"),
                                      "alt": self.alt_texts.get(f["id"], ""),
                                      "bytes": self.uploads[f["id"]]})
        return {"files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append({"rid": request.match_info["rid"], **body})
        return web.Response(text="ok")

    def _channel(self, cid: Any) -> Channel:
        ch = self.channels.get(str(cid))
        if ch is None:
            raise SlackError("channel_not_found")
        return ch

    @staticmethod
    def _list(value: Any) -> list[str]:
        if isinstance(value, list):
            return [str(v) for v in value]
        return [v for v in str(value or "").split(",") if v]

    @staticmethod
    def _blocks(args: dict[str, Any]) -> list[dict[str, Any]]:
        blocks = args.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if len(blocks) > 50:
            raise SlackError("invalid_blocks")
        return blocks

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

    # methods ------------------------------------------------------------------
    def m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        ws = self.tokens.get(self._token, Workspace("T0001", "Fake"))
        return {"url": "https://fake.slack.com/", "team": ws.name, "user": "swarmbot",
                "team_id": ws.team_id, "user_id": BOT_USER, "bot_id": "BBOT",
                "enterprise_id": ws.enterprise_id, "is_enterprise_install": ws.org_wide}

    def m_conversations_create(self, args: dict[str, Any]) -> dict[str, Any]:
        name = str(args.get("name", ""))
        if not _NAME_OK.match(name):
            raise SlackError("invalid_name_specials" if len(name) <= 80
                             else "invalid_name_maxlength")
        if self.channel_named(name):
            raise SlackError("name_taken")
        private = str(args.get("is_private", "false")).lower() in ("1", "true")
        return {"channel": self.add_channel(name, private).to_json()}

    def m_conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        if ch.archived:
            raise SlackError("is_archived")
        users = self._list(args.get("users"))
        if not users:
            raise SlackError("no_user")
        if BOT_USER in users:
            raise SlackError("cant_invite_self")
        if all(u in ch.members for u in users):
            raise SlackError("already_in_channel")
        ch.members |= set(users)
        return {"channel": ch.to_json()}

    def m_bookmarks_list(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"bookmarks": list(self._channel(args.get("channel_id")).bookmarks)}

    def m_bookmarks_add(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel_id"))
        if ch.archived:
            raise SlackError("is_archived")
        if args.get("type") != "link" or not str(args.get("link", "")).startswith("http"):
            raise SlackError("invalid_link")
        if not args.get("title"):
            raise SlackError("invalid_title")
        mark = {"id": self._id("Bk"), "channel_id": ch.id, "title": args["title"],
                "link": args["link"], "type": "link"}
        ch.bookmarks.append(mark)
        return {"bookmark": mark}

    def m_bookmarks_edit(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel_id"))
        mark = next((b for b in ch.bookmarks if b["id"] == args.get("bookmark_id")), None)
        if mark is None:
            raise SlackError("not_found")
        mark.update({k: args[k] for k in ("title", "link") if args.get(k)})
        return {"bookmark": mark}

    def m_conversations_setTopic(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        topic = str(args.get("topic", ""))
        if len(topic) > 250:
            raise SlackError("too_long")
        ch.topic = topic
        return {"channel": ch.to_json()}

    def m_conversations_archive(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        if ch.archived:
            raise SlackError("already_archived")
        ch.archived = True
        return {}

    def m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = self._list(args.get("users"))
        if len(users) != 1:
            raise SlackError("users_list_not_supplied")
        return {"channel": {"id": "D" + users[0]}}

    def m_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        exclude = str(args.get("exclude_archived", "false")).lower() in ("1", "true")
        found = [c for c in self.channels.values() if not (exclude and c.archived)]
        limit = self.page_size or int(args.get("limit", 100))
        start = int(args.get("cursor") or 0)
        page = found[start:start + limit]
        more = start + limit < len(found)
        return {"channels": [c.to_json() for c in page],
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        target = str(args.get("channel", ""))
        if not (args.get("text") or args.get("blocks")):
            raise SlackError("no_text")
        blocks = self._blocks(args)
        if not target.startswith(("D", "U")):
            ch = self._channel(target)
            if ch.archived:
                raise SlackError("is_archived")
            if BOT_USER not in ch.members:
                raise SlackError("not_in_channel")
        ts = self._ts()
        self.messages.append({"channel": target, "ts": ts, "text": args.get("text", ""),
                              "blocks": blocks})
        return {"channel": target, "ts": ts, "message": {"text": args.get("text", "")}}

    def m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        target = str(args.get("channel", ""))
        # A DM channel (conversations.open's D<user>) is no channel of ours, but has history.
        cid = target if target.startswith("D") else self._channel(target).id
        limit = int(args.get("limit", 100))
        found = [m for m in self.messages if m["channel"] == cid][::-1][:limit]
        return {"messages": [{"type": "message", "ts": m["ts"], "text": m["text"]}
                             for m in found], "has_more": False}

    def m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        ts, target = str(args.get("ts", "")), str(args.get("channel", ""))
        found = [m for m in self.messages if m["channel"] == target and m["ts"] == ts]
        if not found:
            raise SlackError("message_not_found")
        found[0].update(text=args.get("text", ""), blocks=self._blocks(args))
        self.updates.append({"channel": target, "ts": ts})
        return {"channel": target, "ts": ts}

    def m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        ts, target = str(args.get("ts", "")), str(args.get("channel", ""))
        found = [m for m in self.messages if m["channel"] == target and m["ts"] == ts]
        if not found:
            raise SlackError("message_not_found")
        self.messages.remove(found[0])
        self.deleted.append({"channel": target, "ts": ts})
        return {"channel": target, "ts": ts}

    def m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        if BOT_USER not in ch.members:
            raise SlackError("not_in_channel")
        self.ephemerals.append({"channel": ch.id, "user": args.get("user"),
                                "text": args.get("text", ""), "blocks": self._blocks(args)})
        return {"message_ts": self._ts()}

    def m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = str(args.get("trigger_id", ""))
        if not trigger:
            raise SlackError("invalid_arguments")
        if trigger in self.expired_triggers:
            raise SlackError("expired_trigger_id")
        view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
        view_id, hash_ = self._id("V"), self._id("H")
        self.views.append({"method": "views.open", "trigger_id": trigger, "view": view,
                           "id": view_id, "hash": hash_})
        return {"view": {"id": view_id, "hash": hash_, **view}}

    def m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = str(args.get("view_id", ""))
        opened = [v for v in self.views if v.get("id") == view_id]
        if not opened:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != opened[-1].get("hash"):
            raise SlackError("hash_conflict")
        view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
        self.views.append({"method": "views.update", "id": view_id, "view": view,
                           "hash": self._id("H")})
        return {"view": {"id": view_id, **view}}

    def m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
        self.views.append({"method": "views.publish", "user_id": args.get("user_id"),
                           "view": view})
        return {"view": {"id": self._id("V"), **view}}

    def m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        uid = str(args.get("user", ""))
        user = self.users.get(uid)
        if user is None:
            raise SlackError("user_not_found")
        if str(args.get("include_locale", "")).lower() not in ("1", "true"):
            # Slack's shape: `user.locale` ("de-DE") only when include_locale is true.
            user = {k: v for k, v in user.items() if k != "locale"}
        return {"user": user}

    def m_users_getPresence(self, args: dict[str, Any]) -> dict[str, Any]:
        """`presence` as set on the user here ("active" unless a test says "away")."""
        user = self.users.get(str(args.get("user", "")))
        if user is None:
            raise SlackError("user_not_found")
        return {"presence": user.get("presence", "active")}

    def m_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).lower()
        if not email:
            raise SlackError("invalid_arguments")
        for user in self.users.values():
            if str(user.get("profile", {}).get("email", "")).lower() == email:
                return {"user": user}
        raise SlackError("users_not_found")
