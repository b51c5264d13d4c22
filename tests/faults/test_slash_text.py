"""A user's words never change how a request is read: slash commands whose text holds
`payload`, `payload=`, `command=`, `&`, `%` or `=`, sent to a real `swarmbot serve` process.

Bolt's `parse_body` takes any form body containing the substring "payload" for an
interactive payload; before adapters/slack/guard.py, `/swarm open ... webhook payload
rejected` was answered 404. One serve process (and one fake Slack) for the module: each
start costs ~2 s of the 2 shared cores.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot.store.sqlite import open_reader
from testkit.loopback import free_port, serve, until_healthy
from testkit.slack.fake_slack import TOKEN, FakeSlack
from testkit.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers
from tests.conftest import REPO
from tests.slack.test_subprocess import _config, _env

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXTS = {
    "payload": "webhook payload rejected by the gateway",
    "payload=": 'customer posts payload={"id":1} and gets a 400',
    "command=": "the API says command=/swarm is unknown",
    "&": "Smith & Wesson cannot log in & cannot reset",
    "%": "error rate at 100% since 09:00, see %ff and %2F",
    "=": "a=b in the filter breaks search ==",
}


@dataclass
class Serve:
    base: str
    fake: FakeSlack
    db: Path
    http: aiohttp.ClientSession


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Serve]:
    tmp = tmp_path_factory.mktemp("slash-text")
    fake = FakeSlack()
    runner, url = await serve(fake.app)
    fake.base_url = url + "/"
    fake.add_channel("swarm-triage")
    port = free_port()
    cfg = _config(tmp, fake.base_url + "api/", port)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "serve", "--config", str(cfg), cwd=REPO,
        env=_env(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET),
        stdout=asyncio.subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    http = aiohttp.ClientSession()
    try:
        await until_healthy(http, base, proc)
        yield Serve(base, fake, tmp / "swarmbot.db", http)
    finally:
        await http.close()
        proc.terminate()
        await proc.wait()
        await fake.close_sockets()
        await runner.cleanup()


@pytest.mark.parametrize("holds", list(TEXTS))
async def test_slash_command_text_is_read_as_text(served: Serve, holds: str) -> None:
    ref = f"ZD-{900 + list(TEXTS).index(holds)}"
    summary = TEXTS[holds]
    rid = f"text-{list(TEXTS).index(holds)}"
    body = form_body({**payload("slash_command.json"), "user_id": "U1",
                      "text": f"open {ref} sev2 {summary}",
                      "response_url": served.fake.response_url(rid)})
    assert holds in summary
    async with served.http.post(served.base + "/slack/events", data=body.encode(),
                                headers=signed_headers(body, "application/x-www-form-urlencoded")
                                ) as resp:
        assert resp.status == 200, await resp.text()
    deadline = time.monotonic() + 30
    while not [r for r in served.fake.responses if r["rid"] == rid]:
        assert time.monotonic() < deadline, "no answer from the serve process"
        await asyncio.sleep(0.05)
    answer = next(r for r in served.fake.responses if r["rid"] == rid)
    assert ref in answer["text"] and "wrong" not in answer["text"].lower()
    store = open_reader(served.db)
    try:
        case = store.cases.by_ref(ref)
    finally:
        store.close()
    assert case is not None and case.summary == summary
