"""The handoff modal opens at once with the timeline's draft and is filled in with the
assistant's by views.update when it arrives (issue 30): the real serve app on the fake Slack
Web API, the real `openai` client on a fake OpenAI-compatible endpoint."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.config import Config
from bot.drafting.service import NOT_ANSWERED
from testkit.fake_openai import FakeOpenAI
from testkit.slack.fake_slack import FakeSlack
from tests.slack.harness import SlackHarness, text_input

OWNER, NEXT = "UOWNER1", "UNEXT1"


@pytest.fixture
async def fake_ai(fake_slack: FakeSlack) -> AsyncIterator[FakeOpenAI]:
    fake = FakeOpenAI()
    opened_first: list[int] = []

    def answer(body: dict[str, Any]) -> str:
        # What Slack had been asked to open when the assistant was asked: the modal.
        opened_first.append(sum(v["method"] == "views.open" for v in fake_slack.views))
        return "For [CUSTOMER]: the IdP cert was rotated upstream; call back at five."

    fake.answer = answer
    fake.opened_first = opened_first  # type: ignore[attr-defined]
    fake.base = await fake.start()  # type: ignore[attr-defined]
    yield fake
    await fake.stop()


@pytest.fixture
def assisted_config(slack_config: Config, fake_ai: FakeOpenAI) -> Config:
    slack_config.assistant.url = fake_ai.base  # type: ignore[attr-defined]
    slack_config.assistant.model = "fake-model"
    slack_config.assistant.timeout = 1.0
    slack_config.assistant.retries = 0
    return slack_config


def _views(bot: SlackHarness, method: str) -> list[dict[str, Any]]:
    return [v for v in bot.fake.views if v["method"] == method]


def _input(view: dict[str, Any], field: str) -> tuple[str, str]:
    block = next(b for b in view["blocks"] if str(b.get("block_id", "")).split("~")[0] == field)
    return block["block_id"], block["element"].get("initial_value", "")


async def _room(bot: SlackHarness) -> str:
    await bot.command('open ZD-95 sev2 customer="Acme Corp" Acme SSO broken', OWNER)
    room = bot.fake.channel_named("swarm-zd-95-acme-sso-broken")
    await bot.command('note tried="x" the IdP cert was rotated', OWNER, room.id)
    await bot.command("mood frustrated second day", OWNER, room.id)
    return room.id


async def test_the_modal_opens_at_once_then_views_update_fills_the_draft(
        assisted_config: Config, fake_ai: FakeOpenAI, slack_bot: SlackHarness) -> None:
    room = await _room(slack_bot)
    await slack_bot.command("handoff", OWNER, room)
    [opened] = _views(slack_bot, "views.open")
    _, first = _input(opened["view"], "briefing")
    assert "frustrated (second day)" in first  # the timeline's draft, in the modal at once
    assert fake_ai.opened_first == [1]  # type: ignore[attr-defined]
    assert all("Acme" not in r.text for r in fake_ai.requests)
    [updated] = _views(slack_bot, "views.update")
    assert updated["id"] == opened["id"]
    block, draft = _input(updated["view"], "briefing")
    assert block == "briefing~1"  # a new block id: Slack shows the new initial value
    assert draft == "For Acme Corp: the IdP cert was rotated upstream; call back at five."
    meta = json.loads(updated["view"]["private_metadata"])
    assert meta["context"]["draft_model"] == "fake-model"

    resp = await slack_bot.submit(updated["view"], {
        "to": {"type": "users_select", "selected_user": NEXT},
        block: text_input(draft + " Ann prefers email.")}, OWNER)
    assert resp.status == 200 and not await resp.text()
    offers = [m for m in slack_bot.fake.messages if "Briefing drafted" in json.dumps(m)]
    assert offers and "by the assistant (fake-model), edited" in json.dumps(offers[-1])
    case = slack_bot.store.cases.by_ref("ZD-95")
    assert slack_bot.store.cases.pending_handoff(case.id).briefing.endswith("prefers email.")


async def test_an_assistant_that_fails_leaves_the_timeline_draft_and_one_line(
        assisted_config: Config, fake_ai: FakeOpenAI, slack_bot: SlackHarness) -> None:
    room = await _room(slack_bot)
    fake_ai.mode = "fail"
    await slack_bot.command("handoff", OWNER, room)
    [opened] = _views(slack_bot, "views.open")
    [updated] = _views(slack_bot, "views.update")
    assert _input(updated["view"], "briefing") == _input(opened["view"], "briefing")
    assert NOT_ANSWERED in json.dumps(updated["view"]["blocks"][0])
