"""A helpdesk webhook is answered at once, whatever the chat platform's speed (issue 23,
"One door"): its inbox row is committed, the helpdesk gets 202 `accepted`, and the work
(the owner looked up by email, the swarm opened, its room and brief, the write-back) runs
after the answer. Measured with the fake Slack taking 2 s per Web API call: one webhook
alone, then 20 at once. Before issue 23 the answer waited for the work: 6.0 s for one,
p99 9.9 s for 20. Figures are printed (-s):
    .venv/bin/python -m pytest -s -p no:cacheprovider tests/helpdesk/test_answer_latency.py
The bound is half of one Slack call: an answer that waited for any call would take 2 s or
more, so the test fails on the old code whatever the machine's load, and a loaded CI machine
(a PostgreSQL webhook once took 263 ms there) does not fail it. How fast the answer is
belongs to the benchmarks (BENCHMARKS.md, issue 23); SWARMBOT_WEBHOOK_P99_MS tightens the
bound on a quiet machine.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

from testkit.loopback import until
from tests.helpdesk.conftest import body_of, worked, zendesk_headers
from tests.helpdesk.fake_zendesk import FakeZendesk
from tests.slack.harness import SlackHarness

SLACK_SECONDS = 2.0  # each Web API call (users.lookupByEmail, conversations.create, ...)
BURST = 20
BOUND = float(os.environ.get("SWARMBOT_WEBHOOK_P99_MS", SLACK_SECONDS * 1000 / 2)) / 1000


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


async def test_webhooks_are_answered_before_any_2_s_slack_call_returns(
        bot: SlackHarness, zendesk: FakeZendesk) -> None:
    zendesk.add_user(7, "Rita", "rita@customer.test", role="end-user")
    zendesk.add_user(501, "Alice Agent", "alice@acme.test")
    for i in range(BURST + 1):
        zendesk.add_ticket(2000 + i, f"ticket {i}", requester=7, org="Acme", assignee=501)
    bot.fake.latency = SLACK_SECONDS

    async def webhook(i: int) -> tuple[float, int, dict]:
        body = body_of(ticket_id=str(2000 + i), subject=f"Acme ticket {i}", priority="high",
                       organization="Acme", assignee_email="alice@acme.test",
                       url=f"{zendesk.base_url}/agent/tickets/{2000 + i}")
        started = time.perf_counter()
        resp = await bot.client.post("/helpdesk/zendesk", data=body,
                                      headers=zendesk_headers(body, invocation=f"inv-{i}"))
        answer = await resp.json()
        return time.perf_counter() - started, resp.status, answer

    alone, status, answer = await webhook(0)
    assert (status, answer) == (202, {"status": "accepted", "ref": "ZD-2000"}), answer
    started = time.perf_counter()
    burst = await asyncio.gather(*(webhook(i) for i in range(1, BURST + 1)))
    answered_all = time.perf_counter() - started
    # Nothing the answers waited for: no swarm was open yet (its owner's look-up alone takes
    # SLACK_SECONDS), and no Slack call had come back.
    cases_then = len(bot.store.cases.all())
    times = [t for t, _, _ in burst]
    print(f"\nwebhook answers with Slack at {SLACK_SECONDS:.0f} s a call: one alone "
          f"{alone * 1000:.1f} ms; {BURST} at once p50 {statistics.median(times) * 1000:.1f} "
          f"ms, p99 {p99(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms (all "
          f"answered in {answered_all * 1000:.0f} ms; cases open then: {cases_then})")
    assert all((s, a["status"]) == (202, "accepted") for _, s, a in burst), burst
    assert cases_then == 0
    assert alone < BOUND and p99(times) < BOUND, (alone, sorted(times))

    # The work does run after the answers (faster now, to keep the test short).
    await until(lambda: len(bot.fake.calls_to("users.lookupByEmail")) >= 1, "a look-up", 10)
    bot.fake.latency = 0.01
    await worked(bot, 120)
    await until(lambda: all((c := bot.store.cases.by_ref(f"ZD-{2000 + i}")) is not None
                            and c.room_id and c.owner == "UALICE" for i in range(BURST + 1)),
                "every swarm with its room", 60)
    assert len(bot.store.cases.all()) == BURST + 1
