"""Issue 27: token rotation. A workspace's token about to expire is refreshed before it is
used (never a call with an expired token), once, even with two replicas calling at once."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from adapters.slack.installations import StoreInstallations
from adapters.slack.tenants import WorkspaceClients
from bot import tenancy
from bot.config import Config
from testkit.slack.fake_slack import FakeSlack, Workspace
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import oauth_bot

BETA = Workspace("T0002", "Beta")


@pytest.fixture
async def bot(aiohttp_client: Any, fake_slack: FakeSlack, slack_config: Config,
              request: pytest.FixtureRequest) -> SlackHarness:
    fake_slack.token_lifetime = 12 * 3600  # Slack's rotating tokens live 12 hours
    return await oauth_bot(aiohttp_client, fake_slack, slack_config, request, BETA)


def clients_of(bot: SlackHarness) -> WorkspaceClients:
    found = bot.runtime.port.clients
    assert found is not None
    return found


def replica(bot: SlackHarness) -> WorkspaceClients:
    """A second replica's clients: the same database, its own process state and lease
    holder id."""
    first = clients_of(bot)
    return WorkspaceClients(first.default, first.session, installations=first.installations,
                            book=first.book, served_team=first.served_team,
                            rotator=first.rotator, margin_minutes=first.margin // 60)


async def expiring_now(bot: SlackHarness, fake: FakeSlack) -> str:
    """The stored token expires within the refresh margin, and at the fake right now."""
    store = clients_of(bot).installations
    assert isinstance(store, StoreInstallations)
    bot_row = await store.async_find_bot(enterprise_id=None, team_id="T0002")
    assert bot_row is not None and bot_row.bot_token and bot_row.bot_refresh_token
    bot_row.bot_token_expires_at = int(time.time()) + 60
    await store.async_save_bot(bot_row)
    fake.expires[bot_row.bot_token] = time.time()
    return bot_row.bot_token


async def test_a_token_expiring_mid_burst_is_refreshed_once_across_two_replicas(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    replicas = [clients_of(bot), replica(bot)]

    async def call(n: int) -> str:
        with tenancy.scoped(tenancy.Tenant("T0002")):
            client = await replicas[n % 2].current()
            resp = await client.auth_test()
            assert resp["team_id"] == "T0002"
            return str(client.token)

    before = await asyncio.gather(*(call(n) for n in range(10)))
    assert fake_slack.refreshes == 0  # 12 hours left: nothing to refresh
    old = await expiring_now(bot, fake_slack)
    assert set(before) == {old}
    used = await asyncio.gather(*(call(n) for n in range(40)))
    assert fake_slack.expired_calls == []  # no call with an expired token
    assert fake_slack.refreshes == 1  # one refresh, whichever replica made it
    assert sum(r.refreshes for r in replicas) == 1
    [new] = set(used)
    assert new != old
    # The refreshed token is the one stored (sealed), for every replica after a restart.
    store = clients_of(bot).installations
    assert store is not None
    found = await store.async_find_bot(enterprise_id=None, team_id="T0002")
    assert found is not None and found.bot_token == new


async def test_a_refused_refresh_is_told_to_the_admin_in_one_line(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    await expiring_now(bot, fake_slack)
    fake_slack.refuse_refresh = "invalid_refresh_token"
    fake_slack.expires.clear()  # the old token still answers: the admin can be told
    for _ in range(3):
        with tenancy.scoped(tenancy.Tenant("T0002")):
            await clients_of(bot).current()
    told = [m for m in fake_slack.messages if m["channel"] == "UT0002ADMIN"]
    assert len(told) == 1, told  # once, not at every call
    assert "could not refresh its Slack token" in told[0]["text"]
    assert "invalid_refresh_token" in told[0]["text"] and "\n" not in told[0]["text"]
