"""Intent before side effect: a crash between recording an intent and finishing it is repaired."""

from __future__ import annotations

from bot.domain import Role
from bot.ports import Room


async def test_half_done_room_creation_is_finished_by_reconcile(core, port, say) -> None:
    store, now = core.deps.store, "2026-11-16T09:00:00Z"
    store.people.ensure("alice", "fake", "alice", None, now)
    cid = store.cases.add("ZD-77", "", "printer on fire", 1, "alice", "fake", now)
    store.cases.add_participant(cid, "alice", Role.OWNER, now, None, None)
    # The crash came after the platform created the room but before we recorded it.
    store.intents.add("create_room", cid, "fake", {"name": "swarm-zd-77-printer-on-fire"}, now)
    port.rooms["C77"] = Room("C77", "swarm-zd-77-printer-on-fire")
    done = await core.reconcile()
    assert done == ["create_room for ZD-77"]
    case = store.cases.by_ref("ZD-77")
    assert case.room_id == "C77"
    assert len([r for r in port.rooms.values() if "zd-77" in r.name]) == 1  # not created twice
    assert port.posts_to("C77")[0].title.startswith("Swarm ZD-77")
    assert store.intents.pending() == []
    assert await core.reconcile() == []


async def test_room_never_created_is_created_by_reconcile(core, port) -> None:
    store, now = core.deps.store, "2026-11-16T09:00:00Z"
    store.people.ensure("alice", "fake", "alice", None, now)
    cid = store.cases.add("ZD-78", "", "no room yet", 2, "alice", "fake", now)
    store.intents.add("create_room", cid, "fake", {"name": "swarm-zd-78-no-room-yet"}, now)
    await core.reconcile()
    case = store.cases.by_ref("ZD-78")
    assert case.room_name == "swarm-zd-78-no-room-yet"
    assert "alice" in port.members[case.room_id]


async def test_the_timer_leaves_young_intents_alone_and_finishes_stale_ones(core, port,
                                                                           clock) -> None:
    from bot.scheduler import Scheduler

    store, now = core.deps.store, "2026-11-16T09:00:00Z"
    assert clock.now.isoformat().startswith("2026-11-16T09:00")
    store.people.ensure("alice", "fake", "alice", None, now)
    cid = store.cases.add("ZD-79", "", "slow create", 2, "alice", "fake", now)
    store.intents.add("create_room", cid, "fake", {"name": "swarm-zd-79-slow-create"}, now)
    scheduler = Scheduler(core.deps)
    clock.advance(minutes=1)  # the platform call may still be under way
    assert await scheduler.tick(clock.now) == []
    assert store.cases.by_ref("ZD-79").room_id is None
    clock.advance(minutes=2)
    assert await scheduler.tick(clock.now) == ["reconciled create_room for ZD-79"]
    assert store.cases.by_ref("ZD-79").room_name == "swarm-zd-79-slow-create"
