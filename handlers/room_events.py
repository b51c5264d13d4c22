"""What a room event does: a message shown in (or taken from) the case's other rooms, and a
member joining, leaving or posting in a case's room noted on the case. Runs inside the
delivery's unit of work (handlers/entrance.py)."""

from __future__ import annotations

from bot.services import bridge_messages, membership
from bot.services.base import Deps
from handlers.delivery import RoomEvent


def apply(deps: Deps, source: str, sender_id: str, event: RoomEvent) -> None:
    if event.kind == "deleted":  # its copies in the case's other rooms go too
        bridge_messages.unmirror(deps, source, event.rooms, event.message)
        return
    if event.text and event.message:  # shown in the case's other rooms, where allowed
        bridge_messages.mirror(deps, source, event.rooms, sender_id, event.text,
                               event.message, edited=event.kind == "edited")
    room = next((r for r in event.rooms if deps.store.cases.by_room(r) is not None), None)
    if room is None:
        return
    if event.kind == "joined":
        membership.room_member_joined(deps, source, room, sender_id)
    elif event.kind == "left":
        membership.room_member_left(deps, source, room, sender_id)
    elif event.kind == "posted":
        membership.message_posted(deps, source, room, sender_id)
