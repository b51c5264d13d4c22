"""Nudges delivered over the wire to the fake Slack: a DM to the owner, a post in triage."""

from __future__ import annotations

import json

from adapters.bootstrap import build_core
from adapters.slack.port import SlackChatPort
from bot.config import Config
from bot.scheduler import Scheduler
from testkit.slack.fake_slack import BOT_USER
from tests.conftest import Clock, handle
from tests.digest.script import utc


async def test_connect_and_update_nudges_reach_slack(web_client, fake_slack, tmp_path) -> None:
    triage = fake_slack.add_channel("swarm-triage", members={BOT_USER})
    cfg = Config()
    cfg.store.path = str(tmp_path / "nudge.db")
    clock = Clock(utc("2026-11-16 09:00"))
    core = build_core(cfg, {"slack": SlackChatPort(web_client, triage_room=triage.id)},
                      clock=clock)
    await handle(core, "slack", "U1", "open ZD-1 sev1 card payments fail")
    await handle(core, "slack", "U1", "need ZD-1 payments")
    fired = await Scheduler(core.deps).tick(utc("2026-11-16 09:16"))
    assert fired == ["nudge connect ZD-1 -> @U1", f"nudge connect ZD-1 -> #{triage.id}"]
    dm = [m for m in fake_slack.messages if m["channel"] == "DU1"][-1]
    assert "Still waiting for help on ZD-1" in json.dumps(dm["blocks"])
    post = [m for m in fake_slack.messages if m["channel"] == triage.id][-1]
    assert "Help still wanted on ZD-1" in json.dumps(post["blocks"])
    assert "join ZD-1" in json.dumps(post["blocks"])  # the Join button's command
    later = await Scheduler(core.deps).tick(utc("2026-11-16 10:01"))
    assert "nudge update ZD-1 -> @U1" in later
    update = json.dumps([m for m in fake_slack.messages if m["channel"] == "DU1"][-1]["blocks"])
    assert "hasn't heard from us" in update and "Log an update" in update
    assert await Scheduler(core.deps).tick(utc("2026-11-16 10:02")) == []
    core.deps.store.close()


async def test_the_brief_is_updated_in_place_with_chat_update(web_client, fake_slack,
                                                               tmp_path) -> None:
    cfg = Config()
    cfg.store.path = str(tmp_path / "brief.db")
    core = build_core(cfg, {"slack": SlackChatPort(web_client)},
                      clock=Clock(utc("2026-11-16 09:00")))
    await handle(core, "slack", "U1", "open ZD-2 sev3 invoices missing")
    room = core.deps.store.cases.by_ref("ZD-2").room_id
    brief = next(m for m in fake_slack.messages if m["channel"] == room)
    await handle(core, "slack", "U1", "set severity sev1", room)
    await handle(core, "slack", "U1", "delight a credit note today", room)
    assert fake_slack.updates[-1] == {"channel": room, "ts": brief["ts"]}
    blocks = json.dumps(brief["blocks"])  # the same message, changed
    assert "sev1" in blocks and "a credit note today" in blocks
    core.deps.store.close()
