"""What each outbox kind does on the platform, with its idempotency plan: one performer per
kind, in one registry (`PERFORMERS`), instead of a chain of ifs over kind strings.

A try may have acted before it failed (a connection dropped after Slack created the channel)
or before a crash, so each performer knows how to find what an earlier try did:
    create_room  the case has a room: done; else look for the room by name (adopting a
                 channel a lost try made) before creating one; where a room is made by
                 posting (RoomsOpenWithPost: a Teams thread) the brief is that post, so a
                 lost answer costs at most one more room, never a second brief in one
    invite       "already in the channel" is done (the ports say so)
    brief, post  a brief that opened its room (RoomsOpenWithPost) is done; after
                 a try that may have gone out, look for the post first where the port can
                 (PostFinder); the message id is recorded
    dm           after such a try, look for the message where the port can
    archive      "already archived" is done (the ports say so)
A performer raises PortError (transient or not) or NotYet (its room is not there yet); the
outbox (bot/services/outbox.py) decides what to do about it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.domain import Case, room_name_for
from bot.errors import PortError
from bot.ports import (
    ChatPort,
    DirectMessageFinder,
    MessageUpdater,
    PostFinder,
    RoomsOpenWithPost,
)
from bot.replies import Reply
from bot.services import messages
from bot.services.base import Deps, reply_from_json
from bot.store.interfaces import OutboxItem

# While a case's room is still being made, calls into it wait this long between looks.
_ROOM_WAIT = timedelta(seconds=0.2)
_GAVE_UP_WAIT = timedelta(minutes=10)
Result = dict[str, str] | None
Performer = Callable[[Deps, OutboxItem, Case | None], Awaitable[Result]]


class NotYet(Exception):
    """The call cannot be made yet (its room is not there): try later, not counted."""

    def __init__(self, wait: timedelta) -> None:
        super().__init__("not yet")
        self.wait = wait


def room_name(deps: Deps, case: Case) -> str:
    return room_name_for(case.ref, case.summary, prefix=deps.port(case.platform).room_prefix)


async def perform(deps: Deps, item: OutboxItem, case: Case | None) -> Result:
    performer = PERFORMERS.get(item.kind)
    if performer is None:
        raise PortError(item.kind, f"unknown outbox kind {item.kind!r}")
    return await performer(deps, item, case)


def _field(item: OutboxItem, name: str, kind: type) -> Any:
    """A payload field, checked as it is read: a row this release cannot read is refused
    once (not retried) instead of failing the same way at every try."""
    value = item.payload.get(name)
    if not isinstance(value, kind):
        raise PortError(item.kind, f"its recorded {name} is unreadable ({type(value).__name__})")
    return value


async def create_room(deps: Deps, item: OutboxItem, case: Case | None) -> Result:
    case = case or _missing(item)
    if case.room_id:
        return {"room_id": case.room_id}
    port = deps.port(item.platform)
    name = room_name(deps, case)
    # Look first after a try that may have made it, and when repairing: adopt the
    # channel a lost try created instead of making a second one.
    look = item.tries > 1 or item.payload.get("look_first")
    room = await port.find_room(name) if look else None
    if room is None and _opens_with_post(port):
        skills = [str(s) for s in item.payload.get("skills", [])]
        room = await port.create_room_with_post(name, _brief(deps, case, skills))
    elif room is None:
        # A port whose topic is a call of its own gets it as a row run beside the
        # invitation and the brief (rooms.open_room), not one more wait before them.
        topic = "" if item.payload.get("topic_apart") else messages.topic(case)
        room = await port.create_room(name, topic)
    result = {"room_id": room.id, "room_name": room.name}
    if room.first_post:
        result["brief_id"] = room.first_post  # the brief opened the room (outbox records it)
    return result


async def helpdesk_write(deps: Deps, item: OutboxItem, case: Case | None) -> Result:
    from bot.services import helpdesk  # the helpdesk link's own module performs it

    await helpdesk.perform(deps, int(_field(item, "write_id", int)),
                           tried_before=item.tries > 1)
    return None


async def direct_message(deps: Deps, item: OutboxItem, case: Case | None) -> Result:
    port = deps.port(item.platform)
    person, reply = _field(item, "person", str), reply_from_json(_field(item, "reply", dict))
    if item.tries > 1 and isinstance(port, DirectMessageFinder) and \
            await port.find_direct_message(person, reply):
        return None  # a try that was cut off (a killed replica) had sent it
    await port.direct_message(person, reply)
    return None


async def invite(deps: Deps, item: OutboxItem, case: Case | None) -> Result:
    people = [str(p) for p in _field(item, "people", list)]
    await deps.port(item.platform).invite(_room(deps, item, case), people)
    return None


async def set_topic(deps: Deps, item: OutboxItem, case: Case | None) -> Result:
    topic = _field(item, "topic", str)
    await deps.port(item.platform).set_topic(_room(deps, item, case), topic)
    return None


async def archive(deps: Deps, item: OutboxItem, case: Case | None) -> Result:
    await deps.port(item.platform).archive(_room(deps, item, case))
    return None


async def post(deps: Deps, item: OutboxItem, case: Case | None) -> Result:
    """A post, or the case brief (written as the case stands when it is posted)."""
    room_id = _room(deps, item, case)
    port = deps.port(item.platform)
    if item.kind == "brief" and case is not None and _opens_with_post(port):
        where = deps.store.refs.get(case.platform, "brief", str(case.id))
        if where is not None and where.get("room_id") == room_id:
            # It is there already: it opened the room (see create_room).
            return {"message_id": str(where["message_id"]), "room_id": room_id,
                    "found": "yes"}
    reply = reply_from_json(_field(item, "reply", dict)) if item.kind == "post" else _brief(
        deps, case or _missing(item), [str(s) for s in item.payload.get("skills", [])])
    if item.tries > 1 and isinstance(port, PostFinder):
        found = await port.find_post(room_id, reply)
        if found:
            return {"message_id": found, "found": "yes"}
    return {"message_id": await port.post(room_id, reply), "room_id": room_id}


async def update_brief(deps: Deps, item: OutboxItem, case: Case | None) -> Result:
    """Rewrite the brief in place where it was posted in the case's current room and the
    platform can edit messages; otherwise there is nothing to update (a brief still to be
    posted is written as the case stands then)."""
    case = case or _missing(item)
    _room(deps, item, case)
    port: ChatPort = deps.port(item.platform)
    where = deps.store.refs.get(case.platform, "brief", str(case.id))
    if where is None or where.get("room_id") != case.room_id or \
            not isinstance(port, MessageUpdater):
        return None
    skills = list(dict.fromkeys(s for h in deps.store.cases.help_requests(case.id)
                                for s in h.skills))
    await port.update_message(where["room_id"], where["message_id"],
                              _brief(deps, case, skills))
    return None


PERFORMERS: dict[str, Performer] = {
    "create_room": create_room, "helpdesk": helpdesk_write, "dm": direct_message,
    "invite": invite, "set_topic": set_topic, "archive": archive,
    "post": post, "brief": post, "update_brief": update_brief,
}


def _brief(deps: Deps, case: Case, skills: list[str]) -> Reply:
    """The brief as the case stands when it is posted (or updated): its ticket, its open
    promises, and what was solved before that looks like it."""
    from bot.services import knowledge

    store = deps.store
    return messages.brief(case, deps.phrases, skills, store.helpdesk.link_of(case.id),
                          similar=knowledge.similar_lines(deps, case),
                          promises=store.journal.open_promises(case.id))


def _opens_with_post(port: ChatPort) -> bool:
    return isinstance(port, RoomsOpenWithPost) and port.opens_with_post


def _missing(item: OutboxItem) -> Case:
    raise PortError(item.kind, "its case is gone")


def _room(deps: Deps, item: OutboxItem, case: Case | None) -> str:
    """The room a call goes into: the one it names, else its case's (made by an earlier
    row that may still be on its way)."""
    named = item.payload.get("room")
    if isinstance(named, str) and named:
        return named
    if case is None:
        raise PortError("reach the room", "its case is gone")
    if case.room_id:
        return case.room_id
    if any(i.kind == "create_room" for i in deps.store.outbox.pending_for(case.id)):
        raise NotYet(_ROOM_WAIT)
    # Its creation gave up (the owner was told once, for the room): wait for `retry`, which
    # makes these due again, rather than telling the same cause once per call.
    raise NotYet(_GAVE_UP_WAIT)
