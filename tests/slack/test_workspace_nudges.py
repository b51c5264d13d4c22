"""Issue 27: the scheduler's nudges use the case's workspace settings. A help request nobody
joined is nudged in the triage channel of the case's workspace ([slack.workspaces.*], or
what its manager set with `/swarm admin set triage_channel`), with that workspace's token,
and its managers are told; workspace A's still go to the deployment's triage channel."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.config import Config
from bot.scheduler import Scheduler
from bot.services.base import Deps
from testkit.slack.fake_slack import TOKEN, Call, FakeSlack, Workspace
from testkit.slack.signing import form_body, payload
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import oauth_bot

BETA = Workspace("T0002", "Beta")
_seq = itertools.count(1)


@pytest.fixture
async def bot(aiohttp_client: Any, fake_slack: FakeSlack, slack_config: Config,
              request: pytest.FixtureRequest) -> SlackHarness:
    slack_config.slack.workspaces = {"T0002": {"triage_channel": "#beta-triage",
                                               "managers": ["UBETA", "UCARL"]}}
    fake_slack.add_channel("beta-triage")
    fake_slack.add_channel("beta-leads")
    return await oauth_bot(aiohttp_client, fake_slack, slack_config, request, BETA)


async def say(bot: SlackHarness, team: str, user: str, text: str,
              channel: str = "C2147483705") -> None:
    fields = payload("slash_command.json")
    rid = f"{team}-{next(_seq)}"
    fields.update(team_id=team, text=text, user_id=user, user_name=user.lower(),
                  channel_id=channel, response_url=bot.fake.response_url(rid),
                  trigger_id=f"trigger.{rid}")
    resp = await bot.post(form_body(fields), "application/x-www-form-urlencoded")
    assert resp.status == 200
    await bot.drain()


async def open_and_ask(bot: SlackHarness, team: str, user: str, ref: str, skill: str) -> None:
    await say(bot, team, user, f"open {ref} sev2 {skill} trouble")
    made = [c for c in bot.fake.calls_to("conversations.create")
            if ref.lower() in str(c.args.get("name"))]
    room = bot.fake.channel_named(str(made[0].args["name"]))
    assert room is not None
    await say(bot, team, user, f"need {skill}", channel=room.id)


def nudges_in(fake: FakeSlack, channel_name: str, ref: str) -> list[Call]:
    channel = fake.channel_named(channel_name)
    assert channel is not None
    return [c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == channel.id
            and f"Help still wanted on {ref}" in json.dumps(c.args)]


async def test_nudges_go_to_the_case_s_workspace_triage_and_managers(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    beta_token = fake_slack.installed[0]["access_token"]
    await open_and_ask(bot, "T0002", "UBETA", "BB-1", "printers")
    await open_and_ask(bot, "T0001", "UANN", "ZD-1", "identity")
    deps: Deps = bot.runtime.dispatcher.entrance.deps  # type: ignore[union-attr]
    later = datetime.now(UTC) + timedelta(days=2)
    done = await Scheduler(deps).nudger.tick(later)
    assert any("BB-1" in line for line in done), done
    b_nudges = nudges_in(fake_slack, "beta-triage", "BB-1")
    assert len(b_nudges) == 1 and b_nudges[0].token == beta_token
    assert nudges_in(fake_slack, "swarm-triage", "BB-1") == []
    a_nudges = nudges_in(fake_slack, "swarm-triage", "ZD-1")
    assert len(a_nudges) == 1 and a_nudges[0].token == TOKEN
    assert nudges_in(fake_slack, "beta-triage", "ZD-1") == []
    # B's other manager hears of B's case (waited twice the window), with B's token; of
    # A's case, not.
    told = [c for c in fake_slack.calls_to("chat.postMessage")
            if c.args.get("channel") == "DUCARL" and "BB-1 is waiting" in json.dumps(c.args)]
    assert len(told) == 1 and told[0].token == beta_token
    assert not [c for c in fake_slack.calls_to("chat.postMessage")
                if c.args.get("channel") == "DUCARL" and "ZD-1" in json.dumps(c.args)]
    # B's manager moves its triage in chat: the next case's nudge goes there.
    await say(bot, "T0002", "UBETA", "admin set triage_channel #beta-leads")
    await open_and_ask(bot, "T0002", "UBETA", "BB-2", "toner")
    done = await Scheduler(deps).nudger.tick(later + timedelta(days=2))
    moved = nudges_in(fake_slack, "beta-leads", "BB-2")
    assert len(moved) == 1 and moved[0].token == beta_token, done
    assert nudges_in(fake_slack, "beta-triage", "BB-2") == []
    assert nudges_in(fake_slack, "swarm-triage", "BB-2") == []
