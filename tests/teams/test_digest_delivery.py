"""The weekly digest delivered to a Teams channel over the wire, as an Adaptive Card."""

from __future__ import annotations

import base64
import json

from bot.scheduler import Scheduler
from tests.digest.script import utc
from tests.teams.conftest import ANN

MANAGERS = "19:managers@thread.tacv2"


async def test_scheduled_digest_is_a_schema_valid_card_in_the_teams_channel(
        teams, card_check, monkeypatch) -> None:
    monkeypatch.setenv("SWARMBOT_LINK_SECRET", "s3cret")
    config = teams.core.config
    config.server.public_url = "https://swarm.example.com"
    config.digest.timezone, config.digest.teams_channel = "Europe/Berlin", MANAGERS
    status, _ = await teams.post(teams.message(ANN, "open ZD-9 sev2 VPN drops every hour"))
    assert status in (200, 201)
    await teams.post(teams.message(ANN, "resolve ZD-9 MTU fixed"))
    # The test clock stands on Monday 2026-11-16 (W47); the next Monday 08:00 in Berlin
    # is when W47's digest falls due.
    assert teams.core.deps.now() == utc("2026-11-16 09:00")
    week_after = utc("2026-11-23 07:00")
    done = await Scheduler(teams.core.deps).tick(week_after)
    assert f"digest 2026-W47 -> teams:{MANAGERS}" in done
    card = teams.connector.sent(MANAGERS)[-2].cards()[0]
    card_check(card)
    text = json.dumps(card)
    assert "Swarm digest 2026-W47" in text
    assert "https://swarm.example.com/digest/2026-W47?exp=" in text
    chart = teams.connector.sent(MANAGERS)[-1].cards()[0]
    card_check(chart)
    image = next(b for b in chart["body"] if b["type"] == "Image")
    assert base64.b64decode(image["url"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert image["altText"].startswith("Bar chart of swarms per day, 2026-W47. Opened: ")
    assert await Scheduler(teams.core.deps).tick(week_after) == []
