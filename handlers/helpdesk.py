"""A helpdesk webhook's ticket -> the typed `open` command, through the one door.

The adapter has authenticated the webhook and read it into a neutral `Ticket`; `delivery_of`
checks the command it asks for (a ticket that cannot be opened is refused before anything is
kept) and makes it a `Delivery` (kind `Ticketed`), which the adapter writes to the one inbox
with `Entrance.record` under the helpdesk's delivery id and then answers the webhook at once.
After the answer, `finish` does the work: the assignee is looked up on the chat platform by
email (network, at the edge, never guessed), then `open` runs as one unit of work with the
inbox row marked done in its transaction, and the platform calls it recorded are made.
A process killed in between leaves the row pending: the entrance's one replay loop runs
`finish` on it (registered with `Entrance.replays.register` per helpdesk), and the helpdesk's own
redelivery only finds the key.

Nobody reads what the work ends as (the webhook was answered): an open swarm for the ticket
already ("exists") is logged; a refusal is logged and told to the triage room; a platform
call that gives up is told to the case owner (`read_by_sender=False`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot import tenancy, workspace_tenants
from bot.domain import Case
from bot.errors import PortError
from bot.helpdesk import Ticket
from bot.i18n import _
from bot.replies import Reply, Tone
from bot.services import helpdesk
from handlers.cases import from_ticket
from handlers.delivery import Delivery, Sender, Ticketed
from handlers.entrance import Entrance, Outcome
from handlers.lifecycle import Why
from handlers.unit_of_work import StoreUnavailable

log = logging.getLogger("swarmbot.helpdesk")
T = TypeVar("T")


@dataclass(frozen=True)
class Intake:
    """What a webhook's work ended as: "opened" | "exists" (a swarm has the ticket's ref
    already) | "reopened" (its swarm was closed: reopened) | "refused" | "duplicate" (done
    before) | "delayed" (the store failed: the row stays pending, the replay loop runs it
    again)."""

    status: str
    ref: str
    room: str | None = None
    message: str = ""


def inbox_source(helpdesk_name: str) -> str:
    return f"helpdesk:{helpdesk_name}"


def delivery_of(ticket: Ticket, key: str, platform: str, title: str) -> Delivery:
    """The webhook as the inbox keeps it. Raises CommandError (a 400 for the helpdesk,
    nothing kept) when the ticket cannot make an `open` at all."""
    from_ticket(ticket)  # the same check `finish` makes again: words only, no store
    return Delivery(source=inbox_source(ticket.helpdesk),
                    sender=Sender(id=ticket.helpdesk, name=title),
                    what=Ticketed(ticket, platform), key=key)


def replayer(entrance: Entrance) -> Callable[[Delivery], Awaitable[None]]:
    """How the entrance's replay loop finishes a helpdesk's pending webhook."""
    async def replay(delivery: Delivery) -> None:
        await finish(entrance, delivery)
    return replay


async def finish(entrance: Entrance, delivery: Delivery) -> Intake:
    """`_finish` in the workspace the helpdesk's swarms open in (its `workspace`, where one
    deployment serves several; bot/tenancy.py)."""
    what = delivery.what
    name = what.ticket.helpdesk if isinstance(what, Ticketed) else ""
    section = getattr(entrance.deps.config.helpdesk, name, None)
    tenant = tenancy.of(str(getattr(section, "workspace", "") or ""))
    if isinstance(what, Ticketed):  # with the workspace's own triage channel and types
        tenant = await workspace_tenants.with_settings(entrance.deps, what.platform, tenant)
    with tenancy.scoped(tenant):
        return await _finish(entrance, delivery)


async def _finish(entrance: Entrance, delivery: Delivery) -> Intake:
    """The webhook's work, after its answer: the owner found, then `open` as one unit of
    work that marks the inbox row done. Logged, since nobody reads the result."""
    what = delivery.what
    if not isinstance(what, Ticketed) or delivery.key is None:
        raise TypeError(f"not a helpdesk delivery: {delivery!r}")
    ticket, key, deps = what.ticket, delivery.key, entrance.deps
    try:
        existing = await _read(entrance, deps.store.cases.by_ref, ticket.ref)
    except StoreUnavailable as err:
        # Before its unit of work: the row stays pending, for the replay loop to run again.
        entrance.in_flight.discard(key)
        entrance.replays.wake()
        log.warning("%s delivery %s (%s) delayed: the store failed (%s)", delivery.source,
                    key, ticket.ref, err)
        return Intake("delayed", ticket.ref, message=str(err))
    if existing is not None and not existing.is_open:
        return await _reopen(entrance, delivery, what, existing, key)
    # A swarm for the ticket already: `open` refuses (and closes the row) without a look-up.
    owner, why = (None, "") if existing else await helpdesk.owner_for(
        deps, what.platform, ticket.assignee_email)
    # Without an owner found, the helpdesk itself opens the swarm and triage is asked for one.
    sender = Sender(id=owner) if owner else delivery.sender
    command = from_ticket(ticket, no_owner=None if owner else why)
    # Nobody reads the webhook's answer: what gives up is told to the owner directly.
    outcome = await entrance.execute(what.platform, sender, "open", command, key=key,
                                     read_by_sender=False)
    return await _intake_of(entrance, delivery, what, outcome, key, "opened")


async def _intake_of(entrance: Entrance, delivery: Delivery, what: Ticketed,
                     outcome: Outcome, key: str, done: str) -> Intake:
    """What the helpdesk is answered for the command its delivery ran (`done`: opened or
    reopened), logged in one line."""
    ticket = what.ticket
    text = " ".join(r.text for r in outcome.replies)
    if outcome.duplicate:
        result = Intake("duplicate", ticket.ref, message="done elsewhere")
    elif any(r.tone == Tone.ERROR for r in outcome.replies):
        result = await _refused(entrance, delivery, what, text)
    else:
        case = await _case(entrance, ticket.ref)
        # No case and no refusal: the store failed under the unit (the row stays pending).
        result = Intake(done if case else "delayed", ticket.ref,
                        case.room_name if case else None, text)
    level = logging.WARNING if result.status in ("refused", "delayed") else logging.INFO
    log.log(level, "%s delivery %s: %s %s%s", delivery.source, key, ticket.ref, result.status,
            f" ({result.message})" if result.message else "")
    return result


async def _reopen(entrance: Entrance, delivery: Delivery, what: Ticketed, case: Case,
                  key: str) -> Intake:
    """The ticket was tagged for a swarm again after its swarm was resolved or cancelled:
    the swarm is reopened (a new room, its owner of record, the ticket told), not `exists`."""
    ticket = what.ticket
    why = Why(f"{delivery.sender.name or ticket.helpdesk} asked for a swarm on {ticket.ref} "
              f"again (it was {case.status.value})", from_ticket=True)
    outcome = await entrance.execute(what.platform, delivery.sender, "reopen", why,
                                     ref=case.ref, key=key, read_by_sender=False)
    return await _intake_of(entrance, delivery, what, outcome, key, "reopened")


async def _refused(entrance: Entrance, delivery: Delivery, what: Ticketed,
                   text: str) -> Intake:
    """`open` refused. A swarm for the ref already ("exists": the trigger fired again) is
    only logged; anything else is told to the triage room too, since nobody would otherwise
    hear that a ticket asked for a swarm and did not get one."""
    ticket = what.ticket
    case = await _case(entrance, ticket.ref)
    if case is not None:
        return Intake("exists", case.ref, case.room_name, text)
    port = entrance.deps.ports.get(what.platform)
    if port is not None and port.triage_room:
        notice = Reply(tone=Tone.WARNING, text=(
            _("{ref} came in from {source} but its swarm could not be opened: {text}")
                .format(ref=ticket.ref, source=delivery.sender.name or ticket.helpdesk, text=text)))
        try:
            await port.post(port.triage_room, notice)
        except PortError as err:
            log.warning("%s: could not tell triage that %s was refused (%s)",
                        delivery.source, ticket.ref, err)
    return Intake("refused", ticket.ref, message=text)


async def _case(entrance: Entrance, ref: str) -> Case | None:
    """The case with `ref` as committed now; None too when the store cannot say."""
    try:
        return await _read(entrance, entrance.deps.store.cases.by_ref, ref)
    except StoreUnavailable:
        return None


async def _read(entrance: Entrance, call: Callable[..., T], *args: object) -> T:
    """A store read on a unit thread; a store failure is StoreUnavailable."""
    try:
        return await entrance.in_thread(call, *args)
    except Exception as err:
        if not entrance.deps.store.is_unavailable(err):
            raise
        raise StoreUnavailable(str(err)) from err

