"""A loopback Microsoft Graph: the channel calls swarmbot makes (create, find by name,
describe, archive), a user by email, and a channel's messages or a thread's replies (read
from what the fake Bot Connector took: `connector`), with 429 + Retry-After on demand.
Used by the Graph tests and the time-to-swarm benchmark."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from testkit.teams.fake_connector import Call, FakeConnector


class FakeGraph:
    def __init__(self, connector: FakeConnector | None = None) -> None:
        # GET …/messages answers from the posts this Bot Connector recorded (and acted on).
        self.connector = connector
        self.calls: list[tuple[str, str, Any, str | None]] = []
        self.channels: dict[str, str] = {}
        self.users: dict[str, dict[str, str]] = {}  # user principal name -> user
        # object id -> {"availability": "Away", "activity": "OutOfOffice"} (GET …/presence)
        self.presence: dict[str, dict[str, str]] = {}
        self.throttle_next = 0
        self.tabs: dict[str, list[dict[str, Any]]] = {}  # channel id -> its tabs

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/v1.0/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        self.calls.append((request.method, request.path_qs, body,
                           request.headers.get("Authorization")))
        if self.throttle_next:
            self.throttle_next -= 1
            return web.json_response({"error": {"code": "TooManyRequests"}}, status=429,
                                     headers={"Retry-After": "0"})
        path = request.path
        if request.method == "GET" and path.endswith("/presence"):
            found = self.presence.get(path.split("/")[-2])
            if found is None:
                return web.json_response({"error": {"code": "ResourceNotFound",
                                                    "message": "no such user"}}, status=404)
            return web.json_response({"id": path.split("/")[-2], **found})
        if request.method == "GET" and path.startswith("/v1.0/users/"):
            user = self.users.get(path.removeprefix("/v1.0/users/").lower())
            if user is None:
                return web.json_response({"error": {"code": "Request_ResourceNotFound",
                                                    "message": "Resource does not exist"}},
                                         status=404)
            return web.json_response(user)
        if request.method == "GET" and (path.endswith("/messages")
                                        or path.endswith("/replies")):
            return self._messages(path)
        if "/tabs" in path:
            return self._tabs(request.method, path, body)
        if request.method == "POST" and path.endswith("/channels"):
            if body["displayName"] in self.channels.values():
                return web.json_response({"error": {"code": "NameAlreadyExists",
                                                    "message": "taken"}}, status=400)
            cid = f"19:{len(self.channels) + 1}@thread.tacv2"
            self.channels[cid] = body["displayName"]
            return web.json_response({"id": cid, "displayName": body["displayName"]},
                                     status=201)
        if request.method == "GET" and path.endswith("/channels"):
            name = request.query["$filter"].split("'")[1]
            return web.json_response({"value": [{"id": c, "displayName": n}
                                                for c, n in self.channels.items() if n == name]})
        return web.Response(status=202 if path.endswith("/archive") else 204)

    def _messages(self, path: str) -> web.Response:
        """GET /teams/{t}/channels/{c}/messages: the posts into the channel's conversation;
        …/messages/{id}/replies: the posts into the thread `{c};messageid={id}`. Newest
        first, as chatMessages (a card as the JSON text of its attachment, text as HTML)."""
        channel, _, rest = path.split("/channels/", 1)[1].partition("/messages")
        parent = rest.strip("/").removesuffix("/replies") or None
        conversation = f"{channel};messageid={parent}" if parent else channel
        posts = [] if self.connector is None else [
            c for c in self.connector.sent(conversation)
            if c.method == "POST" and c.answer and isinstance(c.body, dict)]
        return web.json_response({"value": [_chat_message(c) for c in reversed(posts)]})

    def _tabs(self, method: str, path: str, body: Any) -> web.Response:
        channel = path.split("/channels/")[1].split("/")[0]
        tabs = self.tabs.setdefault(channel, [])
        if method == "GET":
            return web.json_response({"value": tabs})
        if method == "POST":
            if not str(body.get("teamsApp@odata.bind", "")).endswith(
                    "/teamsApps/com.microsoft.teamspace.tab.web"):
                return web.json_response({"error": {"code": "BadRequest",
                                                    "message": "unknown app"}}, status=400)
            tab = {"id": f"tab-{len(tabs) + 1}", "displayName": body["displayName"],
                   "configuration": body["configuration"]}
            tabs.append(tab)
            return web.json_response(tab, status=201)
        tab_id = path.rsplit("/", 1)[1]
        for tab in tabs:
            if tab["id"] == tab_id:
                tab["configuration"] = body["configuration"]
                return web.json_response(tab)
        return web.json_response({"error": {"code": "NotFound", "message": "no tab"}},
                                 status=404)


def _chat_message(call: Call) -> dict[str, Any]:
    activity: dict[str, Any] = call.body
    attachments = [{"id": str(i), "contentType": a.get("contentType"),
                    "content": json.dumps(a.get("content"))}
                   for i, a in enumerate(activity.get("attachments") or [])]
    body = "".join(f'<attachment id="{a["id"]}"></attachment>' for a in attachments) or \
        "<p>" + html.escape(str(activity.get("text", ""))).replace(
            "&lt;at&gt;", '<at id="0">').replace("&lt;/at&gt;", "</at>") + "</p>"
    return {"id": call.answer["id"], "messageType": "message",
            "body": {"contentType": "html", "content": body}, "attachments": attachments}


class StaticToken:
    async def token(self) -> str:
        return "graph-token"
