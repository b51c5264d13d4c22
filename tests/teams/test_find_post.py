"""TeamsChatPort.find_post (bot.ports.PostFinder) through Graph: a post whose answer was
lost after the Bot Connector took it is found, in a Graph channel and in a thread."""

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
from bot.ports import PostFinder
from bot.replies import Field, Reply
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.fake_graph import FakeGraph, StaticToken
from tests.teams.conftest import serve

TEAM = "19:team@thread.tacv2"
SWARM = "19:swarm@thread.tacv2"
CARD = Reply(title="Note", text="[Slack] the BIN table is stale", private=False,
             fields=(Field("By", "Olive"),))
TEXT = Reply(text="[Slack] customer retried at 14:10 & again", private=False)


def _port(session: ClientSession, service_url: str, graph_url: str | None) -> TeamsChatPort:
    directory = Directory(default_service_url=service_url, tenant_id="t1",
                          bot={"id": "28:bot", "name": "swarmbot"})
    graph = HttpGraphClient(graph_url, StaticToken(), session) if graph_url else None
    return TeamsChatPort(TeamsConfig(enabled=True, swarm_team_id=TEAM,
                                     swarm_channel_id=SWARM), BotConnector(session, None),
                         directory, graph)


@pytest.fixture
async def world() -> AsyncIterator[tuple[TeamsChatPort, TeamsChatPort, FakeConnector]]:
    connector = FakeConnector()
    graph = FakeGraph(connector)
    runner, url = await serve(graph.app())
    service_url = await connector.start()
    async with ClientSession() as session:
        yield (_port(session, service_url, f"{url}/v1.0"), _port(session, service_url, None),
               connector)
    await runner.cleanup()
    await connector.stop()


async def _dropped_after(port: TeamsChatPort, connector: FakeConnector, room: str,
                         reply: Reply) -> None:
    """The Bot Connector takes the post; its answer never arrives."""
    connector.inject(1.0, kinds=("drop_after",))
    with pytest.raises(PortError):
        await port.post(room, reply)
    connector.inject(0)


async def test_a_post_whose_answer_was_lost_is_found_in_a_graph_channel(world) -> None:
    port, _, connector = world
    room = await port.create_room("swarm-zd-1", "ZD-1")
    assert isinstance(port, PostFinder)
    assert await port.find_post(room.id, CARD) is None
    await _dropped_after(port, connector, room.id, CARD)
    await _dropped_after(port, connector, room.id, TEXT)
    posted = [c.answer["id"] for c in connector.sent(room.id)]
    assert await port.find_post(room.id, CARD) == posted[0]
    assert await port.find_post(room.id, TEXT) == posted[1]
    # Another reply (other text, other card fields) is not taken for it.
    assert await port.find_post(room.id, Reply(text="[Slack] customer retried",
                                               private=False)) is None
    assert await port.find_post(room.id, Reply(title="Note", text=CARD.text,
                                               private=False)) is None


async def test_a_reply_in_a_thread_is_found_among_the_thread_replies(world) -> None:
    port, _, connector = world
    # A thread made before Graph mode was turned on (rooms made then stay threads).
    thread = f"{SWARM};messageid=1000"
    await _dropped_after(port, connector, thread, CARD)
    assert await port.find_post(thread, CARD) == connector.sent(thread)[0].answer["id"]
    # The channel's top-level posts are not the thread's replies.
    assert await port.find_post(SWARM, CARD) is None


async def test_without_graph_nothing_is_found_and_nothing_is_asked(world) -> None:
    _, bare, connector = world
    room = f"{SWARM};messageid=1000"
    await _dropped_after(bare, connector, room, CARD)
    calls = len(connector.calls)
    assert await bare.find_post(room, CARD) is None
    assert len(connector.calls) == calls


async def test_a_link_message_retried_after_a_lost_answer_is_posted_once(world) -> None:
    """Issue 25: `set link` in a thread is a link message; its retry after the Bot
    Connector took it and the answer was lost finds it (Graph) instead of posting again."""
    port, _, connector = world
    thread = f"{SWARM};messageid=1000"
    connector.inject(1.0, kinds=("drop_after",))
    with pytest.raises(PortError):
        await port.bookmark(thread, "Ticket", "https://acme.zendesk.com/agent/tickets/8")
    connector.inject(0)
    await port.bookmark(thread, "Ticket", "https://acme.zendesk.com/agent/tickets/8")
    sent = [c for c in connector.sent(thread) if "tickets/8" in str(c.body)]
    assert len(sent) == 1
    # Another link is another message.
    await port.bookmark(thread, "Ticket", "https://acme.zendesk.com/agent/tickets/9")
    assert len([c for c in connector.sent(thread) if "tickets/9" in str(c.body)]) == 1
