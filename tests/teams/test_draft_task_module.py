"""The Teams handoff task module opens with the assistant's draft (issue 30), or, when the
assistant is slow, with the timeline's and one line saying it did not answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.config import Config
from bot.drafting.service import NOT_ANSWERED
from testkit.fake_openai import FakeOpenAI
from tests.teams.conftest import ANN, BOB, Teams


@pytest.fixture
async def fake_ai() -> AsyncIterator[FakeOpenAI]:
    fake = FakeOpenAI(answer=lambda body: "[CUSTOMER] waits on the IdP fix; call at five.",
                      delay=10.0)
    fake.base = await fake.start()  # type: ignore[attr-defined]
    yield fake
    await fake.stop()


@pytest.fixture
def assisted(config: Config, fake_ai: FakeOpenAI) -> Config:
    config.assistant.url = fake_ai.base  # type: ignore[attr-defined]
    config.assistant.model = "fake-model"
    config.assistant.timeout = 0.5
    config.assistant.retries = 0
    return config


async def _fetch(teams: Teams, user: str, room: str, command: str) -> dict[str, Any]:
    status, body = await teams.post(teams.invoke(
        "task_fetch", user, room, {"msteams": {"type": "task/fetch"}, "command": command}))
    assert status == 200 and body["task"]["type"] == "continue", body
    return body["task"]["value"]["card"]["content"]


def _briefing(card: dict[str, Any]) -> str:
    return next(b for b in card["body"] if b.get("id") == "briefing")["value"]


async def test_the_task_module_shows_the_assistants_draft_or_says_it_did_not_answer(
        assisted: Config, fake_ai: FakeOpenAI, teams: Teams) -> None:
    await teams.post(teams.message(ANN, 'open ZD-83 sev2 customer="Acme Corp" Acme SSO down'))
    room = teams.core.deps.store.cases.by_ref("ZD-83").room_id
    card = await _fetch(teams, ANN, room, "handoff ZD-83")
    assert _briefing(card) == "Acme Corp waits on the IdP fix; call at five."
    assert all("Acme" not in r.text for r in fake_ai.requests) and fake_ai.requests
    fake_ai.mode = "slow"
    card = await _fetch(teams, ANN, room, "handoff ZD-83")
    assert NOT_ANSWERED in json.dumps(card["body"])
    assert _briefing(card).startswith("ZD-83: Acme SSO down (Acme Corp)")
    data = {**card["actions"][0]["data"], "to": BOB, "briefing": _briefing(card)}
    status, _ = await teams.post(teams.invoke("task_submit", ANN, room, data))
    assert status == 200
    case = teams.core.deps.store.cases.by_ref("ZD-83")
    assert teams.core.deps.store.cases.pending_handoff(case.id).to_id == BOB
