"""A whole case through the command layer, against the in-memory port and a real SQLite file."""

from __future__ import annotations

import json

from bot.export import export_cases
from bot.people import mention
from bot.replies import Tone
from tests.conftest import room_event


async def _open(say, core) -> str:  # noqa: ANN001
    for who, skills in (("bob", "sso saml"), ("carol", "networking"), ("dan", "sso")):
        await say(who, f"skills add {skills}")
    out = await say("alice", 'open ZD-4711 sev2 customer="Acme Corp" Acme cannot log in')
    assert "Opened ZD-4711" in out
    case = core.deps.store.cases.by_ref("ZD-4711")
    assert case is not None and case.room_id
    return case.room_id


async def test_whole_case_from_open_to_resolve(say, core, port, clock) -> None:
    room = await _open(say, core)
    assert port.members[room] == {"alice"}
    brief = port.posts_to(room)[0]
    assert [b.command for b in brief.buttons] == ["join ZD-4711", "handoff ZD-4711",
                                                  "resolve ZD-4711"]
    out = await say("alice", 'need sso saml networking tried="reset the IdP cert"', room)
    assert "<@bob>" in out and "<@carol>" in out and "<@dan>" not in out
    triage = port.posts_to("triage")[-1]
    assert set(triage.mentions) == {"bob", "carol"}
    assert triage.buttons[0].command == "join ZD-4711"

    clock.advance(minutes=7)
    out = await say("bob", "join ZD-4711", "triage")
    assert "You joined ZD-4711" in out and "help requested" in out
    assert "bob" in port.members[room]
    await say("carol", "join", room)
    await say("bob", "touch billing refund promised on the phone", room)
    await say("bob", "mood frustrated waited two days", room)
    await say("alice", "delight a call back from the CTO", room)
    out = await say("alice", "decide medium waive the fee because they lost a day", room)
    assert "Decision #1" in out
    await say("alice", "outcome 1 kept", room)
    await say("carol", "friction refunds: three approvals for 20 EUR", room)
    await say("alice", "promise in 2h call back with the fix", room)

    refused = await say("alice", "handoff @bob", room)
    assert "needs a briefing" in refused
    assert "yourself" in await say("alice", "handoff @alice take it", room)

    await say("alice", 'handoff @bob cert rotated, waiting on IdP tried="new cert"', room)
    offer = [s for s in port.sent if s.action == "dm" and s.target == "bob"][-1].reply
    fields = {f.label: f.value for f in offer.fields}
    assert fields["Briefing"] == "cert rotated, waiting on IdP"
    assert fields["Customer mood"].startswith("frustrated")
    assert fields["Already tried"] == "new cert"
    assert "call back with the fix" in fields["Open promises"]
    assert "billing: refund promised" in fields["Last customer contact"]
    assert [b.command for b in offer.buttons] == ["accept ZD-4711", "decline ZD-4711"]
    assert core.deps.store.cases.by_ref("ZD-4711").owner == "alice"  # still owner until accepted

    assert "no handoff" in await say("carol", "accept ZD-4711")
    out = await say("bob", "accept ZD-4711")
    assert "You now own ZD-4711" in out
    assert core.deps.store.cases.by_ref("ZD-4711").owner == "bob"
    assert f"owner {mention('bob')}" in port.topics[room]
    await say("alice", "thanks @carol traced the cert chain", room)
    assert "Only the owner" in await say("alice", "resolve fixed", room)
    asked = await say("bob", "resolve rotated the IdP cert", room)
    assert "open promises" in asked and "call back with the fix" in asked
    assert core.deps.store.cases.by_ref("ZD-4711").is_open
    await say("bob", "kept 1", room)
    out = await say("bob", "resolve rotated the IdP cert", room)
    assert "Resolved ZD-4711" in out and "<@carol>" in out and "<@alice>" in out
    assert room in port.archived
    assert "resolved" in await say("bob", "note too late", room)

    exported = export_cases(core.deps.store)["cases"][0]
    json.dumps(exported)
    assert exported["status"] == "resolved" and exported["owner"] == "bob"
    assert [o["person"] for o in exported["owners"]] == ["alice", "bob"]
    assert all(o["until"] for o in exported["owners"])
    assert exported["handoffs"][0]["state"] == "accepted"
    assert exported["handoffs"][0]["accepted_at"]
    assert exported["decisions"][0]["outcome"] == "kept"
    assert exported["frictions"][0]["process"] == "refunds"
    assert exported["thanks"][0] == {**exported["thanks"][0], "from": "alice", "to": "carol"}
    kinds = [e["kind"] for e in exported["timeline"]]
    assert kinds[0] == "opened" and kinds[-1] == "resolved"
    assert {"help_requested", "joined", "handoff_offered", "handoff_accepted"} <= set(kinds)


async def test_refused_actions_change_nothing(say, core, port) -> None:
    room = await _open(say, core)
    before = json.dumps(export_cases(core.deps.store))
    sent_before = len(port.sent)
    for user, text, room_id, expected in [
        ("bob", "resolve done", room, "Only the owner"),
        ("alice", "handoff @alice myself", room, "yourself"),
        ("alice", "handoff @bob", room, "briefing"),
        ("alice", "opne ZD-1", None, "Did you mean `/swarm open`"),
        ("alice", "status ZD-9999", None, "No case ZD-9999"),
        ("alice", "note hello", None, "Which case?"),
        ("alice", "leave", room, "hand off first"),
        ("zed", "note sneaky", room, "not in the swarm"),
        ("alice", "mood grumpy", room, "not a mood"),
        ("alice", "decide extreme do it", room, "`extreme` is not a risk"),
        ("alice", "promise whenever call", room, "can't read"),
        ("alice", "open ZD-4711 again", None, "already open"),
        ("alice", "open ZD/4711! summary", None, "not a case ref"),
        ("alice", "open ZD-5 sev9 x", None, "not a severity"),
        ("alice", "outcome 42 kept", room, "no decision #42"),
        ("alice", "kept 9", room, "no promise #9"),
        ("bob", "accept", room, "no handoff"),
    ]:
        replies = await say.replies(user, text, room_id)
        assert len(replies) == 1, text
        assert replies[0].tone is Tone.ERROR, text
        assert expected in replies[0].text, (text, replies[0].text)
        assert "\n" not in replies[0].text and "Traceback" not in replies[0].text
    assert json.dumps(export_cases(core.deps.store)) == before
    assert len(port.sent) == sent_before


async def test_second_offer_replaces_the_first_and_decline_keeps_owner(say, core, port) -> None:
    room = await _open(say, core)
    await say("alice", "handoff @bob first briefing", room)
    out = await say("alice", "handoff @carol second briefing", room)
    assert "replaces the offer to <@bob>" in out
    assert "no handoff" in await say("bob", "accept ZD-4711")
    await say("carol", "decline ZD-4711 on leave tomorrow")
    store = core.deps.store
    states = [h.state.value for h in store.cases.handoffs(store.cases.by_ref("ZD-4711").id)]
    assert states == ["withdrawn", "declined"]
    assert core.deps.store.cases.by_ref("ZD-4711").owner == "alice"
    told = [s for s in port.sent if s.action == "dm" and s.target == "alice"][-1].reply
    assert "on leave tomorrow" in told.text


async def test_owner_leaving_the_room_is_invited_back(say, core, port) -> None:
    room = await _open(say, core)
    port.members[room].discard("alice")
    await room_event(core, "left", room, "alice")
    assert "alice" in port.members[room]
    dm = [s for s in port.sent if s.action == "dm" and s.target == "alice"][-1].reply
    assert "hand off" in dm.text
    await room_event(core, "joined", room, "erin")
    await room_event(core, "left", room, "erin")
    store = core.deps.store
    parts = [p for p in store.cases.participants(store.cases.by_ref("ZD-4711").id)
             if p.person == "erin"]
    assert parts and parts[0].left_at is not None


async def test_failed_platform_calls_are_told_not_hidden(say, core, port) -> None:
    room = await _open(say, core)
    port.failing["invite"] = "cant_invite_self"
    out = await say.replies("bob", "join ZD-4711")
    assert any(r.tone is Tone.WARNING and "cant_invite_self" in r.text for r in out)
    port.failing["create_room"] = "restricted_action"
    out = await say.replies("alice", "open ZD-5000 another one")
    assert any("Couldn't create the swarm room: restricted_action" in r.text for r in out)
    assert room


async def test_catchup_shows_only_what_is_new(say, core) -> None:
    room = await _open(say, core)
    await say("bob", "join ZD-4711")
    assert "Nothing new" in await say("bob", "catchup", room)
    await say("alice", "note customer sent a HAR file", room)
    out = await say("bob", "catchup", room)
    assert "HAR file" in out and "opened" not in out


async def test_managers_may_resolve_and_commands_can_be_renamed(config, port, clock) -> None:
    from adapters.bootstrap import build_core
    from tests.conftest import Say

    config.commands.rename = {"open": "start"}
    core = build_core(config, {"fake": port}, clock=clock)
    say = Say(core)
    assert "Opened ZD-1" in await say("alice", "start ZD-1 sev1 outage")
    assert "`/swarm start" in await say("alice", "help")
    assert "Resolved ZD-1" in await say("manny", "resolve ZD-1 manager closed it")
    core.deps.store.close()


async def test_help_and_unknown(say) -> None:
    out = await say("a", "help handoff")
    assert "briefing" in out and "Case" in out
    assert "Did you mean `/swarm help handoff`" in await say("a", "help handof")
    assert "Did you mean `/swarm resolve`" in await say("a", "reslove")


async def test_invited_people_get_the_story_so_far_privately(say, core, port) -> None:
    room = await _open(say, core)
    await say("alice", "note customer is on the EU cluster", room)
    out = await say("alice", "invite @dan @bob @bob because they rotated the cert", room)
    assert "Invited <@dan>, <@bob>" in out
    assert {"dan", "bob"} <= port.members[room]
    dm = [s.reply for s in port.sent if s.action == "dm" and s.target == "dan"][-1]
    assert "brought you into ZD-4711" in dm.title and "EU cluster" in dm.text
    case = core.deps.store.cases.by_ref("ZD-4711")
    dan = next(p for p in core.deps.store.cases.participants(case.id) if p.person == "dan")
    assert (dan.invited_by, dan.why) == ("alice", "because they rotated the cert")
    assert "Nothing new" in await say("dan", "catchup", room)


async def test_skills_directory_and_availability_feed_the_finder(say, core) -> None:
    await say("bob", "skills add sso")
    await say("bob", "skills function identity")
    assert "away" in (await say("bob", "skills away")).lower()
    assert "Only a manager" in await say("alice", "skills @bob add legal")
    assert "legal" in await say("manny", "skills @bob add legal")
    await say("alice", "open ZD-9 login loop")
    out = await say("alice", "need ZD-9 sso")
    assert "Nobody available has sso (sso: <@bob> is away)" in out
    await say("bob", "skills back")
    assert "Suggested: <@bob>" in await say("alice", "need ZD-9 sso")
    assert "Function: identity" in await say("bob", "skills")
