"""find, history, journey, similar and friction top typed as Slack slash commands through
the real serve app; the answers come back on the response_url of the fake Slack."""

from __future__ import annotations

import json

from tests.slack.harness import SlackHarness

OWNER, OTHER = "UOWNER1", "UOTHER1"


async def _ask(slack_bot: SlackHarness, text: str, user: str = OTHER) -> str:
    before = len(slack_bot.fake.responses)
    assert (await slack_bot.command(text, user)).status == 200
    return json.dumps(slack_bot.fake.responses[before:], ensure_ascii=False)


async def test_knowledge_commands_from_slack(slack_bot: SlackHarness) -> None:
    await _ask(slack_bot, "open ZD-1 sev2 webhooks time out from their data centre", OWNER)
    await _ask(slack_bot, "touch ZD-1 networking raised the tunnel timeout", OWNER)
    await _ask(slack_bot, "friction ZD-1 access requests: a ticket for read access", OWNER)
    await _ask(slack_bot, "resolve ZD-1 moved the webhook endpoint", OWNER)
    await _ask(slack_bot, "open ZD-2 webhooks time out again", OWNER)
    room = slack_bot.fake.channel_named("swarm-zd-2-webhooks-time-out-again")
    assert room is not None
    assert "ZD-1" in json.dumps(slack_bot.messages_in(room.id)[0])  # solved before, in the brief

    found = await _ask(slack_bot, "find webhooks status=resolved")
    assert "ZD-1" in found and "moved the webhook endpoint" in found and "ZD-2" not in found
    assert "ZD-1" in await _ask(slack_bot, "similar ZD-2")
    history = await _ask(slack_bot, "history ZD-1")
    assert "page 1 of 1" in history and "raised the tunnel timeout" in history
    assert "1. networking" in await _ask(slack_bot, "journey ZD-1")
    assert "access requests: 1 report" in await _ask(slack_bot, "friction top")
