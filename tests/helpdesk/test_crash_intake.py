"""A webhook answered and then killed during its work is finished, once: a real `kill -9`
of `swarmbot serve` after the helpdesk got its 202 and before the work was over, then a
restart (the one replay loop finishes the inbox row) and the helpdesk's redelivery of the
same webhook (answered `duplicate`). Exactly one case, one room, one note (issues 11, 23).

Two places to die: during the owner look-up (Slack `users.lookupByEmail`, before the unit
of work: nothing of the case is committed), and during the room's creation (Slack
`conversations.create`, after the unit committed the case and its outbox rows)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from testkit.loopback import until
from testkit.serve_proc import Serve, settled
from testkit.slack.fake_slack import FakeSlack
from tests.helpdesk.conftest import ZD_SECRET, body_of, zendesk_headers
from tests.helpdesk.fake_zendesk import EMAIL, TOKEN, FakeZendesk
from tests.helpdesk.test_zendesk import TRIGGER, seed


def done(store) -> bool:  # noqa: ANN001
    case = store.cases.by_ref("ZD-123")
    return (case is not None and case.room_id is not None
            and not store.inbox.pending("helpdesk:zendesk") and settled(store))


@pytest.mark.parametrize("held", ["users.lookupByEmail", "conversations.create"])
async def test_a_webhook_killed_during_its_work_is_opened_once(
        held: str, tmp_path: Path, people: FakeSlack, zendesk: FakeZendesk,
        monkeypatch: pytest.MonkeyPatch) -> None:
    seed(zendesk)
    monkeypatch.setenv("ZENDESK_API_TOKEN", TOKEN)
    monkeypatch.setenv("ZENDESK_WEBHOOK_SECRET", ZD_SECRET)
    serve = Serve(tmp_path, people)
    with serve.cfg.open("a") as cfg:
        cfg.write(f'[helpdesk.zendesk]\napi_url = "{zendesk.base_url}"\nemail = "{EMAIL}"\n')
    body = body_of(**TRIGGER)
    gate = asyncio.Event()
    async with aiohttp.ClientSession() as http:
        await serve.start(http)
        try:
            # Slack is held at `held`: the webhook's work stops there, after its answer.
            people.hold(held, gate)
            started = time.monotonic()
            async with http.post(f"{serve.base}/helpdesk/zendesk", data=body,
                                 headers=zendesk_headers(body)) as resp:
                answer = (resp.status, await resp.json())
            answered = time.monotonic() - started
            assert answer == (202, {"status": "accepted", "ref": "ZD-123"}), answer
            await until(lambda: bool(people.calls_to(held)), f"the work to reach {held}", 30)
            serve.kill9()
            await serve.wait()
            gate.set()
            store = serve.store()
            try:
                case = store.cases.by_ref("ZD-123")
                if held == "users.lookupByEmail":  # killed before its unit of work
                    assert case is None
                    assert len(store.inbox.pending("helpdesk:zendesk")) == 1  # ... but kept
                else:  # killed after the commit, while its room was being made
                    assert case is not None and case.room_id is None
                    assert store.outbox.counts().get("pending", 0) > 0
            finally:
                store.close()

            await serve.start(http)  # the one replay loop (or the outbox) finishes it
            # Zendesk got its answer, but redelivers anyway (its own retry after a timeout
            # elsewhere): the same invocation is found in the inbox, whenever it arrives.
            async with http.post(f"{serve.base}/helpdesk/zendesk", data=body,
                                 headers=zendesk_headers(body)) as again:
                assert (again.status, await again.json()) == (
                    200, {"status": "duplicate", "ref": "ZD-123"})
            await serve.settle(done)
        finally:
            await serve.stop()
    print(f"\n{held}: answered in {answered * 1000:.0f} ms, then killed there; "
          "one case after the restart and the redelivery")
    store = serve.store()
    try:
        case = store.cases.by_ref("ZD-123")
        assert (case.owner, case.customer, case.severity) == ("UALICE", "Acme", 1)
        assert len([c for c in store.cases.all() if c.ref == "ZD-123"]) == 1
    finally:
        store.close()
    notes = zendesk.notes(123)
    assert len(notes) == 1 and "Swarm opened" in notes[0] and "Owner: UALICE" in notes[0]
    rooms = [c for c in people.channels.values() if c.name.startswith("swarm-zd-123")]
    assert len(rooms) == 1, [c.name for c in rooms]
    assert len(people.calls_to("conversations.create")) >= 1
