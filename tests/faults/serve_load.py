"""A real `swarmbot serve` under load, for the crash tests of issue 23 ("One unit of work"):
bursts of signed slash commands whose acks are recorded one by one, what the process is
doing seen from outside (its threads' CPU time, its open files, its RSS, all read from
/proc), and the case's timeline read back from the database file.

It extends tests/faults/serve_proc.py's `Serve` without changing it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.store import Store
from testkit.serve_proc import Serve, settled
from testkit.slack.fake_slack import FakeSlack
from testkit.slack.signing import form_body, payload, signed_headers

_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sent:
    """One slash command: its response_url id, whether Slack got HTTP 200, and when."""

    rid: str
    text: str
    acked: bool
    at: float  # time.monotonic() when the answer (or the failure) came back
    status: int | None = None  # the HTTP status, None when no answer came (killed)
    took: float = 0.0  # seconds from sending to the answer (Slack's wait for the ack)


class LoadedServe(Serve):
    """`Serve` with managers in its config, acks recorded per request, and /proc readings."""

    def __init__(self, tmp_path: Path, fake: FakeSlack, managers: tuple[str, ...] = ()) -> None:
        super().__init__(tmp_path, fake)
        if managers:
            with self.cfg.open("a") as cfg:
                cfg.write("[people]\nmanagers = [" + ", ".join(f'"{m}"' for m in managers)
                          + "]\n")

    @property
    def pid(self) -> int:
        assert self.proc is not None and self.proc.returncode is None, "serve is not running"
        return self.proc.pid

    async def send(self, http: aiohttp.ClientSession, user: str, text: str) -> Sent:
        """A signed `/swarm <text>` with its own response_url; acked = HTTP 200."""
        self._seq += 1
        rid = f"r{self._seq}"
        body = form_body({**payload("slash_command.json"), "user_id": user, "text": text,
                          "trigger_id": f"trig.{self._seq}.{time.monotonic_ns()}",
                          "response_url": self.fake.response_url(rid)})
        status: int | None = None
        sent_at = time.monotonic()
        try:
            async with http.post(self.base + "/slack/events", data=body.encode(),
                                 headers=signed_headers(body, "application/x-www-form-urlencoded")
                                 ) as resp:
                status = resp.status
        except (TimeoutError, aiohttp.ClientError):
            pass  # killed (or stopped) while answering: Slack saw no 200
        now = time.monotonic()
        return Sent(rid, text, status == 200, now, status, now - sent_at)

    def answered_rids(self) -> set[str]:
        return {r["rid"] for r in self.fake.responses}

    def sigterm(self) -> None:
        os.kill(self.pid, signal.SIGTERM)

    # -- what the process is doing, from /proc -----------------------------------------
    def db_files_open(self) -> int:
        """How many of its file descriptors are on the database file itself (one per SQLite
        connection: a reader opened for a long read shows up here)."""
        fds = Path(f"/proc/{self.pid}/fd")
        target = str(self.db.resolve())
        count = 0
        for fd in fds.iterdir():
            try:
                if os.readlink(fd) == target:
                    count += 1
            except OSError:
                continue  # closed meanwhile
        return count

    def thread_cpu(self) -> dict[int, float]:
        """CPU seconds used so far by each thread but the main one (the event loop)."""
        out: dict[int, float] = {}
        pid = self.pid
        for task in Path(f"/proc/{pid}/task").iterdir():
            tid = int(task.name)
            if tid == pid:
                continue
            try:
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the thread ended meanwhile
            out[tid] = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
        return out

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS in /proc status")


class BusyThreads:
    """Whether a thread other than the event loop is burning CPU right now: its CPU time
    grew over the last `window` seconds (samples are taken as often as `busy()` is asked)."""

    def __init__(self, serve: LoadedServe, window: float = 0.03) -> None:
        self.serve = serve
        self.window = window
        self.samples: list[tuple[float, dict[int, float]]] = []

    def busy(self) -> bool:
        now = time.monotonic()
        current = self.serve.thread_cpu()
        self.samples.append((now, current))
        older = [s for s in self.samples if s[0] <= now - self.window]
        if not older:
            return False
        self.samples = [older[-1]] + [s for s in self.samples if s[0] > now - self.window]
        before = older[-1][1]
        return any(cpu > before.get(tid, 0.0) for tid, cpu in current.items())


@dataclass
class Burst:
    """Notes on one case sent by `concurrency` senders at once, each waiting for its ack
    before sending the next; every answer is recorded (acked or not). Note i is written by
    `users[i % len(users)]`."""

    serve: LoadedServe
    http: aiohttp.ClientSession
    users: tuple[str, ...]
    ref: str
    concurrency: int = 16
    sent: list[Sent] = field(default_factory=list)
    _next: int = 0

    def text(self, i: int) -> str:
        return f"kill test note {i:05d}"

    @property
    def acked(self) -> list[Sent]:
        return [s for s in self.sent if s.acked]

    def acked_since(self, t: float) -> int:
        return sum(1 for s in self.sent if s.acked and s.at >= t)

    async def run(self, limit: int | None = None, stop: asyncio.Event | None = None) -> None:
        """Send until `limit` notes were sent or `stop` is set."""

        async def sender() -> None:
            while (stop is None or not stop.is_set()) and (limit is None or self._next < limit):
                self._next += 1
                user, text = self.users[self._next % len(self.users)], self.text(self._next)
                self.sent.append(await self.serve.send(self.http, user,
                                                       f"note {self.ref} {text}"))
        await asyncio.gather(*(sender() for _ in range(self.concurrency)))


async def at_rate(send: Callable[[int], Awaitable[Sent]], rate: float, stop: asyncio.Event,
                  sent: list[asyncio.Task[Sent]]) -> None:
    """Start `send(i)` `rate` times a second, i = 1, 2 ..., until `stop` is set, without
    waiting for the answers (Slack does not wait for one person's ack before sending the
    next person's command); the tasks go into `sent`."""
    i, next_at = 0, time.monotonic()
    while not stop.is_set():
        i += 1
        sent.append(asyncio.ensure_future(send(i)))
        next_at += 1 / rate
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))


async def open_case(serve: LoadedServe, http: aiohttp.ClientSession, owner: str, ref: str
                    ) -> None:
    """Open a case and wait until its swarm is whole (room, invitation, brief)."""
    opened = await serve.send(http, owner, f"open {ref} sev2 Acme cannot log in after SSO")
    assert opened.acked
    await serve.answered(opened.rid)
    await serve.settle(settled)


def note_counts(store: Store, ref: str) -> Counter[str]:
    """How often each note text is in the case's timeline."""
    case = store.cases.by_ref(ref)
    assert case is not None, f"case {ref} is gone"
    return Counter(e.text for e in store.timeline.events(case.id) if e.kind == "note")


def lost_and_twice(serve: LoadedServe, ref: str, acked: list[Sent]
                   ) -> tuple[list[str], list[str]]:
    """Acknowledged notes missing from the timeline; notes in it more than once."""
    store = serve.store()
    try:
        counts = note_counts(store, ref)
    finally:
        store.close()
    wanted = [s.text.split(" ", 2)[2] for s in acked]
    lost = [t for t in wanted if counts[t] == 0]
    twice = [f"{t} x{n}" for t, n in counts.items() if n > 1]
    return lost, twice


def report(what: str, acked: int, lost: list[str], twice: list[str], detail: str = "") -> str:
    """The failure message: how many were acknowledged, how many lost or doubled."""
    return (f"{what}: {acked} notes answered 200{detail}; {len(lost)} of them lost "
            f"(first: {lost[:5]}), {len(twice)} in the timeline more than once "
            f"(first: {twice[:5]})")
