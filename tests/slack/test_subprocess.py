"""`swarmbot serve` as a real process: secrets checked at start-up, requests served."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from testkit.loopback import free_port, until_healthy
from testkit.slack.fake_slack import TOKEN, FakeSlack
from testkit.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers
from tests.conftest import REPO


def _env(**secrets: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    return {**env, **secrets}


def _config(tmp_path: Path, api_url: str, port: int) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
                   f'[store]\npath = "{tmp_path / "swarmbot.db"}"\n'
                   f'[slack]\napi_url = "{api_url}"\ntriage_channel = "#swarm-triage"\n')
    return cfg


def test_missing_secret_stops_start_up_naming_it(tmp_path: Path):
    cfg = _config(tmp_path, "http://127.0.0.1:9/api/", free_port())
    proc = subprocess.run([sys.executable, "-m", "adapters.cli", "serve", "--config", str(cfg)],
                          cwd=REPO, env=_env(SLACK_SIGNING_SECRET="s"), text=True,
                          capture_output=True, timeout=60)
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN" in proc.stderr and "Traceback" not in proc.stderr


async def test_serve_process_answers_a_signed_command(tmp_path: Path, fake_slack: FakeSlack,
                                                      api_url: str):
    fake_slack.add_channel("swarm-triage")
    port = free_port()
    cfg = _config(tmp_path, api_url, port)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "serve", "--config", str(cfg), cwd=REPO,
        env=_env(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await until_healthy(http, base, proc)
            body = form_body({**payload("slash_command.json"), "user_id": "U1",
                              "text": "open ZD-90 sev2 From a real process",
                              "response_url": fake_slack.response_url("proc")})
            async with http.post(base + "/slack/events", data=body.encode(),
                                 headers=signed_headers(body, "application/x-www-form-urlencoded")
                                 ) as resp:
                assert resp.status == 200
            deadline = time.monotonic() + 30
            while not fake_slack.responses:  # the answer comes after the ack, from the process
                assert time.monotonic() < deadline, "no answer from the serve process"
                await asyncio.sleep(0.05)
        assert fake_slack.channel_named("swarm-zd-90-from-a-real-process") is not None
        assert "ZD-90" in fake_slack.responses[-1]["text"]
    finally:
        proc.terminate()
        await proc.wait()
