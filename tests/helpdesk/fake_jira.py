"""A fake Jira Cloud + Service Management API on loopback: the platform issue API, the
service desk request comments (public and internal), user search, assignee by accountId,
Basic `email:token` auth, Jira's `{"errorMessages": [...]}` errors and injected faults."""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web

from tests.helpdesk.faults import Faults

EMAIL, TOKEN = "bot@acme.test", "jira-token"
# A service desk workflow: transitions (id, name, target) offered from each status.
WORKFLOW = {"Open": [("11", "Resolve this issue", "Resolved"), ("21", "Cancel request",
                                                                "Canceled")],
            "Resolved": [("31", "Reopen", "Open")], "Canceled": [("31", "Reopen", "Open")]}


class FakeJira:
    def __init__(self) -> None:
        self.issues: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, list[dict[str, Any]]] = {}
        self.assignments: dict[str, list[str]] = {}  # each change of an issue's assignee
        self.moves: dict[str, list[str]] = {}  # each transition's target status
        self.priorities: dict[str, list[str]] = {}  # each change of an issue's priority
        self.faults = Faults(seed=5)
        self.app = web.Application()
        r = self.app.router
        r.add_get("/rest/api/3/issue/{key}", self._issue)
        r.add_put("/rest/api/3/issue/{key}/assignee", self._assign)
        r.add_put("/rest/api/3/issue/{key}", self._edit)
        r.add_get("/rest/api/3/issue/{key}/transitions", self._transitions)
        r.add_post("/rest/api/3/issue/{key}/transitions", self._transition)
        r.add_get("/rest/api/3/user/search", self._search)
        r.add_post("/rest/servicedeskapi/request/{key}/comment", self._comment)
        r.add_get("/rest/servicedeskapi/request/{key}/comment", self._list_comments)

    def add_user(self, account: str, name: str, email: str) -> None:
        self.users[account] = {"accountId": account, "displayName": name,
                               "emailAddress": email, "accountType": "atlassian",
                               "active": True}

    def add_issue(self, key: str, summary: str, reporter: str, org: str,
                  assignee: str | None, priority: str = "High") -> None:
        self.issues[key] = {"key": key, "fields": {
            "summary": summary, "priority": {"name": priority},
            "reporter": {"displayName": reporter}, "labels": ["swarm"],
            "assignee": self.users.get(assignee) if assignee else None,
            "customfield_10002": [{"name": org}] if org else [],
            "status": {"name": "Open"}}}
        self.comments[key] = []
        self.assignments[key] = []
        self.moves[key] = []
        self.priorities[key] = []

    def internal(self, key: str) -> list[str]:
        return [c["body"] for c in self.comments[key] if not c["public"]]

    def _auth(self, request: web.Request) -> web.Response | None:
        want = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {want}":
            return web.json_response({"errorMessages": ["Client must be authenticated"],
                                      "errors": {}}, status=401)
        return self.faults.before(request)

    def _get(self, key: str) -> dict[str, Any]:
        if key not in self.issues:
            raise web.HTTPNotFound(
                text='{"errorMessages":["Issue does not exist or you do not have permission '
                     'to see it."],"errors":{}}', content_type="application/json")
        return self.issues[key]

    async def _issue(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        return web.json_response(self._get(request.match_info["key"]))

    async def _assign(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        issue = self._get(request.match_info["key"])
        account = (await request.json()).get("accountId")
        if account not in self.users:
            return web.json_response({"errorMessages": [], "errors": {
                "assignee": f"User '{account}' cannot be assigned issues."}}, status=400)
        if (issue["fields"]["assignee"] or {}).get("accountId") != account:
            self.assignments[issue["key"]].append(account)
        issue["fields"]["assignee"] = self.users[account]
        return self.faults.finish(request, web.Response(status=204))

    async def _search(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        query = request.query.get("query", "").lower()
        return web.json_response([u for u in self.users.values()
                                  if u["emailAddress"].lower() == query])

    async def _comment(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        key = request.match_info["key"]
        self._get(key)
        body = await request.json()
        if not body.get("body"):
            return web.json_response({"errorMessages": ["Comment body can not be empty!"],
                                      "errors": {}}, status=400)
        comment = {"id": str(len(self.comments[key]) + 1), "body": body["body"],
                   "public": bool(body.get("public", True))}
        self.comments[key].append(comment)
        return self.faults.finish(request, web.json_response(comment, status=201))

    async def _list_comments(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        key = request.match_info["key"]
        self._get(key)
        start, limit = int(request.query.get("start", 0)), int(request.query.get("limit", 50))
        found = [c for c in self.comments[key] if
                 (c["public"] and request.query.get("public", "true") == "true") or
                 (not c["public"] and request.query.get("internal", "true") == "true")]
        page = found[start:start + limit]
        return web.json_response({"size": len(page), "start": start, "limit": limit,
                                  "isLastPage": start + limit >= len(found), "values": page})

    async def _edit(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        issue = self._get(request.match_info["key"])
        name = ((await request.json()).get("fields") or {}).get("priority", {}).get("name")
        if name not in ("Highest", "High", "Medium", "Low", "Lowest"):
            return web.json_response({"errorMessages": [], "errors": {
                "priority": "Specify a valid priority"}}, status=400)
        if issue["fields"]["priority"]["name"] != name:
            self.priorities[issue["key"]].append(name)
        issue["fields"]["priority"] = {"name": name}
        return self.faults.finish(request, web.Response(status=204))

    def _offered(self, issue: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"id": i, "name": n, "to": {"name": to}}
                for i, n, to in WORKFLOW.get(issue["fields"]["status"]["name"], [])]

    async def _transitions(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        return web.json_response({"transitions": self._offered(
            self._get(request.match_info["key"]))})

    async def _transition(self, request: web.Request) -> web.Response:
        if (refused := self._auth(request)) is not None:
            return refused
        issue = self._get(request.match_info["key"])
        wanted = ((await request.json()).get("transition") or {}).get("id")
        found = [t for t in self._offered(issue) if t["id"] == wanted]
        if not found:  # Jira's answer to a transition not offered from the status
            return web.json_response({"errorMessages": [
                f"Transition id '{wanted}' is not valid for this issue."], "errors": {}},
                status=400)
        issue["fields"]["status"] = {"name": found[0]["to"]["name"]}
        self.moves[issue["key"]].append(found[0]["to"]["name"])
        return self.faults.finish(request, web.Response(status=204))
