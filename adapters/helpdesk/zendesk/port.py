"""Zendesk Support's REST API (v2) as the helpdesk port.

Auth is `{email}/token:{api_token}` Basic auth. Internal notes are ticket updates with
`{"comment": {"body", "public": false}}`; comments are read back to find a note's marker.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp

from adapters.helpdesk.http import JsonApi, basic_auth
from bot.helpdesk import Agent, HelpdeskError, Note, Ticket, TicketLink

_REF = re.compile(r"^ZD-(\d{1,18})$", re.IGNORECASE)
PRIORITIES = {1: "urgent", 2: "high", 3: "normal", 4: "low"}
MAX_PAGES = 20  # comments pages read looking for a marker (100 each)


class ZendeskPort:
    name = "zendesk"
    title = "Zendesk"

    def __init__(self, api_url: str, email: str, token: str,
                 session: aiohttp.ClientSession) -> None:
        self.api_url = api_url.rstrip("/")
        self.api = JsonApi("zendesk", self.api_url, session,
                           basic_auth(f"{email}/token", token))

    def ticket_id_of(self, ref: str) -> str | None:
        found = _REF.match(ref)
        return found.group(1) if found else None

    def link(self, ticket_id: str) -> str:
        return f"{self.api_url}/agent/tickets/{ticket_id}"

    async def fetch_ticket(self, ticket_id: str) -> Ticket:
        data = await self.api.call("fetch the ticket", "GET",
                                   f"/api/v2/tickets/{ticket_id}.json",
                                   params={"include": "users,organizations"})
        ticket = data["ticket"]
        users = {u["id"]: u for u in data.get("users", [])}
        orgs = {o["id"]: o for o in data.get("organizations", [])}
        requester = users.get(ticket.get("requester_id"), {})
        assignee = users.get(ticket.get("assignee_id"), {})
        return Ticket(helpdesk=self.name, id=str(ticket["id"]), ref=f"ZD-{ticket['id']}",
                      subject=ticket.get("subject") or "", url=self.link(str(ticket["id"])),
                      priority=ticket.get("priority"), requester=requester.get("name", ""),
                      organization=orgs.get(ticket.get("organization_id"), {}).get("name", ""),
                      assignee_email=assignee.get("email"), tags=tuple(ticket.get("tags", [])),
                      requester_tz=requester.get("iana_time_zone") or "")

    async def add_note(self, link: TicketLink, note: Note) -> None:
        await self.api.call("add an internal note", "PUT",
                            f"/api/v2/tickets/{link.ticket_id}.json",
                            body={"ticket": {"comment": {"body": note.text, "public": False}}})

    async def has_note(self, link: TicketLink, marker: str) -> bool:
        url: str | None = f"/api/v2/tickets/{link.ticket_id}/comments.json"
        for _ in range(MAX_PAGES):
            if url is None:
                return False
            data = await self.api.call("read the ticket's comments", "GET", url)
            if any(marker in (c.get("body") or "") for c in data.get("comments", [])):
                return True
            url = data.get("next_page")
        return False

    async def find_agent(self, link: TicketLink, email: str) -> Agent | None:
        data = await self.api.call("find the agent", "GET", "/api/v2/users/search.json",
                                   params={"query": f"email:{email}"})
        for user in data.get("users", []):
            if (user.get("email") or "").lower() == email.lower() and \
                    user.get("role") in ("agent", "admin") and user.get("active", True):
                return Agent(id=str(user["id"]), email=email)
        return None

    async def assignee(self, link: TicketLink) -> str | None:
        data = await self.api.call("read the assignee", "GET",
                                   f"/api/v2/tickets/{link.ticket_id}.json")
        value: Any = data["ticket"].get("assignee_id")
        return str(value) if value is not None else None

    async def set_assignee(self, link: TicketLink, agent: Agent) -> None:
        if not agent.id.isdigit():
            raise HelpdeskError("set the assignee", f"{agent.id!r} is not a Zendesk user id")
        await self.api.call("set the assignee", "PUT",
                            f"/api/v2/tickets/{link.ticket_id}.json",
                            body={"ticket": {"assignee_id": int(agent.id)}})

    # -- the ticket's life: statuses and priorities are fields, set by a ticket update ----
    async def _field(self, link: TicketLink, name: str) -> Any:
        data = await self.api.call(f"read the {name}", "GET",
                                   f"/api/v2/tickets/{link.ticket_id}.json")
        return data["ticket"].get(name)

    async def status(self, link: TicketLink) -> str:
        return str(await self._field(link, "status") or "")

    async def status_target(self, link: TicketLink, wanted: str) -> str:
        return wanted.lower()

    async def set_status(self, link: TicketLink, wanted: str, marker: str) -> None:
        await self.api.call("set the status", "PUT", f"/api/v2/tickets/{link.ticket_id}.json",
                            body={"ticket": {"status": wanted.lower()}})

    async def priority(self, link: TicketLink) -> str | None:
        value = await self._field(link, "priority")
        return str(value) if value else None

    def priority_for(self, severity: int) -> str:
        return PRIORITIES.get(severity, "normal")

    async def set_priority(self, link: TicketLink, severity: int, marker: str) -> None:
        await self.api.call("set the priority", "PUT",
                            f"/api/v2/tickets/{link.ticket_id}.json",
                            body={"ticket": {"priority": self.priority_for(severity)}})
