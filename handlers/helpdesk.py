"""A helpdesk webhook's ticket -> the typed `open` command, run through the one entrance.

The adapter has authenticated the webhook and read it into a neutral `Ticket`; here the
assignee is looked up on the chat platform by email (never guessed), the command is built
and validated like a typed `open`, and run once per delivery id (the inbox).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from bot.errors import CommandError
from bot.helpdesk import Ticket
from bot.services import helpdesk
from handlers.cases import from_ticket
from handlers.delivery import Sender
from handlers.entrance import Entrance


@dataclass(frozen=True)
class Intake:
    status: str  # "opened" | "exists" (an open swarm has the ticket) | "duplicate" | "refused"
    ref: str
    room: str | None = None
    message: str = ""

    def as_json(self) -> dict[str, str | None]:
        return {"status": self.status, "ref": self.ref, "room": self.room,
                "message": self.message}


async def intake(entrance: Entrance, ticket: Ticket, key: str, platform: str,
                 title: str) -> Intake:
    deps = entrance.deps
    existing = deps.store.cases.by_ref(ticket.ref)
    owner, why = (None, "") if existing else await helpdesk.owner_for(
        deps, platform, ticket.assignee_email)
    # Without an owner found, the helpdesk itself opens the swarm and triage is asked for one.
    sender = Sender(id=owner) if owner else Sender(id=ticket.helpdesk, name=title)
    try:
        command = from_ticket(ticket, no_owner=None if owner else why)
    except CommandError as err:
        return Intake("refused", ticket.ref, message=err.message)
    payload = json.dumps({"ticket": asdict(ticket), "platform": platform}, sort_keys=True)
    outcome = await entrance.execute_once(key, f"helpdesk:{ticket.helpdesk}", payload,
                                          platform, sender, "open", command)
    case = deps.store.cases.by_ref(ticket.ref)
    room = case.room_name if case else None
    if outcome.duplicate:
        return Intake("duplicate", ticket.ref, room, "this delivery was seen before")
    if existing is not None:
        return Intake("exists", existing.ref, existing.room_name,
                      f"{existing.ref} already has a swarm")
    if case is None:
        text = " ".join(r.text for r in outcome.replies)
        return Intake("refused", ticket.ref, message=text)
    return Intake("opened", case.ref, room, " ".join(r.text for r in outcome.replies))
