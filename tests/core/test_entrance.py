"""The one entrance: deliveries in, outcomes out; renames reach every text the core writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.bootstrap import build_core
from bot.config import Config
from bot.export import export_cases
from bot.people import mention, plain
from bot.replies import Reply
from handlers.cases import OpenCase
from handlers.delivery import Delivery, Pressed, RoomEvent, Sender, Submitted, Typed
from handlers.entrance import Entrance
from testkit.fake_port import FakeChatPort
from tests.conftest import Clock, Say


@pytest.mark.parametrize("what", [
    Typed("note hello"), Pressed("join ZD-1"),
    Submitted("open", {"ref": "ZD-1", "summary": 'a "b" c=d'}, {"ref": "x"}),
    RoomEvent("joined", ("C1", "C1;messageid=2"))])
def test_a_delivery_survives_the_inbox_as_it_was(what: object) -> None:
    d = Delivery(source="slack", key="k1", sender=Sender("U1", "ann", "Europe/Berlin"),
                 room="C1", what=what)  # type: ignore[arg-type]
    assert Delivery.from_json(d.to_json()) == d


async def test_a_redelivery_is_not_run_twice(core: Entrance, port: FakeChatPort) -> None:
    d = Delivery(source="fake", key="fake:1", sender=Sender("alice"),
                 what=Typed("open ZD-1 sev2 Printer on fire"))
    first = await core.receive(d)
    again = await core.receive(d)
    assert "Opened ZD-1" in first.replies[0].text
    assert again.duplicate and again.replies == []
    assert len(port.rooms) == 1 and core.deps.store.inbox.pending("fake") == []


async def test_a_read_is_recorded_done_with_its_reads_and_not_answered_twice(
        core: Entrance) -> None:
    await core.receive(Delivery(source="fake", key="fake:open", sender=Sender("alice"),
                                what=Typed("open ZD-1 sev2 Printer on fire")))
    d = Delivery(source="fake", key="fake:status", sender=Sender("bob"),
                 what=Typed("ZD-1 status"))
    assert core.reads_only(d)
    first = await core.receive(d)
    again = await core.receive(d)
    assert first.replies and "ZD-1" in (first.replies[0].title or "")
    assert again.duplicate and again.replies == []
    assert core.deps.store.inbox.pending("fake") == []
    # The row is there (a redelivery finds it), written done in the read's transaction.
    assert not core.accept(d)


@pytest.mark.parametrize(("text", "reads"), [
    ("status ZD-1", True), ("ZD-1 status", True), ("help", True), ("", True),
    ("list mine", True), ("find printer", True), ("journey", True), ("similar", True),
    ("history", False),  # marks what you read as seen
    ("catchup", False), ("note hi", False), ("open ZD-9 sev2 x", False),
    ("no-such-command", False), ("x" * 5000, False)])
def test_only_commands_that_change_nothing_skip_the_write_path(
        core: Entrance, text: str, reads: bool) -> None:
    d = Delivery(source="fake", key="k", sender=Sender("alice"), what=Typed(text))
    assert core.reads_only(d) is reads
    assert core.reads_only(Delivery(source="fake", key="k", sender=Sender("alice"),
                                    what=Pressed(text))) is reads


async def test_a_typed_command_from_code_is_never_parsed(core: Entrance) -> None:
    words = 'summary=x customer=Globex "quoted" sev1 @bob'
    out = await core.execute("fake", Sender("alice"), "open",
                             OpenCase(ref="ZD-2", severity=2, customer="", summary=words))
    assert "Opened ZD-2" in out.replies[0].text
    case = core.deps.store.cases.by_ref("ZD-2")
    assert (case.summary, case.customer, case.severity) == (words, "", 2)


@pytest.fixture
def renamed(tmp_path: Path, clock: Clock) -> Entrance:
    cfg = Config()
    cfg.store.path = str(tmp_path / "renamed.db")
    cfg.commands.rename = {"handoff": "pass-on", "join": "hop-in"}
    cfg.commands.slash = "/case"
    return build_core(cfg, {"fake": FakeChatPort(platform="fake")}, clock=clock)


def _texts(replies: list[Reply]) -> str:
    return "\n".join(plain(" ".join([r.title or "", r.text, *(f.value for f in r.fields),
                                     *(b.shown for b in r.buttons)])) for r in replies)


async def test_renames_and_the_slash_command_reach_every_button_and_error(
        renamed: Entrance) -> None:
    say = Say(renamed)
    port = renamed.deps.ports["fake"]
    assert isinstance(port, FakeChatPort)
    await say("alice", "open ZD-3 sev2 Printer on fire")
    room = renamed.deps.store.cases.by_ref("ZD-3").room_id
    brief = next(s.reply for s in port.sent if s.action == "post" and s.reply)
    labels = {b.label: b for b in brief.buttons}
    assert set(labels) == {"Hop in", "Pass on", "Resolve"}
    assert labels["Pass on"].shown == "/case pass-on ZD-3"
    assert labels["Pass on"].command == "handoff ZD-3"  # buttons send the canonical name
    texts = [
        await say("alice", "leave", room),  # the owner cannot leave: hand off
        await say("bob", "note hi", room),  # not in the swarm: join first
        await say("bob", "pas-on", room),  # did you mean
        await say("bob", "help pass-on"),
    ]
    assert "`/case pass-on @user <briefing>`" in texts[0]
    assert "`/case hop-in ZD-3` first" in texts[1]
    assert "Did you mean `/case pass-on`?" in texts[2]
    assert "`/case pass-on @user <briefing>" in texts[3]
    assert "handoff" not in " ".join(texts) and "/swarm" not in " ".join(texts)
    await say("alice", "pass-on @bob read the notes", room)  # the team's name works
    offer = next(s.reply for s in port.sent if s.action == "dm" and s.target == "bob")
    assert [b.shown for b in offer.buttons] == ["/case accept ZD-3", "/case decline ZD-3"]
    assert "handoff" not in _texts([offer])
    await say("bob", "handoff", room)  # the canonical name keeps working (old buttons)
    await room_left(renamed, room, "alice")
    dm = [s.reply for s in port.sent if s.action == "dm" and s.target == "alice"][-1]
    assert "/case pass-on ZD-3 @user <briefing>" in plain(dm.text)


async def room_left(core: Entrance, room: str, user: str) -> None:
    await core.receive(Delivery(source="fake", sender=Sender(user), room=room,
                                what=RoomEvent("left", (room,))))


async def test_a_person_named_in_a_note_is_a_token_inside_and_plain_in_the_export(
        say: Say, core: Entrance) -> None:
    await say("alice", "open ZD-4 sev3 VPN")
    room = core.deps.store.cases.by_ref("ZD-4").room_id
    await say("alice", "note @bob has the trace", room)
    case_id = core.deps.store.cases.by_ref("ZD-4").id
    stored = [e.text for e in core.deps.store.timeline.events(case_id) if e.kind == "note"]
    assert stored == [f"{mention('bob')} has the trace"]
    exported = export_cases(core.deps.store)["cases"][0]["timeline"]
    assert any(e["text"] == "@bob has the trace" for e in exported)


async def test_a_replay_pass_reading_the_row_as_it_commits_leaves_it_to_its_runner(
        core: Entrance, monkeypatch: pytest.MonkeyPatch) -> None:
    # The replay loop's read runs on another thread and may see the committed row before
    # the request's own coroutine resumes: the row must already be claimed by then, or the
    # loop runs a live command itself (and answers it privately, not on its response_url).
    seen_by_replay: list[list[str | None]] = []
    write = core.inbox._write

    def write_then_replay_reads(rows: list[object]) -> list[bool]:
        fresh = write(rows)  # type: ignore[arg-type]
        seen_by_replay.append([d.key for d in core.pending("fake")])
        return fresh

    monkeypatch.setattr(core.inbox, "_write", write_then_replay_reads)
    d = Delivery(source="fake", key="fake:live", sender=Sender("alice"),
                 what=Typed("open ZD-1 sev2 Printer on fire"))
    assert await core.record(d)
    assert seen_by_replay == [[]]
    assert "fake:live" in core.in_flight  # its runner's, until its unit of work ends
    outcome = await core.process(d)
    assert "Opened ZD-1" in outcome.replies[0].text and "fake:live" not in core.in_flight
    # A redelivery while it runs leaves the runner's claim alone.
    core.in_flight.add("fake:live")
    assert not await core.record(d)
    assert "fake:live" in core.in_flight
