"""The outbox: platform calls recorded in the command's transaction, done after it, each with
its idempotency plan; transient failures retried, permanent ones told with `retry`."""

from __future__ import annotations

from bot.domain import Role
from bot.errors import PortError
from bot.ports import Room
from bot.services import outbox


async def test_a_crash_mid_create_is_finished_by_adopting_the_room(core, port, clock,
                                                                    say) -> None:
    """Killed after the platform made the channel, before we recorded it: the next worker
    (after the lease) finds it by name, adopts it, invites the owner, posts the brief once."""
    store, deps = core.deps.store, core.deps
    store.people.ensure("alice", "fake", "alice", None, deps.now_iso())
    cid = store.cases.add("ZD-77", "", "printer on fire", 1, "alice", "fake", deps.now_iso())
    store.cases.add_participant(cid, "alice", Role.OWNER, deps.now_iso(), None, None)
    case = store.cases.by_id(cid)
    from bot.services.base import Effects
    from bot.services.rooms import open_room

    open_room(deps, case, [], Effects(deps, case))
    create = store.outbox.due(deps.now_iso())[0]
    assert store.outbox.claim(create.id, deps.now_iso(), "2026-11-16T09:01:00Z")  # then: kill
    port.rooms["C77"] = Room("C77", "swarm-zd-77-printer-on-fire")
    await outbox.drain(deps)  # the lease still holds: nothing is done twice meanwhile
    assert store.cases.by_id(cid).room_id is None
    clock.advance(minutes=2)
    assert await core.reconcile() == []
    assert store.cases.by_id(cid).room_id == "C77"
    assert len([r for r in port.rooms.values() if "zd-77" in r.name]) == 1  # not made twice
    assert "alice" in port.members["C77"]
    assert [r.title for r in port.posts_to("C77")] == ["Swarm ZD-77: printer on fire"]
    assert store.outbox.counts() == {"done": 3}


async def test_a_case_left_without_a_room_is_repaired_at_start(core, port) -> None:
    """A case whose room was never asked for (an older version's lost intent) gets one."""
    store, now = core.deps.store, "2026-11-16T09:00:00Z"
    store.people.ensure("alice", "fake", "alice", None, now)
    store.cases.add("ZD-78", "", "no room yet", 2, "alice", "fake", now)
    assert await core.reconcile() == ["room for ZD-78"]
    case = store.cases.by_ref("ZD-78")
    assert case.room_name == "swarm-zd-78-no-room-yet"
    assert "alice" in port.members[case.room_id]
    assert len(port.posts_to(case.room_id)) == 1
    assert await core.reconcile() == []  # nothing left to do


class FlakyPort:
    """The fake port failing its next calls transiently (a 429 / dropped connection)."""

    def __init__(self, port, times: int, retry_after: float | None = None) -> None:
        self.port, self.times, self.retry_after = port, times, retry_after

    def install(self, action: str) -> None:
        real = getattr(self.port, action)

        async def flaky(*args, **kw):
            if self.times > 0:
                self.times -= 1
                raise PortError(action, "ratelimited", transient=True,
                                retry_after=self.retry_after)
            return await real(*args, **kw)

        setattr(self.port, action, flaky)


async def test_transient_failures_are_retried_with_backoff_honouring_retry_after(
        core, port, clock, say) -> None:
    FlakyPort(port, times=2, retry_after=30).install("create_room")
    out = await say.replies("alice", "open ZD-80 sev2 flaky platform")
    assert not any("Couldn't" in r.text for r in out)  # not given up: retried later
    deps = core.deps
    assert deps.store.cases.by_ref("ZD-80").room_id is None
    clock.advance(seconds=20)  # Retry-After says 30: not yet
    await outbox.drain(deps)
    assert deps.store.cases.by_ref("ZD-80").room_id is None
    clock.advance(seconds=11)
    await outbox.drain(deps)  # the second try fails too; the third waits again
    clock.advance(seconds=31)
    await outbox.drain(deps)
    case = deps.store.cases.by_ref("ZD-80")
    assert case.room_id is not None and "alice" in port.members[case.room_id]
    assert len(port.posts_to(case.room_id)) == 1


async def test_permanent_failure_gives_up_at_once_and_retry_redoes_it(core, port,
                                                                     say) -> None:
    port.failing["create_room"] = "restricted_action"
    out = await say.replies("alice", "open ZD-81 sev2 no rights")
    assert any("Couldn't create the swarm room: restricted_action" in r.text
               and "retry ZD-81" in r.text for r in out)
    # The invitation and the brief wait for the room, and are told with it.
    status = await say("alice", "status ZD-81")
    assert "create the swarm room: restricted_action" in status
    del port.failing["create_room"]
    assert "Trying 1 platform call" in await say("alice", "retry ZD-81")
    case = core.deps.store.cases.by_ref("ZD-81")
    assert case.room_id is not None and "alice" in port.members[case.room_id]
    assert len(port.posts_to(case.room_id)) == 1
    assert "Not done on the platform" not in await say("alice", "status ZD-81")
    assert "Nothing on ZD-81" in await say("alice", "retry ZD-81")


async def test_transient_failures_give_up_after_max_tries_and_the_owner_is_told(
        core, port, clock, say) -> None:
    core.deps.config.outbox.max_tries = 3
    await say("alice", "open ZD-82 sev2 first")
    FlakyPort(port, times=99).install("post")
    await say("alice", "note ZD-82 hello")
    await say("bob", "join ZD-82")
    out = await say.replies("alice", "resolve ZD-82 fixed")
    assert not any("Couldn't" in r.text for r in out)
    for _ in range(4):
        clock.advance(minutes=5)
        await outbox.drain(core.deps)
    told = [s.reply.text for s in port.sent if s.action == "dm" and s.target == "alice"]
    assert told == ["Couldn't post the resolution: ratelimited. `/swarm retry ZD-82` tries "
                    "again."]
    assert core.deps.store.outbox.failed(core.deps.store.cases.by_ref("ZD-82").id)[0].tries == 3


async def test_a_command_and_its_calls_and_its_inbox_row_commit_together(core, port) -> None:
    """Redelivered after it ran: the inbox row was done in the command's transaction."""
    from handlers.delivery import Delivery, Sender, Typed

    d = Delivery(source="fake", key="evt-1", sender=Sender("alice", "alice"), room=None,
                 what=Typed("open ZD-83 once only"))
    assert core.accept(d)
    await core.process(d)
    assert not core.accept(d)  # seen: not run again
    assert core.deps.store.inbox.pending("fake") == []
    assert len([r for r in port.rooms.values() if "zd-83" in r.name]) == 1
