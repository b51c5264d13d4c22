"""One unit of work (issue 23): `swarmbot erase --customer` on the SQLite file a `serve` is
serving from, while Slack sends 25 commands a second.

Erase redacts one case per transaction and rewrites the file (VACUUM, under a second for
this week) only at the end, if old copies are left (bot/services/erasure.py,
bot/store/retention.py), so the serving process's writers (its acks first) wait for one
case's redaction at a time, never for the whole customer's. Seen from outside: no ack past
3 s (Slack's limit), /healthz within 100 ms, erase exits 0 and never fails on "database is
locked", no acknowledged note lost or doubled, and no command told it was delayed (the store
did not fail). -s prints the figures (ack p50/p99/max while erase ran).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from testkit.serve_proc import settled
from testkit.slack.fake_slack import FakeSlack
from tests.conftest import REPO
from tests.faults.probe import probes
from tests.faults.serve_load import LoadedServe, Sent, at_rate, lost_and_twice, open_case, report

pytestmark = pytest.mark.slow

OWNER = "UOWNER01"
REF = "ZD-4711"
RATE = 25  # commands a second, before, while and after erase runs
ACK_WITHIN = 3.0  # Slack's limit
# /healthz must not wait for the store: a probe held by it would take seconds (the erase's
# or the outage's length). Half a second is half kubelet's default probe timeout and leaves
# room for a loaded 2-core CI machine, where 100 ms was missed.
HEALTHZ_WITHIN = 0.5
# One synthetic week (`swarmbot demo --bulk`, ~5 s), every SHARE-th case of it then made
# the big customer's: 3,000 cases, whose erasure takes several seconds on an idle machine.
CASES = 12000
SHARE = 4
BIG = "Initrode Worldwide"
WEEK = "2026-W10"


@pytest.fixture(scope="module")
def big_customer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    """A database with a week of cases, a quarter of them one customer's; that customer
    and how many cases it has."""
    db = tmp_path_factory.mktemp("erase") / "week.db"
    subprocess.run([sys.executable, "-m", "adapters.cli", "demo", "--db", str(db), "--bulk",
                    "--weeks", "1", "--cases-per-week", str(CASES), "--seed", "1",
                    "--end-week", WEEK], cwd=REPO, check=True, capture_output=True, timeout=120)
    with sqlite3.connect(db) as conn:  # test data: the customer column is no index's
        conn.execute("UPDATE cases SET customer = ? WHERE id % ? = 0", (BIG, SHARE))
        (cases,) = conn.execute("SELECT COUNT(*) FROM cases WHERE customer = ?",
                                (BIG,)).fetchone()
    conn.close()
    return db, BIG, cases


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def test_erase_of_a_big_customer_while_serving_keeps_acks_within_3_s(
        tmp_path: Path, fake_slack: FakeSlack, big_customer: tuple[Path, str, int],
        request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--store") == "postgres":
        # Its serve and its erase work on a SQLite file whatever --store says: the run
        # without --store is this test; a second run of the same would measure nothing new.
        pytest.skip("a SQLite test (serve and erase on a SQLite file): run without --store")
    source, customer, cases = big_customer
    fake_slack.add_channel("swarm-triage")
    serve = LoadedServe(tmp_path, fake_slack)
    shutil.copyfile(source, serve.db)
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector) as http:
        await serve.start(http)
        pid = serve.pid
        try:
            await open_case(serve, http, OWNER, REF)
            async with probes(serve.base, tmp_path, healthz=0.05) as probe:
                tasks: list[asyncio.Task[Sent]] = []
                stop = asyncio.Event()
                loading = asyncio.ensure_future(at_rate(
                    lambda i: serve.send(http, OWNER, f"note {REF} erase note {i:05d}"),
                    RATE, stop, tasks))
                await asyncio.sleep(2.0)
                erase_started = time.monotonic()
                erase = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "adapters.cli", "erase", "--db", str(serve.db),
                    "--customer", customer, "--by", "test", cwd=REPO,
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
                out, err = await asyncio.wait_for(erase.communicate(), 100)
                erase_ended = time.monotonic()
                await asyncio.sleep(1.0)  # commands after it, too
                stop.set()
                await loading
                sent = list(await asyncio.gather(*tasks))
                await serve.settle(settled, timeout=60)
            health = probe["healthz"].samples()
            assert serve.proc is not None and serve.proc.returncode is None \
                and serve.pid == pid, "serve died"
        finally:
            await serve.stop()

    said = out.decode() + err.decode()
    erased = [line for line in out.decode().splitlines() if line.startswith("erased ")]
    acked = [s for s in sent if s.acked]
    statuses = Counter(s.status for s in sent)
    during = [s.took for s in sent if erase_started <= s.at - s.took <= erase_ended]
    took = [s.took for s in sent]
    worst = max(sent, key=lambda s: s.took)
    lost, twice = lost_and_twice(serve, REF, acked)
    delayed_told = sum(1 for r in fake_slack.responses if "cannot reach its database" in str(r))
    slowest = max(health, key=lambda s: s["took"])
    during_health = [s for s in health if erase_started <= s["t"] <= erase_ended]
    store = serve.store()
    try:
        left = store.retention.cases_of_customer(customer)
    finally:
        store.close()
    print(f"\nerase --customer {customer!r} ({cases} cases) took "
          f"{erase_ended - erase_started:.1f} s, exit {erase.returncode}, while {RATE} "
          f"commands/s: {len(sent)} sent ({len(during)} while erase ran), statuses "
          f"{dict(statuses)}; acks while erase ran p50 {_percentile(during, 0.5) * 1000:.0f} ms,"
          f" p99 {_percentile(during, 0.99) * 1000:.0f} ms, max {max(during) * 1000:.0f} ms "
          f"(all: max {max(took) * 1000:.0f} ms, sent {worst.at - worst.took - erase_started:+.1f}"
          f" s from erase's start); /healthz max {slowest['took'] * 1000:.0f} ms "
          f"over {len(health)} probes ({len(during_health)} while erase ran); lost "
          f"{len(lost)}, twice {len(twice)}; 'delayed' told {delayed_told} times")

    assert erase.returncode == 0, f"erase exited {erase.returncode}: {said[-3000:]}"
    assert "database is locked" not in said, said[-3000:]
    assert len(erased) == cases and left == [], \
        f"{len(erased)} of {cases} cases erased, {len(left)} still the customer's"
    assert during and len(during_health) >= 10, "the load did not run while erase did"
    assert set(statuses) == {200}, f"answers other than 200: {dict(statuses)}"
    assert max(took) <= ACK_WITHIN, (
        f"{sum(1 for t in took if t > ACK_WITHIN)} acks past {ACK_WITHIN:.0f} s, slowest "
        f"{max(took):.1f} s")
    assert all(s["status"] == 200 for s in health), \
        f"/healthz did not answer 200: {Counter(s['status'] for s in health)}"
    assert slowest["took"] < HEALTHZ_WITHIN, (
        f"/healthz took {slowest['took'] * 1000:.0f} ms at "
        f"{slowest['t'] - erase_started:+.2f} s from erase's start")
    assert not lost and not twice, report("erase while serving", len(acked), lost, twice)
    assert delayed_told == 0, f"{delayed_told} commands were told the store failed"
