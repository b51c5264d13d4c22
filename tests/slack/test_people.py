"""Issue 26 over the wire from Slack: the skill rules' suggestion at `open`, pressed as a
button, asks triage for both skills (the fake Web API, the real serve app)."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.availability import WEEKDAYS
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


async def test_need_skips_out_of_office_and_off_shift_with_reasons_and_back_wins(
        slack_bot: SlackHarness, slack_config: Config) -> None:
    fake = slack_bot.fake
    sydney = datetime.now(ZoneInfo("Australia/Sydney"))
    # Working hours that are surely not now in Sydney (they start in two hours).
    slack_config.availability.presence = True
    slack_config.availability.work_start = f"{(sydney.hour + 2) % 24:02d}:00"
    slack_config.availability.work_end = f"{(sydney.hour + 3) % 24:02d}:00"
    slack_config.availability.work_days = list(WEEKDAYS)
    ooo, night, here = "UOOO1", "UNIGHT1", "UHERE1"
    for uid, name in ((ooo, "olga"), (night, "syd"), (here, "hal")):
        fake.add_user(uid, name, f"{name}@example.com")
    fake.users[ooo]["profile"].update(status_text="Out of office", status_emoji=":palm_tree:")
    fake.users[night]["tz"] = "Australia/Sydney"
    fake.users[here]["presence"] = "active"
    for uid in (ooo, night):
        await slack_bot.command("skills add payroll", uid)
    await slack_bot.command("skills add vpn", here)
    await slack_bot.command("open ZD-62 sev3 Payroll export over VPN fails", AGENT)
    room = fake.channel_named("swarm-zd-62-payroll-export-over-vpn-fails")
    await slack_bot.command("need payroll vpn", AGENT, room.id)
    answer = json.dumps(fake.responses[-1])
    assert "Nobody available has payroll" in answer
    assert f"<@{ooo}> (out of office" in answer
    assert f"<@{night}> (off shift in Sydney" in answer
    assert f"Suggested: <@{here}>" in answer
    assert fake.calls_to("users.getPresence")  # asked at the edge

    await slack_bot.command("skills back", ooo)  # `back` wins over the status
    await slack_bot.command("need payroll", AGENT, room.id)
    answer = json.dumps(fake.responses[-1])
    assert f"Suggested: <@{ooo}>" in answer and f"<@{night}> (off shift in Sydney" in answer
