"""People by email on Teams (a helpdesk ticket's assignee): the team roster through the
Bot Connector, then Graph GET /users/{email} matched to the roster by object id."""

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
from bot.helpdesk import ChatDirectory
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.fake_graph import FakeGraph, StaticToken
from tests.teams.conftest import serve
from tests.teams.test_graph import TEAM

ANN = {"id": "29:ann", "name": "Ann Agent", "aadObjectId": "aad-ann",
       "email": "ann@acme.test", "userPrincipalName": "ann@acme.test"}
BOB = {"id": "29:bob", "name": "Bob Agent", "aadObjectId": "aad-bob",
       "userPrincipalName": "Bob@acme.test"}  # no email field: the UPN is matched
CAROL = {"id": "29:carol", "name": "Carol Agent", "aadObjectId": "aad-carol",
         "userPrincipalName": "carol_acme.test#EXT#@acme.onmicrosoft.com"}  # a guest


async def _port(graph: FakeGraph | None) -> AsyncIterator[tuple[TeamsChatPort,
                                                                 FakeConnector]]:
    connector = FakeConnector(roster=[ANN, BOB, CAROL])
    service_url = await connector.start()
    runner = None
    async with ClientSession() as session:
        client = None
        if graph is not None:
            runner, url = await serve(graph.app())
            client = HttpGraphClient(f"{url}/v1.0", StaticToken(), session)
        directory = Directory(default_service_url=service_url, tenant_id="t1",
                              bot={"id": "28:bot", "name": "swarmbot"})
        yield TeamsChatPort(TeamsConfig(enabled=True, swarm_team_id=TEAM),
                            BotConnector(session, None), directory, client), connector
    if runner is not None:
        await runner.cleanup()
    await connector.stop()


@pytest.fixture
async def roster_only() -> AsyncIterator[tuple[TeamsChatPort, FakeConnector]]:
    async for pair in _port(None):
        yield pair


@pytest.fixture
async def with_graph() -> AsyncIterator[tuple[TeamsChatPort, FakeConnector, FakeGraph]]:
    graph = FakeGraph()
    async for port, connector in _port(graph):
        yield port, connector, graph


async def test_the_roster_finds_people_by_email_or_user_principal_name(roster_only) -> None:
    port, connector = roster_only
    assert isinstance(port, ChatDirectory)
    assert await port.user_by_email("ANN@acme.test") == "29:ann"
    assert await port.user_by_email("bob@acme.test") == "29:bob"
    assert port.directory.name("29:bob") == "Bob Agent"  # so the mention renders
    assert await port.user_by_email("carol@acme.test") is None  # no Graph: not guessed
    assert await port.user_by_email("ghost@acme.test") is None
    assert {c.path for c in connector.calls} == {f"/v3/conversations/{TEAM}/members"}
    assert await port.email_of("29:bob") == "Bob@acme.test"
    assert await port.email_of("29:nobody") is None
    assert connector.calls[-1].path == f"/v3/conversations/{TEAM}/members/29:nobody"


async def test_graph_finds_an_email_the_roster_does_not_show(with_graph) -> None:
    port, connector, graph = with_graph
    graph.users["carol@acme.test"] = {"id": "aad-carol", "mail": "carol@acme.test",
                                      "userPrincipalName": "carol@acme.test"}
    graph.users["dave@acme.test"] = {"id": "aad-dave", "mail": "dave@acme.test",
                                     "userPrincipalName": "dave@acme.test"}
    assert await port.user_by_email("carol@acme.test") == "29:carol"
    assert graph.calls[-1][:2] == \
        ("GET", "/v1.0/users/carol@acme.test?$select=id,mail,userPrincipalName")
    assert await port.user_by_email("dave@acme.test") is None  # in Entra ID, not the team
    assert await port.user_by_email("ghost@acme.test") is None  # Graph: 404
    assert await port.user_by_email("ann@acme.test") == "29:ann"
    assert graph.calls[-1][1].startswith("/v1.0/users/ghost")  # the roster sufficed


async def test_a_refused_roster_is_a_port_error(roster_only) -> None:
    port, connector = roster_only
    connector.failing["GET /v3/conversations/{cid}/members"] = 403
    with pytest.raises(PortError, match="403"):
        await port.user_by_email("ann@acme.test")
