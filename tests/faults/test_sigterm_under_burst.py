"""Bounded and graceful (issue 23, DESIGN "Reliability by design"): SIGTERM to a real
`swarmbot serve` with a burst of acknowledged notes still to do and a slow Slack (every Web
API call answered after 200 ms). In-flight work is finished within 5 s and the process exits
0; what was not started waits in the inbox and is done, once, after the restart. While the
burst is acknowledged the process does not grow by more than 50 MB: the backlog is in the
inbox, not in memory.

Each note is written by a different participant, so running it asks Slack for the sender's
profile once (users.info, 200 ms): the backlog's work is Slack-bound, as a real one is.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from testkit.serve_proc import settled
from testkit.slack.fake_slack import FakeSlack
from tests.faults.serve_load import Burst, LoadedServe, lost_and_twice, open_case, report

pytestmark = pytest.mark.slow

OWNER = "UOWNER01"
REF = "ZD-4712"
HELPERS = tuple(f"U7{i:04d}" for i in range(1000))  # one note each (the issue: 1,000)
INVITES_PER_COMMAND = 25
SLACK_LATENCY = 0.2  # seconds each Web API call takes while the burst is run
SHUTDOWN_LIMIT = 5.0  # seconds from SIGTERM to exit (DESIGN: in-flight work within 5 s)
RSS_GROWTH_LIMIT = 50.0  # MB over idle while the burst is acknowledged


async def test_sigterm_after_a_burst_exits_0_within_5_s_and_every_acked_note_is_done_once(
        tmp_path: Path, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("swarm-triage")
    serve = LoadedServe(tmp_path, fake_slack)
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector) as http:
        await serve.start(http)
        try:
            await open_case(serve, http, OWNER, REF)
            for i in range(0, len(HELPERS), INVITES_PER_COMMAND):
                mentions = " ".join(f"<@{u}>" for u in HELPERS[i:i + INVITES_PER_COMMAND])
                invited = await serve.send(http, OWNER, f"invite {REF} {mentions}")
                assert invited.acked
                await serve.answered(invited.rid)
            await serve.settle(settled)
            idle_mb = serve.rss_mb()

            fake_slack.latency = SLACK_LATENCY
            burst = Burst(serve, http, HELPERS, REF, concurrency=32)
            sending = asyncio.ensure_future(burst.run(limit=len(HELPERS)))
            peak_mb = idle_mb
            while not sending.done():
                peak_mb = max(peak_mb, serve.rss_mb())
                await asyncio.sleep(0.01)
            await sending
            peak_mb = max(peak_mb, serve.rss_mb())
            acked = burst.acked
            assert len(acked) == len(HELPERS), \
                f"only {len(acked)} of {len(HELPERS)} notes were acknowledged"
            answered = serve.answered_rids()
            backlog = sum(1 for s in acked if s.rid not in answered)

            serve.sigterm()
            termed = time.monotonic()
            assert serve.proc is not None
            try:
                code = await asyncio.wait_for(serve.proc.wait(), timeout=120)
            except TimeoutError:
                serve.kill9()
                await serve.wait()
                raise AssertionError("serve did not exit within 120 s of SIGTERM") from None
            took = time.monotonic() - termed
            done_at_exit = len(serve.answered_rids() & {s.rid for s in acked})

            fake_slack.latency = 0.0  # the restart's replay is not what is measured here
            await serve.start(http)  # what the shutdown left in the inbox is run now
            await serve.settle(settled)
        finally:
            await serve.stop()
    lost, twice = lost_and_twice(serve, REF, acked)
    print(f"\nSIGTERM with {backlog} of {len(acked)} acknowledged notes not yet done "
          f"(Slack {SLACK_LATENCY * 1000:.0f} ms a call): exit {code} after {took:.2f} s, "
          f"{done_at_exit} answered by then; RSS idle {idle_mb:.1f} MB, peak {peak_mb:.1f} MB "
          f"(+{peak_mb - idle_mb:.1f}); after the restart lost {len(lost)}, twice {len(twice)}")
    assert backlog > 0, "the burst was done before SIGTERM: nothing was in flight"
    assert not lost and not twice, report("SIGTERM after a burst, then restart", len(acked),
                                          lost, twice)
    assert code == 0, f"serve exited {code} on SIGTERM"
    assert took <= SHUTDOWN_LIMIT, (
        f"serve took {took:.2f} s to exit after SIGTERM (limit {SHUTDOWN_LIMIT:.0f} s) with "
        f"{backlog} acknowledged notes not yet done; {done_at_exit} were answered by the exit")
    assert peak_mb - idle_mb <= RSS_GROWTH_LIMIT, (
        f"RSS grew {peak_mb - idle_mb:.1f} MB under the burst (idle {idle_mb:.1f} MB, peak "
        f"{peak_mb:.1f} MB; limit {RSS_GROWTH_LIMIT:.0f} MB)")
