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
    helpdesk     a note is looked for by its marker, a status or priority read before it
                 is set (bot/services/ticket_life.py); a case's write-backs go in order
    archive      "already archived" is done (the ports say so)
    bookmark     the port changes a bookmark of the same title instead of adding one
A performer raises PortError (transient or not) or NotYet (its room is not there yet); the
outbox (bot/services/outbox.py) decides what to do about it.
"""

from __future__ import annotations

from typing import Any

from bot.domain import Case, room_name_for
from bot.errors import PortError
from bot.ports import (
    ChatPort,
    DirectMessageFinder,
    MessageUpdater,
    PostFinder,
    PrivateRooms,
    RoomBookmarks,
    RoomsOpenWithPost,
)
from bot.replies import Reply
from bot.services import helpdesk, messages
from bot.services.base import Deps, reply_from_json
from bot.services.bridge_performers import BRIDGE_PERFORMERS
from bot.services.performer_types import (
    _GAVE_UP_WAIT,
    _ROOM_WAIT,
    NotYet,
    Performer,
    Result,
    _field,
    brief_found,
    keep_similar,
    similar_kept,
    similar_result,
)
from bot.store.interfaces import OutboxItem


def room_name(deps: Deps, case: Case) -> str:
    # A confidential case's room is named by its ref alone (issue 26).
    return room_name_for(case.ref, "" if case.confidential else case.summary,
                         prefix=deps.port(case.platform).room_prefix)


def performer(item: OutboxItem) -> Performer:
    found = PERFORMERS.get(item.kind)
    if found is None:
        raise PortError(item.kind, f"unknown outbox kind {item.kind!r}")
    return found


def read_create_room(deps: Deps, item: OutboxItem, case: Case | None
                     ) -> tuple[Reply, list[int]] | None:
    """On a port whose rooms open with a post (Teams threads), the brief that opens it,
    as the case stands now (and the cases its "Solved before" names)."""
    if case is None or case.room_id or not _opens_with_post(deps.port(item.platform)):
        return None
    return brief_found(deps, case, [str(s) for s in item.payload.get("skills", [])])


async def create_room(deps: Deps, item: OutboxItem, case: Case | None,
                      opening: tuple[Reply, list[int]] | None) -> Result:
    case = case or _missing(item)
    if case.room_id:
        return {"room_id": case.room_id}
    port = deps.port(item.platform)
    name = room_name(deps, case)
    # Look first after a try that may have made it, and when repairing: adopt the
    # channel a lost try created instead of making a second one.
    look = item.tries > 1 or item.payload.get("look_first")
    room = await port.find_room(name) if look else None
    brief, similar = opening if opening is not None else (None, [])
    if room is None and brief is not None and isinstance(port, RoomsOpenWithPost):
        room = await port.create_room_with_post(name, brief)
    elif room is None:
        # A port whose topic is a call of its own gets it as a row run beside the
        # invitation and the brief (rooms.open_room), not one more wait before them.
        topic = "" if item.payload.get("topic_apart") else messages.topic(case)
        room = await port.create_private_room(name, topic) if case.confidential and \
            isinstance(port, PrivateRooms) else await port.create_room(name, topic)
    result = {"room_id": room.id, "room_name": room.name}
    if room.first_post:
        result["brief_id"] = room.first_post  # the brief opened the room (outbox records it)
        if brief is not None:
            result["similar"] = similar_result(similar)
    return result


def read_helpdesk(deps: Deps, item: OutboxItem, case: Case | None) -> None:
    """A case's write-backs go in the order they were recorded (so the ticket's status
    follows cancel, reopen, resolve): a later one waits while an earlier one is undone, for
    `retry` when that one gave up."""
    write = deps.store.helpdesk.write(int(_field(item, "write_id", int)))
    if write is None or write.done_at or \
            not deps.store.helpdesk.earlier_undone(write.case_id, write.id):
        return
    gave_up = any(i.kind == "helpdesk" for i in deps.store.outbox.failed(write.case_id))
    raise NotYet(_GAVE_UP_WAIT if gave_up else _ROOM_WAIT)


async def helpdesk_write(deps: Deps, item: OutboxItem, case: Case | None, _: Any) -> Result:
    await helpdesk.perform(deps, int(_field(item, "write_id", int)),
                           tried_before=item.tries > 1)
    return None


async def direct_message(deps: Deps, item: OutboxItem, case: Case | None, _: Any
                         ) -> Result:
    port = deps.port(item.platform)
    person, reply = _field(item, "person", str), reply_from_json(_field(item, "reply", dict))
    if item.tries > 1 and isinstance(port, DirectMessageFinder) and \
            await port.find_direct_message(person, reply):
        return None  # a try that was cut off (a killed replica) had sent it
    await port.direct_message(person, reply)
    return None


async def invite(deps: Deps, item: OutboxItem, case: Case | None, room: str) -> Result:
    people = [str(p) for p in _field(item, "people", list)]
    await deps.port(item.platform).invite(room, people)
    return None


async def set_topic(deps: Deps, item: OutboxItem, case: Case | None, room: str) -> Result:
    await deps.port(item.platform).set_topic(room, _field(item, "topic", str))
    return None


async def bookmark(deps: Deps, item: OutboxItem, case: Case | None, room: str) -> Result:
    """Where the port keeps links in a room (a Slack bookmark, a Teams tab); elsewhere the
    brief shows the link and there is nothing more to do."""
    port = deps.port(item.platform)
    if isinstance(port, RoomBookmarks):
        await port.bookmark(room, _field(item, "title", str), _field(item, "url", str))
    return None


async def archive(deps: Deps, item: OutboxItem, case: Case | None, room: str) -> Result:
    await deps.port(item.platform).archive(room)
    return None


# The room, the message (None: the brief already there), its id if there, and the cases a
# brief's "Solved before" names (None for a post).
Ready = tuple[str, Reply | None, str | None, list[int] | None]


def read_post(deps: Deps, item: OutboxItem, case: Case | None) -> Ready:
    """The room, and the message: a post's own, or the brief as the case stands now; or,
    on a port whose rooms open with the brief, the brief already there (its id)."""
    room_id = _room(deps, item, case)
    if item.kind == "brief" and case is not None and \
            _opens_with_post(deps.port(item.platform)):
        where = deps.store.refs.get(case.platform, "brief", str(case.id))
        if where is not None and where.get("room_id") == room_id:
            return room_id, None, str(where["message_id"]), None  # it opened the room
    if item.kind == "post":
        return room_id, reply_from_json(_field(item, "reply", dict)), None, None
    reply, similar = brief_found(deps, case or _missing(item),
                                 [str(s) for s in item.payload.get("skills", [])])
    return room_id, reply, None, similar


async def post(deps: Deps, item: OutboxItem, case: Case | None, ready: Ready) -> Result:
    """A post, or the case brief (with the cases its "Solved before" names, kept with
    where it is so that its updates need not search again)."""
    room_id, reply, there, similar = ready
    if reply is None:
        return {"message_id": there or "", "room_id": room_id, "found": "yes"}
    port = deps.port(item.platform)
    kept = {} if similar is None else {"similar": similar_result(similar)}
    if item.tries > 1 and isinstance(port, PostFinder):
        found = await port.find_post(room_id, reply)
        if found:
            return {"message_id": found, "found": "yes", **kept}
    return {"message_id": await port.post(room_id, reply), "room_id": room_id, **kept}


def read_brief_update(deps: Deps, item: OutboxItem, case: Case | None
                      ) -> tuple[str, str, Reply] | None:
    """Where the brief was posted in the case's current room, and the brief rewritten as
    the case now stands; None when there is nothing to update (a brief still to be posted
    is written as the case stands then)."""
    case = case or _missing(item)
    _room(deps, item, case)
    where = deps.store.refs.get(case.platform, "brief", str(case.id))
    if where is None or where.get("room_id") != case.room_id:
        return None
    helps = deps.store.cases.help_requests(case.id)
    skills = list(dict.fromkeys(s for h in helps for s in h.skills))
    # "Solved before" names the cases found when it was posted, as they stand now: the
    # search (two of the heaviest statements) is not run again for every update.
    return where["room_id"], where["message_id"], brief_found(
        deps, case, skills, helps, kept=similar_kept(where))[0]


async def update_brief(deps: Deps, item: OutboxItem, case: Case | None,
                       ready: tuple[str, str, Reply] | None) -> Result:
    """Rewrite the brief in place, where the platform can edit messages."""
    port: ChatPort = deps.port(item.platform)
    if ready is not None and isinstance(port, MessageUpdater):
        await port.update_message(*ready)
    return None


def read_room(deps: Deps, item: OutboxItem, case: Case | None) -> str:
    return _room(deps, item, case)


def record_room(deps: Deps, item: OutboxItem, case: Case | None, result: Result) -> None:
    """The room made is the case's; a brief that opened it is where the brief is."""
    if not result or case is None or case.room_id:
        return
    deps.store.cases.set_room(case.id, result["room_id"], result["room_name"])
    if result.get("brief_id"):
        deps.store.refs.put(case.platform, "brief", str(case.id), keep_similar(
            {"room_id": result["room_id"], "message_id": result["brief_id"]}, result),
            deps.now_iso())


def record_brief(deps: Deps, item: OutboxItem, case: Case | None, result: Result) -> None:
    """Where the brief is, so that changes to the case can rewrite it in place."""
    if item.kind == "brief" and result and case is not None:
        deps.store.refs.put(case.platform, "brief", str(case.id), keep_similar(
            {"room_id": result.get("room_id"), "message_id": result["message_id"]}, result),
            deps.now_iso())


PERFORMERS: dict[str, Performer] = {
    "create_room": Performer(create_room, read_create_room, record_room),
    "helpdesk": Performer(helpdesk_write, read_helpdesk),
    "dm": Performer(direct_message),
    "invite": Performer(invite, read_room),
    "set_topic": Performer(set_topic, read_room),
    "archive": Performer(archive, read_room),
    "bookmark": Performer(bookmark, read_room),
    "post": Performer(post, read_post),
    "brief": Performer(post, read_post, record_brief),
    "update_brief": Performer(update_brief, read_brief_update),
    **BRIDGE_PERFORMERS,
}




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
