"""Nothing lost, nothing twice, no half-open swarm (issue 9), on a real `swarmbot serve`.

The fake Slack fails a share of Web API calls with every fault kind (429 with Retry-After
in seconds or as a date, 500, the connection dropped before Slack acts or after it acted);
crashes are a real `kill -9` of the serve process. Figures of a run are printed (-s).
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import aiohttp

from testkit.serve_proc import Serve, half_open, settled
from testkit.slack.fake_slack import FakeSlack

OPENS = 50


async def _opens(serve: Serve, http: aiohttp.ClientSession, first: int, n: int) -> list[bool]:
    gate = asyncio.Semaphore(8)  # a busy support floor, not a thundering herd

    async def one(i: int) -> bool:
        async with gate:
            return await serve.slash(http, f"U{i:04d}", f"open ZD-{i} sev2 customer {i} down")
    return await asyncio.gather(*(one(i) for i in range(first, first + n)))


async def _faulty_opens(tmp_path: Path, fake: FakeSlack, rate: float,
                        kinds: tuple[str, ...]) -> None:
    fake.add_channel("swarm-triage")
    serve = Serve(tmp_path, fake)
    async with aiohttp.ClientSession() as http:
        await serve.start(http)
        try:
            fake.inject(rate, kinds)
            acked = await _opens(serve, http, 1, OPENS)
            assert all(acked)  # the ack path never calls Slack
            await serve.settle(lambda s: not s.inbox.pending("slack"))
            fake.inject(0)  # the faults stop; the worker finishes what is left
            await serve.settle(settled)
        finally:
            await serve.stop()
    store = serve.store()
    try:
        problems = half_open(fake, store)
        cases = len(store.cases.all())
        print(f"\n{rate:.0%} faults {kinds}: injected {fake.injected}; {cases} cases; "
              f"outbox {store.outbox.counts()}; problems {problems}")
        assert cases == OPENS  # every acknowledged open is done ...
        assert problems == {k: [] for k in problems}  # ... and its swarm whole, once
        assert len(fake.responses) == OPENS  # ... and its user answered
        assert sum(fake.injected.values()) > 20  # the faults really happened
    finally:
        store.close()


async def test_twenty_percent_faults_of_every_kind_leave_no_half_open_swarm(
        tmp_path: Path, fake_slack: FakeSlack) -> None:
    await _faulty_opens(tmp_path, fake_slack, 0.2, ("429", "500", "drop_before", "drop_after"))


async def test_half_the_connections_dropped_every_acknowledged_open_is_done(
        tmp_path: Path, fake_slack: FakeSlack) -> None:
    await _faulty_opens(tmp_path, fake_slack, 0.5, ("drop_before", "drop_after"))


def _burst(cases: int) -> list[tuple[str, str, str]]:
    """(user, text, tag) for a burst of opens, notes and handoffs: 5 commands a case."""
    out = []
    for i in range(1, cases + 1):
        owner = f"U{i:04d}"
        out.append((owner, f"open ZD-{i} sev3 burst case {i}", f"open {i}"))
        for n in range(3):
            out.append((owner, f"note ZD-{i} burst note {i}.{n}", f"note {i}.{n}"))
        out.append((owner, f"handoff ZD-{i} <@U9{i:03d}> please take burst {i}",
                    f"handoff {i}"))
    return out


async def test_kill_9_at_random_points_of_a_burst_loses_nothing_and_doubles_nothing(
        tmp_path: Path, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("swarm-triage")
    serve = Serve(tmp_path, fake_slack)
    burst = _burst(40)  # 200 commands
    rng = random.Random(2026)
    kills = sorted(rng.sample(range(10, len(burst) - 10), 4))
    acked: set[str] = set()
    async with aiohttp.ClientSession() as http:
        await serve.start(http)
        try:
            for i, (user, text, tag) in enumerate(burst):
                if i in kills:
                    # A random moment: some commands acked and not yet processed, some
                    # platform calls half-way. SIGKILL: no clean-up of any kind.
                    await asyncio.sleep(rng.uniform(0, 0.05))
                    serve.kill9()
                    await serve.wait()
                    await serve.start(http)
                if await serve.slash(http, user, text):
                    acked.add(tag)
                    if tag.startswith("open"):
                        # The owner goes on once the case is opened (it may be answered
                        # only after a restart replays it), as a person would.
                        await serve.answered(serve.last_rid())
            await serve.settle(settled)
        finally:
            await serve.stop()
    store = serve.store()
    try:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        lost, twice = [], []
        for i in range(1, 41):
            case = store.cases.by_ref(f"ZD-{i}")
            if case is None:
                lost += [f"open {i}"] if f"open {i}" in acked else []
                continue
            notes = [e.text for e in store.timeline.events(case.id) if e.kind == "note"]
            for n in range(3):
                count = sum(1 for t in notes if t == f"burst note {i}.{n}")
                if count > 1:
                    twice.append(f"note {i}.{n}")
                elif count == 0 and f"note {i}.{n}" in acked:
                    lost.append(f"note {i}.{n}")
            offers = store.cases.handoffs(case.id)
            if len(offers) > 1:
                twice.append(f"handoff {i}")
            elif not offers and f"handoff {i}" in acked:
                lost.append(f"handoff {i}")
        problems = half_open(fake_slack, store)
        print(f"\nkill -9 at {kills}: {len(acked)} of {len(burst)} acked; lost {lost}; "
              f"twice {twice}; outbox {store.outbox.counts()}; problems {problems}")
        assert len(acked) >= len(burst) - len(kills)  # only a killed request goes unacked
        assert lost == [] and twice == []
        assert problems == {k: [] for k in problems}
    finally:
        store.close()
