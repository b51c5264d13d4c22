"""Several real `swarmbot serve` processes on one PostgreSQL behind a round-robin front, and
the Slack traffic of a support team driven through it: shared by the replica test
(test_three_replicas.py) and the replica benchmark (benchmarks/pg_replicas.py).

The front is what a load balancer without stickiness does: each request goes to the next
replica; a replica that refuses the connection (killed) is skipped and the request goes to
the next one. `send_twice` delivers the same signed request to two different replicas at
once (Slack's retry, or a balancer's, landing elsewhere).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.store.pg_db import PgDb
from testkit import REPO
from testkit.loopback import free_port, serve, until, until_healthy
from testkit.slack.fake_slack import BOT_USER, TOKEN, FakeSlack
from testkit.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers

FORWARDED = ("Content-Type", "X-Slack-Request-Timestamp", "X-Slack-Signature")


def write_config(folder: Path, pg_url: str, api_url: str, digest_channel: str,
                 in_flight: int | None = None) -> Path:
    cfg = folder / "config.toml"
    server = f"in_flight = {in_flight}\n" if in_flight is not None else ""
    # A short lease: rows a killed replica held go to the others within seconds.
    cfg.write_text(f'[server]\nhost = "127.0.0.1"\n{server}[store]\nurl = "{pg_url}"\n'
                   f'[slack]\napi_url = "{api_url}"\ntriage_channel = "#swarm-triage"\n'
                   f'[digest]\nslack_channel = "{digest_channel}"\n'
                   '[outbox]\nlease = 5\n', encoding="utf-8")
    return cfg


@dataclass
class Replica:
    port: int
    log: Path
    proc: asyncio.subprocess.Process | None = None
    starts: int = 0


class Replicas:
    """`serve` subprocesses on one config; each logs to a file of its own (a pipe nobody
    reads would fill and stall the replica)."""

    def __init__(self, config: Path, count: int, folder: Path) -> None:
        self.config = config
        self.replicas = [Replica(free_port(), folder / f"replica-{i}.log") for i in range(count)]
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
                    "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}

    @property
    def ports(self) -> list[int]:
        return [r.port for r in self.replicas]

    async def start(self, i: int) -> None:
        r = self.replicas[i]
        r.starts += 1
        with r.log.open("a", encoding="utf-8") as log:
            log.write(f"--- start {r.starts}\n")
            log.flush()
            r.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "adapters.cli", "serve", "--config", str(self.config),
                "--port", str(r.port), cwd=REPO, env=self.env,
                stdout=asyncio.subprocess.DEVNULL, stderr=log)

    async def start_all(self) -> None:
        for i in range(len(self.replicas)):
            await self.start(i)
        await asyncio.gather(*(self.healthy(i) for i in range(len(self.replicas))))

    async def healthy(self, i: int, seconds: float = 90) -> None:
        r = self.replicas[i]
        assert r.proc is not None, f"replica {i} was never started"
        async with aiohttp.ClientSession() as http:
            await until_healthy(http, f"http://127.0.0.1:{r.port}", r.proc, seconds, log=r.log)

    async def kill(self, i: int) -> None:
        """`kill -9`: no shutdown, no draining; what it held is left as it was."""
        proc = self.replicas[i].proc
        assert proc is not None
        proc.send_signal(signal.SIGKILL)
        await proc.wait()

    def logs(self) -> str:
        return "\n".join(f"== {r.log.name}\n{r.log.read_text(encoding='utf-8')[-4000:]}"
                         for r in self.replicas if r.log.exists())

    async def stop(self) -> None:
        for r in self.replicas:
            if r.proc is not None and r.proc.returncode is None:
                r.proc.terminate()
        for r in self.replicas:
            if r.proc is not None:
                await r.proc.wait()


class Front:
    """Round robin over the replicas, no stickiness; a refused connection goes on to the
    next replica (what a balancer's health check would do a moment later)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self._next = 0
        self._taken: dict[str, set[int]] = {}  # a body's hash -> replicas sent a copy
        self.routed: dict[str, list[int]] = {}  # a body's hash -> replicas that answered it
        self.app = web.Application()
        self.app.router.add_post("/slack/events", self._forward)
        self.session: aiohttp.ClientSession | None = None

    async def _forward(self, request: web.Request) -> web.Response:
        if self.session is None:
            self.session = aiohttp.ClientSession()
        body = await request.read()
        digest = hashlib.sha256(body).hexdigest()
        n = len(self.ports)
        start, self._next = self._next, self._next + 1
        order = [(start + k) % n for k in range(n)]
        taken = self._taken.setdefault(digest, set())  # replicas sent another copy
        headers = {h: request.headers[h] for h in FORWARDED if h in request.headers}
        tried: set[int] = set()
        while len(tried) < n:
            # The next replica in turn, but not one that has (or is answering) another copy:
            # chosen at each try, as the other copy may have moved on meanwhile.
            i = min((i for i in order if i not in tried), key=lambda i: i in taken)
            tried.add(i)
            taken.add(i)
            try:
                async with self.session.post(
                        f"http://127.0.0.1:{self.ports[i]}/slack/events", data=body,
                        headers=headers) as resp:
                    text = await resp.read()
                    self.routed.setdefault(digest, []).append(i)
                    return web.Response(status=resp.status, body=text,
                                        content_type=resp.content_type)
            except aiohttp.ClientConnectionError:
                continue  # killed (or killed mid-request): the next replica
        return web.Response(status=502, text="no replica answered")

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()


USERS = [f"U{n:02d}" for n in range(1, 21)]


class Watch:
    """What the database says, read by one poller for all the team (not one query per
    waiting command): the inbox keys done, and each case's room once made."""

    def __init__(self, db: PgDb) -> None:
        self.db = db
        self.done: set[str] = set()
        self.rooms: dict[str, str] = {}

    def refresh(self) -> None:
        self.done = {r["key"] for r in self.db.execute(
            "SELECT key FROM inbox WHERE done_at IS NOT NULL")}
        self.rooms = {r["ref"]: r["room_id"] for r in self.db.execute(
            "SELECT ref, room_id FROM cases WHERE room_id IS NOT NULL")}

    async def run(self) -> None:
        while True:
            self.refresh()
            await asyncio.sleep(0.1)  # a polling period, not a wait for something to happen


@dataclass
class Team:
    """Twenty people working cases through `/swarm`, every request sent twice."""

    fake: FakeSlack
    front_url: str
    watch: Watch
    http: aiohttp.ClientSession
    sent: int = 0
    statuses: list[int] = field(default_factory=list)
    seq: int = 0

    def body(self, user: str, text: str, channel: str) -> tuple[str, str]:
        self.seq += 1
        rid = f"r{self.seq}"
        return rid, form_body({**payload("slash_command.json"), "user_id": user,
                               "user_name": user.lower(), "channel_id": channel,
                               "text": text, "trigger_id": f"t-{self.seq}",
                               "response_url": self.fake.response_url(rid)})

    async def send_twice(self, user: str, text: str, channel: str) -> None:
        """One command, delivered twice at once; returns when it is done (its inbox row)."""
        _, body = self.body(user, text, channel)
        key = "slack:" + hashlib.sha256(body.encode()).hexdigest()  # as adapters/slack keys it
        headers = signed_headers(body, "application/x-www-form-urlencoded")

        async def post() -> int:
            async with self.http.post(self.front_url, data=body.encode(),
                                      headers=headers) as resp:
                return resp.status
        self.statuses += await asyncio.gather(post(), post())
        self.sent += 1
        await until(lambda: key in self.watch.done, f"{text!r} from {user} done")

    async def case(self, i: int) -> None:
        """One case's life: ten commands by its owner, a specialist and the next owner."""
        ref = f"ZD-R{i}"
        owner, spec, nxt = USERS[i % 20], USERS[(i + 7) % 20], USERS[(i + 13) % 20]
        await self.send_twice(owner, f"open {ref} sev2 Replica case {i} cannot log in",
                              "CSUPPORT")
        await until(lambda: ref in self.watch.rooms, f"the room of {ref}")
        room = self.watch.rooms[ref]
        for user, text in [
                (owner, "need billing"),
                (spec, "join"),
                (spec, f"note checked the invoice of case {i}"),
                (owner, f"note the customer called back about case {i}"),
                (owner, f"handoff <@{nxt}> customer waits for a refund on case {i}"),
                (nxt, "accept"),
                (nxt, f"note took case {i} over"),
                (spec, f"note refund approved for case {i}"),
                (nxt, f"resolve refund sent for case {i}")]:
            await self.send_twice(user, text, room)


@dataclass
class World:
    """Replicas on one PostgreSQL behind the round-robin front, the fake Slack set up for
    them (triage and managers' channels, the users), the database watched."""

    replicas: Replicas
    front: Front
    front_url: str
    config: Path
    db: PgDb
    watch: Watch
    managers: str  # the managers' channel id (the digest's destination)


@asynccontextmanager
async def replica_world(fake: FakeSlack, pg_url: str, folder: Path, count: int,
                        in_flight: int | None = None) -> AsyncIterator[World]:
    """`in_flight`: each replica's [server] in_flight (its default where None)."""
    fake.add_channel("swarm-triage")
    managers = fake.add_channel("swarm-managers", members={BOT_USER})
    for uid in USERS:
        fake.add_user(uid, uid.lower(), f"{uid.lower()}@example.com")
    config = write_config(folder, pg_url, fake.base_url + "api/", managers.id, in_flight)
    replicas = Replicas(config, count, folder)
    front = Front(replicas.ports)
    front_runner, front_url = await serve(front.app)
    db = PgDb(pg_url)
    watch = Watch(db)
    watcher = asyncio.ensure_future(watch.run())
    try:
        await replicas.start_all()
        yield World(replicas, front, front_url, config, db, watch, managers.id)
    finally:
        watcher.cancel()
        db.close()
        await replicas.stop()
        await front.close()
        await front_runner.cleanup()
