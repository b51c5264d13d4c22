"""A helpdesk webhook's ticket -> the typed `open` command, run through the one entrance.

The adapter has authenticated the webhook and read it into a neutral `Ticket`; here it is
written to the one inbox first (under the helpdesk's delivery id), then the assignee is
looked up on the chat platform by email (never guessed), the command is built and
validated like a typed `open`, and run with the inbox row marked done in its transaction.
A process killed in between leaves the row unfinished: `replay` runs it at the next start
(the helpdesk's own redelivery only finds the key and answers "duplicate").
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from bot.errors import CommandError
from bot.helpdesk import Ticket
from bot.services import helpdesk
from handlers.cases import from_ticket
from handlers.delivery import Sender
from handlers.entrance import Entrance

log = logging.getLogger("swarmbot.helpdesk")


@dataclass(frozen=True)
class Intake:
    status: str  # "opened" | "exists" (an open swarm has the ticket) | "duplicate" | "refused"
    ref: str
    room: str | None = None
    message: str = ""

    def as_json(self) -> dict[str, str | None]:
        return {"status": self.status, "ref": self.ref, "room": self.room,
                "message": self.message}


def inbox_source(helpdesk_name: str) -> str:
    return f"helpdesk:{helpdesk_name}"


async def intake(entrance: Entrance, ticket: Ticket, key: str, platform: str,
                 title: str) -> Intake:
    deps = entrance.deps
    payload = json.dumps({"ticket": asdict(ticket), "platform": platform}, sort_keys=True)
    if not deps.store.inbox.put(key, inbox_source(ticket.helpdesk), payload, deps.now_iso()):
        log.info("%s delivery %s seen before: not redone", ticket.helpdesk, key)
        case = deps.store.cases.by_ref(ticket.ref)
        return Intake("duplicate", ticket.ref, case.room_name if case else None,
                      "this delivery was seen before")
    return await _open(entrance, ticket, key, platform, title)


async def replay(entrance: Entrance, titles: Mapping[str, str]) -> int:
    """At start-up: run the webhooks the inbox holds unfinished (a process killed between
    writing the delivery and committing its command). `titles`: helpdesk name -> title."""
    deps, count = entrance.deps, 0
    for name, title in titles.items():
        for row in deps.store.inbox.pending(inbox_source(name)):
            try:
                data = json.loads(row.payload)
                fields = dict(data["ticket"])
                ticket = Ticket(**{**fields, "tags": tuple(fields.get("tags") or ())})
                platform = str(data["platform"])
            except (ValueError, KeyError, TypeError) as err:
                # Written by another version: it cannot be run, so it is closed (logged).
                log.warning("inbox %s: unreadable %s webhook, closed unrun (%s)", row.key,
                            name, err)
                deps.store.inbox.done(row.key, deps.now_iso())
                continue
            log.info("helpdesk: finishing %s delivery %s (%s) from before the restart", name,
                     row.key, ticket.ref)
            result = await _open(entrance, ticket, row.key, platform, title)
            log.info("helpdesk: %s %s", ticket.ref, result.status)
            count += 1
    return count


async def _open(entrance: Entrance, ticket: Ticket, key: str, platform: str,
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
        deps.store.inbox.done(key, deps.now_iso())
        return Intake("refused", ticket.ref, message=err.message)
    # Nobody reads the webhook's answer: what gives up is told to the owner directly.
    outcome = await entrance.execute(platform, sender, "open", command, key=key,
                                     read_by_sender=False)
    case = deps.store.cases.by_ref(ticket.ref)
    room = case.room_name if case else None
    if existing is not None:
        return Intake("exists", existing.ref, existing.room_name,
                      f"{existing.ref} already has a swarm")
    if case is None:
        text = " ".join(r.text for r in outcome.replies)
        return Intake("refused", ticket.ref, message=text)
    return Intake("opened", case.ref, room, " ".join(r.text for r in outcome.replies))
