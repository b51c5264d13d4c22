"""A case's mirror rooms: its room on each other platform it reached (kept as platform refs).

    (platform, "bridge_room", case id) -> {"opening": true} until made, then
                                          {"room_id", "room_name", "brief_id"?}, with
                                          "invited" (accounts) and "closed" once archived
    (platform, "bridge_room_case", room id) -> {"case_id": n}

The home room is the case's own (`Case.room_id`, on `Case.platform`); a mirror is asked
for in the command's transaction (so every call recorded after it goes there too) and
made by the outbox (`bridge_open`), which records where it is.
"""

from __future__ import annotations

from typing import Any

from bot.domain import Case
from bot.store import Store

ROOM, ROOM_CASE = "bridge_room", "bridge_room_case"
MIRRORS = "bridge_mirrors"  # (home platform, MIRRORS, case id) -> {"platforms": [...]}
SHOWN = "bridge_shown"  # (home platform, SHOWN, case id) -> {"event": last entry shown}


def mirror(store: Store, platform: str, case_id: int) -> dict[str, Any] | None:
    return store.refs.get(platform, ROOM, str(case_id))


def mirrors(store: Store, case: Case, served: list[str] | None = None
            ) -> dict[str, dict[str, Any]]:
    """The case's mirror rooms by platform (asked for or made), among those served."""
    listed = store.refs.get(case.platform, MIRRORS, str(case.id)) or {"platforms": []}
    out = {}
    for platform in listed["platforms"]:
        if served is None or platform in served:
            found = mirror(store, platform, case.id)
            if found is not None and not found.get("closed"):
                out[platform] = found
    return out


def ask_for(store: Store, platform: str, case_id: int, at: str) -> bool:
    """Mark the mirror on `platform` as asked for; False when it was already."""
    found = mirror(store, platform, case_id)
    if found is not None and not found.get("closed"):
        return False
    # A closed mirror (the case was resolved, then reopened) is not used again: a new one.
    store.refs.put(platform, ROOM, str(case_id), {"opening": True}, at)
    return True


def close(store: Store, platform: str, case_id: int, at: str) -> None:
    """The mirror is archived with its case: nothing more is posted into it."""
    found = mirror(store, platform, case_id)
    if found is not None:
        store.refs.put(platform, ROOM, str(case_id), {**found, "closed": True}, at)


def invited(store: Store, platform: str, case_id: int, account: str, at: str) -> bool:
    """Note an invitation into the mirror; False when they were invited into it already (a
    thread has no membership to ask: it would mention them again)."""
    found = mirror(store, platform, case_id) or {}
    already = list(found.get("invited") or [])
    if account in already:
        return False
    store.refs.put(platform, ROOM, str(case_id), {**found, "invited": [*already, account]},
                   at)
    return True


def listed(store: Store, case: Case, platform: str, at: str) -> None:
    """The case's home keeps the list of its mirrors' platforms."""
    found = store.refs.get(case.platform, MIRRORS, str(case.id)) or {"platforms": []}
    if platform not in found["platforms"]:
        store.refs.put(case.platform, MIRRORS, str(case.id),
                       {"platforms": [*found["platforms"], platform]}, at)


def start_showing(store: Store, case: Case, at: str) -> None:
    """A mirror was asked for: entries from now on are shown in every room (the brief the
    mirror opens with tells what came before); bot/services/bridge_relay.py shows them."""
    events = store.timeline.events(case.id)
    store.refs.put(case.platform, SHOWN, str(case.id),
                   {"event": events[-1].id if events else 0}, at)


def made(store: Store, platform: str, case_id: int, room: dict[str, str], at: str) -> None:
    found = mirror(store, platform, case_id) or {}
    kept = {k: v for k, v in found.items() if k == "invited"}
    store.refs.put(platform, ROOM, str(case_id), {**kept, **room}, at)
    store.refs.put(platform, ROOM_CASE, room["room_id"], {"case_id": case_id}, at)


def case_of_room(store: Store, platform: str, room_id: str, lock: bool = False) -> Case | None:
    """The case whose mirror room this is, if it is one."""
    found = store.refs.get(platform, ROOM_CASE, room_id)
    if not found:
        return None
    case_id = int(found["case_id"])
    return store.cases.lock(case_id) if lock else store.cases.by_id(case_id)


def rooms_of(store: Store, case: Case, served: list[str] | None = None
             ) -> list[dict[str, Any]]:
    """Every room of the case, home first (for `export`)."""
    rooms = [{"platform": case.platform, "room": case.room_name or "", "home": True}]
    listed = store.refs.get(case.platform, MIRRORS, str(case.id)) or {"platforms": []}
    for platform in listed["platforms"]:
        room = mirror(store, platform, case.id)
        if room is not None and (served is None or platform in served):
            rooms.append({"platform": platform, "room": str(room.get("room_name") or ""),
                          "home": False})
    return rooms
