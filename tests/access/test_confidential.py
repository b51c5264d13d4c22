"""Confidential swarms (issue 26): the summary and customer reach nobody outside the swarm but
managers (and the roles that see all) - one test per surface - while the digest still counts
the case."""

from __future__ import annotations

import pytest

from bot.digest.metrics import compute_digest_until
from bot.digest.weeks import week_containing
from bot.export import export_cases
from bot.scheduler import Scheduler
from bot.services.outbox import drain
from handlers.delivery import Delivery, Sender, Submitted

SECRET = "Acme board member payroll leak"


@pytest.fixture
async def private(say, core) -> str:  # noqa: ANN001
    """ZD-9 confidential, with bob in its swarm; the room it lives in."""
    for who in ("bob", "carol"):
        await say(who, "skills add payroll")
    out = await say("alice", f'open ZD-9 sev2 private customer="Acme Board" {SECRET}')
    assert "Opened ZD-9 in #swarm-zd-9, confidential." in out  # the room keeps no summary
    room = core.deps.store.cases.by_ref("ZD-9").room_id
    await say("alice", "invite @bob knows payroll", room)
    return room


async def test_triage_is_asked_for_skills_only_and_join_asks_the_owner(say, core, port,
                                                                       private) -> None:
    await say("alice", 'need payroll tried="rotated the payroll export key"', private)
    post = port.posts_to("triage")[-1]
    shown = " ".join([post.title or "", post.text] + [f.value for f in post.fields])
    assert "payroll" in shown and "ZD-9" in shown and "confidential" in shown
    for secret in ("Acme", "board", "leak", "rotated"):
        assert secret.lower() not in shown.lower(), secret
    out = await say("carol", "join ZD-9", "triage")
    assert "ZD-9 is confidential: I've asked its owner to invite you." in out
    assert core.deps.store.cases.participant(core.deps.store.cases.by_ref("ZD-9").id,
                                             "carol") is None
    asked = [s.reply for s in port.sent if s.action == "dm" and s.target == "alice"
             and s.reply and "asks to join ZD-9" in (s.reply.title or "")]
    assert len(asked) == 1 and "invite ZD-9" in asked[0].text


async def test_status_history_and_follow_are_refused_to_outsiders(say, private) -> None:
    for text in ("status ZD-9", "history ZD-9", "journey ZD-9", "follow ZD-9", "catchup ZD-9"):
        out = await say("carol", text)
        assert "ZD-9 is confidential: only its swarm and managers can see it." in out, text
        assert SECRET not in out
    assert SECRET in await say("bob", "status ZD-9")
    assert SECRET in await say("manny", "status ZD-9")
    assert "You follow ZD-9 now" in await say("manny", "follow ZD-9")


async def test_find_and_list_leave_it_out_for_outsiders(say, private) -> None:
    assert "No case matches" in await say("carol", "find payroll leak")
    assert "ZD-9" in await say("bob", "find payroll leak")
    assert "ZD-9" in await say("manny", "find payroll leak")
    assert "No open swarms." in await say("carol", "list")
    assert "ZD-9" in await say("bob", "list")
    await say("manny", "role @olga observer audits legal cases")
    assert "ZD-9" in await say("olga", "list all")


async def test_similar_leaves_it_out_for_outsiders(say, core, private) -> None:
    await say("alice", "resolve rotated the key", private)
    await say("dan", "open ZD-10 sev3 payroll leak at another board")
    assert "No resolved case like ZD-10" in await say("carol", "similar ZD-10")
    assert "ZD-9" in await say("bob", "similar ZD-10")
    # The room's own "solved before" lines are read by everyone in it: never there.
    room = core.deps.store.cases.by_ref("ZD-10").room_id
    assert "ZD-9" not in await say("dan", "need payroll", room)


async def test_the_digest_counts_it_but_quotes_nothing_of_it(say, core, clock,
                                                            private) -> None:
    await say("dan", "open ZD-11 sev3 a plain case")
    room = core.deps.store.cases.by_ref("ZD-11").room_id
    await say("dan", "friction payroll: three approvals for a refund", room)
    clock.advance(minutes=1)  # the confidential report is the latest: never quoted
    await say("alice", "friction payroll: the export needs two VPNs for the board", private)
    await say("alice", "thanks @bob found the leaking export", private)
    week = week_containing(clock.now, "UTC")
    digest, _ = compute_digest_until(core.deps.store, week, clock.now)
    assert digest["opened"] == 2  # ZD-9 counted
    payroll = next(f for f in digest["friction"] if f["process"] == "payroll")
    assert payroll["reports"] == 2 and payroll["quotes"] == ["three approvals for a refund"]
    assert digest["recognition"] == []
    top = await say("carol", "friction top")
    assert "payroll" in top and "two VPNs" not in top and "confidential swarm" in top


async def test_export_for_an_outsider_counts_it_only(say, core, private) -> None:
    everything = export_cases(core.deps.store)["cases"][0]
    assert everything["summary"] == SECRET and everything["confidential"] is True
    for viewer, shown in (("carol", False), ("bob", True), ("manny", True)):
        [case] = export_cases(core.deps.store, viewer, core.deps.config)["cases"]
        assert (case.get("summary") == SECRET) is shown, viewer
        assert case["ref"] == "ZD-9" and case["confidential"] is True
        if not shown:
            assert SECRET not in str(case) and "Acme" not in str(case)


async def test_the_triage_nudge_leaves_the_summary_out(say, core, port, clock,
                                                       private) -> None:
    clock.advance(minutes=1)  # bob joined before the request: not an answer to it
    await say("alice", "need payroll", private)
    clock.advance(hours=2)
    await Scheduler(core.deps).tick(clock.now)
    await drain(core.deps)
    nudges = [r for r in port.posts_to("triage") if "Nobody has joined ZD-9" in r.text]
    assert nudges and all(SECRET not in r.text for r in nudges)


async def test_set_visibility_by_the_owner_or_a_manager_in_the_timeline(say, core) -> None:
    await say("alice", "open ZD-12 sev3 Globex renewal at risk")
    room = core.deps.store.cases.by_ref("ZD-12").room_id
    assert "Only the owner of ZD-12" in await say("carol", "set ZD-12 visibility private")
    assert "is not a visibility" in await say("alice", "set visibility secret", room)
    assert "say private or normal" in await say("alice", "set visibility", room)
    assert "ZD-12 is confidential now" in await say("alice", "set visibility private", room)
    assert "confidential" in await say("carol", "status ZD-12")
    assert "ZD-12 is visible to everyone again" in await say("manny",
                                                            "set ZD-12 visibility normal")
    assert "Globex" in await say("carol", "status ZD-12")
    kinds = [(e["kind"], e["by"], e["text"]) for e in
             export_cases(core.deps.store)["cases"][0]["timeline"] if e["kind"] == "visibility"]
    assert kinds == [("visibility", "alice", "made confidential"),
                     ("visibility", "manny", "made normal (anyone may see it)")]


async def test_a_confidential_type_opens_its_cases_confidential(config, say) -> None:
    config.types = {"legal": {"confidential": True}}
    out = await say("alice", "open ZD-13 sev2 type=legal subpoena for Initech")
    assert "confidential" in out
    assert "Initech" not in await say("carol", "list")


async def test_a_kept_digest_is_computed_again_once_a_case_turns_confidential(
        say, core, clock) -> None:
    from bot.digest.metrics import digest_for

    await say("alice", "open ZD-14 sev3 Umbrella lab badge readers")
    room = core.deps.store.cases.by_ref("ZD-14").room_id
    await say("alice", "thanks @bob rewired the badge readers", room)
    week = week_containing(clock.now, "UTC")
    clock.advance(days=8)  # the week is over: its digest is kept once computed
    assert "rewired" in str(digest_for(core.deps.store, week, clock.now)["recognition"])
    assert core.deps.store.digest_kept.get(week.label, week.tz) is not None
    await say("alice", "set ZD-14 visibility private")
    assert core.deps.store.digest_kept.get(week.label, week.tz) is None
    again = digest_for(core.deps.store, week, clock.now)
    assert again["recognition"] == [] and again["opened"] == 1


async def test_the_open_form_opens_a_confidential_swarm(say, core) -> None:
    await core.receive(Delivery(source="fake", sender=Sender("alice"), what=Submitted(
        "open", {"ref": "ZD-15", "severity": "sev2", "summary": "Hooli merger due diligence",
                 "visibility": "private"})))
    assert core.deps.store.cases.by_ref("ZD-15").confidential
    await core.receive(Delivery(source="fake", sender=Sender("alice"), what=Submitted(
        "open", {"ref": "ZD-16", "severity": "sev3", "summary": "Hooli printer jam"})))
    assert not core.deps.store.cases.by_ref("ZD-16").confidential
    listed = await say("carol", "list")
    assert "Hooli printer jam" in listed and "Hooli merger" not in listed


async def test_find_suggests_no_word_only_a_confidential_case_holds(say) -> None:  # noqa: ANN001
    await say("alice", 'open ZD-95 sev2 private customer="Initech" Board payroll export leaks')
    await say("alice", "open ZD-96 sev3 Globex printer jams")
    out = await say("carol", "find paxrolz")
    assert "No case matches `paxrolz`" in out and "payroll" not in out
    assert "`payroll`" in await say("alice", "find paxrolz")  # a member is told
    assert "`printer`" in await say("carol", "find prxntez")  # a word anyone may read
