"""Graph mode over the wire: people joining and leaving a swarm's own channel.

Teams tells the bot with a conversationUpdate (membersAdded / membersRemoved) naming the
channel; those map to core.member_joined / core.member_left. The bot's own account in
those lists is not a swarm member (its arrival gets the welcome card instead).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession

from bot.config import Config
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.fake_graph import FakeGraph, StaticToken
from testkit.teams.jwks_issuer import JwksIssuer
from tests.teams.conftest import ANN, BOB, BOT_ID, Teams, serve, start_server


@pytest.fixture
async def graph_teams(teams_config: Config, issuer: JwksIssuer, connector: FakeConnector,
                      clock: Any) -> AsyncIterator[tuple[Teams, FakeGraph]]:
    graph = FakeGraph()
    runner, url = await serve(graph.app())
    teams_config.teams.graph.enabled = True
    teams_config.teams.graph.graph_url = f"{url}/v1.0"
    async with ClientSession() as session:
        t = await start_server(teams_config, issuer, connector, clock, session,
                               graph_tokens=StaticToken())
        yield t, graph
        await t.stop()
    await runner.cleanup()


def membership(teams: Teams, name: str, room: str, *people: str) -> dict[str, Any]:
    act = teams.activity(name)
    key = "membersAdded" if "membersAdded" in act else "membersRemoved"
    act[key] = [{"id": p} for p in people]
    act["conversation"]["id"] = room
    act["channelData"]["channel"]["id"] = room
    return act


async def test_joining_and_leaving_the_swarm_channel_is_joining_and_leaving_the_swarm(
        graph_teams) -> None:
    teams, graph = graph_teams
    await teams.post(teams.message(ANN, "open ZD-21 sev2 VPN drops"))
    case = teams.core.deps.store.cases.by_ref("ZD-21")
    assert case.room_id == "19:1@thread.tacv2"  # the Graph channel
    assert graph.channels[case.room_id] == case.room_name
    store = teams.core.deps.store

    status, _ = await teams.post(membership(teams, "channel_member_added", case.room_id,
                                            BOB, BOT_ID))
    assert status in (200, 201)
    assert store.cases.participant(case.id, BOB) is not None
    assert store.cases.participant(case.id, BOT_ID) is None  # the bot is no member
    # A joiner gets the story so far in a 1:1 chat.
    chat = [c for c in teams.connector.created() if c.body.get("members") == [{"id": BOB}]]
    assert chat and any("ZD-21" in str(c.body) for c in teams.connector.sent()
                        if c.conversation_id and c.conversation_id.startswith("a:"))

    status, _ = await teams.post(membership(teams, "channel_member_removed", case.room_id,
                                            BOB))
    assert status in (200, 201)
    assert store.cases.participant(case.id, BOB) is None

    # The owner cannot leave: she is invited back, and told why.
    before = len(teams.connector.calls)
    await teams.post(membership(teams, "channel_member_removed", case.room_id, ANN))
    assert store.cases.participant(case.id, ANN) is not None
    new = teams.connector.calls[before:]
    assert any(e.get("mentioned", {}).get("id") == ANN for c in new
               if c.conversation_id == case.room_id for e in c.body.get("entities") or [])
    assert any("hand off warmly" in str(c.body) for c in new)


async def test_membership_elsewhere_is_not_a_swarm_event(graph_teams) -> None:
    teams, _ = graph_teams
    await teams.post(teams.message(ANN, "open ZD-22 sev3 printer"))
    case = teams.core.deps.store.cases.by_ref("ZD-22")
    general = "19:general@thread.tacv2"
    await teams.post(membership(teams, "channel_member_added", general, BOB))
    assert teams.core.deps.store.cases.participant(case.id, BOB) is None
