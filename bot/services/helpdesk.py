"""The helpdesk link: tickets in (fetching, the owner by email), write-backs out.

Every write-back goes through `write_back(deps, case, kind, effects, **facts)`: it records
what is owed in the store and queues an outbox row, both in the command's transaction; the
outbox worker (bot/services/outbox.py) calls `perform` after the commit, retries transient
failures (429, 5xx, dropped connections) with backoff honouring Retry-After, and tells the
owner in one line when it gives up (`retry` tries again).

Idempotency: a note carries a marker (`swarmbot:<write id>`) and a retry looks for it before
writing again; the assignee is read before it is set. So a call that failed after the
helpdesk applied it is not applied twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.domain import Case
from bot.errors import CommandError, PortError
from bot.helpdesk import ChatDirectory, HelpdeskError, HelpdeskPort, Note, RoomLinks, Ticket
from bot.i18n import _, shared
from bot.services import messages, ticket_life
from bot.services.base import Deps, Effects

log = logging.getLogger("swarmbot.helpdesk")
T = TypeVar("T")


def port_for_ref(deps: Deps, ref: str) -> tuple[HelpdeskPort, str] | None:
    """The helpdesk a case ref names a ticket on (`ZD-123` -> Zendesk, ticket 123)."""
    for port in deps.helpdesks.values():
        ticket_id = port.ticket_id_of(ref)
        if ticket_id:
            return port, ticket_id
    return None


def handles(deps: Deps, ref: str) -> bool:
    return port_for_ref(deps, ref) is not None


async def fetch(deps: Deps, ref: str) -> Ticket:
    """`open ZD-123` alone: the ticket's subject, requester, organization, priority, link."""
    found = port_for_ref(deps, ref)
    if found is None:
        raise CommandError(_("{ref} is not a ticket of a connected helpdesk: say what is going "
                             "on, {open}.").format(
            ref=ref[:40], open=deps.phrases.command('open', f'{ref[:40]} <summary>')))
    port, ticket_id = found
    try:
        return await _retrying(deps, lambda: port.fetch_ticket(ticket_id))
    except HelpdeskError as err:
        raise CommandError(_("Couldn't fetch {ref} from {helpdesk}: {detail}.").format(
            ref=ref[:40], helpdesk=port.title, detail=err.detail)) from None


async def owner_for(deps: Deps, platform: str, email: str | None) -> tuple[str | None, str]:
    """The chat user with this email, or None and why (never a guess)."""
    if not email:
        return None, _("the ticket has no assignee")
    chat = deps.ports.get(platform)
    if not isinstance(chat, ChatDirectory):
        return None, _("{platform} cannot look people up by email here").format(
            platform=platform)
    try:
        user = await chat.user_by_email(email)
    except PortError as err:
        return None, _("looking up {email} failed ({detail})").format(email=email,
                                                                       detail=err.detail)
    return (user, "") if user else (None, _("{email} is not a {platform} user").format(
        email=email, platform=platform))


def ask_for_owner(deps: Deps, case: Case, why: str, effects: Effects) -> list[str]:
    """A swarm from a ticket without a known assignee: triage is asked for an owner."""
    port = deps.port(case.platform)
    if not port.triage_room:
        return [_("{ref} has no owner ({why}) and no triage room is set to ask.").format(
            ref=case.ref, why=why)]
    with shared():  # triage reads it
        text = _("{ref} came in from the helpdesk without an owner ({why}). A manager can give "
                 "it one: {handoff}.").format(
            ref=case.ref, why=why,
            handoff=deps.phrases.command('handoff', f'{case.ref} @owner <briefing>'))
    effects.post(messages.notice(text), _("ask triage for an owner"), room=port.triage_room)
    return []


# -- write-backs ------------------------------------------------------------------------
def write_back(deps: Deps, case: Case, kind: str, effects: Effects, **facts: Any) -> None:
    """Record one write-back ("opened" | "handoff" | "resolved" | "cancelled" | "reopened" |
    "changed") to the case's ticket and queue it on the outbox, in the command's
    transaction; nothing when it has no ticket. Resolve, cancel and reopen carry the status
    configured for the helpdesk then (ticket_life.wanted_status)."""
    link = deps.store.helpdesk.link_of(case.id)
    if link is None:
        return
    status = ticket_life.wanted_status(deps, link.helpdesk, kind)
    if status:
        facts = {**facts, "status": status}
    write_id = deps.store.helpdesk.add_write(case.id, kind, facts, deps.now_iso())
    effects.helpdesk(write_id, _("write to ticket {ticket} in {helpdesk}").format(
        ticket=link.ticket_id, helpdesk=link.helpdesk))


async def perform(deps: Deps, write_id: int, tried_before: bool = False) -> None:
    """One try of a recorded write-back (the outbox worker's, which claims the row, so one
    write is never performed twice at once): raises HelpdeskError, marked transient or not,
    for the outbox to retry with backoff or to give up and tell. `tried_before`: the outbox
    row was claimed before (a try that failed, or one a crash cut short after the note may
    have arrived), so the note is looked for before it is written; then the status and the
    priority it asks for, each read before it is set (bot/services/ticket_life.py)."""
    store = deps.store
    write, case, link = await asyncio.to_thread(_read, deps, write_id)
    if write is None or write.done_at or case is None or link is None:
        return
    port = deps.helpdesks.get(link.helpdesk)
    if port is None:
        raise HelpdeskError("write back", f"{link.helpdesk} is not connected here",
                            transient=True)
    marker = f"swarmbot:{write.id}"
    try:
        with shared():  # the ticket's note is read by the helpdesk's team
            text = await _text(deps, port, link, case, write.kind, write.payload)
        # Bracketed, so that looking for write 24 does not find write 245's note.
        if not (tried_before or write.attempts) or not await port.has_note(link, f"[{marker}]"):
            await port.add_note(link, Note(text=f"{text}\n\n[{marker}]", marker=marker))
        await ticket_life.follow_up(deps, port, link, case, write)
    except HelpdeskError as err:
        await asyncio.to_thread(store.helpdesk.attempted, write.id, err.detail)
        log.warning("write-back %s to %s %s failed: %s", write.id, port.name, link.ticket_id,
                    err.detail)
        raise
    await asyncio.to_thread(store.helpdesk.done, write.id, deps.now_iso())


def _read(deps: Deps, write_id: int) -> tuple[Any, Case | None, Any]:
    store = deps.store
    write = store.helpdesk.write(write_id)
    if write is None:
        return None, None, None
    return write, store.cases.by_id(write.case_id), store.helpdesk.link_of(write.case_id)


def _name(deps: Deps, person: str) -> str:
    found = deps.store.people.get(person)
    return found.name if found and found.name else person


async def _text(deps: Deps, port: HelpdeskPort, link: Any, case: Case, kind: str,
                facts: dict[str, Any]) -> str:
    if kind == "opened":
        chat = deps.ports.get(case.platform)
        where = (chat.room_link(case.room_id) if isinstance(chat, RoomLinks) and case.room_id
                 else f"#{case.room_name}" if case.room_name else _("no room (it could not "
                                                                     "be created)"))
        owner = facts.get("no_owner")
        return (_("Swarm opened for this ticket: {room}. No owner yet ({why}); triage was "
                  "asked for one.") if owner else
                _("Swarm opened for this ticket: {room}. Owner: {owner}.")).format(
            room=where, why=owner or "", owner=_name(deps, case.owner))
    if kind == "handoff":
        owner, previous = facts["owner"], facts.get("previous", "")
        assigned = await _assign(deps, port, link, case.platform, owner)
        return _("Warm handoff accepted: {owner} now owns this case (from {previous}). "
                 "Briefing: {briefing}").format(
            owner=_name(deps, owner), previous=_name(deps, previous),
            briefing=facts.get('briefing', '')) + f"\n{assigned}"
    if kind in ticket_life.KINDS:
        chat = deps.ports.get(case.platform)
        where = (chat.room_link(case.room_id) if isinstance(chat, RoomLinks) and case.room_id
                 else f"#{case.room_name}" if case.room_name else _("on its way"))
        return ticket_life.text(kind, facts, lambda p: _name(deps, p), where)
    if kind == "resolved":
        helped = ", ".join(_name(deps, p) for p in facts.get("helped", [])) or _("nobody else")
        return _("Swarm resolved by {who}: {resolution}\nHelped: {helped}.").format(
            who=_name(deps, facts.get('by', case.owner)), resolution=facts.get('resolution', ''),
            helped=helped)
    raise ValueError(f"unknown write-back kind {kind!r}")


async def _assign(deps: Deps, port: HelpdeskPort, link: Any, platform: str, owner: str) -> str:
    """Set the ticket's assignee to the new owner, found by email; say why not otherwise."""
    chat = deps.ports.get(platform)
    name = _name(deps, owner)
    email = None
    if isinstance(chat, ChatDirectory):
        try:
            email = await chat.email_of(owner)
        except PortError as err:
            return _("The assignee stayed: {name}'s email could not be read ({detail}).").format(
                name=name, detail=err.detail)
    if not email:
        return _("The assignee stayed: {platform} does not give {name}'s email.").format(
            platform=platform, name=name)
    agent = await _retrying(deps, lambda: port.find_agent(link, email))
    if agent is None:
        return _("The assignee stayed: {email} is not an agent on {helpdesk}.").format(
            email=email, helpdesk=port.title)
    if await _retrying(deps, lambda: port.assignee(link)) != agent.id:
        await _retrying(deps, lambda: port.set_assignee(link, agent))
    return _("Assignee: {email}.").format(email=email)


async def _retrying(deps: Deps, call: Callable[[], Awaitable[T]]) -> T:
    return await ticket_life.retrying(deps, call)
