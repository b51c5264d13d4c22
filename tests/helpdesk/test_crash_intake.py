"""A webhook written to the inbox whose command never ran (the process was killed between)
is run when the process starts again: a real `kill -9` of `swarmbot serve` (issue 11)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from testkit.serve_proc import Serve, settled
from testkit.slack.fake_slack import FakeSlack
from tests.helpdesk.conftest import ZD_SECRET, body_of, zendesk_headers
from tests.helpdesk.fake_zendesk import EMAIL, TOKEN, FakeZendesk
from tests.helpdesk.test_zendesk import TRIGGER, seed


async def _until(what, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        assert time.monotonic() < deadline, "it did not happen"
        await asyncio.sleep(0.02)


async def test_a_webhook_killed_mid_intake_is_run_at_the_next_start(
        tmp_path: Path, people: FakeSlack, zendesk: FakeZendesk,
        monkeypatch: pytest.MonkeyPatch) -> None:
    seed(zendesk)
    monkeypatch.setenv("ZENDESK_API_TOKEN", TOKEN)
    monkeypatch.setenv("ZENDESK_WEBHOOK_SECRET", ZD_SECRET)
    serve = Serve(tmp_path, people)
    with serve.cfg.open("a") as cfg:
        cfg.write(f'[helpdesk.zendesk]\napi_url = "{zendesk.base_url}"\nemail = "{EMAIL}"\n')
    body = body_of(**TRIGGER)
    lookup = asyncio.Event()
    async with aiohttp.ClientSession() as http:
        await serve.start(http)
        try:
            # The owner look-up (Slack users.lookupByEmail) comes after the inbox write and
            # before the command: Slack is held there, and the process killed.
            people.hold("users.lookupByEmail", lookup)
            sent = asyncio.ensure_future(http.post(f"{serve.base}/helpdesk/zendesk",
                                                   data=body, headers=zendesk_headers(body)))
            await _until(lambda: people.calls_to("users.lookupByEmail"))
            serve.kill9()
            await serve.wait()
            lookup.set()
            with pytest.raises(aiohttp.ClientError):
                await sent  # Zendesk got no answer (it would redeliver)
            store = serve.store()
            try:
                assert store.cases.by_ref("ZD-123") is None  # killed before the command
                assert len(store.inbox.pending("helpdesk:zendesk")) == 1  # ... but recorded
            finally:
                store.close()

            await serve.start(http)  # the inbox's unfinished webhook is run at start-up
            await serve.settle(lambda s: s.cases.by_ref("ZD-123") is not None
                               and not s.inbox.pending("helpdesk:zendesk") and settled(s))
            # Zendesk's own redelivery of the same invocation now opens nothing twice.
            async with http.post(f"{serve.base}/helpdesk/zendesk", data=body,
                                 headers=zendesk_headers(body)) as again:
                assert (await again.json())["status"] == "duplicate"
            await serve.settle(settled)
        finally:
            await serve.stop()
    store = serve.store()
    try:
        case = store.cases.by_ref("ZD-123")
        assert (case.owner, case.customer, case.severity) == ("UALICE", "Acme", 1)
        assert len([c for c in store.cases.all() if c.ref == "ZD-123"]) == 1
    finally:
        store.close()
    notes = zendesk.notes(123)
    assert len(notes) == 1 and "Swarm opened" in notes[0] and "Owner: UALICE" in notes[0]
    assert len([c for c in people.channels.values() if c.name.startswith("swarm-zd-123")]) == 1
