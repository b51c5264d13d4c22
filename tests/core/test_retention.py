"""[retention] days and inbox pruning, driven through the scheduler on a fake clock."""

from __future__ import annotations

from adapters.checks import config_problems
from bot.config import Config
from bot.scheduler import Scheduler
from handlers.delivery import Delivery, Sender, Typed
from handlers.entrance import Entrance
from tests.conftest import Clock, Say


async def test_scheduler_redacts_old_resolved_cases_only(core: Entrance, say: Say,
                                                         clock: Clock):
    core.deps.config.retention.days = 30
    store = core.deps.store
    await say("alice", 'open ZD-1 sev2 customer="Acme" Acme portal down')
    old = store.cases.by_ref("ZD-1")
    await say("alice", "note Jane Roe called about invoice 77", room=old.room_id)
    await say("alice", "resolve portal restarted", room=old.room_id)
    clock.advance(days=26)
    await say("bob", 'open ZD-2 sev3 customer="Globex" Globex export slow')
    recent = store.cases.by_ref("ZD-2")
    await say("bob", "resolve index rebuilt", room=recent.room_id)
    await say("carol", 'open ZD-3 sev3 customer="Initech" still open')
    scheduler = Scheduler(core.deps)

    clock.advance(days=4)  # ZD-1 resolved 30 days ago: not *more* than 30 yet
    assert "retention: redacted ZD-1" not in await scheduler.tick(clock.now)
    clock.advance(hours=1)
    lines = await scheduler.tick(clock.now)
    assert "retention: redacted ZD-1" in lines
    assert not any("ZD-2" in line or "ZD-3" in line for line in lines)
    gone = store.cases.by_ref("ZD-1")
    assert (gone.customer, gone.summary, gone.resolution) == ("[erased]",) * 3
    texts = [e.text for e in store.timeline.events(gone.id)]
    assert not any("Jane Roe" in t for t in texts)
    assert texts[-1].startswith("Redacted at ") and "[retention] days = 30" in texts[-1]
    assert store.cases.by_ref("ZD-2").summary == "Globex export slow"
    assert store.cases.by_ref("ZD-3").customer == "Initech"
    # done once: the next tick finds nothing more to redact
    assert not any(line.startswith("retention") for line in await scheduler.tick(clock.now))


async def test_processed_deliveries_are_pruned_after_a_day(core: Entrance, clock: Clock):
    store = core.deps.store
    store.inbox.put("k-unrun", "fake", "{}", core.deps.now_iso())  # acked, never processed
    await core.receive(Delivery(source="fake", sender=Sender("alice"), key="k-open",
                                what=Typed("open ZD-1 sev2 Acme portal down")))
    count = "SELECT COUNT(*) AS n FROM inbox"
    before = store.db.execute(count).fetchone()["n"]  # type: ignore[attr-defined]
    assert before == 2
    scheduler = Scheduler(core.deps)
    clock.advance(hours=23)
    await core.receive(Delivery(source="fake", sender=Sender("alice"), key="k-list",
                                what=Typed("list")))
    assert not any("inbox" in line for line in await scheduler.tick(clock.now))
    clock.advance(hours=2)
    assert "inbox: pruned 1 processed deliveries" in await scheduler.tick(clock.now)
    assert [i.key for i in store.inbox.pending("fake")] == ["k-unrun"]
    assert store.db.execute(count).fetchone()["n"] == 2  # type: ignore[attr-defined]


def test_negative_retention_is_one_line() -> None:
    cfg = Config()
    cfg.retention.days = -5
    assert config_problems(cfg, "shell", env={}) == [
        "[retention] days -5 is negative: give the days to keep a resolved case's text, "
        "or 0 to keep it forever"]
