"""The whole life of a case (issue 12): reopen, cancel, corrections, withdraw, numbers, credit,
nudges. Driven through the one entrance on a real SQLite file and a clock the test moves."""

from __future__ import annotations

import json

from adapters.bootstrap import build_core, open_config_store
from bot.digest.metrics import compute_digest
from bot.digest.text import to_markdown
from bot.digest.weeks import week_containing
from bot.domain import CaseStatus
from bot.export import export_cases
from bot.people import mention
from bot.scheduler import Scheduler
from tests.conftest import room_event


async def _open(say, core, ref: str = "ZD-1", sev: str = "sev2") -> str:
    await say("alice", f"open {ref} {sev} Acme cannot log in")
    return core.deps.store.cases.by_ref(ref).room_id


async def test_numbers_are_per_case(say, core) -> None:
    first, second = await _open(say, core, "ZD-1"), await _open(say, core, "ZD-2")
    assert "Decision #1" in await say("alice", "decide low waive the fee", first)
    await say("alice", "promise in 2h call back", first)
    assert "Decision #1" in await say("alice", "decide low extend the trial", second)
    assert "Promise #1" in await say("alice", "promise in 1h send the invoice", second)
    assert "kept on time" in await say("alice", "kept 1", second)
    assert "turned out" not in await say("alice", "outcome 1 kept", second)
    assert core.deps.store.journal.promise_no(
        core.deps.store.cases.by_ref("ZD-1").id, 1).kept_at is None  # ZD-1's #1 untouched
    assert "no promise #2" in await say("alice", "kept 2", second)


async def test_resolve_credits_contributors_not_passers_by(say, core, clock) -> None:
    room = await _open(say, core)
    for who in ("bob", "carol", "dan", "erin"):
        await say(who, "join", room)
    await say("dan", "leave", room)  # joined and left at once: no credit
    await say("bob", "note checked the IdP logs", room)
    await room_event(core, "posted", room, "carol")  # wrote in the room
    await say("alice", "thanks @erin found the ticket", room)
    out = await say("alice", "resolve fixed", room)
    assert "<@bob>" in out and "<@carol>" in out and "<@erin>" in out
    assert "<@dan>" not in out and "Credited:" in out
    assert "joining alone is not credit" in await say("alice", "help resolve")


async def test_resolve_asks_about_open_promises_then_carries_them(say, core) -> None:
    room = await _open(say, core)
    await say("alice", "promise in 2h call back", room)
    asked = await say("alice", "resolve fixed", room)
    assert "open promises" in asked and "#1" in asked and 'carry="' in asked
    assert core.deps.store.cases.by_ref("ZD-1").is_open
    out = await say("alice", 'resolve carry="bob calls on Friday" fixed', room)
    assert "Resolved ZD-1" in out
    kinds = [(e["kind"], e["text"]) for e in
             export_cases(core.deps.store)["cases"][0]["timeline"]]
    assert ("promise_carried", "#1 call back: bob calls on Friday") in kinds


async def test_correct_and_retract_are_append_only(say, core) -> None:
    room = await _open(say, core)
    await say("bob", "join", room)
    await say("bob", "note customer runs 4.2", room)
    note = core.deps.store.timeline.events(core.deps.store.cases.by_ref("ZD-1").id)[-1]
    assert f"#{note.id} " in await say("bob", "catchup", room)  # entry ids are shown
    assert "Only who wrote" in await say("carol", f"correct {note.id} 4.3", room)
    assert "recorded by swarmbot" in await say("alice", "correct 1 reopened", room)
    assert "no entry #999" in await say("bob", "correct 999 x", room)
    assert "corrected" in await say("bob", f"correct {note.id} customer runs 4.3", room)
    shown = await say("bob", "catchup", room)
    assert "customer runs 4.3" in shown
    await say("alice", f"retract {note.id} wrong customer", room)  # the owner may
    assert "was retracted" in await say("bob", f"correct {note.id} again", room)
    [case] = export_cases(core.deps.store)["cases"]
    original = next(e for e in case["timeline"] if e["id"] == note.id)
    assert original["text"] == "customer runs 4.2"  # the original stays
    assert [(c["kind"], c["by"], c["text"]) for c in original["changed"]] == [
        ("corrected", "bob", "customer runs 4.3"), ("retracted", "alice", "wrong customer")]
    assert [e["about"] for e in case["timeline"] if e["kind"] in ("corrected", "retracted")
            ] == [note.id, note.id]


async def test_set_details_are_recorded_and_severity_moves_the_topic(say, core, port) -> None:
    room = await _open(say, core, sev="sev3")
    assert "not a severity" in await say("alice", "set severity sev9", room)
    assert "cannot be set" in await say("alice", "set owner @bob", room)
    assert "Only the owner" in await say("bob", "set severity sev1", room)
    assert "severity is now sev1" in await say("alice", "set severity sev1", room)
    await say("alice", "set customer Acme GmbH", room)
    case = core.deps.store.cases.by_ref("ZD-1")
    assert (case.severity, case.customer) == (1, "Acme GmbH")
    assert "sev1" in port.topics[room]
    texts = [e.text for e in core.deps.store.timeline.events(case.id) if e.kind == "changed"]
    assert texts == ["severity: sev3 -> sev1", "customer: none -> Acme GmbH"]


async def test_withdraw_and_replace_tell_the_receiver(say, core, port) -> None:
    room = await _open(say, core)
    assert "No handoff" in await say("alice", "withdraw", room)
    await say("alice", "handoff @bob take it", room)
    out = await say("alice", "withdraw", room)
    assert "Withdrew the offer of ZD-1 to <@bob>" in out
    told = [s.reply.text for s in port.sent if s.action == "dm" and s.target == "bob"]
    assert "withdrew the handoff of ZD-1" in told[-1]
    assert "no handoff" in await say("bob", "accept ZD-1")
    await say("alice", "handoff @carol take it", room)
    await say("alice", "handoff @bob no, you take it", room)
    told = [s.reply.text for s in port.sent if s.action == "dm" and s.target == "carol"]
    assert "it went to" in told[-1] and "withdrew" in told[-1]


async def test_cancel_reopen_and_the_digest(say, core, port, clock) -> None:
    room = await _open(say, core)
    assert "Only the owner" in await say("bob", "cancel ZD-1 dup", room)
    assert "say why" in await say("alice", "cancel", room)
    assert "Cancelled ZD-1" in await say("alice", "cancel duplicate of ZD-2", room)
    case = core.deps.store.cases.by_ref("ZD-1")
    assert case.status is CaseStatus.CANCELLED and room in port.archived
    assert "cancelled" in await say("alice", "note late", room)
    assert "reopen" in await say("alice", "open ZD-1 again")  # points the way back
    assert "Only the owner" in await say("bob", "reopen ZD-1 not a dup")
    out = await say("alice", "reopen ZD-1 not a duplicate after all")
    case = core.deps.store.cases.by_ref("ZD-1")
    assert "Reopened ZD-1" in out and case.is_open and case.room_id != room
    assert "The earlier room was #swarm-zd-1" in port.posts_to(case.room_id)[-1].text
    assert "is open; there is nothing to reopen" in await say("alice", "reopen ZD-1 again")
    await _open(say, core, "ZD-2")
    await say("alice", "resolve ZD-2 fixed")
    digest = compute_digest(core.deps.store, week_containing(clock.now, "UTC"), clock.now)
    assert (digest["resolved"], digest["cancelled"], digest["reopened"]) == (1, 1, 1)
    json.dumps(digest)
    assert "- Cancelled (apart from resolved): 1; reopened: 1. Nudges sent: none." in \
        to_markdown(digest)


async def test_nudges_fire_once_each_to_the_right_people(core, say, port, clock,
                                                          config) -> None:
    config.types = {"sev1": {"invite": ["sam"], "connect_within": "10m"}}
    await say("bob", "skills add sso")
    room = await _open(say, core, sev="sev1")
    assert "sam" in port.members[room]
    await say("alice", "need sso", room)
    await say("alice", "handoff @carol take it", room)
    s = Scheduler(core.deps)
    assert [x for x in await s.tick(clock.now) if x.startswith("nudge")] == []
    clock.advance(minutes=16)
    fired = await s.tick(clock.now)
    assert "nudge connect ZD-1 -> @alice" in fired
    assert "nudge connect ZD-1 -> #triage" in fired  # the type's 10 min, not sev1's 15
    assert "nudge answer ZD-1 -> @carol" in fired
    assert not any("manny" in f or "answer ZD-1 -> @alice" in f for f in fired)
    assert await s.tick(clock.now) == []  # once each
    clock.advance(minutes=15)
    again = [f for f in await s.tick(clock.now) if f.startswith("nudge")]
    assert sorted(again) == ["nudge answer ZD-1 -> @alice", "nudge connect ZD-1 -> @manny"]
    withdraw = [s.reply for s in port.sent if s.action == "dm" and s.target == "alice"][-1]
    assert [b.command for b in withdraw.buttons] == ["withdraw ZD-1"]
    clock.advance(minutes=30)  # an hour since open with no word to the customer (sev1)
    restarted = Scheduler(build_core(config, {"fake": port}, clock=clock,
                                     store=open_config_store(config)).deps)
    fired = await restarted.tick(clock.now)
    assert fired == ["nudge update ZD-1 -> @alice"]
    update = [s.reply for s in port.sent if s.action == "dm" and s.target == "alice"][-1]
    assert update.buttons[0].label == "Log an update"
    assert update.buttons[0].command == "touch ZD-1" and update.buttons[0].needs_input
    await say("alice", "touch support called them", room)
    assert await restarted.tick(clock.now) == []  # a new touchpoint: the customer heard


async def test_a_refused_nudge_is_retried_and_severity_sets_the_timing(core, say, port,
                                                                      clock) -> None:
    room = await _open(say, core, sev="sev4")
    s = Scheduler(core.deps)
    clock.advance(hours=2)
    assert [f for f in await s.tick(clock.now) if "update" in f] == []  # sev4: a day
    await say("alice", "set severity sev1", room)
    port.failing["direct_message"] = "user_not_found"
    assert [f for f in await s.tick(clock.now) if "update" in f] == []
    del port.failing["direct_message"]
    assert [f for f in await s.tick(clock.now) if "update" in f] == [
        "nudge update ZD-1 -> @alice"]
    digest = compute_digest(core.deps.store, week_containing(clock.now, "UTC"), clock.now)
    assert digest["nudges"] == {"update": 1}


async def test_a_due_promise_nudges_the_owner_at_the_due_time(core, say, port, clock) -> None:
    room = await _open(say, core)
    await say("alice", "promise in 30m call back", room)
    s = Scheduler(core.deps)
    clock.advance(minutes=29)
    assert not any("promise_due" in f for f in await s.tick(clock.now))
    clock.advance(minutes=1)
    assert "nudge promise_due ZD-1 -> @alice" in await s.tick(clock.now)
    due = [s.reply for s in port.sent if s.action == "dm" and s.target == "alice"][-1]
    assert due.buttons[0].command == "kept ZD-1 1"


async def test_open_with_a_type(core, say, config) -> None:
    config.types = {"billing": {"skills": ["invoices"]}}
    assert "No swarm type `nope`" in await say("alice", "open ZD-5 type=nope x")
    await say("alice", "open ZD-5 sev2 type=billing refund stuck")
    assert "Type: billing" in await say("alice", "status ZD-5")
    assert core.deps.store.cases.by_ref("ZD-5").swarm_type == "billing"
    assert core.deps.store.cases.help_requests(core.deps.store.cases.by_ref("ZD-5").id)


async def test_the_brief_is_one_living_message(say, core, port) -> None:
    room = await _open(say, core, sev="sev3")
    brief_id = next(str(i + 1) for i, s in enumerate(port.sent)
                    if s.action == "post" and s.target == room)

    def last_brief():
        updates = [s for s in port.sent if s.action == "update"]
        assert all(s.target == room and s.text == brief_id for s in updates)
        return {f.label: f.value for f in updates[-1].reply.fields}, updates[-1].reply

    await say("alice", "delight a call from their account manager", room)
    assert last_brief()[0]["What would delight them"] == "a call from their account manager"
    await say("alice", "set severity sev1", room)
    assert last_brief()[0]["Severity"] == "sev1"
    await say("alice", "promise in 2h call back", room)
    assert "call back" in last_brief()[0]["Open promises"]
    await say("alice", "kept 1", room)
    assert "Open promises" not in last_brief()[0]
    await say("alice", "handoff @bob take it", room)
    await say("bob", "accept ZD-1")
    assert last_brief()[0]["Owner"] == mention("bob")
    await say("bob", "resolve fixed", room)
    fields, reply = last_brief()
    assert "(resolved)" in reply.title and reply.buttons == ()
    await say("bob", "reopen ZD-1 back again")
    new_room = core.deps.store.cases.by_ref("ZD-1").room_id
    port.failing["update_message"] = "message_not_found"
    out = await say("bob", "delight a discount", new_room)  # the new room's own brief
    assert "Recorded what would delight them" in out
    assert "Couldn't update the case brief: message_not_found" in out


async def test_a_type_can_have_its_own_triage_room(core, say, port, clock, config) -> None:
    config.types = {"billing": {"triage_room": "billing-triage", "connect_within": "5m"}}
    await say("alice", "open ZD-6 type=billing refund stuck")
    await say("alice", "need ZD-6 refunds")
    assert port.posts_to("billing-triage")[-1].title == "Help wanted on ZD-6"
    assert port.posts_to("triage") == []
    clock.advance(minutes=5)
    fired = await Scheduler(core.deps).tick(clock.now)
    assert "nudge connect ZD-6 -> #billing-triage" in fired


async def test_reopen_brings_the_swarm_into_the_new_room(say, core, port) -> None:
    room = await _open(say, core)
    await say("bob", "join", room)
    await say("carol", "join", room)
    await say("carol", "leave", room)
    await say("alice", "resolve fixed", room)
    await say("alice", "reopen ZD-1 it is back")
    new_room = core.deps.store.cases.by_ref("ZD-1").room_id
    assert port.members[new_room] == {"alice", "bob"}


def test_type_problems_are_one_line_each() -> None:
    from bot.swarm_types import problems

    assert problems({"sev1": {"connect_within": "soon", "invite": "sam", "colour": "red",
                              "triage_room": 7}, "Bad Name": {}}) == [
        "[types.sev1] connect_within = 'soon' is not a duration (like \"15m\", \"2h\", \"1d\")",
        "[types.sev1] invite must be a list of strings",
        "unknown key [types.sev1] colour (known: answer_within, confidential, connect_within, "
        "followers, invite, skills, triage_room, update_every)",
        "[types.sev1] triage_room must be a room name or id (a string)",
        "[types.Bad Name]: a type name is lowercase letters, digits, - or _"]


def test_a_bad_types_section_stops_start_up_with_every_problem(tmp_path) -> None:
    import pytest

    from bot.config import load_config
    from bot.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text('[types.sev1]\nupdate_every = "0h"\n[store]\npaht = "x"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    text = str(err.value)
    assert "unknown key [config.store] paht" in text
    assert "[types.sev1] update_every = '0h' is not a duration" in text
