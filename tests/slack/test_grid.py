"""Issue 27, Enterprise Grid: an org-wide install (is_enterprise_install) serves every
workspace of the org with the org's token; a case is seen from another workspace of the org
once its room is used from there (the room is shared with it), never from outside the org;
managers per org from [slack.workspaces.<enterprise id>]."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from bot import tenancy
from bot.config import Config
from testkit.slack.fake_slack import FakeSlack, Workspace
from testkit.slack.signing import form_body, payload
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import oauth_bot

ORG = Workspace("T0201", "Acme Grid", enterprise_id="E0001", enterprise_name="Acme Corp",
                org_wide=True)
BETA = Workspace("T0002", "Beta")
_seq = itertools.count(1)


@pytest.fixture
async def bot(aiohttp_client: Any, fake_slack: FakeSlack, slack_config: Config,
              request: pytest.FixtureRequest) -> SlackHarness:
    slack_config.slack.workspaces = {"E0001": {"managers": ["WBOSS"]}}
    return await oauth_bot(aiohttp_client, fake_slack, slack_config, request, ORG, BETA)


async def say(bot: SlackHarness, team: str, user: str, text: str, channel: str = "C0",
              org: str = "E0001") -> str:
    fields = payload("slash_command.json")
    rid = f"{team}-{next(_seq)}"
    fields.update(team_id=team, enterprise_id=org if team.startswith("T02") else "",
                  text=text, user_id=user, user_name=user.lower(), channel_id=channel,
                  response_url=bot.fake.response_url(rid), trigger_id=f"trigger.{rid}")
    if team.startswith("T02"):
        fields["is_enterprise_install"] = "true"
    resp = await bot.post(form_body(fields), "application/x-www-form-urlencoded")
    assert resp.status == 200
    await bot.drain()
    return json.dumps([r for r in bot.fake.responses if r["rid"] == rid])


async def test_one_org_wide_install_serves_its_workspaces_and_shares_by_room(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    org_token = fake_slack.installed[0]["access_token"]
    assert fake_slack.installed[0]["is_enterprise_install"] is True
    assert "GG-1" in await say(bot, "T0201", "WANN", "open GG-1 sev2 grid login broken")
    made = [c for c in fake_slack.calls_to("conversations.create")
            if "gg-1" in str(c.args.get("name"))]
    assert made and all(c.token == org_token for c in made)
    with tenancy.scoped(tenancy.Tenant("T0201", "E0001")):
        case = bot.store.cases.by_ref("GG-1")
    assert case is not None and case.room_id and case.org == "E0001" and not case.shared
    # Another workspace of the org: not seen until its room is shared there...
    assert "grid login" not in await say(bot, "T0202", "WBEN", "status GG-1")
    assert "GG-1" not in await say(bot, "T0202", "WBEN", "find grid")
    # ... a command typed in the room from T0202 (the room is shared with it) runs ...
    joined = await say(bot, "T0202", "WBEN", "join", channel=case.room_id)
    assert "GG-1" in joined and "No case" not in joined, joined
    noted = await say(bot, "T0202", "WBEN", "note seen from the other office",
                      channel=case.room_id)
    assert "not in the swarm" not in noted, noted
    posted = [c for c in fake_slack.calls_to("chat.postMessage")
              if c.args.get("channel") == case.room_id]
    assert posted and all(c.token == org_token for c in posted)
    # ... and from then on T0202 sees the case; a workspace outside the org never does.
    assert "grid login" in await say(bot, "T0202", "WBEN", "status GG-1")
    assert "GG-1" in await say(bot, "T0202", "WBEN", "find grid")
    assert "grid login" not in await say(bot, "T0002", "UBETA", "status GG-1", org="")
    assert "GG-1" not in await say(bot, "T0002", "UBETA", "find grid", org="")
    # Events from any workspace of the org: a join in the room from T0202 is recorded.
    data = payload("event_callback.json")
    data.update(team_id="T0202", enterprise_id="E0001", event_id="EvGRID1",
                authorizations=[{"enterprise_id": "E0001", "team_id": None, "user_id": "UBOT",
                                 "is_bot": True, "is_enterprise_install": True}])
    data["event"] = {"type": "member_joined_channel", "user": "WCAT",
                     "channel": case.room_id, "team": "T0202"}
    assert (await bot.post(json.dumps(data), "application/json")).status == 200
    await bot.drain()
    with tenancy.scoped(tenancy.Tenant("T0201", "E0001")):
        assert bot.store.cases.participant(case.id, "WCAT") is not None


async def test_managers_per_org(bot: SlackHarness) -> None:
    for team in ("T0201", "T0202"):
        assert "Swarm digest" in await say(bot, team, "WBOSS", "digest")
        assert "Swarm digest" not in await say(bot, team, "WANN", "digest")
    assert "Swarm digest" not in await say(bot, "T0002", "WBOSS", "digest", org="")
