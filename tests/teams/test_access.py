"""Issue 26 over the wire from Teams: a role granted in a message to the bot, a confidential
swarm's triage post and `find`, and a follower's 1:1 message, against the fake Connector."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.config import Config
from tests.teams.conftest import ANN, BOB, CAROL, TRIAGE_CHANNEL, Teams


@pytest.fixture
def teams_config(teams_config: Config) -> Config:
    teams_config.people.managers = [ANN]
    return teams_config


async def _ask(teams: Teams, user: str, text: str, card_check: Callable[[dict[str, Any]], None],
               mentions: tuple[str, ...] = ()) -> str:
    before = len(teams.connector.calls)
    status, _ = await teams.post(teams.message(user, text, mentions=mentions))
    assert status in (200, 201)
    calls = teams.connector.calls[before:]
    for card in (card for c in calls for card in c.cards()):
        card_check(card)
    return json.dumps([c.body for c in calls], ensure_ascii=False)


async def test_roles_confidential_and_followers_from_teams(
        teams: Teams, card_check: Callable[[dict[str, Any]], None]) -> None:
    out = await _ask(teams, CAROL, f"role @{BOB} manager", card_check, (BOB,))
    assert "Only a manager can grant or take back roles" in out
    out = await _ask(teams, ANN, f"role @{BOB} observer audits legal cases", card_check, (BOB,))
    assert "is an observer now" in out
    assert teams.core.deps.store.access.role_of(BOB).granted_by == ANN  # type: ignore[union-attr]

    await _ask(teams, CAROL, "skills add payroll", card_check)
    await _ask(teams, ANN, "open ZD-41 sev2 private Board payroll leak", card_check)
    await _ask(teams, ANN, "need ZD-41 payroll", card_check)
    triage = [c for c in teams.connector.calls if TRIAGE_CHANNEL in json.dumps(c.body)
              or c.conversation_id == TRIAGE_CHANNEL]
    posted = json.dumps([c.body for c in triage], ensure_ascii=False)
    assert "ZD-41" in posted and "payroll" in posted and "Board" not in posted
    assert "No case matches" in await _ask(teams, CAROL, "find payroll leak", card_check)
    assert "ZD-41" in await _ask(teams, BOB, "find payroll leak", card_check)

    await _ask(teams, ANN, "open ZD-42 sev3 Globex invoices doubled", card_check)
    assert "You follow ZD-42 now" in await _ask(teams, CAROL, "follow ZD-42", card_check)
    before = len(teams.connector.calls)
    await _ask(teams, ANN, "mood ZD-42 angry charged twice", card_check)
    told = [c for c in teams.connector.calls[before:]
            if "mood on ZD-42 is angry" in json.dumps(c.body, ensure_ascii=False)]
    chats = {c.answer["id"] for c in teams.connector.created()
             if c.body.get("members") == [{"id": CAROL}] and c.answer}
    assert len(told) == 1 and (told[0].conversation_id in chats
                               or told[0].path == "/v3/conversations"), told
