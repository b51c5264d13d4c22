"""A message is acknowledged once botbuilder has authenticated it and its delivery is in the
inbox; its command and replies run after the ack (adapters/teams/bot.py, DESIGN "Inbox
before ack"), so Teams never waits for a command, and a reply Teams refuses is logged."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.teams.conftest import ANN, Teams


async def test_a_message_is_acked_before_its_command_answers(teams: Teams) -> None:
    teams.connector.hold = asyncio.Event()  # Teams takes its time with the reply
    msg = teams.message(ANN, "help")
    headers = {"Authorization": f"Bearer {teams.token(msg)}"}
    # Before, the ack waited for the reply: this POST would time out while the reply is held.
    async with asyncio.timeout(5):
        async with teams.session.post(f"{teams.url}/api/messages", json=msg,
                                      headers=headers) as resp:
            assert resp.status == 201
    inbox = teams.core.deps.store.inbox
    # Its row was written before the ack: the key is taken (put answers False for a key
    # it has, as for a redelivery).
    assert not inbox.put(f"teams:{msg['id']}", "teams", "{}", "2026-01-01T00:00:00Z")
    assert len(teams.runtime.work) == 1  # the command is running, its reply held
    assert not [c for c in teams.connector.calls if msg["id"] in c.path]
    teams.connector.hold.set()
    await teams.runtime.work.drain()
    replies = [c for c in teams.connector.calls if c.path.endswith(f"/activities/{msg['id']}")]
    assert len(replies) == 1
    assert inbox.pending("teams") == []


async def test_the_same_activity_twice_at_once_runs_once(teams: Teams) -> None:
    msg = teams.message(ANN, "open ZD-31 sev3 delivered twice at once")
    results = await asyncio.gather(teams.post(msg), teams.post(msg))
    assert [status for status, _ in results] == [201, 201]
    replies = [c for c in teams.connector.calls if c.path.endswith(f"/activities/{msg['id']}")]
    assert len(replies) == 1
    assert len(teams.connector.created()) == 1  # one swarm thread


async def test_a_reply_teams_refuses_is_logged_not_raised(
        teams: Teams, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    teams.connector.failing["POST /v3/conversations/{cid}/activities/{aid}"] = 403
    msg = teams.message(ANN, "help")
    status, _ = await teams.post(msg)
    assert status == 201
    assert any(r.levelno == logging.WARNING and "could not answer" in r.getMessage()
               and msg["id"] in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert teams.core.deps.store.inbox.pending("teams") == []
