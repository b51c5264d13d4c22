"""The bridge's outbox kinds (bot/bridge/effects.py records them), each with its plan:

    bridge_open     the mirror recorded: done; after a try that may have made it, look for
                    the room by name first (the ports remember the rooms they made); where
                    a room is made by posting (a Teams thread) the brief is that post, else
                    the brief is posted into it (looked for first where the port can)
    bridge_invite   as `invite`, into the mirror ("already in" is done, the ports say so)
    bridge_post     as `post`, into the mirror: after a try that may have gone out, look for
                    the post first where the port can (PostFinder)
    bridge_archive  as `archive`, the mirror ("already archived" is done)
    bridge_message_delete  a mirrored chat message's copy deleted ("already gone" is done)
A call into a mirror that is not made yet waits for it (NotYet), as a call into the home
room waits for its create.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.bridge import accounts, rooms
from bot.bridge.effects import label
from bot.domain import Case, room_name_for
from bot.errors import PortError
from bot.i18n import _, shared
from bot.ports import MessageDeleter, MessageUpdater, PostFinder, RoomsOpenWithPost
from bot.replies import Field, Reply
from bot.services import messages
from bot.services.base import Deps, reply_from_json
from bot.services.bridge_messages import COPY
from bot.services.performer_types import (
    _GAVE_UP_WAIT,
    _ROOM_WAIT,
    NotYet,
    Performer,
    Result,
    _field,
    brief_now,
)
from bot.store.interfaces import OutboxItem

OpenReady = tuple[str, Reply, str, dict[str, Any] | None]


def _case(item: OutboxItem, case: Case | None) -> Case:
    if case is None:
        raise PortError(item.kind, "its case is gone")
    return case


def read_open(deps: Deps, item: OutboxItem, case: Case | None) -> OpenReady:
    """The mirror's name, its brief (saying where the home room is), its topic, and the
    mirror as recorded (made already: nothing to do)."""
    case = _case(item, case)
    store = deps.store
    name = room_name_for(case.ref, "" if case.confidential else case.summary,
                         prefix=deps.port(item.platform).room_prefix)
    skills = list(dict.fromkeys(s for h in store.cases.help_requests(case.id)
                                for s in h.skills))
    brief = brief_now(deps, case, skills, platform=item.platform)
    with shared():  # the mirror room reads it
        home = label(case.platform) + ": " + (case.room_name or _("the swarm room"))
        brief = replace(brief, private=False,
                        fields=(*brief.fields, Field(_("Also swarming in"), home)))
        topic = messages.topic(case)
    found = rooms.mirror(store, item.platform, case.id)
    return name, brief, topic, found if found and found.get("room_id") else None


async def open_mirror(deps: Deps, item: OutboxItem, case: Case | None,
                      ready: OpenReady) -> Result:
    name, brief, topic, made = ready
    if made is not None:
        return None
    port = deps.port(item.platform)
    room = await port.find_room(name) if item.tries > 1 else None
    if room is None and isinstance(port, RoomsOpenWithPost) and port.opens_with_post:
        room = await port.create_room_with_post(name, brief)
    elif room is None:
        room = await port.create_room(name, topic)
    result = {"room_id": room.id, "room_name": room.name}
    if room.first_post:
        result["brief_id"] = room.first_post
        return result
    found = await port.find_post(room.id, brief) if item.tries > 1 and \
        isinstance(port, PostFinder) else None
    result["brief_id"] = found or await port.post(room.id, brief)
    return result


def record_open(deps: Deps, item: OutboxItem, case: Case | None, result: Result) -> None:
    if result and case is not None:
        rooms.made(deps.store, item.platform, case.id, dict(result), deps.now_iso())


def read_mirror(deps: Deps, item: OutboxItem, case: Case | None) -> str | None:
    """The mirror room's id; NotYet while it is being made; None: the case has none."""
    case = _case(item, case)
    found = rooms.mirror(deps.store, item.platform, case.id)
    if found is None:
        return None
    if found.get("room_id"):
        return str(found["room_id"])
    opening = any(i.kind == "bridge_open" and i.platform == item.platform
                  for i in deps.store.outbox.pending_for(case.id))
    raise NotYet(_ROOM_WAIT if opening else _GAVE_UP_WAIT)


def _room(item: OutboxItem, room: str | None) -> str:
    if room is None:
        raise PortError(item.kind, f"the case has no room in {label(item.platform)}")
    return room


async def invite(deps: Deps, item: OutboxItem, case: Case | None, room: str | None) -> Result:
    people = [str(p) for p in _field(item, "people", list)]
    await deps.port(item.platform).invite(_room(item, room), people)
    return None


def read_post(deps: Deps, item: OutboxItem, case: Case | None) -> tuple[str | None, Reply]:
    return read_mirror(deps, item, case), reply_from_json(_field(item, "reply", dict))


async def post(deps: Deps, item: OutboxItem, case: Case | None,
               ready: tuple[str | None, Reply]) -> Result:
    room, reply = _room(item, ready[0]), ready[1]
    port = deps.port(item.platform)
    if item.tries > 1 and isinstance(port, PostFinder):
        found = await port.find_post(room, reply)
        if found:
            return {"message_id": found, "found": "yes", "room_id": room}
    return {"message_id": await port.post(room, reply), "room_id": room}


def read_archive(deps: Deps, item: OutboxItem, case: Case | None) -> str | None:
    """The mirror that was the case's when it was closed (a reopened case's next one may
    be on its way already)."""
    named = item.payload.get("room")
    return named if isinstance(named, str) and named else read_mirror(deps, item, case)


async def archive(deps: Deps, item: OutboxItem, case: Case | None, room: str | None) -> Result:
    if room is not None:
        await deps.port(item.platform).archive(room)
    return None


def read_brief_update(deps: Deps, item: OutboxItem, case: Case | None
                      ) -> tuple[str, str, Reply] | None:
    """The mirror's brief (where it was posted) rewritten as the case now stands; None
    when the mirror has none yet (it opens with the brief as the case stands then)."""
    case = _case(item, case)
    found = rooms.mirror(deps.store, item.platform, case.id)
    if not found or not found.get("room_id") or not found.get("brief_id"):
        return None
    _, brief, _, _ = read_open(deps, item, case)
    return str(found["room_id"]), str(found["brief_id"]), brief


async def update_brief(deps: Deps, item: OutboxItem, case: Case | None,
                       ready: tuple[str, str, Reply] | None) -> Result:
    port = deps.port(item.platform)
    if ready is not None and isinstance(port, MessageUpdater):
        await port.update_message(*ready)
    return None


def read_message(deps: Deps, item: OutboxItem, case: Case | None
                 ) -> tuple[str | None, Reply]:
    """A chat message's copy: into the case's home room or its mirror on the platform."""
    case = _case(item, case)
    room = case.room_id if item.payload.get("home") else read_mirror(deps, item, case)
    if room is None and item.payload.get("home"):
        raise NotYet(_ROOM_WAIT)
    return room, accounts.local(deps.store, item.platform,
                                reply_from_json(_field(item, "reply", dict)))


def record_message(deps: Deps, item: OutboxItem, case: Case | None, result: Result) -> None:
    """Where the copy is, so an edit of the message rewrites it."""
    if result and result.get("message_id"):
        deps.store.refs.put(item.platform, COPY, _field(item, "source", str),
                            {"room_id": result.get("room_id", ""),
                             "message_id": result["message_id"]}, deps.now_iso())


def read_edit(deps: Deps, item: OutboxItem, case: Case | None) -> tuple[str, str, Reply]:
    copy = deps.store.refs.get(item.platform, COPY, _field(item, "source", str))
    if copy is None or not copy.get("room_id"):
        case = _case(item, case)
        waiting = any(i.kind == "bridge_message" for i in
                      deps.store.outbox.pending_for(case.id))
        if waiting:
            raise NotYet(_ROOM_WAIT)
        raise PortError(item.kind, "the message it edits was never shown here")
    return str(copy["room_id"]), str(copy["message_id"]), accounts.local(
        deps.store, item.platform, reply_from_json(_field(item, "reply", dict)))


async def edit(deps: Deps, item: OutboxItem, case: Case | None,
               ready: tuple[str, str, Reply]) -> Result:
    port = deps.port(item.platform)
    if isinstance(port, MessageUpdater):
        await port.update_message(*ready)
    return None


def read_delete(deps: Deps, item: OutboxItem, case: Case | None) -> tuple[str, str] | None:
    """Where the deleted message's copy is; None when it was never shown here (nothing to
    delete), NotYet while its copy is still on its way."""
    copy = deps.store.refs.get(item.platform, COPY, _field(item, "source", str))
    if copy is None or not copy.get("room_id"):
        case = _case(item, case)
        if any(i.kind == "bridge_message" for i in deps.store.outbox.pending_for(case.id)):
            raise NotYet(_ROOM_WAIT)
        return None
    return str(copy["room_id"]), str(copy["message_id"])


async def delete(deps: Deps, item: OutboxItem, case: Case | None,
                 ready: tuple[str, str] | None) -> Result:
    port = deps.port(item.platform)
    if ready is not None and isinstance(port, MessageDeleter):
        await port.delete_message(*ready)
    return None


BRIDGE_PERFORMERS: dict[str, Performer] = {
    "bridge_message": Performer(post, read_message, record_message),
    "bridge_message_edit": Performer(edit, read_edit),
    "bridge_message_delete": Performer(delete, read_delete),
    "bridge_update_brief": Performer(update_brief, read_brief_update),
    "bridge_open": Performer(open_mirror, read_open, record_open),
    "bridge_invite": Performer(invite, read_mirror),
    "bridge_post": Performer(post, read_post),
    "bridge_archive": Performer(archive, read_archive),
}
