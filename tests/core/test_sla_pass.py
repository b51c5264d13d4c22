"""Issue 25, SLAs (docs/sla.md): a sev1 case under a 1-hour first-response policy with
business hours is nudged before the breach, escalated at it, counted in the digest; outside
business hours the clock waits. Driven through the real scheduler with a fake clock, on the
store under test (`--store=postgres` too)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import Config
from bot.digest.metrics import compute_digest_until
from bot.digest.page import render_page
from bot.digest.text import to_markdown
from bot.digest.weeks import parse_week
from bot.scheduler import Scheduler
from testkit.fake_port import FakeChatPort

GOLD = {"first_response": "1h", "next_update": "4h", "resolution": "24h",
        "severities": ["sev1"], "timezone": "Europe/Berlin",
        "days": ["mon", "tue", "wed", "thu", "fri"], "hours": "09:00-17:00",
        "holidays": ["2026-12-24"], "warn_before": "15m"}


@pytest.fixture
def config(config: Config) -> Config:
    config.sla = {"gold": dict(GOLD)}
    return config


def sla_lines(lines: list[str]) -> list[str]:
    return [x for x in lines if x.startswith("nudge sla_")]


def dms(port: FakeChatPort, person: str, word: str) -> list[str]:
    titles = [s.reply.title or "" for s in port.sent
              if s.action == "dm" and s.target == person and s.reply]
    return [t for t in titles if word in t]


async def test_warned_before_escalated_at_counted_in_the_digest(core, say, clock, port) -> None:
    # Monday 16 Nov 2026 09:00Z is 10:00 in Berlin: open hours, the hour runs at once.
    await say("alice", "open ZD-1 sev1 customer=\"Acme\" Acme's checkout is down")
    room = core.deps.store.cases.by_ref("ZD-1").room_id
    status = await say("alice", "status", room)
    assert "SLA (gold): First response: due Mon 16 Nov 11:00 Europe/Berlin (in 60 min)" \
        in status
    brief = [s.reply for s in port.sent if s.action == "post" and s.reply
             and (s.reply.title or "").startswith("Swarm ZD-1")][0]
    assert ("SLA (gold)", "First response: due Mon 16 Nov 11:00 Europe/Berlin\n"
            "Resolution: due Thu 19 Nov 10:00 Europe/Berlin") in [
        (f.label, f.value) for f in brief.fields]
    s = Scheduler(core.deps)
    clock.advance(minutes=30)
    assert sla_lines(await s.tick(clock.now)) == []
    clock.advance(minutes=16)  # 14 minutes before the due time
    assert sla_lines(await s.tick(clock.now)) == ["nudge sla_warn ZD-1 -> @alice"]
    assert dms(port, "alice", "first response is due in 14 min")
    clock.advance(minutes=1)
    assert sla_lines(await s.tick(clock.now)) == []  # once
    clock.advance(minutes=13)  # 10:00Z, 11:00 Berlin: the breach
    assert sla_lines(await s.tick(clock.now)) == ["nudge sla_breach ZD-1 -> @manny"]
    assert dms(port, "manny", "ZD-1 breached its gold SLA: first response")
    assert "First response: BREACHED, was due Mon 16 Nov 11:00" in await say(
        "alice", "status", room)
    clock.advance(minutes=5)
    assert sla_lines(await s.tick(clock.now)) == []
    # A restart (or another replica) sends neither again; the breach is counted once.
    assert sla_lines(await Scheduler(core.deps).tick(clock.now)) == []
    # The first response comes late: the next update is owed from it (4 business hours).
    clock.advance(minutes=25)
    await say("alice", "touch support called Acme back", room)
    status = await say("alice", "status", room)
    assert "First response: met Mon 16 Nov 11:30 Europe/Berlin (late)" in status
    assert "Next update: due Mon 16 Nov 15:30 Europe/Berlin" in status
    brief = [s.reply for s in port.sent if s.action in ("update", "post") and s.reply
             and (s.reply.title or "").startswith("Swarm ZD-1")][-1]
    sla_field = [f.value for f in brief.fields if f.label == "SLA (gold)"][0]
    assert "First response: met Mon 16 Nov 11:30 Europe/Berlin (late)" in sla_field
    assert sla_lines(await Scheduler(core.deps).tick(clock.now)) == []
    digest = await say("manny", "digest 2026-W47")
    assert "SLA breaches: gold 1 (first response 1) (week before 0)." in digest
    assert "alice" not in digest.split("SLA breaches")[1].split("\n")[0]  # never per agent
    figures, _ = compute_digest_until(core.deps.store, parse_week("2026-W47", "UTC"), clock.now)
    assert figures["sla_breaches"] == {"gold": {"first_response": 1}}
    assert "- SLA breaches: gold 1 (first response 1) (week before 0)." in to_markdown(figures)
    assert '<p id="sla">SLA breaches: gold 1 (first response 1) (week before 0).</p>' in \
        render_page(figures)


async def test_outside_business_hours_the_clock_waits(core, say, clock, port) -> None:
    clock.now = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # Friday 16:30 in Berlin
    await say("alice", "open ZD-2 sev1 customer=\"Acme\" Acme's checkout is down")
    room = core.deps.store.cases.by_ref("ZD-2").room_id
    s = Scheduler(core.deps)
    for hours in (1.5, 24, 24):  # Friday evening, Saturday, Sunday: a 24x7 hour is long gone
        clock.advance(hours=hours)
        assert sla_lines(await s.tick(clock.now)) == []
    status = await say("alice", "status", room)
    assert "First response: due Mon 23 Nov 09:30 Europe/Berlin" in status
    assert "The clock waits: outside business hours." in status
    clock.now = datetime(2026, 11, 23, 8, 16, tzinfo=UTC)  # Monday 09:16 Berlin
    assert sla_lines(await s.tick(clock.now)) == ["nudge sla_warn ZD-2 -> @alice"]
    clock.now = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    assert sla_lines(await s.tick(clock.now)) == ["nudge sla_breach ZD-2 -> @manny"]
    assert dms(port, "manny", "ZD-2 breached its gold SLA")


async def test_met_in_time_is_neither_warned_nor_breached(core, say, clock) -> None:
    await say("alice", "open ZD-3 sev1 Acme's checkout is down")
    room = core.deps.store.cases.by_ref("ZD-3").room_id
    clock.advance(minutes=20)
    await say("alice", "touch support told Acme we are on it", room)
    s = Scheduler(core.deps)
    clock.advance(minutes=30)
    assert sla_lines(await s.tick(clock.now)) == []
    # The next update is owed 4 business hours after that contact: 13:20Z, 14:20 Berlin.
    clock.now = datetime(2026, 11, 16, 13, 6, tzinfo=UTC)
    assert sla_lines(await s.tick(clock.now)) == ["nudge sla_warn ZD-3 -> @alice"]
    await say("alice", "touch support update sent", core.deps.store.cases.by_ref("ZD-3").room_id)
    clock.advance(minutes=20)
    assert sla_lines(await s.tick(clock.now)) == []  # a new contact: a new due time
    digest = await say("manny", "digest 2026-W47")
    assert "SLA breaches: none" in digest


async def test_set_sla_and_priority(core, say, clock) -> None:
    await say("alice", "open ZD-4 sev3 Acme asks about invoices")
    room = core.deps.store.cases.by_ref("ZD-4").room_id
    assert "SLA" not in await say("alice", "status", room)  # sev3: no policy lists it
    assert "ZD-4: sla is now gold." in await say("alice", "set sla gold", room)
    assert "SLA (gold): First response" in await say("alice", "status", room)
    assert "is no SLA policy: give one of gold, auto" in await say("alice", "set sla platinum",
                                                                     room)
    assert "ZD-4: sla is now none." in await say("alice", "set sla none", room)
    assert "SLA" not in await say("alice", "status", room)
    assert "ZD-4: priority is now urgent." in await say("alice", "set priority Urgent", room)
    assert "is not a priority: give one of high, low, normal, urgent" in await say(
        "alice", "set priority whenever", room)
    events = [e.text for e in core.deps.store.timeline.events(
        core.deps.store.cases.by_ref("ZD-4").id) if e.kind == "changed"]
    assert "sla: auto -> gold" in events and "priority: none -> urgent" in events


async def test_a_breach_found_late_reaches_a_finished_weeks_digest(core, say, clock) -> None:
    # The bot was down at the breach: the next pass records it in the week it was due, and
    # that week's kept digest figures make way for it.
    clock.now = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # Friday 15:00 Berlin, W47
    await say("alice", "open ZD-5 sev1 Acme's checkout is down")
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday of W48
    assert "SLA breaches: none" in await say("manny", "digest 2026-W47")  # figures kept
    assert sla_lines(await Scheduler(core.deps).tick(clock.now)) == [
        "nudge sla_breach ZD-5 -> @manny"]
    assert "SLA breaches: gold 1 (first response 1)" in await say("manny", "digest 2026-W47")


async def test_a_reopened_case_owes_its_resolution_from_the_reopening(core, say, clock) -> None:
    await say("alice", "open ZD-6 sev1 Acme's checkout is down")
    room = core.deps.store.cases.by_ref("ZD-6").room_id
    await say("alice", "touch support on it", room)
    clock.advance(hours=2)
    await say("alice", "resolve cache flushed", room)
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday of W48, 10:00 Berlin
    await say("alice", "reopen ZD-6 it is down again")
    status = await say("alice", "status ZD-6")
    # 24 business hours from Wednesday 10:00 Berlin: Monday 30 Nov 10:00
    assert "Resolution: due Mon 30 Nov 10:00 Europe/Berlin" in status, status
    lines = await Scheduler(core.deps).tick(clock.now)
    assert not [x for x in lines if "sla_breach" in x]  # nothing breached in the past
    assert "Next update: due Wed 25 Nov 14:00 Europe/Berlin" in status
