"""Fixtures: the fake Slack Web API on loopback, a real AsyncWebClient pointed at it, and
the real serve app driven through signed requests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.serve import build_server
from adapters.slack.client import make_client
from bot.config import Config
from testkit.slack.fake_slack import TOKEN, FakeSlack
from testkit.slack.signing import SIGNING_SECRET
from tests.slack.harness import SlackHarness

SECRETS = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}


@pytest.fixture
async def fake_slack(aiohttp_server) -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    server = await aiohttp_server(fake.app, host="127.0.0.1")
    fake.base_url = str(server.make_url("/"))
    yield fake
    await fake.close_sockets()  # a Socket Mode connection would hold the server's shutdown


@pytest.fixture
def api_url(fake_slack: FakeSlack) -> str:
    return fake_slack.base_url + "api/"


@pytest.fixture
async def web_client(api_url: str) -> AsyncIterator[AsyncWebClient]:
    async with aiohttp.ClientSession() as session:
        yield make_client(TOKEN, api_url, session)  # the client the server builds


@pytest.fixture
def slack_config(api_url: str, tmp_path) -> Config:
    cfg = Config()
    cfg.slack.enabled = True
    cfg.slack.api_url = api_url
    cfg.slack.triage_channel = "#swarm-triage"
    cfg.store.path = str(tmp_path / "swarmbot.db")
    return cfg


@pytest.fixture
async def slack_bot(aiohttp_client, fake_slack: FakeSlack, slack_config: Config
                    ) -> SlackHarness:
    """`swarmbot serve`'s app (adapters.serve.build_server) in-process, on the fake Slack."""
    fake_slack.add_channel("swarm-triage")
    app = await build_server(slack_config, SECRETS)
    client = await aiohttp_client(app)
    return SlackHarness(client, fake_slack)
