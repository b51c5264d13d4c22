"""Fixtures: the serve app on the fake Slack, with fake helpdesks on loopback."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from adapters.after_ack import Work
from adapters.helpdesk.server import HELPDESK_RUNTIME
from adapters.serve import build_server
from bot.config import Config
from bot.domain import Case, iso, utcnow
from testkit.loopback import until
from testkit.slack.fake_slack import FakeSlack
from tests.helpdesk.fake_callback import FakeCallback
from tests.helpdesk.fake_jira import FakeJira
from tests.helpdesk.fake_zendesk import FakeZendesk
from tests.slack.conftest import SECRETS, api_url, fake_slack, slack_config, web_client  # noqa: F401
from tests.slack.harness import SlackHarness

ZD_SECRET, JIRA_SECRET, HOOK_SECRET = "zd-hook-secret", "jira-hook-secret", "hook-secret"
CALLBACK_SECRET = "callback-secret"
ENV = {**SECRETS, "ZENDESK_API_TOKEN": "zd-token", "ZENDESK_WEBHOOK_SECRET": ZD_SECRET,
       "JIRA_API_TOKEN": "jira-token", "JIRA_WEBHOOK_SECRET": JIRA_SECRET,
       "SWARMBOT_WEBHOOK_SECRET": HOOK_SECRET, "SWARMBOT_CALLBACK_SECRET": CALLBACK_SECRET}


def zendesk_headers(body: bytes, at: datetime | None = None, invocation: str = "inv-1",
                    secret: str = ZD_SECRET) -> dict[str, str]:
    stamp = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sig = base64.b64encode(hmac.new(secret.encode(), stamp.encode() + body,
                                    hashlib.sha256).digest()).decode()
    return {"Content-Type": "application/json", "X-Zendesk-Webhook-Signature": sig,
            "X-Zendesk-Webhook-Signature-Timestamp": stamp,
            "X-Zendesk-Webhook-Invocation-Id": invocation}


def hook_headers(body: bytes, secret: str = HOOK_SECRET) -> dict[str, str]:
    sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Swarmbot-Signature": f"sha256={sig}"}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def body_of(**fields: Any) -> bytes:
    return json.dumps(fields).encode()


@pytest.fixture
async def zendesk(aiohttp_server) -> FakeZendesk:
    fake = FakeZendesk()
    server = await aiohttp_server(fake.app, host="127.0.0.1")
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def jira(aiohttp_server) -> tuple[FakeJira, str]:
    fake = FakeJira()
    server = await aiohttp_server(fake.app, host="127.0.0.1")
    return fake, str(server.make_url("")).rstrip("/")


@pytest.fixture
async def callback(aiohttp_server) -> tuple[FakeCallback, str]:
    fake = FakeCallback(CALLBACK_SECRET)
    server = await aiohttp_server(fake.app, host="127.0.0.1")
    return fake, str(server.make_url("/swarm-events"))


@pytest.fixture
def people(fake_slack: FakeSlack) -> FakeSlack:  # noqa: F811
    fake_slack.add_channel("swarm-triage")
    fake_slack.add_user("UALICE", "alice", "alice@acme.test")
    fake_slack.add_user("UBOB", "bob", "bob@acme.test")
    fake_slack.add_user("UCAROL", "carol", "carol@acme.test")
    return fake_slack


@pytest.fixture
async def bot(aiohttp_client, people: FakeSlack, slack_config: Config,  # noqa: F811
              zendesk: FakeZendesk, jira: tuple[FakeJira, str],
              callback: tuple[FakeCallback, str]) -> SlackHarness:
    slack_config.helpdesk.zendesk.enabled = True
    slack_config.helpdesk.zendesk.api_url = zendesk.base_url
    slack_config.helpdesk.zendesk.email = "bot@acme.test"
    slack_config.helpdesk.jira.enabled = True
    slack_config.helpdesk.jira.api_url = jira[1]
    slack_config.helpdesk.jira.email = "bot@acme.test"
    slack_config.helpdesk.webhook.enabled = True
    # The fake callback listens on loopback: allowed by its address, written out.
    slack_config.helpdesk.webhook.callback_origins = [origin(callback[1])]
    slack_config.helpdesk.backoff_ms = 1  # retries without waiting in tests
    slack_config.outbox.base_delay = 0.01  # and the outbox's too
    slack_config.outbox.max_delay = 0.05
    app = await build_server(slack_config, ENV)
    client = await aiohttp_client(app)
    return SlackHarness(client, people)


async def settle(bot: SlackHarness, timeout: float = 60.0) -> dict[str, int]:
    """Until the outbox worker has nothing pending (it retries on its own clock): the
    faults have stopped, what is left is done or given up. Returns the outbox's counts."""
    store = bot.runtime.dispatcher.entrance.deps.store
    deadline = time.monotonic() + timeout
    while (counts := store.outbox.counts()).get("pending", 0):
        assert time.monotonic() < deadline, f"the outbox did not drain: {counts}"
        await asyncio.sleep(0.05)
    return counts


async def quiet(bot: SlackHarness, timeout: float = 60.0) -> None:
    """Until nothing in the outbox is due within five minutes (done, given up, or waiting
    behind an earlier write-back of its case that gave up, for `retry`)."""
    store = bot.runtime.dispatcher.entrance.deps.store
    deadline = time.monotonic() + timeout
    while store.outbox.due(iso(utcnow() + timedelta(minutes=5)), 1):
        left = store.outbox.due(iso(utcnow() + timedelta(minutes=5)), 5)
        assert time.monotonic() < deadline, f"the outbox did not quieten: {left}"
        await asyncio.sleep(0.05)


def helpdesk_work(bot: SlackHarness) -> Work:
    """The webhooks' work after their answers (the owner look-up, the open, its calls)."""
    return bot.client.server.app[HELPDESK_RUNTIME].work


async def accepted(bot: SlackHarness, resp: Any, ref: str) -> None:
    """A webhook is answered at once, before its work: 202 `accepted` with its ref."""
    answer = await resp.json()
    assert resp.status == 202, answer
    assert answer == {"status": "accepted", "ref": ref}, answer


async def worked(bot: SlackHarness, timeout: float = 60.0) -> None:
    """Until every answered webhook's work is over (its swarm opened or refused, and the
    platform calls recorded with it tried once), as the old synchronous answer waited."""
    await asyncio.wait_for(helpdesk_work(bot).drain(), timeout)


async def opened(bot: SlackHarness, resp: Any, ref: str) -> Case:
    """A webhook answered `accepted`, then its swarm opened after the answer, with its room
    (which the outbox worker may be making, if it claimed the call before the work's drain)."""
    await accepted(bot, resp, ref)
    await worked(bot)
    await until(lambda: (c := bot.store.cases.by_ref(ref)) is not None and bool(c.room_id),
                f"{ref}'s swarm and its room", 30)
    return bot.store.cases.by_ref(ref)
