"""The thread-mode ChatPort against the fake Bot Connector, without the core."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession

from adapters.teams.connector import BotConnector
from adapters.teams.directory import Directory
from adapters.teams.port import TeamsChatPort
from bot.config import TeamsConfig
from bot.errors import PortError
from bot.replies import Reply
from testkit.teams.fake_connector import FakeConnector

CHANNEL = "19:swarm@thread.tacv2"


@pytest.fixture
async def port() -> AsyncIterator[tuple[TeamsChatPort, FakeConnector]]:
    connector = FakeConnector()
    await connector.start()
    async with ClientSession() as session:
        config = TeamsConfig(enabled=True, swarm_channel_id=CHANNEL,
                             triage_channel_id="19:triage@thread.tacv2")
        yield TeamsChatPort(config, BotConnector(session, None), Directory()), connector
    await connector.stop()


def learn(port: TeamsChatPort, service_url: str) -> None:
    port.directory.default_service_url = service_url
    port.directory.tenant_id = "t1"
    port.directory.bot = {"id": "28:bot", "name": "swarmbot"}
    port.directory.names["29:bob"] = "Bob"


async def test_before_any_activity_the_port_says_what_to_do(port) -> None:
    p, _ = port
    with pytest.raises(PortError, match="send it a message in Teams"):
        await p.create_room("swarm-zd-1", "topic")
    assert p.triage_room == "19:triage@thread.tacv2"


async def test_thread_room_invite_topic_and_direct_messages(port) -> None:
    p, connector = port
    learn(p, connector.base_url)
    room = await p.create_room("swarm-zd-1", "ZD-1 · sev2")
    assert room.id.startswith(f"{CHANNEL};messageid=")
    root = room.id.split("=")[1]
    assert await p.find_room("swarm-zd-1") == room
    await p.invite(room.id, ["29:bob"])
    mention = connector.calls[-1].body
    assert mention["text"].startswith("<at>Bob</at>")
    assert mention["entities"][0]["mentioned"] == {"id": "29:bob", "name": "Bob"}
    await p.set_topic(room.id, "owner is now Bob")
    put = connector.calls[-1]
    assert (put.method, put.path) == ("PUT", f"/v3/conversations/{room.id}/activities/{root}")
    await p.direct_message("29:bob", Reply(text="one"))
    await p.direct_message("29:bob", Reply(text="two"))
    assert len([c for c in connector.created() if c.body.get("members")]) == 1  # chat reused
    await p.archive(room.id)
    assert p.is_closed(room.id)


async def test_a_refusal_is_a_port_error_naming_the_action(port) -> None:
    p, connector = port
    learn(p, connector.base_url)
    connector.failing["POST /v3/conversations/{cid}/activities"] = 403
    with pytest.raises(PortError) as err:
        await p.post("19:x@thread.tacv2", Reply(text="hi"))
    assert err.value.action == "post in Teams" and "403" in err.value.detail


async def test_find_room_knows_threads_from_before_a_restart(port, tmp_path) -> None:
    from bot.store import open_store

    p, connector = port
    store = open_store(tmp_path / "s.db")
    try:
        # A thread recorded only on its case (opened before references were stored) ...
        store.people.ensure("29:ann", "teams", "Ann", None, "2026-11-16T09:00:00+00:00")
        cid = store.cases.add("ZD-3", "", "x", 3, "29:ann", "teams", "2026-11-16T09:00:00+00:00")
        store.cases.set_room(cid, f"{CHANNEL};messageid=7", "swarm-zd-3")
        assert await p.find_room("swarm-zd-3") is None  # memory alone cannot know it
        p.directory.refs = store.refs
        p.directory.case_room = lambda name: store.cases.room_id_by_name("teams", name)
        found = await p.find_room("swarm-zd-3")
        assert found is not None and found.id == f"{CHANNEL};messageid=7"
        # ... and one the port made, found by a new port on the same store.
        learn(p, connector.base_url)
        room = await p.create_room("swarm-zd-4", "t")
        fresh = TeamsChatPort(p.config, p.connector, Directory(refs=store.refs))
        assert await fresh.find_room("swarm-zd-4") == room
        assert await fresh.find_room("swarm-zd-5") is None
    finally:
        store.close()


async def test_a_thread_opened_by_its_brief_is_known_as_such_after_a_restart(port, tmp_path
                                                                             ) -> None:
    """bot.ports.RoomsOpenWithPost: the brief is the thread's root post; the port says so
    (first_post), also to a new port on the same store, and a topic change leaves it alone
    (the brief carries the topic and is rewritten in place by update_brief)."""
    from bot.ports import RoomsOpenWithPost
    from bot.store import open_store

    p, connector = port
    assert isinstance(p, RoomsOpenWithPost) and p.opens_with_post
    store = open_store(tmp_path / "s.db")
    try:
        p.directory.refs = store.refs
        learn(p, connector.base_url)
        room = await p.create_room_with_post("swarm-zd-6", Reply(title="Swarm ZD-6: x",
                                                                 text="the brief"))
        create = connector.created()[-1]
        assert "the brief" in str(create.cards())  # the root activity is the brief's card
        assert room.first_post == create.answer["activityId"]
        assert room.id == f"{CHANNEL};messageid={room.first_post}"
        assert await p.find_room("swarm-zd-6") == room
        fresh = TeamsChatPort(p.config, p.connector, Directory(refs=store.refs))
        assert await fresh.find_room("swarm-zd-6") == room
        calls = len(connector.calls)
        await fresh.set_topic(room.id, "owner is now Bob")
        assert len(connector.calls) == calls  # the root post is the brief: not overwritten
        header = await p.create_room("swarm-zd-7", "ZD-7 · sev3")  # a header-rooted thread
        assert header.first_post is None and (await fresh.find_room("swarm-zd-7")) == header
        await fresh.set_topic(header.id, "owner is now Bob")
        assert connector.calls[-1].method == "PUT"
    finally:
        store.close()
    graph: Any = object()  # channels through Graph: not opened by a post
    graph_port = TeamsChatPort(p.config, p.connector, Directory(), graph=graph)
    assert not graph_port.opens_with_post
