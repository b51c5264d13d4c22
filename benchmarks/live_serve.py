"""What benchmarks/cases_wait.py and benchmarks/help_vs_bolt.py share: a real `swarmbot
serve` subprocess, the fake Slack Web API it calls, and a loopback server that records when
each answer reaches its own response_url.

These benchmarks talk to swarmbot over HTTP only (signed requests into /slack/events, Web API
calls and response_url POSTs out), so they measure whatever the core looks like inside.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.loopback import free_port, serve, until_healthy  # noqa: E402
from testkit.slack.fake_slack import TOKEN, FakeSlack  # noqa: E402
from testkit.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers  # noqa: E402

FORM = "application/x-www-form-urlencoded"


def signed_slash(text: str, user: str, response_url: str, trigger: str,
                 channel: str = "C2147483705") -> tuple[bytes, dict[str, str]]:
    """A `/swarm <text>` slash command signed the way Slack signs it (v0 HMAC-SHA256)."""
    body = form_body({**payload("slash_command.json"), "text": text, "user_id": user,
                      "user_name": user.lower(), "channel_id": channel,
                      "response_url": response_url, "trigger_id": trigger})
    return body.encode(), signed_headers(body, FORM)


async def quiet(fake: FakeSlack, still: float = 0.5, seconds: float = 60.0) -> None:
    """Wait until swarmbot has made no Web API call for `still` seconds (the platform work
    a phase left behind, done before the next is timed); at most `seconds`."""
    deadline = time.monotonic() + seconds
    seen, since = len(fake.calls), time.monotonic()
    while time.monotonic() - since < still:
        if time.monotonic() > deadline:
            raise RuntimeError(f"swarmbot still calling Slack after {seconds:.0f} s")
        await asyncio.sleep(0.05)  # polling the fake's call log
        if len(fake.calls) != seen:
            seen, since = len(fake.calls), time.monotonic()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


@dataclass
class Answers:
    """A loopback stand-in for Slack's response_url endpoint: records when the first answer
    for each request id arrives (a command may answer more than once; the first is the one
    its sender reads) and wakes whoever waits for it."""

    base_url: str = ""
    first: dict[str, float] = field(default_factory=dict)  # rid -> perf_counter at arrival
    texts: dict[str, str] = field(default_factory=dict)  # rid -> its first answer's text
    posts: int = 0
    _waiting: dict[str, asyncio.Future[float]] = field(default_factory=dict)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/response/{rid}", self._arrived)
        return app

    def url(self, rid: str) -> str:
        return f"{self.base_url}/response/{rid}"

    def refused(self) -> list[str]:
        """Answers shown as errors (`:x:`): a benchmark of refusals would measure nothing."""
        return [f"{rid}: {text[:100]}" for rid, text in self.texts.items()
                if text.startswith(":x:")]

    async def _arrived(self, request: web.Request) -> web.Response:
        at = time.perf_counter()
        body = await request.json()
        rid = request.match_info["rid"]
        self.posts += 1
        if rid not in self.first:
            self.first[rid], self.texts[rid] = at, str(body.get("text", ""))[:200]
            waiter = self._waiting.pop(rid, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(at)
        return web.Response(text="ok")

    async def wait(self, rid: str, timeout: float = 60.0) -> float:
        """When the first answer for `rid` arrived (perf_counter seconds)."""
        if rid in self.first:
            return self.first[rid]
        waiter = self._waiting.setdefault(rid, asyncio.get_running_loop().create_future())
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except TimeoutError:
            raise RuntimeError(f"no answer on response_url {rid} within {timeout:.0f} s"
                               ) from None


@contextlib.asynccontextmanager
async def loopback_slack(latency: float = 0.0) -> AsyncIterator[tuple[FakeSlack, Answers]]:
    """The fake Slack Web API (every call answered after `latency` seconds once `serve` has
    started: set `fake.latency`) and the response_url recorder, each on 127.0.0.1."""
    fake = FakeSlack()
    fake.add_channel("swarm-triage")
    fake_runner, fake_url = await serve(fake.app)
    fake.base_url = fake_url + "/"
    answers = Answers()
    answers_runner, answers.base_url = await serve(answers.app())
    try:
        yield fake, answers
    finally:
        await answers_runner.cleanup()
        await fake_runner.cleanup()


def swarmbot_command() -> list[str]:
    """`swarmbot serve` as installed (the console script beside this Python), else the CLI
    module it runs."""
    script = Path(sys.executable).with_name("swarmbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "adapters.cli"]


class SwarmbotServe:
    """A real `swarmbot serve` process, configured by a file as an admin would: Slack on,
    its Web API at the fake, the store a SQLite file in `folder` (or `store_url`)."""

    def __init__(self, folder: Path, api_url: str, store_url: str | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.config = folder / "config.toml"
        self.log = folder / "serve.log"
        store = f'url = "{store_url}"' if store_url else f'path = "{folder / "swarmbot.db"}"'
        self.config.write_text(
            f'[server]\nhost = "127.0.0.1"\nport = {self.port}\n[store]\n{store}\n'
            f'[slack]\napi_url = "{api_url}"\ntriage_channel = "#swarm-triage"\n',
            encoding="utf-8")
        self.migrate = store_url is not None  # PostgreSQL: `swarmbot migrate` first
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, http: aiohttp.ClientSession) -> None:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLACK_", "SWARMBOT_DATABASE_URL"))}
        env.update(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
        with self.log.open("ab") as log:
            if self.migrate:
                migrate = await asyncio.create_subprocess_exec(
                    *swarmbot_command(), "migrate", "--config", str(self.config), cwd=ROOT,
                    env=env, stdout=asyncio.subprocess.DEVNULL, stderr=log)
                if await asyncio.wait_for(migrate.wait(), 120) != 0:
                    raise RuntimeError("swarmbot migrate failed: " + self.log_tail())
            self.proc = await asyncio.create_subprocess_exec(
                *swarmbot_command(), "serve", "--config", str(self.config), cwd=ROOT, env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=log)
        await until_healthy(http, self.base, self.proc, seconds=60, log=self.log)

    async def stop(self) -> None:
        await stop_process(self.proc)

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:] \
            if self.log.exists() else ""


async def stop_process(proc: asyncio.subprocess.Process | None) -> None:
    """SIGTERM, then SIGKILL if it has not exited within 15 s."""
    if proc is None or proc.returncode is not None:
        return
    proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), 15)
    except TimeoutError:
        proc.kill()
        await proc.wait()


class BareBolt:
    """The baseline: benchmarks/bare_bolt.py's app (a minimal slack_bolt AsyncApp on aiohttp
    that acks, then answers on response_url) in a process of its own."""

    def __init__(self, folder: Path, api_url: str) -> None:
        self.api_url = api_url
        self.port_file = folder / "bolt.url"
        self.log = folder / "bolt.log"
        self.base = ""
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, http: aiohttp.ClientSession) -> None:
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "benchmarks" / "bare_bolt.py"), "--serve", "bolt",
                "--api-url", self.api_url, "--port-file", str(self.port_file), cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 60
        while not (self.port_file.exists() and self.port_file.read_text()):
            if self.proc.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError("bare Bolt did not start: " +
                                   self.log.read_text(errors="replace")[-2000:])
            await asyncio.sleep(0.05)  # waiting for the subprocess to listen
        self.base = self.port_file.read_text()

    async def stop(self) -> None:
        await stop_process(self.proc)


@contextlib.contextmanager
def store_url(kind: str) -> Iterator[str | None]:
    """None for SQLite (a file beside the config); for PostgreSQL a new database on a
    throwaway cluster (benchmarks/pg_common.py), stopped at the end; `swarmbot migrate`
    makes its schema (SwarmbotServe.start)."""
    if kind == "sqlite":
        yield None
        return
    from benchmarks.pg_common import cluster

    with cluster() as c:
        yield c.new_database()
