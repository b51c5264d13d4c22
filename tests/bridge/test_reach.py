"""Issue 29: `invite` and `ask` reach a person on the other platform, named by email."""

from __future__ import annotations

from bot.bridge import rooms
from bot.config import Config
from tests.bridge.world import bridged, count
from tests.teams.conftest import ANN, CAROL


async def test_invite_by_email_opens_the_mirror_and_ask_reaches_teams(config: Config) -> None:
    async with bridged(config) as world:
        await world.teams(CAROL, "skills add billing")
        await world.slack("open ZD-32 sev3 Invoice shows the wrong VAT")
        await world.slack("ZD-32 ask carol@example.com billing")
        await world.settle()
        store = world.deps.store
        case = store.cases.by_ref("ZD-32")
        assert case is not None
        # The ask went to Carol 1:1 on Teams; no mirror yet (she has not said yes).
        chats = [c for c in world.both.connector.created()
                 if not (c.body.get("channelData") or {}).get("channel")]
        assert chats and rooms.mirror(store, "teams", case.id) is None
        await world.slack("ZD-32 invite carol@example.com")
        await world.settle()
        mirror = rooms.mirror(store, "teams", case.id)
        assert mirror is not None and mirror.get("room_id")
        thread = world.teams_texts(str(mirror["room_id"]))
        assert count(thread, "Swarm ZD-32") == 1 and count(thread, "Carol Billing") >= 1
        assert store.cases.participant(case.id, CAROL) is not None
        # A second invitation does not mention her again (a thread has no membership).
        before = len(thread)
        await world.slack("ZD-32 invite carol@example.com")
        await world.settle()
        assert len(world.teams_texts(str(mirror["room_id"]))) == before
        # Unknown emails are one clear line, not a guess.
        before = len(world.both.fake.responses)
        await world.slack("ZD-32 invite nobody@example.com")
        said = str(world.both.fake.responses[before:])
        assert "say whom to invite" in said and "Traceback" not in said


async def test_a_reopened_case_opens_a_new_mirror(config: Config) -> None:
    async with bridged(config) as world:
        # Teams has spoken to the bot once (its account there is learnt from that), but
        # Carol never has: she is found by her email alone.
        await world.teams(ANN, "help")
        await world.slack("open ZD-33 sev3 Chargeback dispute")
        await world.slack("ZD-33 invite carol@example.com")
        await world.settle()
        store = world.deps.store
        case = store.cases.by_ref("ZD-33")
        assert case is not None
        first = rooms.mirror(store, "teams", case.id)
        assert first and first.get("room_id")
        await world.slack("ZD-33 resolve refunded")
        await world.settle()
        old = world.teams_texts(str(first["room_id"]))
        assert count(old, "Resolved: this swarm is closed") == 1
        await world.slack("ZD-33 reopen the bank reversed it")
        await world.settle()
        await world.slack("ZD-33 note after the reopen")
        await world.settle()
        second = rooms.mirror(store, "teams", case.id)
        assert second and second.get("room_id") and second["room_id"] != first["room_id"]
        # Nothing more in the closed thread; the new one has the brief, Carol and the note.
        assert world.teams_texts(str(first["room_id"])) == old
        new = world.teams_texts(str(second["room_id"]))
        assert count(new, "Swarm ZD-33") == 1 and count(new, "after the reopen") == 1, new
        assert count(new, "Carol Billing") >= 1


async def test_a_teams_case_reaches_slack_through_a_mirror_channel(config: Config) -> None:
    async with bridged(config) as world:
        await world.teams(ANN, "open ZD-34 sev2 Payroll export fails")
        await world.settle()
        store = world.deps.store
        case = store.cases.by_ref("ZD-34")
        assert case is not None and case.platform == "teams" and case.room_id
        await world.teams(ANN, "invite olive@example.com", conversation=case.room_id)
        await world.settle()
        mirror = rooms.mirror(store, "slack", case.id)
        assert mirror and mirror.get("room_id"), mirror
        channel = world.both.fake.channels[str(mirror["room_id"])]
        assert "U1" in channel.members and channel.name.startswith("swarm-zd-34")
        assert count(world.slack_texts(channel.id), "Swarm ZD-34") == 1
        await world.slack("ZD-34 note the export job lacks a permission")
        await world.teams(ANN, "note granted it, retrying", conversation=case.room_id)
        await world.settle()
        thread = world.teams_texts(case.room_id)
        slack = world.slack_texts(channel.id)
        for text in ("the export job lacks a permission", "granted it, retrying"):
            assert count(thread, text) == 1 and count(slack, text) == 1, (text, slack)
        await world.teams(ANN, "resolve permission granted", conversation=case.room_id)
        await world.settle()
        assert channel.archived
