"""Issue 26 over the wire from Slack: a role granted by slash command, a confidential swarm's
triage post and `find`, and a follower's direct message, against the fake Web API."""

from __future__ import annotations

import json

import pytest

from bot.config import Config
from tests.slack.harness import SlackHarness

BOSS, AGENT, EXPERT, FAN = "UBOSS1", "UAGENT1", "UEXPERT1", "UFAN1"


@pytest.fixture
def slack_config(slack_config: Config) -> Config:
    slack_config.people.managers = [BOSS]
    return slack_config


def _answer(harness: SlackHarness) -> str:
    return json.dumps(harness.fake.responses[-1])


async def test_roles_confidential_and_followers_from_slack(slack_bot: SlackHarness) -> None:
    fake = slack_bot.fake
    await slack_bot.command(f"role <@{AGENT}|agent> lead", AGENT)
    assert "Only a manager can grant or take back roles" in _answer(slack_bot)
    await slack_bot.command(f"role <@{EXPERT}|expert> observer audits the VIP queue", BOSS)
    assert "is an observer now" in _answer(slack_bot)
    await slack_bot.command("roles", BOSS)
    assert f"<@{EXPERT}>: observer (granted by <@{BOSS}>" in _answer(slack_bot)

    await slack_bot.command("skills add payroll", EXPERT)
    await slack_bot.command("open ZD-31 sev2 private Board payroll leak", AGENT)
    assert "confidential" in _answer(slack_bot)
    room = fake.channel_named("swarm-zd-31")
    assert room is not None and room.is_private  # a private channel, named by the ref alone
    await slack_bot.command("need payroll", AGENT, room.id)
    triage = fake.channel_named("swarm-triage")
    post = json.dumps(slack_bot.messages_in(triage.id)[-1])
    assert "ZD-31" in post and "payroll" in post and "Board" not in post and "leak" not in post

    await slack_bot.command("find payroll leak", FAN)
    assert "No case matches" in _answer(slack_bot)
    await slack_bot.command("find payroll leak", EXPERT)  # an observer sees it
    assert "ZD-31" in _answer(slack_bot)

    await slack_bot.command("open ZD-32 sev3 Globex invoices doubled", AGENT)
    await slack_bot.command("follow ZD-32", FAN)
    assert "You follow ZD-32 now" in _answer(slack_bot)
    room32 = fake.channel_named("swarm-zd-32-globex-invoices-doubled")
    assert not room32.is_private
    await slack_bot.command("note checked the billing run", AGENT, room32.id)
    await slack_bot.command("mood angry charged twice", AGENT, room32.id)
    told = [m for m in slack_bot.messages_in(f"D{FAN}") if "Following ZD-32" in json.dumps(m)]
    assert len(told) == 1 and "mood on ZD-32 is angry" in json.dumps(told[0])
    assert FAN not in room32.members

    # The Home tab lists the swarms you follow apart from yours; a confidential one, never.
    await slack_bot.command("follow ZD-31", FAN)
    await slack_bot.event({"type": "app_home_opened", "user": FAN, "channel": f"D{FAN}",
                           "tab": "home", "event_ts": "1.3"})
    home = json.dumps([v for v in fake.views if v["method"] == "views.publish"][-1]["view"])
    assert "Swarms you follow" in home and "ZD-32" in home and "Globex" in home
    assert "ZD-31" not in home and "Board" not in home
