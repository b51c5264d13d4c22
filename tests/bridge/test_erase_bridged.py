"""Issue 25 x 29: a bridged swarm's copies go with an erasure too: its mirror room's record
(the Teams thread or Slack channel, whose name spells the summary), the chat messages
mirrored across and the deliveries that carried them. The whole database as stored is
searched afterwards (the SQLite files, or a `pg_dump`)."""

from __future__ import annotations

from typing import Any

from bot.config import Config
from bot.services import erasure
from bot.services.erasure import erase
from tests.bridge.test_mirror_messages import said, slack_event
from tests.bridge.world import bridged
from tests.teams.conftest import CAROL, TRIAGE_CHANNEL
from tests.test_erase_copies import stored_bytes

ERASED = ["Quokkasoft Pty", "zyzzbot", "Wumbleton"]


async def test_erase_reaches_a_bridged_swarm(config: Config, monkeypatch: Any) -> None:
    monkeypatch.setattr(erasure, "YIELD", 0.0)
    async with bridged(config, mirror_messages=True) as world:
        await world.teams(CAROL, "skills add billing")
        await world.slack('open QX-31 sev2 customer="Quokkasoft Pty" zyzzbot refund stuck')
        await world.slack("QX-31 need billing")
        await world.teams(CAROL, "join QX-31", conversation=TRIAGE_CHANNEL)
        await world.settle()
        store = world.deps.store
        case = store.cases.by_ref("QX-31")
        assert case is not None and case.room_id
        await slack_event(world, said(case.room_id, "300.1", "Wumbleton card ends 4242"),
                          "EvE1")
        await world.slack("QX-31 resolve refund sent")
        await world.settle()
        data = stored_bytes(store, config)
        assert [t for t in ERASED if t.encode() not in data] == []

        erase(store, by="dpo", at=world.deps.now_iso(), customer="quokkasoft pty")
        data = stored_bytes(store, config)
        assert [t for t in ERASED if t.encode() in data] == []
