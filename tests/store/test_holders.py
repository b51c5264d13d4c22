"""Issue 23: a dead replica's rows are taken over at once, a live one's never (bot/store/
pg_holders.py). Each store here is a replica: its own connections, its own holder lock; a
replica "dies" as a killed process does, by its session ending (its holder connection
closed, or its backend terminated)."""

from __future__ import annotations

import asyncio

import pytest

from bot.store.interfaces import Store
from bot.store.postgres import PgStore, open_pg_store
from tests.store.conftest import T0

LATER = "2026-03-02T09:00:10+00:00"
LEASE = "2026-03-02T09:05:00+00:00"


def _replica(url: str) -> PgStore:
    store = open_pg_store(url)
    assert store.holders.hold()
    return store


def _pending(store: Store) -> list[str]:
    """The keys a replica's pass sees, in the order they arrived (m061: this test's rows are
    received in the same second, which PostgreSQL's heap once handed back reversed)."""
    return [i.key for i in store.inbox.pending("slack")]


def test_one_process_holds_nothing_and_takes_nothing_over(store: Store) -> None:
    """SQLite (and a PostgreSQL process that never serves): rows are nobody's, every pass
    sees them all, as before holders."""
    if store.holders.several():
        pytest.skip("PostgreSQL: the replica tests below")
    assert store.holders.me() is None and store.holders.hold()
    store.inbox.put("ev-1", "slack", "{}", T0)
    assert _pending(store) == ["ev-1"]
    assert store.holders.take_over(LATER).keys == []


@pytest.mark.postgres
def test_a_dead_replicas_rows_are_taken_over_and_a_live_ones_are_not(pg_url: str) -> None:
    a, b, c = _replica(pg_url), _replica(pg_url), _replica(pg_url)
    try:
        assert a.inbox.put("ev-a1", "slack", "{}", T0)
        assert a.inbox.put("ev-a2", "slack", "{}", T0)
        assert b.inbox.put("ev-b1", "slack", "{}", T0)
        call = a.outbox.add(None, "slack", "post", {"text": "hi"}, T0)
        assert a.outbox.take(call, T0, LEASE) is not None  # leased by A until LEASE
        # Each replica's pass sees its own rows only.
        assert _pending(a) == ["ev-a1", "ev-a2"] and _pending(b) == ["ev-b1"]
        assert _pending(c) == []
        # A lives: nothing of it is taken, however old its rows.
        assert c.holders.take_over(LATER).keys == [] and c.holders.take_over(LATER).calls == 0
        a.holders.close()  # A's session ends, as when its process is killed
        taken = c.holders.take_over(LATER)
        assert sorted(taken.keys) == ["ev-a1", "ev-a2"] and taken.calls == 1
        assert _pending(c) == ["ev-a1", "ev-a2"] and _pending(b) == ["ev-b1"]
        # The call A leased is due now, not at the end of its lease; nobody holds it.
        assert [i.id for i in c.outbox.due(LATER)] == [call]
        # Taken once: another look (by anyone) finds nothing more of A's.
        assert b.holders.take_over(LATER).keys == [] and c.holders.take_over(LATER).keys == []
    finally:
        for s in (a, b, c):
            s.close()


@pytest.mark.postgres
async def test_two_replicas_taking_over_at_once_take_each_row_once(pg_url: str) -> None:
    dead = _replica(pg_url)
    takers = [_replica(pg_url) for _ in range(4)]
    try:
        keys = [f"ev-{i}" for i in range(200)]
        for key in keys:
            dead.inbox.put(key, "slack", "{}", T0)
        dead.holders.close()
        looks = await asyncio.gather(*(asyncio.to_thread(t.holders.take_over, LATER)
                                       for t in takers for _ in range(3)))
        taken = [k for look in looks for k in look.keys]
        assert sorted(taken) == sorted(keys), "each row taken over exactly once"
        assert sorted(k for t in takers for k in _pending(t)) == sorted(keys)
    finally:
        for s in (dead, *takers):
            s.close()


@pytest.mark.postgres
def test_a_replica_whose_connection_was_cut_holds_again(pg_url: str) -> None:
    """Its backend terminated (the database restarted, say): the others may take over what
    it held meanwhile; its next look takes its lock again, and from then on it is live."""
    a, b = _replica(pg_url), _replica(pg_url)
    try:
        me = a.holders.me()
        b.db.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = "
                     "'advisory' AND objsubid = 2 AND objid = ?", (me,))
        assert b.inbox.put("ev-b", "slack", "{}", T0)
        a.inbox.put("ev-a", "slack", "{}", T0)
        assert b.holders.take_over(LATER).keys == ["ev-a"]  # A looked dead
        assert a.holders.take_over(LATER).keys == []  # its look fails: the lock is gone
        assert a.holders.take_over(LATER).keys == []  # held again
        a.inbox.put("ev-a2", "slack", "{}", T0)
        assert b.holders.take_over(LATER).keys == [] and _pending(a) == ["ev-a2"]
        assert a.holders.me() == me
    finally:
        a.close()
        b.close()
