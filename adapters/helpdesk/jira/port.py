"""Jira Service Management (Cloud) as the helpdesk port.

Basic auth `email:api_token`. The issue is read through the platform API
(`/rest/api/3/issue/{key}`); internal comments go through the service desk API
(`/rest/servicedeskapi/request/{key}/comment` with `"public": false`); the assignee is set
by account id (`PUT /rest/api/3/issue/{key}/assignee`), found from the email with
`/rest/api/3/user/search`.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp

from adapters.helpdesk.http import JsonApi, basic_auth
from bot.helpdesk import Agent, HelpdeskError, Note, Ticket, TicketLink

_KEY = re.compile(r"^([A-Z][A-Z0-9_]{0,30})-(\d{1,12})$")
PRIORITIES = {1: "Highest", 2: "High", 3: "Medium", 4: "Low"}
PAGE = 100
MAX_PAGES = 20


class JiraPort:
    name = "jira"
    title = "Jira"

    def __init__(self, api_url: str, email: str, token: str, session: aiohttp.ClientSession,
                 projects: list[str] | None = None) -> None:
        self.api_url = api_url.rstrip("/")
        self.projects = {p.upper() for p in projects or []}
        self.api = JsonApi("jira", self.api_url, session, basic_auth(email, token))

    def ticket_id_of(self, ref: str) -> str | None:
        found = _KEY.match(ref.upper())
        if found is None or (self.projects and found.group(1) not in self.projects):
            return None
        return ref.upper()

    def link(self, ticket_id: str) -> str:
        return f"{self.api_url}/browse/{ticket_id}"

    async def fetch_ticket(self, ticket_id: str) -> Ticket:
        data = await self.api.call("fetch the issue", "GET", f"/rest/api/3/issue/{ticket_id}",
                                   params={"fields": "summary,priority,reporter,assignee,"
                                                     "labels,customfield_10002"})
        fields = data.get("fields") or {}
        reporter = fields.get("reporter") or {}
        assignee = fields.get("assignee") or {}
        # Service management organizations: customfield_10002 on Cloud sites by default.
        orgs = fields.get("customfield_10002") or []
        org = orgs[0].get("name", "") if orgs and isinstance(orgs[0], dict) else ""
        key = data.get("key", ticket_id)
        return Ticket(helpdesk=self.name, id=key, ref=key, subject=fields.get("summary") or "",
                      url=self.link(key), priority=(fields.get("priority") or {}).get("name"),
                      requester=reporter.get("displayName", ""), organization=org,
                      assignee_email=assignee.get("emailAddress"),
                      tags=tuple(fields.get("labels") or []),
                      requester_tz=reporter.get("timeZone") or "")

    async def add_note(self, link: TicketLink, note: Note) -> None:
        await self.api.call("add an internal comment", "POST",
                            f"/rest/servicedeskapi/request/{link.ticket_id}/comment",
                            body={"body": note.text, "public": False})

    async def has_note(self, link: TicketLink, marker: str) -> bool:
        for page in range(MAX_PAGES):
            data = await self.api.call(
                "read the comments", "GET",
                f"/rest/servicedeskapi/request/{link.ticket_id}/comment",
                params={"public": "false", "internal": "true", "start": str(page * PAGE),
                        "limit": str(PAGE)})
            if any(marker in (c.get("body") or "") for c in data.get("values", [])):
                return True
            if data.get("isLastPage", True):
                return False
        return False

    async def find_agent(self, link: TicketLink, email: str) -> Agent | None:
        users = await self.api.call("find the agent", "GET", "/rest/api/3/user/search",
                                    params={"query": email})
        for user in users or []:
            if (user.get("emailAddress") or "").lower() == email.lower() and \
                    user.get("accountType", "atlassian") == "atlassian" and \
                    user.get("active", True):
                return Agent(id=user["accountId"], email=email)
        return None

    async def assignee(self, link: TicketLink) -> str | None:
        data = await self.api.call("read the assignee", "GET",
                                   f"/rest/api/3/issue/{link.ticket_id}",
                                   params={"fields": "assignee"})
        return ((data.get("fields") or {}).get("assignee") or {}).get("accountId")

    async def set_assignee(self, link: TicketLink, agent: Agent) -> None:
        await self.api.call("set the assignee", "PUT",
                            f"/rest/api/3/issue/{link.ticket_id}/assignee",
                            body={"accountId": agent.id})

    # -- the ticket's life: a status is reached by a transition (its name, or its target) --
    async def _fields(self, link: TicketLink, name: str) -> dict[str, Any]:
        data = await self.api.call(f"read the {name}", "GET",
                                   f"/rest/api/3/issue/{link.ticket_id}",
                                   params={"fields": name})
        return (data.get("fields") or {}).get(name) or {}

    async def status(self, link: TicketLink) -> str:
        return str((await self._fields(link, "status")).get("name") or "")

    async def _transition(self, link: TicketLink, wanted: str) -> dict[str, Any]:
        data = await self.api.call("read the transitions", "GET",
                                   f"/rest/api/3/issue/{link.ticket_id}/transitions")
        offered = data.get("transitions") or []
        for t in offered:
            if wanted.lower() in (str(t.get("name", "")).lower(),
                                  str((t.get("to") or {}).get("name", "")).lower()):
                return dict(t)
        names = ", ".join(str(t.get("name")) for t in offered) or "none"
        raise HelpdeskError("move the issue", f"no transition {wanted[:60]!r} is offered from "
                                              f"its status (offered: {names[:200]})")

    async def status_target(self, link: TicketLink, wanted: str) -> str:
        found = await self._transition(link, wanted)
        return str((found.get("to") or {}).get("name") or wanted)

    async def set_status(self, link: TicketLink, wanted: str, marker: str) -> None:
        found = await self._transition(link, wanted)
        await self.api.call("move the issue", "POST",
                            f"/rest/api/3/issue/{link.ticket_id}/transitions",
                            body={"transition": {"id": str(found.get("id"))}})

    async def priority(self, link: TicketLink) -> str | None:
        return (await self._fields(link, "priority")).get("name")

    def priority_for(self, severity: int) -> str:
        return PRIORITIES.get(severity, "Medium")

    async def set_priority(self, link: TicketLink, severity: int, marker: str) -> None:
        await self.api.call("set the priority", "PUT", f"/rest/api/3/issue/{link.ticket_id}",
                            body={"fields": {"priority": {"name": self.priority_for(severity)}}})
