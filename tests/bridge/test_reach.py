"""Issue 29: `invite` and `ask` reach a person on the other platform, named by email."""

from __future__ import annotations

from bot.bridge import rooms
from bot.config import Config
from tests.bridge.world import bridged, count
from tests.teams.conftest import CAROL


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
