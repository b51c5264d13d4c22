"""Nudges delivered over the wire to the fake Bot Connector: a 1:1 card to the owner."""

from __future__ import annotations

import json

from bot.scheduler import Scheduler
from tests.digest.script import utc
from tests.teams.conftest import ANN


async def test_the_update_nudge_reaches_the_owner_in_teams(teams, card_check) -> None:
    status, _ = await teams.post(teams.message(ANN, "open ZD-9 sev1 VPN drops every hour"))
    assert status in (200, 201)
    assert teams.core.deps.now() == utc("2026-11-16 09:00")
    before = len(teams.connector.calls)
    fired = await Scheduler(teams.core.deps).tick(utc("2026-11-16 10:01"))
    assert fired == [f"nudge update ZD-9 -> @{ANN}"]
    new = teams.connector.calls[before:]
    assert any(c.path == "/v3/conversations" and c.body["members"] == [{"id": ANN}]
               for c in new)
    cards = [card for c in new for card in c.cards()]
    assert cards
    for card in cards:
        card_check(card)
    text = json.dumps(cards)
    assert "hasn't heard from us" in text and "Log an update" in text
    assert await Scheduler(teams.core.deps).tick(utc("2026-11-16 10:02")) == []


async def test_the_brief_is_updated_in_place_in_teams(teams, card_check) -> None:
    await teams.post(teams.message(ANN, "open ZD-8 sev3 invoices missing"))
    case = teams.core.deps.store.cases.by_ref("ZD-8")
    before = len(teams.connector.calls)
    await teams.post(teams.message(ANN, "set ZD-8 severity sev1"))
    where = teams.core.deps.store.refs.get("teams", "brief", str(case.id))
    # (the room's header card is updated too, for the topic: its own PUT)
    puts = [c for c in teams.connector.calls[before:] if c.method == "PUT"
            and c.path.endswith(f"/activities/{where['message_id']}")]
    assert len(puts) == 1
    [card] = puts[0].cards()
    card_check(card)
    assert "sev1" in json.dumps(card)
