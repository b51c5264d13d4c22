"""No store call on the event loop while Teams is served: the directory's references
(learned from a turn, written and read back), the names on its cards, the task module's
form, and proactive posts after a restart that read everything from the store."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.teams.directory import Directory
from bot.people import mention
from bot.replies import Reply
from testkit.loop_guard import statements_on_the_loop
from tests.teams.conftest import ANN, BOB, NAMES, Teams


async def _on_the_loop(call: Any, *args: Any) -> Any:
    return call(*args)


async def _flow(teams: Teams) -> tuple[list[str], str]:
    """A turn, a click, a form and posts by a directory that remembers nothing; the
    statements that ran on the event loop meanwhile, and the room."""
    store = teams.core.deps.store
    port = teams.runtime.port
    with statements_on_the_loop(store) as on_loop:
        status, _ = await teams.post(teams.message(ANN, "open ZD-41 sev2 SSO broken"))
        assert status == 201
        case = await asyncio.to_thread(store.cases.by_ref, "ZD-41")
        room = case.room_id
        status, _ = await teams.post(teams.invoke("adaptive_card_action", BOB, room,
                                                  {"command": "join ZD-41"}))
        assert status == 200
        status, body = await teams.post(teams.invoke(
            "task_fetch", ANN, room, {"msteams": {"type": "task/fetch"},
                                      "command": "handoff ZD-41"}))
        assert status == 200 and body["task"]["type"] == "continue"
        # A restart: nothing in memory, so the service URL, the tenant, the bot's account,
        # Bob's name and Ann's chat all come from the store.
        fresh = Directory(refs=store.refs, fallback=teams.core.person_name,
                          offload=port.directory.offload)
        port.directory = port.roster.directory = fresh
        await port.post(room, Reply(text=f"{mention(BOB)} found the clock skew",
                                    mentions=(BOB,)))
        await port.direct_message(ANN, Reply(text="your swarm has news"))
    return on_loop, room


async def test_teams_never_reads_or_writes_the_store_on_the_event_loop(teams: Teams) -> None:
    on_loop, room = await _flow(teams)
    posted = [c for c in teams.connector.sent(room) if "found the clock skew" in str(c.body)]
    assert posted and NAMES[BOB] in str(posted[-1].body)  # the name, read from the store
    assert on_loop == []


async def test_the_check_sees_a_directory_that_reads_the_store_on_the_loop(
        teams: Teams) -> None:
    """The guard can fail: the same flow with the directory's store calls made inline."""
    teams.runtime.port.directory.offload = _on_the_loop
    on_loop, _ = await _flow(teams)
    assert any("platform_refs" in sql for sql in on_loop)
