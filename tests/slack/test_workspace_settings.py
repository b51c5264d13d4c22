"""Issue 27: each workspace's own settings, from its [slack.workspaces.<team id>] section and
from `/swarm admin set` (its managers only, recorded): the triage channel `need` asks in,
the managers, the slash command the texts name."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from adapters.bootstrap import checked_config
from bot.config import Config
from bot.errors import ConfigError
from testkit.slack.fake_slack import TOKEN, FakeSlack, Workspace
from testkit.slack.signing import form_body, payload
from tests.slack.conftest import SECRETS
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import CLIENT_ID, OAUTH_ENV, oauth_bot

BETA = Workspace("T0002", "Beta")
_seq = itertools.count(1)


@pytest.fixture
async def bot(aiohttp_client: Any, fake_slack: FakeSlack, slack_config: Config,
              request: pytest.FixtureRequest) -> SlackHarness:
    slack_config.slack.workspaces = {"T0002": {"triage_channel": "#beta-triage",
                                               "slash": "/beta", "managers": ["UBETA"]}}
    fake_slack.add_channel("beta-triage")
    fake_slack.add_channel("beta-leads")
    return await oauth_bot(aiohttp_client, fake_slack, slack_config, request, BETA)


async def say(bot: SlackHarness, team: str, user: str, text: str,
              channel: str = "C2147483705", slash: str = "/swarm") -> str:
    fields = payload("slash_command.json")
    rid = f"{team}-{next(_seq)}"
    fields.update(team_id=team, command=slash, text=text, user_id=user,
                  user_name=user.lower(), channel_id=channel,
                  response_url=bot.fake.response_url(rid), trigger_id=f"trigger.{rid}")
    resp = await bot.post(form_body(fields), "application/x-www-form-urlencoded")
    assert resp.status == 200
    await bot.drain()
    return json.dumps([r for r in bot.fake.responses if r["rid"] == rid])


def triage_posts(fake: FakeSlack, name: str) -> list[Any]:
    channel = fake.channel_named(name)
    assert channel is not None
    return [c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == channel.id]


async def test_each_workspace_asks_its_own_triage_with_its_own_token(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    beta_token = fake_slack.installed[0]["access_token"]
    await say(bot, "T0002", "UBETA", "open BB-1 sev2 printer on fire", slash="/beta")
    room_b = [c for c in fake_slack.calls_to("conversations.create")
              if "bb-1" in str(c.args.get("name"))][0]
    channel_b = fake_slack.channel_named(str(room_b.args["name"]))
    assert channel_b is not None
    await say(bot, "T0002", "UBETA", "need printers", channel=channel_b.id, slash="/beta")
    asked = triage_posts(fake_slack, "beta-triage")
    assert asked and all(c.token == beta_token for c in asked)
    assert triage_posts(fake_slack, "swarm-triage") == []
    # A's `need` goes to the deployment's triage channel, with A's token.
    await say(bot, "T0001", "UANN", "open ZD-1 sev2 login")
    room_a = fake_slack.channel_named(str([c for c in fake_slack.calls_to(
        "conversations.create") if "zd-1" in str(c.args.get("name"))][0].args["name"]))
    assert room_a is not None
    await say(bot, "T0001", "UANN", "need identity", channel=room_a.id)
    asked_a = triage_posts(fake_slack, "swarm-triage")
    assert asked_a and all(c.token == TOKEN for c in asked_a)
    # B's texts name B's slash command.
    assert "/beta" in await say(bot, "T0002", "UBETA", "help", slash="/beta")
    assert "/beta" not in await say(bot, "T0001", "UANN", "help")


async def test_a_manager_changes_the_workspace_settings_in_chat_recorded(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    # Not a manager of B: refused, nothing recorded.
    refused = await say(bot, "T0002", "UCARL", "admin set managers @UDORA", slash="/beta")
    assert "manager" in refused
    assert "Swarm digest" not in await say(bot, "T0002", "UDORA", "digest", slash="/beta")
    # B's manager (from its section) makes UDORA a manager of B, and moves its triage.
    done = await say(bot, "T0002", "UBETA", "admin set managers @UDORA @UBETA", slash="/beta")
    assert "recorded" in done
    assert "recorded" in await say(bot, "T0002", "UBETA", "admin set triage_channel "
                                   "#beta-leads", slash="/beta")
    shown = await say(bot, "T0002", "UDORA", "admin settings", slash="/beta")
    assert "beta-leads" in shown and "UBETA" in shown
    # UDORA is a manager in B, not in A.
    assert "Swarm digest" in await say(bot, "T0002", "UDORA", "digest", slash="/beta")
    assert "Swarm digest" not in await say(bot, "T0001", "UDORA", "digest")
    # A bad value: one line with the right form.
    bad = await say(bot, "T0002", "UBETA", "admin set slash beta", slash="/beta")
    assert "a slash command is /name" in bad


def test_a_bad_workspace_section_stops_start_up_in_one_line(tmp_path: Any) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[server]\npublic_url = "https://swarm.example.com"\n'
                   f'[store]\npath = "{tmp_path}/s.db"\n[slack]\n[slack.oauth]\n'
                   f'client_id = "{CLIENT_ID}"\n[slack.workspaces.T0002]\n'
                   'triage_channel = "Not A Channel"\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        checked_config(str(cfg), "serve", env={**SECRETS, **OAUTH_ENV})
    assert "[slack.workspaces.T0002] triage_channel: a triage channel is #name (lower " \
           "case) or a channel id" in err.value.problems
    assert any(p.startswith("unknown key [slack.workspaces.T0002] colour")
               for p in err.value.problems)
