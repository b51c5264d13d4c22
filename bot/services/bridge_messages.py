"""Chat messages shown in a case's other rooms (`[bridge] mirror_messages`, off by default).

A message someone writes in a case's room (home or mirror) is posted once into each of the
case's other rooms, with the author's name and where it came from; an edit rewrites those
copies where the platform can change a message, and a deletion deletes them. A redelivered
message is known by its platform id and shown once.

    (platform, "bridge_msg", "<room>/<message id>") -> {"at"}     (a message seen)
    (target, "bridge_msg_copy", "<platform>/<room>/<message id>") -> {"room_id", "message_id"}
"""

from __future__ import annotations

from dataclasses import asdict

from bot.bridge import rooms
from bot.bridge.effects import label
from bot.domain import Case
from bot.i18n import _, shared
from bot.replies import Reply
from bot.services.base import Deps, Effects
from bot.store import Store

SEEN, COPY = "bridge_msg", "bridge_msg_copy"
MAX_TEXT = 3000  # a longer message is shown cut, with a mark


def _case(store: Store, platform: str, rooms_: tuple[str, ...]) -> tuple[Case, str] | None:
    for room in rooms_:
        case = store.cases.by_room(room)
        if case is not None and case.lives_on(platform):
            return case, room
        case = rooms.case_of_room(store, platform, room)
        if case is not None:
            return case, room
    return None


def mirror(deps: Deps, platform: str, rooms_: tuple[str, ...], person: str, text: str,
           message: str, edited: bool = False) -> None:
    config = deps.config.bridge
    if not (config.enabled and config.mirror_messages):
        return
    store = deps.store
    found = _case(store, platform, rooms_)
    if found is None:
        return
    case, room = found
    if not case.is_open:
        return
    served = list(deps.ports)
    targets = [p for p in [case.platform, *rooms.mirrors(store, case, served)]
               if p != platform and p in served]
    key = f"{platform}/{room}/{message}"
    if not edited:
        if store.refs.get(platform, SEEN, f"{room}/{message}") is not None:
            return  # the same message delivered again
        store.refs.put(platform, SEEN, f"{room}/{message}", {"at": deps.now_iso()},
                       deps.now_iso())
    who = store.people.get(person)
    body = text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " …"
    with shared():  # the other rooms read it
        edit_mark = " " + _("(edited)") if edited else ""
    reply = Reply(text=f"[{label(platform)}] {who.name if who else person}"
                       f"{edit_mark}: {body}", private=False)
    effects = Effects(deps, case)
    for target in targets:
        effects._add("bridge_message_edit" if edited else "bridge_message",
                     _("show a message in {platform}").format(platform=label(target)),
                     on=target, source=key,
                     home=target == case.platform, reply=asdict(reply))


def unmirror(deps: Deps, platform: str, rooms_: tuple[str, ...], message: str) -> None:
    """A message deleted where it was written: its copies in the case's other rooms are
    deleted too (where the platform can; the copy's place is found when the call is made)."""
    config = deps.config.bridge
    if not (config.enabled and config.mirror_messages) or not message:
        return
    store = deps.store
    found = _case(store, platform, rooms_)
    if found is None:
        return
    case, room = found
    served = list(deps.ports)
    targets = [p for p in [case.platform, *rooms.mirrors(store, case, served)]
               if p != platform and p in served]
    effects = Effects(deps, case)
    for target in targets:
        effects._add("bridge_message_delete",
                     _("delete a message's copy in {platform}").format(platform=label(target)),
                     on=target, source=f"{platform}/{room}/{message}")
