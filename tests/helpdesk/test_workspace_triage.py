"""Issue 27: a helpdesk's swarm that comes in without a known owner asks the triage channel
of the workspace its section names ([slack.workspaces.<team id>] triage_channel), with that
workspace's token, not the deployment's triage channel."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.serve import build_server
from bot.config import Config
from testkit.slack.fake_slack import FakeSlack, Workspace
from tests.helpdesk.conftest import ENV, body_of, hook_headers, worked
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import CLIENT_ID, OAUTH_ENV, Browser

BETA = Workspace("T0002", "Beta")


@pytest.fixture
async def bot(aiohttp_client: Any, people: FakeSlack, slack_config: Config) -> SlackHarness:
    slack_config.server.public_url = "https://swarm.example.com"
    slack_config.slack.oauth.enabled = True
    slack_config.slack.oauth.client_id = CLIENT_ID
    slack_config.slack.workspaces = {"T0002": {"triage_channel": "#beta-triage"}}
    slack_config.helpdesk.webhook.enabled = True
    slack_config.helpdesk.webhook.workspace = "T0002"
    people.add_channel("beta-triage")
    app = await build_server(slack_config, {**ENV, **OAUTH_ENV})
    harness = SlackHarness(await aiohttp_client(app), people)
    assert (await Browser(harness).install(people, BETA))[0] == 200
    return harness


def posts_in(fake: FakeSlack, name: str, words: str) -> list[Any]:
    channel = fake.channel_named(name)
    assert channel is not None
    return [c for c in fake.calls_to("chat.postMessage")
            if c.args.get("channel") == channel.id and words in json.dumps(c.args)]


async def test_an_unowned_ticket_asks_its_workspace_s_triage(bot: SlackHarness,
                                                            people: FakeSlack) -> None:
    beta_token = people.installed[0]["access_token"]
    body = body_of(ticket_id="SF-00003001", subject="Acme SSO", priority="low",
                   requester="Rita", assignee_email="nobody@acme.test")
    resp = await bot.client.post("/helpdesk/webhook", data=body, headers=hook_headers(body))
    assert resp.status == 202, await resp.text()
    await worked(bot)
    asked = posts_in(people, "beta-triage", "SF-00003001")
    assert asked and all(c.token == beta_token for c in asked)
    assert posts_in(people, "swarm-triage", "SF-00003001") == []
