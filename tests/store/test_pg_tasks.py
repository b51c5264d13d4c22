"""PostgreSQL: a transaction's connection belongs to the task that opened it. `serve` runs
every request on one thread, and a command's transaction stays open across its awaits; a
statement from another request meanwhile (Slack's ack writing the inbox) must commit on its
own, not ride in that transaction and vanish with its rollback."""

from __future__ import annotations

import asyncio

import pytest

from bot.store.pg_db import PgDb
from bot.store.postgres import open_pg_store
from testkit.replicas import until
from tests.store.conftest import T0


class RolledBack(Exception):
    pass


@pytest.mark.postgres
async def test_another_tasks_write_does_not_join_an_open_transaction(pg_url: str) -> None:
    store = open_pg_store(pg_url)
    opened, written = asyncio.Event(), asyncio.Event()

    async def command() -> None:
        with pytest.raises(RolledBack), store.transaction():
            store.people.ensure("ann", "slack", "Ann", None, T0)
            opened.set()
            await written.wait()  # the command awaits; another request runs meanwhile
            raise RolledBack

    async def ack() -> None:
        await opened.wait()
        assert store.inbox.put("ev-1", "slack", "{}", T0)
        written.set()

    try:
        await asyncio.wait_for(asyncio.gather(command(), ack()), 10)
        assert store.people.get("ann") is None, "the command's own write was rolled back"
        assert not store.inbox.put("ev-1", "slack", "{}", T0), \
            "the ack's inbox row survived the other task's rollback"
    finally:
        store.close()


@pytest.mark.postgres
async def test_a_thread_started_inside_a_transaction_takes_its_own_connection(
        pg_url: str) -> None:
    store = open_pg_store(pg_url)
    try:
        with store.transaction():
            store.people.ensure("bob", "slack", "Bob", None, T0)
            # Another connection: the uncommitted row is not visible to it.
            seen = await asyncio.to_thread(store.people.get, "bob")
            assert seen is None
        assert store.people.get("bob") is not None
    finally:
        store.close()


@pytest.mark.postgres
async def test_a_replay_on_another_replica_waits_for_the_run_and_finds_it_done(
        pg_url: str) -> None:
    """Two replicas (two stores, two connections): one runs a delivery; the other, started
    meanwhile, replays it from the inbox. The replay waits for the run's commit, then finds
    the delivery done: it is done once."""
    first, second = open_pg_store(pg_url), open_pg_store(pg_url)
    try:
        assert first.inbox.put("ev-9", "slack", "{}", T0)
        with first.transaction():
            assert first.inbox.take("ev-9", T0)
            # The replay blocks on the row until this commits: run it in a thread.
            replay = asyncio.ensure_future(asyncio.to_thread(second.inbox.take, "ev-9", T0))
            # Committed only once the replay is seen waiting for the row's lock.
            watcher = PgDb(pg_url)
            try:
                await until(lambda: watcher.execute(
                    "SELECT COUNT(*) AS n FROM pg_locks WHERE NOT granted").fetchone()["n"] > 0,
                    "the replay waiting for the row", 10)
            finally:
                watcher.close()
            assert not replay.done()
        assert await asyncio.wait_for(replay, 10) is False
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
async def test_a_redelivery_to_another_replica_does_not_wait_for_the_run(
        pg_url: str) -> None:
    """A delivery sent to two replicas: one runs it (its unit took the row, not committed
    yet); the other's inbox write of the same key, and of a new key in the same batch,
    answer at once (seen before / fresh), without waiting for the run's commit: the acks
    of that replica queue behind that one statement on its inbox thread."""
    first, second = open_pg_store(pg_url), open_pg_store(pg_url)
    try:
        assert first.inbox.put("ev-7", "slack", "{}", T0)
        with first.transaction():
            assert first.inbox.take("ev-7", T0)
            put = asyncio.to_thread(second.inbox.put_many,
                                    [("ev-7", "slack", "{}", False),
                                     ("ev-8", "slack", "{}", False)], T0)
            assert await asyncio.wait_for(put, 5) == [False, True]
            assert not await asyncio.wait_for(
                asyncio.to_thread(second.inbox.put, "ev-7", "slack", "{}", T0), 5)
        assert [i.key for i in second.inbox.pending("slack")] == ["ev-8"]
    finally:
        first.close()
        second.close()
