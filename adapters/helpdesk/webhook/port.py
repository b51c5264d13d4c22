"""The generic signed webhook's write-backs: each is POSTed to the ticket's `callback_url`
as JSON, signed with a key of their own (`X-Swarmbot-Callback-Signature: sha256=<hex>`
HMAC-SHA256 of the raw body with SWARMBOT_CALLBACK_SECRET), so a write-back can never pass
for a delivery. The URL is checked against `callback_origins` before each call and the
address it resolves to when the connection is made (callbacks.py); redirects are not
followed; what the target answers is never shown to people, only its status.

Nothing can be read back from an unknown system, so each event carries an `id` that stays
the same when it is sent again: the receiver keeps the first of each id.
"""

from __future__ import annotations

import json

import aiohttp

from adapters.helpdesk.http import JsonApi
from adapters.helpdesk.webhook.callbacks import CallbackPolicy, CallbackRefused
from adapters.helpdesk.webhook.intake import sign
from bot.helpdesk import Agent, HelpdeskError, Note, Ticket, TicketLink

CALLBACK_SIGNATURE = "X-Swarmbot-Callback-Signature"


class WebhookPort:
    name = "webhook"
    title = "the helpdesk"

    def __init__(self, secret: str, session: aiohttp.ClientSession,
                 policy: CallbackPolicy) -> None:
        self.secret = secret  # SWARMBOT_CALLBACK_SECRET, never the deliveries' secret
        self.policy = policy
        self.api = JsonApi("webhook", "", session, quote_errors=False)

    def ticket_id_of(self, ref: str) -> str | None:
        return None  # nothing to fetch from: `open` needs its words

    def link(self, ticket_id: str) -> str:
        return ""

    async def fetch_ticket(self, ticket_id: str) -> Ticket:
        raise HelpdeskError("fetch the ticket", "the generic webhook cannot be asked")

    async def _send(self, action: str, link: TicketLink, event: dict[str, str]) -> None:
        if not link.callback_url:
            return  # no callback_url in the webhook: nothing is written back
        try:  # again at send time: a link may predate the list as it is now
            self.policy.check(link.callback_url)
        except CallbackRefused as err:
            raise HelpdeskError(action, err.reason) from None
        raw = json.dumps({"ticket_id": link.ticket_id, **event}, sort_keys=True).encode()
        await self.api.call(action, "POST", link.callback_url, raw=raw,
                            headers={"Content-Type": "application/json",
                                     CALLBACK_SIGNATURE: f"sha256={sign(self.secret, raw)}"})

    async def add_note(self, link: TicketLink, note: Note) -> None:
        await self._send("post the note", link, {"event": "note", "id": note.marker,
                                                 "text": note.text})

    async def has_note(self, link: TicketLink, marker: str) -> bool:
        return False  # the receiver keeps the first event of each id

    async def find_agent(self, link: TicketLink, email: str) -> Agent | None:
        return Agent(id=email, email=email)  # the receiving system maps the email

    async def assignee(self, link: TicketLink) -> str | None:
        return None

    async def set_assignee(self, link: TicketLink, agent: Agent) -> None:
        await self._send("post the assignee", link, {"event": "assignee",
                                                     "id": f"assignee:{agent.email}",
                                                     "email": agent.email})

    # -- the ticket's life: told as events; the receiver keeps the first of each id -------
    async def status(self, link: TicketLink) -> str:
        return ""  # nothing can be read back: the event's id makes a resend harmless

    async def status_target(self, link: TicketLink, wanted: str) -> str:
        return wanted

    async def set_status(self, link: TicketLink, wanted: str, marker: str) -> None:
        await self._send("post the status", link, {"event": "status", "id": f"status:{marker}",
                                                   "status": wanted})

    async def priority(self, link: TicketLink) -> str | None:
        return None

    def priority_for(self, severity: int) -> str:
        return f"sev{severity}"

    async def set_priority(self, link: TicketLink, severity: int, marker: str) -> None:
        await self._send("post the severity", link, {
            "event": "severity", "id": f"severity:{marker}", "severity": f"sev{severity}"})
