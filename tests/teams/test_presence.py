"""Teams presence (issue 26): with [teams.graph] on, a person's Graph presence (found by the
roster's object id) says out of office, in a call or away; without Graph it says nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from adapters.teams.port import TeamsChatPort
from bot.availability import PlatformStatus, PresenceReader, absent
from bot.config import AvailabilityConfig
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.fake_graph import FakeGraph
from tests.teams.test_people_by_email import _port


@pytest.fixture
async def with_graph() -> AsyncIterator[tuple[TeamsChatPort, FakeConnector, FakeGraph]]:
    graph = FakeGraph()
    async for port, connector in _port(graph):
        yield port, connector, graph


@pytest.fixture
async def roster_only() -> AsyncIterator[tuple[TeamsChatPort, FakeConnector]]:
    async for pair in _port(None):
        yield pair


async def test_graph_presence_gives_the_reasons(with_graph) -> None:  # noqa: ANN001
    port, _, graph = with_graph
    assert isinstance(port, PresenceReader)
    graph.presence["aad-ann"] = {"availability": "Away", "activity": "OutOfOffice"}
    graph.presence["aad-bob"] = {"availability": "Busy", "activity": "InAMeeting"}
    graph.presence["aad-carol"] = {"availability": "Available", "activity": "Available"}
    now, cfg = datetime(2026, 12, 7, 12, tzinfo=UTC), AvailabilityConfig()
    ann = await port.person_status("29:ann")
    assert ann.out_of_office and absent(ann, None, now, cfg) == "out of office"
    assert absent(await port.person_status("29:bob"), None, now, cfg) == "in a call"
    assert absent(await port.person_status("29:carol"), None, now, cfg) is None
    assert ("GET", "/v1.0/users/aad-ann/presence") in [(m, p) for m, p, _, _ in graph.calls]
    assert await port.person_status("29:nobody") == PlatformStatus()  # not in the team


async def test_without_graph_presence_says_nothing(roster_only) -> None:  # noqa: ANN001
    port, connector = roster_only
    assert await port.person_status("29:ann") == PlatformStatus()
    assert connector.calls == []
