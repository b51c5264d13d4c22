"""Issue 26 over the wire from Slack: the skill rules' suggestion at `open`, pressed as a
button, asks triage for both skills (the fake Web API, the real serve app)."""

from __future__ import annotations

import json

import pytest

from bot.config import Config
from tests.slack.harness import SlackHarness

AGENT, BILL, IDA = "UAGENT1", "UBILL1", "UIDA1"
GENERAL = "C2147483705"


@pytest.fixture
def slack_config(slack_config: Config) -> Config:
    slack_config.skill_rules = [{"words": ["refund"], "skills": ["billing"]},
                                {"words": ["sso"], "skills": ["identity"]}]
    return slack_config


async def test_the_suggestion_button_asks_triage_for_both_skills(slack_bot: SlackHarness
                                                                 ) -> None:
    fake = slack_bot.fake
    await slack_bot.command("skills add billing", BILL)
    await slack_bot.command("skills add identity", IDA)
    await slack_bot.command("open ZD-61 sev3 Refund stuck after SSO change", AGENT)
    hint = next(r for r in fake.responses if "The skill rules suggest" in json.dumps(r))
    assert "billing, identity" in json.dumps(hint) and hint.get("response_type") != "in_channel"
    triage = fake.channel_named("swarm-triage")
    assert not slack_bot.messages_in(triage.id)  # nobody asked until the owner presses

    message = {"channel": GENERAL, "ts": "1700000000.000100", "text": hint.get("text", ""),
               "blocks": hint["blocks"]}
    assert (await slack_bot.click(message, "Ask triage for these", AGENT)).status == 200
    posts = slack_bot.messages_in(triage.id)
    assert len(posts) == 1
    request = json.dumps(posts[0])
    assert "billing, identity" in request and f"<@{BILL}>" in request and f"<@{IDA}>" in request
    await slack_bot.click(message, "Ask triage for these", AGENT)  # pressed twice: asked once
    assert len(slack_bot.messages_in(triage.id)) == 1
    assert "already" in json.dumps(fake.responses[-1])
