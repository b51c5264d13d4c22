"""Issue 10's replica test: three real `swarmbot serve` processes on one PostgreSQL behind a
round-robin front on loopback, the fake Slack Web API, 300 signed slash commands from 20
people (open, need, join, note, handoff, accept, resolve over 30 cases), each delivered twice
at once to two different replicas, and one replica killed with `kill -9` half-way through and
started again. Nothing may be lost or done twice: not in the database (the export), not on
Slack (one channel per case, one brief, no message twice); the weekly digest, due at every
replica's start-up, goes out once; every swarm is complete.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from testkit.loopback import until
from testkit.replicas import USERS, Team, replica_world
from testkit.slack.fake_slack import FakeSlack
from tests.conftest import REPO

CASES = 30  # x 10 commands = 300
KILLED = 1


async def export(config: Path) -> list[dict]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "export", "--config", str(config), cwd=REPO,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return json.loads(out)["cases"]


@pytest.mark.postgres
@pytest.mark.slow
async def test_three_replicas_lose_nothing_and_do_nothing_twice(
        tmp_path: Path, fake_slack: FakeSlack, pg_url: str) -> None:
    async with replica_world(fake_slack, pg_url, tmp_path, 3) as world:
        replicas, front, db, watch = world.replicas, world.front, world.db, world.watch
        config, managers, front_url = world.config, world.managers, world.front_url
        try:
            async with aiohttp.ClientSession() as http:
                team = Team(fake_slack, front_url + "/slack/events", watch, http)

                async def kill_half_way() -> None:
                    await until(lambda: team.sent >= CASES * 10 // 2, "half the commands", 240)
                    await replicas.kill(KILLED)
                    await replicas.start(KILLED)
                    await replicas.healthy(KILLED)

                started = time.monotonic()
                killer = asyncio.ensure_future(kill_half_way())
                await asyncio.gather(*(team.case(i) for i in range(CASES)))
                elapsed = time.monotonic() - started
                await killer
            print(f"\n{team.sent} commands (each twice) through 3 replicas in {elapsed:.1f} s: "
                  f"{team.sent / elapsed:.1f} commands/s")

            assert team.sent == CASES * 10
            assert set(team.statuses) == {200}, Counter(team.statuses)
            # Each delivery reached two different replicas (the killed one's refused connections
            # went on to the next).
            assert [r for r in front.routed.values() if len(set(r)) != 2] == []
            assert replicas.replicas[KILLED].starts == 2

            # The database: every delivery done once, every case resolved with what was said.
            done = db.execute("SELECT COUNT(*) AS n, COUNT(done_at) AS done FROM inbox "
                              "WHERE source = 'slack'").fetchone()
            assert done == {"n": CASES * 10, "done": CASES * 10}
            # Every platform call done (the killed replica's leases ran out and others took them).
            await until(lambda: db.execute("SELECT COUNT(*) AS n FROM outbox WHERE state <> "
                                           "'done'").fetchone()["n"] == 0, "the outbox drained")
            cases = {c["ref"]: c for c in await export(config)}
            assert sorted(cases) == sorted(f"ZD-R{i}" for i in range(CASES))
            for i in range(CASES):
                case = cases[f"ZD-R{i}"]
                assert case["status"] == "resolved", case
                assert case["owner"] == USERS[(i + 13) % 20], case
                notes = [e["text"] for e in case["timeline"] if e["kind"] == "note"]
                assert sorted(notes) == sorted([
                    f"checked the invoice of case {i}", f"the customer called back about case {i}",
                    f"took case {i} over", f"refund approved for case {i}"]), notes
                kinds = Counter(e["kind"] for e in case["timeline"])
                assert kinds["resolved"] == 1 and kinds["handoff_accepted"] == 1, kinds

            # Slack: no command answered twice, one channel per case, no message twice.
            answers = Counter((r["rid"], r.get("text")) for r in fake_slack.responses)
            assert [a for a, n in answers.items() if n > 1] == []
            rooms = [c for c in fake_slack.channels.values() if c.name.startswith("swarm-zd-r")]
            assert len(rooms) == CASES, sorted(c.name for c in rooms)
            posted = Counter((m["channel"], m["text"]) for m in fake_slack.messages)
            assert [k for k, n in posted.items() if n > 1] == []
            for i in range(CASES):
                case = cases[f"ZD-R{i}"]
                room = fake_slack.channels[watch.rooms[f"ZD-R{i}"]]
                # Complete: its people invited, its brief posted once, archived at resolve.
                assert {USERS[i % 20], USERS[(i + 7) % 20], USERS[(i + 13) % 20]} <= room.members
                briefs = [m for m in fake_slack.messages if m["channel"] == room.id
                          and f"ZD-R{i}" in m["text"] and "Replica case" in m["text"]]
                assert len(briefs) == 1, briefs
                assert room.archived

            # The digest: every replica's scheduler found it due at start-up (the killed one
            # twice); it went out once.
            digests = [m for m in fake_slack.messages if m["channel"] == managers]
            assert len(digests) == 1, digests
        except AssertionError:
            print(replicas.logs())
            raise
