"""One unit of work (issue 23) on PostgreSQL: a real `swarmbot serve` whose database goes away
under load, and comes back, while the process keeps serving (it is never restarted).

- The server stopped for 5 s (`pg_ctl stop -m fast`, then started again) while notes arrive
  at 10 a second: /healthz answers within 100 ms throughout (it never touches the store);
  /readyz says 503 while the store cannot write and 200 before and after; every note Slack
  was answered 200 for is in the timeline exactly once once the server is back; notes
  refused with 503 (the inbox could not take them) are the sender's to retry, not counted.
- The database's backends terminated (`pg_terminate_backend`) a few times under a burst of
  notes: no note answered 200 is lost, none is done twice.

The cluster is the test module's own (testkit/pg_cluster.py), never the session's shared one:
stopping it would stop every other test's database. -s prints the figures of a run.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from testkit.pg_cluster import Cluster
from testkit.serve_proc import settled
from testkit.slack.fake_slack import FakeSlack
from tests.faults.pg_serve import PgServe
from tests.faults.probe import probes
from tests.faults.serve_load import Burst, Sent, at_rate, lost_and_twice, open_case, report

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

OWNER = "UOWNER01"
REF = "ZD-4711"
OUTAGE = 5.0  # seconds the server is down
RATE = 10  # notes a second, before, during and after the outage
# /healthz must not wait for the store: a probe held by it would take seconds (the erase's
# or the outage's length). Half a second is half kubelet's default probe timeout and leaves
# room for a loaded 2-core CI machine, where 100 ms was missed.
HEALTHZ_WITHIN = 0.5
# Slack waits this long for an ack; a 200 after it is no ack (the person sees a timeout and
# may type the command again), so every answer, 200 or 503, must come back within it.
ACK_WITHIN = 3.0
KILLS = 4  # pg_terminate_backend rounds under the burst
BURST = 400  # notes in the burst the backends are terminated under
BACKLOG = 300  # notes sent at once right before the outage


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[Cluster]:
    """A throwaway cluster for this module alone: these tests stop it and end its sessions."""
    try:
        cluster = Cluster.start()
    except (RuntimeError, KeyError, OSError) as err:
        reason = f"no PostgreSQL of our own for the outage tests: {err}"
        if os.environ.get("SWARMBOT_REQUIRE_POSTGRES") == "1" or os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield cluster
    cluster.stop()


async def test_postgres_stopped_for_5_s_delays_acknowledged_notes_and_loses_none(
        tmp_path: Path, fake_slack: FakeSlack, own_cluster: Cluster) -> None:
    fake_slack.add_channel("swarm-triage")
    serve = PgServe(tmp_path, fake_slack, own_cluster.new_database())
    serve.migrate()
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector) as http:
        await serve.start(http)
        pid = serve.pid
        try:
            await open_case(serve, http, OWNER, REF)
            async with probes(serve.base, tmp_path, healthz=0.05, readyz=0.2) as probe:
                tasks: list[asyncio.Task[Sent]] = []
                stop = asyncio.Event()
                loading = asyncio.ensure_future(at_rate(
                    lambda i: serve.send(http, OWNER, f"note {REF} outage note {i:04d}"),
                    RATE, stop, tasks))
                await asyncio.sleep(2.0)
                # A burst right before the outage: notes on one case take turns, so some are
                # acknowledged and still waiting for their turn when the server stops. They
                # are the ones the replay loop must finish once it is back.
                burst = Burst(serve, http, (OWNER,), REF, concurrency=32)
                bursting = asyncio.ensure_future(burst.run(limit=BACKLOG))
                while len(burst.acked) < BACKLOG * 3 // 4 and not bursting.done():
                    await asyncio.sleep(0.002)
                pausing = time.monotonic()
                await asyncio.to_thread(own_cluster.pause)
                try:
                    paused = time.monotonic()
                    # Acknowledged, and not answered when the server had stopped: caught by it.
                    caught = [s.rid for s in burst.acked if s.rid not in serve.answered_rids()]
                    await asyncio.sleep(OUTAGE)
                finally:  # whatever happened, the module's next test needs its server
                    resuming = time.monotonic()
                    await asyncio.to_thread(own_cluster.resume)
                resumed = time.monotonic()
                await bursting

                def ready_again() -> bool:
                    return any(s["t"] >= resumed and s["status"] == 200
                               for s in probe["readyz"].samples())

                deadline = time.monotonic() + 60
                while not ready_again():
                    assert time.monotonic() < deadline, (
                        "/readyz did not say 200 within 60 s of the server's return:\n"
                        + serve.log.read_text()[-3000:])
                    await asyncio.sleep(0.05)
                back = time.monotonic() - resumed
                await asyncio.sleep(2.0)  # notes after the return, too
                stop.set()
                await loading
                sent = list(await asyncio.gather(*tasks)) + burst.sent
                await serve.settle(settled, timeout=90)
                settled_after = time.monotonic() - resumed
                await asyncio.sleep(0.5)  # the probes' last samples, after the settling
            health, ready = probe["healthz"].samples(), probe["readyz"].samples()
            assert serve.proc is not None and serve.proc.returncode is None \
                and serve.pid == pid, "serve was restarted (or died) during the outage"
        finally:
            await serve.stop()

    acked = [s for s in sent if s.acked]
    statuses = Counter(s.status for s in sent)
    lost, twice = lost_and_twice(serve, REF, acked)
    delayed_told = Counter(r["rid"] for r in fake_slack.responses
                           if "cannot reach its database" in str(r))
    slowest = max(health, key=lambda s: s["took"])
    during_health = [s for s in health if paused <= s["t"] <= resuming]
    before_ready = [s for s in ready if s["t"] + s["took"] < pausing]
    # Answered while the server was down (sent after it stopped, answered before it was
    # started again): the store could not write, whatever else happened. Each such answer
    # may take /readyz's 2 s deadline, so about two fit in the outage.
    down_ready = [s for s in ready if s["t"] >= paused and s["t"] + s["took"] <= resuming]
    after_ready = [s for s in ready if s["t"] >= resumed]
    print(f"\nPostgreSQL down {resuming - paused:.1f} s under {RATE} notes/s and a burst of "
          f"{BACKLOG} before: {len(sent)} sent, {len(acked)} answered 200 ({len(caught)} not "
          f"yet done when the server stopped), statuses {dict(statuses)}; lost {len(lost)}, twice "
          f"{len(twice)}; /healthz max {slowest['took'] * 1000:.0f} ms "
          f"({slowest['t'] - paused:+.1f} s from the stop) over {len(health)} probes "
          f"({len(during_health)} during the outage); /readyz before "
          f"{Counter(s['status'] for s in before_ready)}, while down "
          f"{Counter(s['status'] for s in down_ready)}, 200 again {back:.1f} s after the "
          f"return; settled {settled_after:.1f} s after it; acks p99 "
          f"{sorted(s.took for s in sent)[int(len(sent) * 0.99) - 1]:.2f} s, max "
          f"{max(s.took for s in sent):.2f} s; 'delayed' told {sum(delayed_told.values())} "
          f"times to {len(delayed_told)} senders")

    assert caught, "no acknowledged note was waiting when the server stopped: a bigger burst"
    assert not lost and not twice, report("PostgreSQL stopped for 5 s", len(acked), lost, twice,
                                          f" ({len(caught)} waiting when it stopped)")
    assert set(statuses) <= {200, 503}, f"answers other than 200 or 503: {dict(statuses)}"
    assert [k for k, n in delayed_told.items() if n > 1] == [], \
        "a sender was told more than once that the command is delayed"
    late = [s for s in sent if s.took > ACK_WITHIN]
    assert not late, (
        f"{len(late)} of {len(sent)} requests answered after Slack's {ACK_WITHIN:.0f} s "
        f"(statuses {dict(Counter(s.status for s in late))}, slowest "
        f"{max(s.took for s in late):.1f} s): the ack waited for the database to come back")
    assert [k for k, n in delayed_told.items() if n > 1] == [], \
        "a sender was told more than once that the command is delayed"
    assert all(s["status"] == 200 for s in health), \
        f"/healthz did not answer 200: {Counter(s['status'] for s in health)}"
    assert len(during_health) >= OUTAGE / 0.05 / 2, \
        f"/healthz was probed {len(during_health)} times during the outage"
    assert slowest["took"] < HEALTHZ_WITHIN, (
        f"/healthz took {slowest['took'] * 1000:.0f} ms at {slowest['t'] - paused:+.2f} s "
        f"from the outage's start")
    assert before_ready and all(s["status"] == 200 for s in before_ready), \
        f"/readyz before the outage: {Counter(s['status'] for s in before_ready)}"
    assert down_ready and all(s["status"] == 503 for s in down_ready), \
        f"/readyz while the server was down: {Counter(s['status'] for s in down_ready)}"
    assert after_ready[-1]["status"] == 200, "/readyz is not 200 after the settling"


async def test_postgres_backends_terminated_under_a_burst_lose_no_acknowledged_note(
        tmp_path: Path, fake_slack: FakeSlack, own_cluster: Cluster) -> None:
    import psycopg

    fake_slack.add_channel("swarm-triage")
    url = own_cluster.new_database()
    name = url.rsplit("/", 1)[1]
    serve = PgServe(tmp_path, fake_slack, url)
    serve.migrate()
    connector = aiohttp.TCPConnector(limit=64)
    terminated: list[int] = []
    async with aiohttp.ClientSession(connector=connector) as http:
        await serve.start(http)
        pid = serve.pid
        try:
            await open_case(serve, http, OWNER, REF)
            burst = Burst(serve, http, (OWNER,), REF, concurrency=16)
            sending = asyncio.ensure_future(burst.run(limit=BURST))

            def terminate() -> int:
                with psycopg.connect(own_cluster.url, autocommit=True) as conn:
                    rows = conn.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()
                return len(rows)

            for k in range(KILLS):  # spread over the burst: each one under load
                while len(burst.sent) < BURST * (k + 1) // (KILLS + 1):
                    assert not sending.done(), "the burst ended before the terminations"
                    await asyncio.sleep(0.005)
                terminated.append(await asyncio.to_thread(terminate))
            await sending
            await serve.settle(settled, timeout=90)
            assert serve.proc is not None and serve.proc.returncode is None \
                and serve.pid == pid, "serve was restarted (or died)"
        finally:
            await serve.stop()
    acked = burst.acked
    statuses = Counter(s.status for s in burst.sent)
    lost, twice = lost_and_twice(serve, REF, acked)
    delayed_told = Counter(r["rid"] for r in fake_slack.responses
                           if "cannot reach its database" in str(r))
    print(f"\n{KILLS} x pg_terminate_backend under a burst of {BURST} notes (backends ended "
          f"each time: {terminated}): {len(acked)} answered 200, statuses {dict(statuses)}; "
          f"lost {len(lost)}, twice {len(twice)}; 'delayed' told "
          f"{sum(delayed_told.values())} times to {len(delayed_told)} senders; acks max "
          f"{max(s.took for s in burst.sent):.2f} s")
    assert sum(terminated) >= KILLS, f"too few backends were terminated: {terminated}"
    assert not lost and not twice, report(f"{KILLS} x pg_terminate_backend", len(acked),
                                          lost, twice)
    assert set(statuses) <= {200, 503}, f"answers other than 200 or 503: {dict(statuses)}"
    assert [k for k, n in delayed_told.items() if n > 1] == [], \
        "a sender was told more than once that the command is delayed"
