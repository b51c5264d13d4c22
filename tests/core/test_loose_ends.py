"""Issue 25's loose ends, each as a new user met it on main (2026-12-06)."""

from __future__ import annotations

from bot.scheduler import Scheduler
from handlers.entrance import Entrance
from testkit.fake_port import FakeChatPort
from tests.conftest import Clock, Say


async def _open(say: Say, core: Entrance, ref: str = "ZD-1") -> str:
    await say("alice", f'open {ref} sev2 customer="Acme" Acme cannot log in')
    return core.deps.store.cases.by_ref(ref).room_id


async def test_cancel_asks_about_open_promises_as_resolve_does(say: Say, core: Entrance,
                                                               clock: Clock) -> None:
    room = await _open(say, core)
    await say("alice", "promise in 2h call back", room)
    asked = await say("alice", "cancel duplicate of ZD-9", room)
    assert "open promises" in asked and "#1" in asked and 'cancel carry="' in asked
    assert core.deps.store.cases.by_ref("ZD-1").is_open
    out = await say("alice", 'cancel carry="bob calls on Friday" duplicate of ZD-9', room)
    assert "Cancelled ZD-1: duplicate of ZD-9" in out
    case = core.deps.store.cases.by_ref("ZD-1")
    kinds = [(e.kind, e.text) for e in core.deps.store.timeline.events(case.id)]
    assert ("promise_carried", "#1 call back: bob calls on Friday") in kinds
    # Reopened, the carried promise is no longer the case's: not open, never reminded.
    await say("alice", "reopen customer wrote again", room)
    assert core.deps.store.journal.open_promises(case.id) == []
    clock.advance(hours=3)
    lines = await Scheduler(core.deps).tick(clock.now)
    assert not any("promise" in line for line in lines), lines


async def test_a_promise_carried_at_resolve_is_not_open_after_reopen(say: Say,
                                                                     core: Entrance,
                                                                     clock: Clock) -> None:
    room = await _open(say, core)
    await say("alice", "promise in 1h call back", room)
    await say("alice", 'resolve carry="bob follows up" fixed', room)
    await say("alice", "reopen it broke again", room)
    case = core.deps.store.cases.by_ref("ZD-1")
    clock.advance(hours=2)
    status = await say("alice", "status", case.room_id)
    assert "call back" not in status and "overdue" not in status.lower(), status
    await say("alice", "promise in 1h send the logs", case.room_id)
    assert [p.what for p in core.deps.store.journal.open_promises(case.id)] == ["send the logs"]


async def test_status_names_the_severity_as_the_brief_does(say: Say, core: Entrance) -> None:
    room = await _open(say, core)
    status = await say("alice", "status", room)
    assert "Severity: sev2" in status and "Type:" not in status


async def test_an_unterminated_quote_is_one_clear_line(say: Say, core: Entrance) -> None:
    out = await say("alice", 'open ZD-7 sev2 customer="Acme Corp cannot log in')
    assert core.deps.store.cases.by_ref("ZD-7") is None
    assert "`customer=` opens a quote that is never closed" in out
    assert len(out.splitlines()) == 1
    out = await say("alice", "open ZD-7 sev2 customer=“Acme Corp cannot log in")
    assert "never closed" in out and core.deps.store.cases.by_ref("ZD-7") is None


async def test_because_without_a_reason_is_refused(say: Say, core: Entrance) -> None:
    room = await _open(say, core)
    out = await say("alice", "decide low refund because", room)
    assert "say why after `because`" in out and "Decision #" not in out
    assert core.deps.store.journal.decisions(core.deps.store.cases.by_ref("ZD-1").id) == []
    out = await say("alice", "decide low refund because they lost two days", room)
    decision = core.deps.store.journal.decisions(core.deps.store.cases.by_ref("ZD-1").id)[0]
    assert (decision.decision, decision.rationale) == ("refund", "they lost two days")


async def test_a_long_silence_nudges_again_and_escalates(say: Say, core: Entrance,
                                                         clock: Clock) -> None:
    await say("alice", 'open ZD-3 sev3 customer="Acme" Acme export slow')  # update_every 8h
    s = Scheduler(core.deps)

    async def updates(**step: float) -> list[str]:
        clock.advance(**step)
        return [f for f in await s.tick(clock.now) if f.startswith("nudge update")]

    assert await updates(hours=7) == []
    assert await updates(hours=1) == ["nudge update ZD-3 -> @alice"]
    assert await updates(hours=7) == []
    assert sorted(await updates(hours=1)) == ["nudge update ZD-3 -> @alice",
                                              "nudge update ZD-3 -> @manny"]
    assert await updates(minutes=30) == []
    # six silent days: told every 8 hours, not once
    told = [await updates(hours=8) for _ in range(16)]
    assert all("nudge update ZD-3 -> @alice" in t for t in told)
    room = core.deps.store.cases.by_ref("ZD-3").room_id
    await say("alice", "touch support called them back", room)
    assert await updates(hours=7) == []


async def test_a_process_named_process_is_not_doubled(say: Say, core: Entrance,
                                                      port: FakeChatPort) -> None:
    await say("bob", "friction billing process: two invoices a month")
    await say("cy", "friction refund approvals: three approvals for 20 EUR")
    await say("manny", "friction reviewed billing process: one invoice now")
    await say("manny", "friction reviewed refund approvals: one approval")
    told = {s.target: s.reply.text for s in port.sent if s.action == "dm"}
    assert told["bob"].startswith("The billing process you reported was reviewed by ")
    assert told["cy"].startswith("The refund approvals process you reported was reviewed ")


async def test_set_customer_in_quotes_keeps_the_words_not_the_quotes(say: Say,
                                                                     core: Entrance) -> None:
    room = await _open(say, core)
    assert "customer is now Acme EU." in await say("alice", 'set customer "Acme EU"', room)
    assert core.deps.store.cases.by_ref("ZD-1").customer == "Acme EU"
    await say("alice", "set summary “SSO broken for EU staff”", room)
    assert core.deps.store.cases.by_ref("ZD-1").summary == "SSO broken for EU staff"
    # Quotes inside a value stay: only one pair wrapping the whole value is taken off.
    await say("alice", 'set summary "SSO" fails for "EU" staff', room)
    assert core.deps.store.cases.by_ref("ZD-1").summary == '"SSO" fails for "EU" staff'
