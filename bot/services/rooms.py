"""Swarm rooms: intent before side effect, and the reconciliation pass that finishes intents.

Creating a room or posting a brief is not idempotent, so each is recorded as an intent
first, then done on the platform, then recorded as done. A crash in between leaves a
pending intent that `reconcile` finishes (finding the room by name before creating again).
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import Case, iso, room_name_for
from bot.errors import PortError
from bot.ports import Room
from bot.services import messages
from bot.services.base import Deps, Effects, log


def room_name(deps: Deps, case: Case) -> str:
    return room_name_for(case.ref, case.summary, prefix=deps.port(case.platform).room_prefix)


async def open_room(deps: Deps, case: Case, skills: list[str], effects: Effects) -> Room | None:
    store, port = deps.store, deps.port(case.platform)
    name = room_name(deps, case)
    intent = store.intents.add("create_room", case.id, case.platform, {"name": name},
                              deps.now_iso())
    try:
        room = await port.create_room(name, messages.topic(case))
    except PortError as err:
        store.intents.finish(intent, "failed", {"error": err.detail}, deps.now_iso())
        effects.failures.append(f"Couldn't create the swarm room: {err.detail}")
        store.timeline.append(case.id, deps.now_iso(), "room_failed", None, err.detail)
        return None
    store.cases.set_room(case.id, room.id, room.name)
    store.intents.finish(intent, "done", {"room_id": room.id, "room_name": room.name},
                        deps.now_iso())
    await effects.attempt("invite you to the room", port.invite(room.id, [case.owner]))
    await post_brief(deps, case, room, skills, effects)
    return room


async def post_brief(deps: Deps, case: Case, room: Room, skills: list[str],
                     effects: Effects) -> None:
    store, port = deps.store, deps.port(case.platform)
    fresh = store.cases.by_id(case.id) or case
    intent = store.intents.add("post_brief", case.id, case.platform, {"room_id": room.id},
                              deps.now_iso())
    brief = messages.brief(fresh, deps.phrases, skills, store.helpdesk.link_of(case.id))
    message_id = await effects.attempt("post the case brief", port.post(room.id, brief))
    store.intents.finish(intent, "done" if message_id is not None else "failed",
                        {"message_id": message_id}, deps.now_iso())
    if message_id:
        # Where the brief is, so it can be kept up to date (lifecycle.refresh_brief).
        store.refs.put(case.platform, "brief", str(case.id),
                       {"room_id": room.id, "message_id": message_id}, deps.now_iso())


async def reconcile(deps: Deps, stale_before: datetime | None = None) -> list[str]:
    """Finish intents left half-way by a crash. Returns one line per intent handled.

    At start-up every pending intent is stale. On the timer only those recorded before
    `stale_before` are: a younger one may be a platform call still under way.
    """
    done: list[str] = []
    before = iso(stale_before) if stale_before is not None else None
    for intent in deps.store.intents.pending(before):
        case = deps.store.cases.by_id(intent.case_id) if intent.case_id else None
        if case is None or intent.platform not in deps.ports:
            continue
        effects = Effects()
        if intent.kind == "create_room":
            port = deps.port(case.platform)
            try:
                room = await port.find_room(intent.payload["name"])
            except PortError as err:
                log.warning("reconcile: find_room failed: %s", err.detail)
                continue
            deps.store.intents.finish(intent.id, "superseded", None, deps.now_iso())
            if room is None:
                await open_room(deps, case, [], effects)
            else:
                deps.store.cases.set_room(case.id, room.id, room.name)
                await post_brief(deps, case, room, [], effects)
        elif intent.kind == "post_brief":
            # We cannot tell whether the post went out before the crash; a second brief is
            # better than none, and it says the case state as it is now.
            deps.store.intents.finish(intent.id, "superseded", None, deps.now_iso())
            room_id = intent.payload["room_id"]
            await post_brief(deps, case, Room(room_id, case.room_name or room_id), [], effects)
        done.append(f"{intent.kind} for {case.ref}"
                    + (f" ({'; '.join(effects.failures)})" if effects.failures else ""))
    return done
