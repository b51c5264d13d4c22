"""Issue 27, Enterprise Grid: Slack's channel_shared / channel_unshared events (signed, into
/slack/events) mark a case's room shared with another workspace of its org, or no longer:
the case is seen there from then on, and not after; shared with the org's enterprise id,
every workspace of the org sees it; a workspace outside the org never does."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from bot import tenancy
from bot.config import Config
from testkit.slack.fake_slack import FakeSlack
from testkit.slack.signing import payload
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import oauth_bot
from tests.slack.test_grid import BETA, ORG, say

_seq = itertools.count(1)


@pytest.fixture
async def bot(aiohttp_client: Any, fake_slack: FakeSlack, slack_config: Config,
              request: pytest.FixtureRequest) -> SlackHarness:
    return await oauth_bot(aiohttp_client, fake_slack, slack_config, request, ORG, BETA)


async def sharing(bot: SlackHarness, kind: str, channel: str, other: str,
                  team: str = "T0201", org: str = "E0001", event_id: str = "") -> None:
    """A signed channel_shared / channel_unshared event from `team` about `other`."""
    data = payload("event_callback.json")
    data.update(team_id=team, enterprise_id=org, event_id=event_id or f"EvSH{next(_seq)}",
                authorizations=[{"enterprise_id": org or None, "team_id": None if org else team,
                                 "user_id": "UBOT", "is_bot": True,
                                 "is_enterprise_install": bool(org)}])
    field = "connected_team_id" if kind == "channel_shared" else "previously_connected_team_id"
    data["event"] = {"type": kind, field: other, "channel": channel,
                     "event_ts": "1561064063.001100"}
    if kind == "channel_unshared":
        data["event"]["is_ext_shared"] = False
    resp = await bot.post(json.dumps(data), "application/json")
    assert resp.status == 200, await resp.text()
    await bot.drain()


async def sees(bot: SlackHarness, team: str, user: str) -> bool:
    status = await say(bot, team, user, "status GG-1", org="" if team == "T0002" else "E0001")
    found = await say(bot, team, user, "find grid", org="" if team == "T0002" else "E0001")
    assert ("grid login" in status) == ("GG-1" in found), (status, found)
    return "grid login" in status


async def test_channel_shared_and_unshared_drive_who_sees_the_case(
        bot: SlackHarness) -> None:
    await say(bot, "T0201", "WANN", "open GG-1 sev2 grid login broken")
    with tenancy.scoped(tenancy.Tenant("T0201", "E0001")):
        case = bot.store.cases.by_ref("GG-1")
    assert case is not None and case.room_id
    assert not await sees(bot, "T0202", "WBEN")
    # Shared with T0202: seen there, not in T0203 (another workspace of the org).
    await sharing(bot, "channel_shared", case.room_id, "T0202", event_id="EvSHARE1")
    assert await sees(bot, "T0202", "WBEN")
    assert not await sees(bot, "T0203", "WCAT")
    # Slack delivers the event again: done once, nothing changes.
    await sharing(bot, "channel_shared", case.room_id, "T0202", event_id="EvSHARE1")
    assert bot.store.cases.shared_with(case.id) == ["T0202"]
    # Unshared from T0202: not seen there any more.
    await sharing(bot, "channel_unshared", case.room_id, "T0202", team="T0202")
    assert not await sees(bot, "T0202", "WBEN")
    # Shared with the whole org (its enterprise id): every workspace of the org sees it...
    await sharing(bot, "channel_shared", case.room_id, "E0001")
    assert await sees(bot, "T0203", "WCAT") and await sees(bot, "T0202", "WBEN")
    # ... and a workspace outside the org never does, even claiming the room is its own.
    await sharing(bot, "channel_shared", case.room_id, "T0002", team="T0002", org="")
    assert not await sees(bot, "T0002", "UBETA")
    assert "T0002" not in bot.store.cases.shared_with(case.id)
    # Unshared from the org: back to its own workspace only.
    await sharing(bot, "channel_unshared", case.room_id, "E0001")
    assert not await sees(bot, "T0203", "WCAT") and not await sees(bot, "T0202", "WBEN")
    assert await sees(bot, "T0201", "WANN")


async def test_another_room_shared_changes_no_case(bot: SlackHarness) -> None:
    await say(bot, "T0201", "WANN", "open GG-1 sev2 grid login broken")
    with tenancy.scoped(tenancy.Tenant("T0201", "E0001")):
        case = bot.store.cases.by_ref("GG-1")
    assert case is not None and case.room_id
    await sharing(bot, "channel_shared", "C0NOCASE", "T0202")
    assert bot.store.cases.shared_with(case.id) == []
    assert not await sees(bot, "T0202", "WBEN")
