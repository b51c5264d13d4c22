"""Issue 25: `set customer_tz` (promises read in the customer's zone, shown in both, the
reminder at the right instant) and `set link` (shown in the brief and `status`)."""

from __future__ import annotations

from bot.scheduler import Scheduler
from handlers.entrance import Entrance
from testkit.fake_port import FakeChatPort
from tests.conftest import Clock, Say


async def test_a_promise_for_a_sydney_customer(say: Say, core: Entrance, clock: Clock,
                                               port: FakeChatPort) -> None:
    # 2026-11-16 09:00 UTC is 20:00 in Sydney (AEDT, UTC+11) and 10:00 in Berlin.
    await say("alice", 'open ZD-1 sev3 customer="Acme AU" Acme cannot log in')
    case = core.deps.store.cases.by_ref("ZD-1")
    bad = await say("alice", "set customer_tz Sydney/Australia", case.room_id)
    assert "is not a time zone" in bad and "Australia/Sydney" in bad
    out = await say("alice", "set customer_tz australia/sydney", case.room_id)
    assert "ZD-1: customer_tz is now Australia/Sydney." in out
    events = core.deps.store.timeline.events(case.id)
    assert events[-1].kind == "changed"
    assert events[-1].text == "customer_tz: none -> Australia/Sydney"

    out = await say("alice", "promise 17:00 call back with the fix", case.room_id)
    # 17:00 Sydney, the next one: tomorrow 06:00 UTC (07:00 in Berlin, the owner's zone)
    assert "due Tue 17 Nov 17:00 Australia/Sydney for the customer " in out
    assert "(Tue 17 Nov 07:00 Europe/Berlin for you)" in out
    promise = core.deps.store.journal.open_promises(case.id)[0]
    assert promise.due == "2026-11-17T06:00:00Z"
    status = await say("alice", "status", case.room_id)
    assert ("#1 by Tue 17 Nov 17:00 Australia/Sydney (2026-11-17T06:00:00Z): call back "
            "with the fix") in status
    assert "Customer's time zone: Australia/Sydney" in status
    # The resolve refusal and the next owner's draft read it in the customer's zone too.
    refused = await say("alice", "resolve fixed", case.room_id)
    assert ("#1 by Tue 17 Nov 17:00 Australia/Sydney (2026-11-17T06:00:00Z): call back"
            in refused), refused
    draft = await say("alice", "handoff @bob draft", case.room_id)
    assert "#1 by Tue 17 Nov 17:00 Australia/Sydney (2026-11-17 06:00 UTC)" in draft, draft

    s = Scheduler(core.deps)
    clock.advance(hours=20, minutes=59)  # 05:59 UTC: not yet
    assert not any("promise_due" in f for f in await s.tick(clock.now))
    clock.advance(minutes=1)  # 06:00 UTC = 17:00 in Sydney
    assert "nudge promise_due ZD-1 -> @alice" in await s.tick(clock.now)
    reminder = [x.reply for x in port.sent if x.action == "dm" and x.target == "alice"][-1]
    assert "due Tue 17 Nov 17:00 Australia/Sydney (2026-11-17T06:00:00Z)" in reminder.text


async def test_a_link_for_any_case(say: Say, core: Entrance, port: FakeChatPort) -> None:
    await say("alice", "open ZD-2 sev3 Acme export slow")
    case = core.deps.store.cases.by_ref("ZD-2")
    bad = await say("alice", "set link acme ticket", case.room_id)
    assert "is not a link" in bad and core.deps.store.cases.by_ref("ZD-2").link is None
    assert "Only the owner" in await say("bob", "set link https://x.example/1", case.room_id)
    url = "https://acme.zendesk.com/agent/tickets/4711"
    assert f"ZD-2: link is now {url}." in await say("alice", f"set link {url}", case.room_id)
    assert f"Link: {url}" in await say("carol", "status", case.room_id)
    brief = [x.reply for x in port.sent if x.action in ("update", "post")
             and x.reply is not None and (x.reply.title or "").startswith("Swarm ZD-2")][-1]
    assert ("Link", url) in [(f.label, f.value) for f in brief.fields]
