"""A real `swarmbot serve` process on the fake Slack, for the fault suite: signed slash
commands in, `kill -9` and restart, and the store read back through its interface."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp

from bot.store import Store
from bot.store.sqlite import open_reader
from testkit import REPO
from testkit.loopback import free_port, until_healthy
from testkit.slack.fake_slack import TOKEN, FakeSlack
from testkit.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers


class Serve:
    """One `swarmbot serve` at a time on one database; `kill9()` and `start()` again."""

    def __init__(self, tmp_path: Path, fake: FakeSlack) -> None:
        self.fake = fake
        self.db = tmp_path / "swarmbot.db"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cfg = tmp_path / "config.toml"
        # Fast retries, so a run takes seconds; enough tries to outlast 20-50% faults.
        self.cfg.write_text(
            f'[server]\nhost = "127.0.0.1"\nport = {self.port}\n'
            f'[store]\npath = "{self.db}"\n'
            f'[slack]\napi_url = "{fake.base_url}api/"\ntriage_channel = "#swarm-triage"\n'
            '[outbox]\nmax_tries = 40\nbase_delay = 0.05\nmax_delay = 0.4\nlease = 5\n')
        self.proc: asyncio.subprocess.Process | None = None
        self.log = tmp_path / "serve.log"
        self._seq = 0

    async def start(self, http: aiohttp.ClientSession) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env.update(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "adapters.cli", "serve", "--config", str(self.cfg),
                cwd=REPO, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=log)
        await until_healthy(http, self.base, self.proc, log=self.log)

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)

    async def wait(self) -> None:
        if self.proc is not None:
            await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()

    async def answered(self, rid: str, timeout: float = 30.0) -> None:
        """Wait for the answer on response_url `rid` (a person reads it before going on)."""
        deadline = time.monotonic() + timeout
        while not any(r["rid"] == rid for r in self.fake.responses):
            assert time.monotonic() < deadline, f"no answer on {rid}"
            await asyncio.sleep(0.02)

    def last_rid(self) -> str:
        return f"r{self._seq}"

    async def slash(self, http: aiohttp.ClientSession, user: str, text: str) -> bool:
        """Send a signed `/swarm <text>`; True when it was acknowledged (HTTP 200)."""
        self._seq += 1
        body = form_body({**payload("slash_command.json"), "user_id": user, "text": text,
                          "trigger_id": f"trig.{self._seq}.{time.monotonic_ns()}",
                          "response_url": self.fake.response_url(f"r{self._seq}")})
        try:
            async with http.post(self.base + "/slack/events", data=body.encode(),
                                 headers=signed_headers(body, "application/x-www-form-urlencoded")
                                 ) as resp:
                return resp.status == 200
        except (TimeoutError, aiohttp.ClientError):
            return False  # killed while answering: not acknowledged

    def store(self) -> Store:
        return open_reader(self.db)

    async def settle(self, done, timeout: float = 60.0) -> None:
        """Wait until `done(store)` holds (the process works after the ack)."""
        deadline = time.monotonic() + timeout
        while True:
            store = self.store()
            try:
                if done(store):
                    return
            finally:
                store.close()
            assert time.monotonic() < deadline, "did not settle:\n" + \
                self.log.read_text()[-3000:]
            await asyncio.sleep(0.1)


def settled(store: Store) -> bool:
    """Nothing acknowledged is unprocessed and no platform call is still to be made."""
    counts = store.outbox.counts()
    return not store.inbox.pending("slack") and counts.get("pending", 0) == 0


def half_open(fake: FakeSlack, store: Store) -> dict[str, list[str]]:
    """What the issue counts, per problem: cases without a room, an owner or one brief;
    channels that are no case's (orphans) or a case's second (duplicates)."""
    found: dict[str, list[str]] = {"no_room": [], "owner_missing": [], "briefs_not_one": [],
                                   "orphan_or_duplicate": []}
    rooms = {}
    for case in store.cases.all():
        if case.room_id is None:
            found["no_room"].append(case.ref)
            continue
        rooms[case.room_id] = case
        channel = fake.channels.get(case.room_id)
        if channel is None or case.owner not in channel.members:
            found["owner_missing"].append(case.ref)
        briefs = [m for m in fake.messages if m["channel"] == case.room_id
                  and m["text"].startswith(f"Swarm {case.ref}:")]
        if len(briefs) != 1:
            found["briefs_not_one"].append(f"{case.ref}: {len(briefs)}")
    for channel in fake.channels.values():
        if channel.name.startswith("swarm-zd-") and channel.id not in rooms:
            found["orphan_or_duplicate"].append(channel.name)
    return found
