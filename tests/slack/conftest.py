"""Fixtures: the fake Slack Web API on loopback and a real AsyncWebClient pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack.fake_slack import TOKEN, FakeSlack


@pytest.fixture
async def fake_slack(aiohttp_server) -> FakeSlack:
    fake = FakeSlack()
    server = await aiohttp_server(fake.app, host="127.0.0.1")
    fake.base_url = str(server.make_url("/api/")).replace("/api/", "/")
    return fake


@pytest.fixture
def api_url(fake_slack: FakeSlack) -> str:
    return fake_slack.base_url + "api/"


@pytest.fixture
async def web_client(api_url: str) -> AsyncIterator[AsyncWebClient]:
    async with aiohttp.ClientSession() as session:
        yield AsyncWebClient(token=TOKEN, base_url=api_url, session=session,
                             retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)])
