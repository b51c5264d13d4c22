"""Graph mode: a channel per swarm, created/archived through a loopback Microsoft Graph."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession

from adapters.teams.connector import BotConnector
from adapters.teams.directory import Directory
from adapters.teams.graph import HttpGraphClient
from adapters.teams.port import TeamsChatPort
from bot.config import TeamsConfig
from bot.errors import PortError
from bot.replies import Reply
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.fake_graph import FakeGraph, StaticToken
from tests.teams.conftest import serve

TEAM = "19:team@thread.tacv2"


@pytest.fixture
async def graph_port() -> AsyncIterator[tuple[TeamsChatPort, FakeGraph, FakeConnector]]:
    graph, connector = FakeGraph(), FakeConnector()
    runner, url = await serve(graph.app())
    service_url = await connector.start()
    async with ClientSession() as session:
        directory = Directory(default_service_url=service_url, tenant_id="t1",
                              bot={"id": "28:bot", "name": "swarmbot"})
        port = TeamsChatPort(TeamsConfig(enabled=True, swarm_team_id=TEAM),
                             BotConnector(session, None), directory,
                             HttpGraphClient(f"{url}/v1.0", StaticToken(), session))
        yield port, graph, connector
    await runner.cleanup()
    await connector.stop()


async def test_a_swarm_gets_its_own_channel_which_is_archived_on_resolve(graph_port) -> None:
    port, graph, connector = graph_port
    room = await port.create_room("swarm-zd-1-sso", "ZD-1 · sev2")
    method, path, body, auth = graph.calls[0]
    assert (method, path) == ("POST", f"/v1.0/teams/{TEAM}/channels")
    assert body["displayName"] == "swarm-zd-1-sso" and auth == "Bearer graph-token"
    assert room.id == "19:1@thread.tacv2"
    # The channel carries its name and topic: nothing is posted until the brief, so the
    # brief goes out one call after the channel exists (benchmarks/teams_swarm.py).
    assert connector.calls == []
    await port.post(room.id, Reply(text="brief", title="Swarm ZD-1", private=False))
    assert connector.calls[0].path == f"/v3/conversations/{room.id}/activities"
    assert await port.find_room("swarm-zd-1-sso") == room
    await port.set_topic(room.id, "owner changed")
    await port.archive(room.id)
    assert [c[0] + " " + c[1] for c in graph.calls[1:]] == [
        f"PATCH /v1.0/teams/{TEAM}/channels/{room.id}",
        f"POST /v1.0/teams/{TEAM}/channels/{room.id}/archive"]


async def test_graph_lookup_finds_a_channel_made_before_a_restart(graph_port) -> None:
    port, graph, _ = graph_port
    graph.channels["19:old@thread.tacv2"] = "swarm-zd-2"
    found = await port.find_room("swarm-zd-2")
    assert found is not None and found.id == "19:old@thread.tacv2"
    assert await port.find_room("swarm-zd-3") is None


async def test_throttling_is_retried_and_refusals_are_port_errors(graph_port) -> None:
    port, graph, _ = graph_port
    graph.throttle_next = 1
    room = await port.create_room("swarm-a", "t")
    assert room.name == "swarm-a" and len(graph.calls) == 2
    with pytest.raises(PortError, match="400: NameAlreadyExists"):
        await port.create_room("swarm-a", "t")


async def test_set_link_is_a_website_tab_on_the_swarm_channel(graph_port) -> None:
    """Issue 25: `set link` becomes a Website tab on a Graph channel, changed (not added
    again) by a second link or a retry; in a thread (no Graph) a link message."""
    port, graph, connector = graph_port
    room = await port.create_room("swarm-zd-7-portal", "ZD-7 · sev3")
    await port.bookmark(room.id, "Ticket", "https://acme.zendesk.com/agent/tickets/7")
    await port.bookmark(room.id, "Ticket", "https://acme.zendesk.com/agent/tickets/7")
    await port.bookmark(room.id, "Ticket", "https://acme.zendesk.com/agent/tickets/77")
    tabs = graph.tabs[room.id]
    assert [(t["displayName"], t["configuration"]["websiteUrl"]) for t in tabs] == [
        ("Ticket", "https://acme.zendesk.com/agent/tickets/77")]
    assert [c[0] for c in graph.calls if "/tabs" in c[1]] == ["GET", "POST", "GET", "GET",
                                                              "PATCH"]
    assert connector.calls == []  # nothing posted in the channel for it
    thread = f"{TEAM};messageid=1700000000000"
    await port.bookmark(thread, "Ticket", "https://acme.zendesk.com/agent/tickets/8")
    assert "https://acme.zendesk.com/agent/tickets/8" in str(connector.calls[-1].body)
