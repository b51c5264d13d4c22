"""`swarmbot serve` as a process says where it serves, logs JSON if asked, says it stopped,
and keeps library noise (Bolt's "token will be unused") out of its log."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from pathlib import Path

import aiohttp

from testkit.loopback import free_port
from testkit.slack.fake_slack import TOKEN, FakeSlack
from testkit.slack.signing import SIGNING_SECRET
from tests.conftest import REPO
from tests.slack.test_subprocess import _config, _env


async def _next_line(stream: asyncio.StreamReader) -> str:
    line = await asyncio.wait_for(stream.readline(), timeout=30)
    assert line, "serve exited before saying where it serves"
    return line.decode()


async def test_serve_logs_what_it_serves_and_that_it_stopped(tmp_path: Path,
                                                             fake_slack: FakeSlack,
                                                             api_url: str) -> None:
    fake_slack.add_channel("swarm-triage")
    port = free_port()
    cfg = _config(tmp_path, api_url, port)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "serve", "--config", str(cfg),
        "--log-format", "json", cwd=REPO,
        env=_env(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None
    try:
        lines = []
        deadline = time.monotonic() + 30
        while not any("serving" in line for line in lines):
            assert time.monotonic() < deadline
            lines.append(await _next_line(proc.stderr))
        entries = [json.loads(line) for line in lines]  # every line is one JSON object
        serving = entries[-1]
        assert serving["level"] == "info" and serving["logger"] == "swarmbot"
        assert serving["message"] == (
            f"swarmbot serving http://127.0.0.1:{port} /slack/events /digest /digest/case/{{ref}} "
            f"/digest/case/{{workspace}}/{{ref}} /digest/{{tail}} "
            f"/digest/{{week}} "
            f"/healthz /metrics /readyz; adapters: slack; store {tmp_path / 'swarmbot.db'}")
        async with aiohttp.ClientSession() as http:  # it really serves what it said
            for path in ("/healthz", "/readyz", "/metrics"):
                async with http.get(f"http://127.0.0.1:{port}{path}") as resp:
                    assert resp.status == 200, path
        proc.send_signal(signal.SIGTERM)
        rest = (await asyncio.wait_for(proc.stderr.read(), timeout=30)).decode()
        assert await proc.wait() == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    every = lines + rest.splitlines()
    assert json.loads(every[-1])["message"].startswith("swarmbot stopped")
    assert not any("will be unused" in line for line in every)
    assert not any("Traceback" in line for line in every)
