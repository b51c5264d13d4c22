"""After a restart: proactive posts and reconciliation work before Teams sends anything.

Each "restart" stops the server (its HTTP sessions and the store close) and builds a new
runtime and core on the same SQLite file, as `swarmbot serve` does; nothing is POSTed to
/api/messages afterwards, so all the bot knows about Teams comes from the store.
"""

from __future__ import annotations

from typing import Any

from aiohttp import ClientSession

from bot.config import Config
from bot.replies import Tone
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.jwks_issuer import JwksIssuer
from tests.conftest import handle
from tests.teams.conftest import (
    ANN,
    BOB,
    BOT_ID,
    CAROL,
    NAMES,
    SWARM_CHANNEL,
    Teams,
    start_server,
)

TENANT = "72f988bf-0000-4000-8000-0000000000aa"  # the recorded payloads' tenant


async def said(core: Any, text: str, room: str | None = None, user: str = ANN) -> list:
    return await handle(core, "teams", user, text, room)


async def test_proactive_posts_after_a_restart_need_no_activity_first(
        teams: Teams, teams_config: Config, issuer: JwksIssuer, connector: FakeConnector,
        clock: Any) -> None:
    fc = connector
    await teams.post(teams.message(ANN, "open ZD-1 sev2 SSO broken"))
    room = teams.core.deps.store.cases.by_ref("ZD-1").room_id
    assert room is not None and room.startswith(f"{SWARM_CHANNEL};messageid=")
    # Bob has a 1:1 chat with the bot (he said "help" in it once); Carol never talked to it.
    personal = teams.activity("personal_message")
    personal["from"] = {"id": BOB, "name": NAMES[BOB]}
    personal["conversation"]["id"] = "a:1personal-bob"
    assert (await teams.post(personal))[0] in (200, 201)
    await teams.stop()

    async with ClientSession() as session:
        second = await start_server(teams_config, issuer, connector, clock, session)
        try:
            before = len(fc.calls)
            # A handoff offer to Carol: a new 1:1 chat, as the bot, in the tenant, at the
            # service URL, all read back from the store.
            replies = await said(second.core, f"handoff ZD-1 @{CAROL} waiting on the IdP team",
                                 room)
            assert all(r.tone != Tone.ERROR for r in replies), replies
            new = fc.calls[before:]
            chats = [c for c in new if c.path == "/v3/conversations"]
            assert len(chats) == 1
            assert chats[0].body["bot"]["id"] == BOT_ID
            assert chats[0].body["members"] == [{"id": CAROL}]
            assert chats[0].body["channelData"]["tenant"]["id"] == TENANT
            carol_chat = next(c.conversation_id for c in new
                              if c.conversation_id and "waiting on the IdP team" in str(c.body))
            # ... and the room hears of it in the existing swarm thread.
            assert any(c.conversation_id == room and "offered ZD-1" in str(c.body) for c in new)

            # An offer to Bob goes to the chat Bob opened before the restart: no new chat.
            before = len(fc.calls)
            await said(second.core, f"handoff ZD-1 @{BOB} IdP fix pending", room)
            new = fc.calls[before:]
            assert not [c for c in new if c.path == "/v3/conversations"]
            assert any(c.conversation_id == "a:1personal-bob" and "IdP fix pending" in str(c.body)
                       for c in new)
        finally:
            await second.stop()

        third = await start_server(teams_config, issuer, connector, clock, session)
        try:
            # Carol's chat, made after the first restart, is reused after the second.
            before = len(fc.calls)
            await said(third.core, f"handoff ZD-1 @{CAROL} back to you", room)
            new = fc.calls[before:]
            assert not [c for c in new if c.path == "/v3/conversations"]
            assert any(c.conversation_id == carol_chat and "back to you" in str(c.body)
                       for c in new)
            # Resolving closes the existing thread: a post into it, proactively.
            before = len(fc.calls)
            replies = await said(third.core, "resolve ZD-1 IdP metadata fixed", room)
            assert all(r.tone != Tone.ERROR for r in replies), replies
            assert any(c.conversation_id == room and "Resolved" in str(c.body)
                       for c in fc.calls[before:])
            assert third.runtime.port.is_closed(room)
        finally:
            await third.stop()


async def test_references_are_written_only_when_new_or_changed(
        teams: Teams, teams_config: Config, issuer: JwksIssuer, connector: FakeConnector,
        clock: Any) -> None:
    writes: list[str] = []

    def counting(store: Any) -> None:
        real = store.refs.put

        def put(platform: str, kind: str, key: str, *args: Any, **kw: Any) -> None:
            if kind == "conversation":
                writes.append(key)
            real(platform, kind, key, *args, **kw)
        store.refs.put = put

    counting(teams.core.deps.store)
    for text in ("status ZD-404", "help", "list"):
        await teams.post(teams.message(ANN, text))
    assert writes == ["19:general@thread.tacv2"]  # the channel, once (its threads share it)
    await teams.stop()

    async with ClientSession() as session:
        again = await start_server(teams_config, issuer, connector, clock, session)
        try:
            writes.clear()
            counting(again.core.deps.store)
            await again.post(again.message(ANN, "help"))
            assert writes == []  # read once and found unchanged
            moved = again.message(ANN, "help")
            moved["serviceUrl"] = connector.base_url.rstrip("/") + "/amer/"
            await again.post(moved)  # Teams moved the conversation to another region
            assert writes == ["19:general@thread.tacv2"]
            ref = again.core.deps.store.refs.get("teams", "conversation", "19:general@thread.tacv2")
            assert ref["service_url"].endswith("/amer/")
        finally:
            await again.stop()


class ProcessDied(RuntimeError):
    """Stands for the process dying between two statements."""


async def test_reconciliation_after_a_crash_finds_the_thread_instead_of_opening_another(
        teams: Teams, teams_config: Config, issuer: JwksIssuer, connector: FakeConnector,
        clock: Any) -> None:
    fc = connector
    port = teams.runtime.port
    real_create = port.create_room_with_post
    made: list[str] = []

    async def create_then_die(name: str, post: Any) -> Any:
        made.append((await real_create(name, post)).id)  # Teams made the thread ...
        raise ProcessDied("... and the process died before the case recorded it")

    port.create_room_with_post = create_then_die  # type: ignore[method-assign]
    await teams.post(teams.message(ANN, "open ZD-2 sev2 VPN drops every hour"))
    case = teams.core.deps.store.cases.by_ref("ZD-2")
    assert case is not None and case.room_id is None
    assert [i.kind for i in teams.core.deps.store.outbox.pending_for(case.id)] == [
        "create_room", "invite", "brief"]
    assert len(fc.created()) == 1 and len(made) == 1
    thread = made[0]
    await teams.stop()

    async with ClientSession() as session:
        restarted = await start_server(teams_config, issuer, connector, clock, session)
        try:
            before = len(fc.calls)
            done = await restarted.core.reconcile()  # what `swarmbot serve` runs at start-up
            assert done == []  # nothing gave up
            assert len(fc.created()) == 1  # no second thread
            case = restarted.core.deps.store.cases.by_ref("ZD-2")
            assert case.room_id == thread and case.room_name == "swarm-zd-2-vpn-drops-every-hour"
            # The thread's root post is the brief: it is not posted into it a second time,
            # and it is recorded as the brief that changes to the case rewrite.
            assert "Swarm ZD-2:" in str(fc.created()[0].cards())
            assert not any(c.conversation_id == thread and "Swarm ZD-2:" in str(c.body)
                           for c in fc.calls[before:])
            where = restarted.core.deps.store.refs.get("teams", "brief", str(case.id))
            assert where == {"room_id": thread, "message_id": thread.split("=")[1]}
            assert restarted.core.deps.store.outbox.pending_for(case.id) == []
        finally:
            await restarted.stop()
