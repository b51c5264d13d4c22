"""Two `swarmbot serve` processes on one PostgreSQL, behind no sticky front: every Slack
command is delivered to both replicas at once (a retry landing elsewhere) and is done once,
and the weekly digest, which both replicas' schedulers find due at start-up, is posted once.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.store.pg_db import PgDb
from testkit.loopback import free_port, until, until_healthy
from testkit.slack.fake_slack import BOT_USER, TOKEN, FakeSlack
from testkit.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers
from tests.conftest import REPO

COMMANDS = 12


@pytest.mark.postgres
async def test_two_replicas_do_each_delivery_once_and_send_one_digest(
        tmp_path: Path, fake_slack: FakeSlack, api_url: str, pg_url: str) -> None:
    fake_slack.add_channel("swarm-triage")
    managers = fake_slack.add_channel("swarm-managers", members={BOT_USER})
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[server]\nhost = "127.0.0.1"\n[store]\nurl = "{pg_url}"\n'
                   f'[slack]\napi_url = "{api_url}"\ntriage_channel = "#swarm-triage"\n'
                   f'[digest]\nslack_channel = "{managers.id}"\n')
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
           "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    ports = [free_port(), free_port()]
    procs = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "serve", "--config", str(cfg), "--port", str(p),
        cwd=REPO, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        for p in ports]
    db = PgDb(pg_url)
    try:
        async with aiohttp.ClientSession() as http:
            for proc, port in zip(procs, ports, strict=True):
                await until_healthy(http, f"http://127.0.0.1:{port}", proc, 60)

            async def deliver(i: int) -> list[int]:
                body = form_body({**payload("slash_command.json"), "user_id": f"U{i % 5 + 1}",
                                  "text": f"open ZD-R{i} sev2 Replica case {i}",
                                  "trigger_id": f"t-{i}",
                                  "response_url": fake_slack.response_url(f"r{i}")})
                headers = signed_headers(body, "application/x-www-form-urlencoded")

                async def post(port: int) -> int:
                    async with http.post(f"http://127.0.0.1:{port}/slack/events",
                                         data=body.encode(), headers=headers) as resp:
                        return resp.status
                # The same delivery to both replicas at once.
                return list(await asyncio.gather(*(post(p) for p in ports)))

            statuses = await asyncio.gather(*(deliver(i) for i in range(COMMANDS)))
            assert all(s == [200, 200] for s in statuses), statuses

            def all_done() -> bool:
                r = db.execute("SELECT COUNT(*) AS n, COUNT(done_at) AS done FROM inbox "
                               "WHERE source = 'slack'").fetchone()
                return r is not None and r["n"] == r["done"] == COMMANDS
            await until(all_done, "every delivery done")
            await until(lambda: len({r["rid"] for r in fake_slack.responses}) == COMMANDS,
                         "an answer to every command")
        cases = [r["ref"] for r in db.execute("SELECT ref FROM cases ORDER BY ref")]
        assert cases == sorted(f"ZD-R{i}" for i in range(COMMANDS))
        answers = [r["rid"] for r in fake_slack.responses]
        assert sorted(answers) == sorted(set(answers)), "a command was answered twice"
        rooms = [c.name for c in fake_slack.channels.values() if c.name.startswith("swarm-zd")]
        assert len(rooms) == len(set(rooms)) == COMMANDS
        # Both schedulers tick at start-up (the due week is always a past one) and again every
        # 30 s; whichever marks the week's row first posts, the other finds the mark.
        await until(lambda: any(m["channel"] == managers.id for m in fake_slack.messages),
                     "the digest")
        digests = [m for m in fake_slack.messages if m["channel"] == managers.id]
        assert len(digests) == 1, digests
        assert db.execute("SELECT COUNT(*) AS n FROM sent WHERE kind = 'digest'"
                          ).fetchone()["n"] == 1
    finally:
        db.close()
        for proc in procs:
            if proc.returncode is None:
                proc.terminate()
            await proc.wait()
