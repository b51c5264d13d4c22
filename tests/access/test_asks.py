"""`ask @user [skill]` (issue 26): a decline, then no answer in time, reach the third expert
the finder ranks; the owner is told each step; the third accepts by joining."""

from __future__ import annotations

from bot.export import export_cases
from bot.scheduler import Scheduler
from bot.services.outbox import drain


def _dms(port, person: str) -> list[str]:  # noqa: ANN001
    return [" ".join([s.reply.title or "", s.reply.text]) for s in port.sent
            if s.action == "dm" and s.target == person and s.reply is not None]


async def test_a_decline_then_a_timeout_reach_the_third_expert(say, core, port, clock) -> None:
    # The finder ranks the less loaded first: carol (no other swarm), then dan (one).
    for who in ("bob", "carol", "dan"):
        await say(who, "skills add sso")
    await say("erin", "open ZD-70 sev3 another case")
    await say("erin", "invite @dan", core.deps.store.cases.by_ref("ZD-70").room_id)
    await say("alice", "open ZD-71 sev2 Acme SSO broken")
    room = core.deps.store.cases.by_ref("ZD-71").room_id

    out = await say("alice", "ask @bob sso", room)
    assert "Asked <@bob> directly for sso. If they decline, I'll ask the next expert." in out
    [asked] = [m for m in _dms(port, "bob") if "asks you to help on ZD-71" in m]
    offer = next(s.reply for s in port.sent if s.action == "dm" and s.target == "bob")
    assert [b.command for b in offer.buttons] == ["join ZD-71", "decline ZD-71"]

    out = await say("bob", "decline ZD-71 on leave today")
    assert "Declined" in out
    told = _dms(port, "alice")
    assert any("declined (on leave today) on ZD-71; I've asked" in m and "carol" in m
               for m in told), told
    assert any("asks you to help on ZD-71" in m for m in _dms(port, "carol"))

    clock.advance(minutes=31)  # sev2 answers within 30 min
    fired = await Scheduler(core.deps).tick(clock.now)
    await drain(core.deps)
    assert any(line.startswith("ask ZD-71 carol timed out -> dan") for line in fired), fired
    assert any("did not answer within 30 min on ZD-71; I've asked" in m and "dan" in m
               for m in _dms(port, "alice"))
    again = await Scheduler(core.deps).tick(clock.now)
    assert not any(line.startswith("ask ") for line in again), again

    out = await say("dan", "join ZD-71")
    assert "You joined ZD-71" in out
    assert any("accepted your ask on ZD-71" in m for m in _dms(port, "alice"))
    asks = export_cases(core.deps.store)["cases"][1]["asks"]
    assert [(a["person"], a["state"], a["reason"]) for a in asks] == [
        ("bob", "declined", "on leave today"), ("carol", "timed out", None),
        ("dan", "accepted", None)]


async def test_the_chain_stops_after_three_and_bad_asks_get_one_line(say, core, port) -> None:
    for who in ("bob", "carol", "dan", "fay"):
        await say(who, "skills add sso")
    await say("alice", "open ZD-72 sev2 Acme SSO broken")
    room = core.deps.store.cases.by_ref("ZD-72").room_id
    for text, expected in (("ask", "name one person with @"),
                           ("ask @bob sso saml", "at most one skill"),
                           ("ask @alice", "Ask someone else"),
                           ("ask @bob sso", "Asked <@bob>"),
                           ("ask @bob sso", "has been asked on ZD-72 already")):
        assert expected in await say("alice", text, room), text
    assert "You're not in the swarm for ZD-72" in await say("gus", "ask ZD-72 @carol sso")
    for _ in range(3):
        waiting = [a.person for a in core.deps.store.access.pending_asks()]
        await say(waiting[0], "decline ZD-72 busy")
    assert any("3 people were asked for sso, so I stop here" in m for m in _dms(port, "alice"))
    assert core.deps.store.access.pending_asks() == []
    asked = {a.person for a in core.deps.store.access.asks(core.deps.store.cases.by_ref(
        "ZD-72").id)}
    assert len(asked) == 3
    [left] = {"bob", "carol", "dan", "fay"} - asked
    assert "There's no handoff of ZD-72 waiting for you" in await say(left, "decline ZD-72")


async def test_an_asked_person_reads_a_confidential_case_and_joins_it(say, core, port) -> None:
    await say("alice", "open ZD-73 sev2 private Board payroll leak")
    room = core.deps.store.cases.by_ref("ZD-73").room_id
    assert "confidential" in await say("bob", "status ZD-73")
    await say("alice", "ask @bob payroll", room)
    [asked] = [m for m in _dms(port, "bob") if "asks you to help on ZD-73" in m]
    assert "Board" not in asked  # a DM's preview is no place for a confidential summary
    assert "Board payroll leak" in await say("bob", "status ZD-73")
    assert "You joined ZD-73" in await say("bob", "join ZD-73")
    assert any("accepted your ask on ZD-73" in m for m in _dms(port, "alice"))
