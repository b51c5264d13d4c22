"""A fake Zendesk Support API v2 on loopback: the real paths, Basic `{email}/token:{token}`
auth, Zendesk's error bodies, sideloads, paginated comments, and injected faults."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from aiohttp import web

from tests.helpdesk.faults import Faults

EMAIL, TOKEN = "bot@acme.test", "zd-token"
STATES = {"status": ("new", "open", "pending", "hold", "solved", "closed"),
          "priority": ("urgent", "high", "normal", "low")}


class FakeZendesk:
    def __init__(self) -> None:
        self.tickets: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.orgs: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.assignments: dict[int, list[int]] = {}  # each change of a ticket's assignee
        self.statuses: dict[int, list[str]] = {}  # each change of a ticket's status
        self.priorities: dict[int, list[str]] = {}  # each change of a ticket's priority
        self.faults = Faults()
        # Set `hold`: a ticket read waits for it, after setting `reading` (a slow Zendesk).
        self.hold: asyncio.Event | None = None
        self.reading = asyncio.Event()
        self.base_url = ""
        self.app = web.Application()
        r = self.app.router
        r.add_get("/api/v2/tickets/{id}.json", self._show)
        r.add_put("/api/v2/tickets/{id}.json", self._update)
        r.add_get("/api/v2/tickets/{id}/comments.json", self._comments)
        r.add_get("/api/v2/users/search.json", self._search)

    def add_user(self, uid: int, name: str, email: str, role: str = "agent") -> None:
        self.users[uid] = {"id": uid, "name": name, "email": email, "role": role,
                           "active": True}

    def add_ticket(self, tid: int, subject: str, *, requester: int, org: str = "",
                   assignee: int | None = None, priority: str = "normal") -> None:
        org_id = None
        if org:
            org_id = 900 + len(self.orgs)
            self.orgs[org_id] = {"id": org_id, "name": org}
        self.tickets[tid] = {"id": tid, "subject": subject, "priority": priority,
                             "requester_id": requester, "organization_id": org_id,
                             "assignee_id": assignee, "tags": ["swarm"], "status": "open"}
        self.comments[tid] = [{"id": 1, "body": "Customer wrote in", "public": True}]
        self.assignments[tid] = []
        self.statuses[tid] = []
        self.priorities[tid] = []

    def notes(self, tid: int) -> list[str]:
        return [c["body"] for c in self.comments[tid] if not c["public"]]

    def _auth(self, request: web.Request) -> web.Response | None:
        want = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {want}":
            return web.json_response({"error": "Couldn't authenticate you"}, status=401)
        return self.faults.before(request)

    def _ticket(self, request: web.Request) -> dict[str, Any]:
        ticket = self.tickets.get(int(request.match_info["id"]))
        if ticket is None:
            raise web.HTTPNotFound(text='{"error":"RecordNotFound","description":"Not found"}',
                                   content_type="application/json")
        return ticket

    async def _show(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        ticket = self._ticket(request)
        if self.hold is not None:
            self.reading.set()
            await self.hold.wait()
        data: dict[str, Any] = {"ticket": ticket}
        include = request.query.get("include", "").split(",")
        if "users" in include:
            data["users"] = [self.users[u] for u in (ticket["requester_id"],
                                                     ticket["assignee_id"]) if u in self.users]
        if "organizations" in include and ticket["organization_id"]:
            data["organizations"] = [self.orgs[ticket["organization_id"]]]
        return web.json_response(data)

    async def _update(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        ticket = self._ticket(request)
        body = (await request.json()).get("ticket")
        if not isinstance(body, dict):
            return web.json_response({"error": "InvalidEndpoint"}, status=400)
        if "comment" in body:
            comment = body["comment"]
            if not comment.get("body"):
                return web.json_response({"error": "RecordInvalid",
                                          "description": "Record validation errors"},
                                         status=422)
            self.comments[ticket["id"]].append({"id": len(self.comments[ticket["id"]]) + 1,
                                                "body": comment["body"],
                                                "public": comment.get("public", True)})
        if "assignee_id" in body:
            if body["assignee_id"] not in self.users:
                return web.json_response({"error": "RecordInvalid",
                                          "description": "Assignee is invalid"}, status=422)
            if ticket["assignee_id"] != body["assignee_id"]:
                self.assignments[ticket["id"]].append(body["assignee_id"])
            ticket["assignee_id"] = body["assignee_id"]
        for name, changes in (("status", self.statuses), ("priority", self.priorities)):
            if name in body:
                if body[name] not in STATES[name]:
                    return web.json_response({"error": "RecordInvalid", "description":
                                              f"{name} is invalid"}, status=422)
                if ticket[name] != body[name]:
                    changes[ticket["id"]].append(body[name])
                ticket[name] = body[name]
        return self.faults.finish(request, web.json_response({"ticket": ticket}))

    async def _comments(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        ticket = self._ticket(request)
        page = int(request.query.get("page", "1"))
        every = self.comments[ticket["id"]]
        chunk = every[(page - 1) * 2:page * 2]  # tiny pages: the caller must follow next_page
        more = page * 2 < len(every)
        nxt = (f"{self.base_url}/api/v2/tickets/{ticket['id']}/comments.json?page={page + 1}"
               if more else None)
        return web.json_response({"comments": chunk, "next_page": nxt})

    async def _search(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        query = request.query.get("query", "")
        email = query.removeprefix("email:").lower()
        return web.json_response({"users": [u for u in self.users.values()
                                            if u["email"].lower() == email]})
