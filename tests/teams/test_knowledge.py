"""find, history, journey, similar and friction top over the wire from Teams: every card in
the answers validates against the Adaptive Card 1.5 schema and says what the shell says."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.teams.conftest import ANN, BOB, Teams


async def _ask(teams: Teams, user: str, text: str,
               card_check: Callable[[dict[str, Any]], None]) -> str:
    before = len(teams.connector.calls)
    status, _ = await teams.post(teams.message(user, text))
    assert status in (200, 201)
    calls = teams.connector.calls[before:]
    assert calls, f"nothing answered {text!r}"
    for card in (card for c in calls for card in c.cards()):
        card_check(card)
    return json.dumps([c.body for c in calls], ensure_ascii=False)


async def test_knowledge_commands_from_teams(
        teams: Teams, card_check: Callable[[dict[str, Any]], None]) -> None:
    await _ask(teams, ANN, "open ZD-1 sev2 webhooks time out from their data centre", card_check)
    await _ask(teams, ANN, "touch ZD-1 networking raised the tunnel timeout", card_check)
    await _ask(teams, ANN, "friction ZD-1 access requests: a ticket for read access", card_check)
    await _ask(teams, ANN, "resolve ZD-1 moved the webhook endpoint", card_check)
    await _ask(teams, ANN, "open ZD-2 webhooks time out again", card_check)

    found = await _ask(teams, BOB, "find webhooks status=resolved", card_check)
    assert "ZD-1" in found and "moved the webhook endpoint" in found and "ZD-2" not in found
    assert "ZD-1" in await _ask(teams, BOB, "similar ZD-2", card_check)
    history = await _ask(teams, BOB, "history ZD-1", card_check)
    assert "page 1 of 1" in history and "raised the tunnel timeout" in history
    journey = await _ask(teams, BOB, "journey ZD-1", card_check)
    assert "1. networking" in journey
    assert "access requests: 1 report" in await _ask(teams, BOB, "friction top", card_check)
