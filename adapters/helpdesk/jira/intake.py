"""Jira automation webhooks ("Send web request"): authenticated by a secret header the rule
sends (`X-Swarmbot-Secret`). The rule sends no delivery id, so the body is the key: the same
body again (a retry, a replay) opens nothing twice."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from adapters.boundary import Rejected
from adapters.helpdesk.intake import body_key, same, ticket_of
from bot.helpdesk import Ticket

SECRET_HEADER = "X-Swarmbot-Secret"


class JiraIntake:
    name = "jira"
    title = "Jira"

    def __init__(self, secret: str, platform: str) -> None:
        self.secret = secret
        self.platform = platform

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        given = headers.get(SECRET_HEADER, "")
        if not given:
            raise Rejected(401, f"unauthenticated: the {SECRET_HEADER} header is required")
        if not same(self.secret, given):
            raise Rejected(401, f"{SECRET_HEADER} does not match")

    def ticket(self, data: dict) -> Ticket:
        ticket = ticket_of(data, self.name)
        return Ticket(**{**ticket.__dict__, "id": ticket.id.upper(), "ref": ticket.ref.upper()})

    def delivery_key(self, headers: Mapping[str, str], body: bytes) -> str:
        return f"jira:{body_key(body)}"
