"""The nudge pass shares the event loop that answers Slack and Teams: it must ask the store
only about nudges it has not seen settled, and let requests in while it works."""

from __future__ import annotations

import asyncio

import pytest

from bot.scheduler import Scheduler


async def _waiting_case(say, core) -> None:
    await say("alice", "open ZD-1 sev2 Acme cannot log in")
    room = core.deps.store.cases.by_ref("ZD-1").room_id
    await say("alice", "need sso", room)
    await say("alice", "handoff @carol take it", room)


async def test_settled_nudges_are_not_asked_about_again(core, say, clock, request) -> None:
    if request.config.getoption("--store") != "sqlite":
        pytest.skip("statements are counted with SQLite's trace hook; the logic is the "
                    "store's caller's (bot/nudges.py), the same on both stores")
    await _waiting_case(say, core)
    s = Scheduler(core.deps)
    clock.advance(hours=3)
    fired = [f for f in await s.tick(clock.now) if f.startswith("nudge")]
    assert "nudge answer ZD-1 -> @carol" in fired and "nudge connect ZD-1 -> @alice" in fired
    statements: list[str] = []
    db = core.deps.store.db  # the store runs on threads: every connection's statements
    db.set_trace(statements.append)
    try:
        assert await s.tick(clock.now) == []
        asked = [x for x in statements if "INTO nudges" in x]
        assert asked == []  # all settled on the first tick: the store is not asked again
        restarted = Scheduler(core.deps)  # a new process knows nothing settled yet
        assert await restarted.tick(clock.now) == []
        asked = [x for x in statements if "INTO nudges" in x]
        assert len(asked) == len(fired)  # it asks once about each, and sends none again
    finally:
        db.set_trace(None)


async def test_a_nudge_sent_elsewhere_is_settled_here(core, say, clock, port) -> None:
    await _waiting_case(say, core)
    clock.advance(hours=3)
    s = Scheduler(core.deps)
    due = s.nudger.due(clock.now)
    for n in due:  # another replica sent them all
        assert core.deps.store.nudges.mark(n.kind, n.cause, n.to, n.case.id, "2026-11-16T12:00Z")
    sent = len(port.sent)
    assert [f for f in await s.tick(clock.now) if f.startswith("nudge")] == []
    assert len(port.sent) == sent


async def test_the_pass_lets_waiting_requests_in(core, say, clock) -> None:
    await _waiting_case(say, core)
    clock.advance(hours=3)
    turns = 0
    ticking = True

    async def another_request() -> None:
        nonlocal turns
        while ticking:
            turns += 1
            await asyncio.sleep(0)

    s = Scheduler(core.deps)
    other = asyncio.ensure_future(another_request())
    await asyncio.sleep(0)
    before = turns
    fired = await s.tick(clock.now)
    ticking = False
    await other
    assert fired
    # Without the pass's yields the other task gets no turn at all until the pass is done.
    assert turns - before >= 4
