"""`/swarm help`, the hot read (issue 23's benchmark against bare Bolt): for someone whose
row is settled it needs nothing of the store but its inbox row, so it runs no other
statement and takes no unit thread; its command list, made once per language and naming,
stays each router's own (renames, the slash command)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import build_core
from bot.config import Config
from bot.domain import Person
from handlers.delivery import (
    Delivery,
    Pressed,
    RoomEvent,
    Sender,
    Shared,
    Submitted,
    Typed,
    Workspace,
)
from handlers.known_people import KnownPeople
from testkit.fake_port import FakeChatPort
from testkit.loop_guard import traced
from testkit.slack.signing import form_body, payload, signed_headers
from tests.conftest import Clock, Say
from tests.slack.harness import FORM, SlackHarness


@contextmanager
def statements(store: Any) -> Iterator[list[tuple[str, str]]]:
    """Every statement the store runs meanwhile, with the name of the thread it ran on."""
    seen: list[tuple[str, str]] = []

    def note(sql: str) -> None:
        seen.append((" ".join(sql.split())[:80], threading.current_thread().name))
    with traced(store, note):
        yield seen


@pytest.mark.parametrize("zone", ["Asia/Tokyo", None])  # None: users.info says no zone
async def test_help_for_someone_settled_runs_no_statement_but_its_inbox_row(
        slack_bot: SlackHarness, zone: str | None) -> None:
    fake = slack_bot.fake
    if zone is not None:
        fake.users["UHELP1"] = {"id": "UHELP1", "name": "hana", "tz": zone,
                                "locale": "en-US"}
    with statements(slack_bot.store) as first:
        await slack_bot.command("help", "UHELP1")
    # The first time the usual way: the person's row and zone are made sure of.
    assert any("people" in sql for sql, _ in first)
    assert slack_bot.store.people.get("UHELP1").tz == zone
    with statements(slack_bot.store) as again:
        await slack_bot.command("help", "UHELP1")
        await slack_bot.command("help note", "UHELP1")
    assert "swarmbot commands" in json.dumps(fake.responses[-2])
    assert "`/swarm note" in json.dumps(fake.responses[-1])
    # Only the inbox rows (written before each ack, on the inbox writer's thread): nothing
    # on the event loop's thread, nothing on a unit thread, nothing of the person's row.
    # (The scheduler's passes run on threads of their own meanwhile: not the command's.)
    loop = threading.current_thread().name
    assert [sql for sql, thread in again if thread.startswith("swarmbot-inbox")]
    assert [(sql, thread) for sql, thread in again
            if thread == loop or thread.startswith("swarmbot-unit")] == []
    assert not any("people" in sql for sql, _ in again)
    # A redelivery of a help is still answered once (its row was recorded done).
    assert len(slack_bot.store.inbox.pending("slack")) == 0


@pytest.fixture
def two_namings(tmp_path: Path, clock: Clock) -> tuple[Say, Say]:
    plain_cfg, renamed_cfg = Config(), Config()
    plain_cfg.store.path = str(tmp_path / "plain.db")
    renamed_cfg.store.path = str(tmp_path / "renamed.db")
    renamed_cfg.commands.rename = {"handoff": "pass-on"}
    renamed_cfg.commands.slash = "/case"
    return (Say(build_core(plain_cfg, {"fake": FakeChatPort(platform="fake")}, clock=clock)),
            Say(build_core(renamed_cfg, {"fake": FakeChatPort(platform="fake")},
                           clock=clock)))


async def test_each_router_lists_its_own_names_in_help(two_namings: tuple[Say, Say]
                                                       ) -> None:
    plain, renamed = two_namings
    for _ in range(2):  # the second time from what was made the first
        listed, listed_renamed = await plain("alice", "help"), await renamed("alice", "help")
        assert "`/swarm handoff" in listed and "pass-on" not in listed
        assert "`/case pass-on" in listed_renamed and "`/swarm" not in listed_renamed


@pytest.mark.parametrize("what", [
    Typed("note hello"), Pressed("join ZD-1"),
    Submitted("open", {"ref": "ZD-1", "summary": 'a "b" c=d'}, {"ref": "x"}),
    RoomEvent("posted", ("C1", "C1;messageid=2"), "words", "m1"),
    Shared("C1", "T2", True)])
@pytest.mark.parametrize("keep_words", [False, True])
def test_the_inbox_json_is_what_asdict_made(what: object, keep_words: bool) -> None:
    d = Delivery(source="slack", key="k1", sender=Sender("U1", "ann", "Europe/Berlin", "de"),
                 room="C1", what=what, workspace=Workspace("T1", "E1"))  # type: ignore[arg-type]
    kind = {Typed: "typed", Pressed: "pressed", Submitted: "submitted",
            RoomEvent: "room_event", Shared: "shared"}[type(what)]
    made = asdict(what)  # type: ignore[call-overload]
    if kind == "room_event" and not keep_words:
        made.pop("text")
        made.pop("message")
    expected = json.dumps({"source": "slack", "sender": asdict(d.sender), "kind": kind,
                           "what": made, "room": "C1", "key": "k1",
                           "workspace": asdict(d.workspace)}, sort_keys=True)
    assert d.to_json(keep_words) == expected
    assert Delivery.from_json(d.to_json(True)) == d


def test_a_zone_the_row_lacks_is_not_settled() -> None:
    known = KnownPeople()
    known.remember(Person("U1", "ann"))  # a row without a zone
    known.remember(Person("U2", "bob", tz="Europe/Paris"))
    assert known.settled("U1", None) and not known.settled("U1", "Europe/Berlin")
    assert known.settled("U2", None) and known.settled("U2", "Europe/Berlin")
    assert not known.settled("U3", None)
    full = KnownPeople(most=1)
    full.remember(Person("U1", "ann"))
    full.remember(Person("U2", "bob"))
    assert full.settled("U1", None) and not full.settled("U2", None)


async def test_a_forged_help_from_someone_settled_is_refused_and_answered_nowhere(
        slack_bot: SlackHarness) -> None:
    """The short way for settled people starts after the signature check: a request that
    names a settled user but is not signed by Slack gets 401, no inbox row, no answer."""
    await slack_bot.command("help", "UHELP3")  # settled now
    answered = len(slack_bot.fake.responses)
    fields = {**payload("slash_command.json"), "text": "help", "user_id": "UHELP3",
              "response_url": slack_bot.fake.response_url("forged")}
    body = form_body(fields)
    for headers in (signed_headers(body, FORM, secret="not-the-secret"), {}):
        resp = await slack_bot.client.post("/slack/events", data=body.encode(),
                                           headers={"Content-Type": FORM, **headers})
        assert resp.status == 401
    await slack_bot.drain()
    assert len(slack_bot.fake.responses) == answered
    assert slack_bot.store.inbox.pending("slack") == []
