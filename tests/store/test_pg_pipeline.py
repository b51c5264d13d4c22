"""PostgreSQL's digest reads in one round trip (bot/store/pg_pipeline.py, issue 28, seventh
session): the rows are those of the statements run one by one, prepared the second time as
`pg_lean.run` prepares them; a failing statement raises its own error and leaves the
connection usable (a transaction of the reads' own rolled back, the caller's left to roll
back); the reads share one read-only snapshot; the thread waits without the GIL; a tenant's
window keeps to its workspace; and long values are compressed with lz4."""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from typing import Any

import psycopg
import pytest

from bot import tenancy
from bot.store import pg_digest, pg_pipeline
from bot.store.digest_as_of import as_of_params
from bot.store.interfaces import WINDOW_READS, Store
from bot.store.postgres import _PG_TENANT_AS_OF_SQL, _PG_TENANT_WINDOW_SQL
from tests.store.test_search import _case

LO, HI = "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"
IN = "2026-03-03T10:00:00Z"


def _db(store: Store) -> Any:
    return store.db  # type: ignore[attr-defined]


STATEMENTS: list[tuple[str, tuple[Any, ...]]] = [
    ("SELECT id, ref FROM cases WHERE id >= ? ORDER BY id", (0,)),
    ("SELECT ?::text, ?::bigint, ?::text IS NULL", ("a'?b", 2**40, None)),
    ("SELECT count(*) FROM cases WHERE id = ANY(?)", ([1, 2, 3],)),
    ("SELECT 1 WHERE false", ()),
    ("UPDATE cases SET customer = customer WHERE id < 0", ()),  # no rows: []
]


def test_rows_are_those_run_one_by_one_and_prepared_on_the_second_run(pg: Store) -> None:
    db = _db(pg)
    for i in range(3):
        _case(pg, f"ZD-{i}", f"printer jams on tray {i}")
    prepared = ("SELECT count(*) FROM pg_prepared_statements "
                "WHERE statement NOT LIKE '%pg_prepared_statements%'")
    with db.transaction():  # one connection for all below
        alone = [db.tuples(sql, params) for sql, params in STATEMENTS]  # run once: seen
        assert alone[0] and alone[1] == [("a'?b", 2**40, True)]
        before = db.tuples(prepared)[0][0]
        assert pg_pipeline.reads(db, STATEMENTS) == alone  # the second run: prepared
        after = db.tuples(prepared)[0][0]
        assert pg_pipeline.reads(db, STATEMENTS) == alone  # the third: prepared already
        again = db.tuples(prepared)[0][0]
        assert [db.tuples(sql, params) for sql, params in STATEMENTS] == alone
        shared = db.tuples(prepared)[0][0]  # pg_lean.run runs the pipeline's prepared ones
    assert after - before == len(STATEMENTS) and again == after == shared


def test_a_failing_statement_raises_its_error_and_the_connection_goes_on(pg: Store) -> None:
    db = _db(pg)
    cid = _case(pg, "ZD-1", "vpn tunnel drops")
    bad = [STATEMENTS[0], ("SELECT 1 / ?::int", (0,)), STATEMENTS[1]]
    with pytest.raises(psycopg.errors.DivisionByZero):
        pg_pipeline.reads(db, bad)
    # the reads' own transaction is gone: the next statement runs (and may write)
    db.execute("UPDATE cases SET customer = 'Globex' WHERE id = ?", (cid,))
    assert pg_pipeline.reads(db, STATEMENTS[:1]) == [[(cid, "ZD-1")]]
    # in the caller's transaction: the error goes up and the caller's work is rolled back
    with pytest.raises(psycopg.errors.DivisionByZero), db.transaction():
        db.execute("UPDATE cases SET customer = 'Initech' WHERE id = ?", (cid,))
        pg_pipeline.reads(db, bad)
    assert db.tuples("SELECT customer FROM cases WHERE id = ?", (cid,)) == [("Globex",)]
    assert pg_pipeline.reads(db, STATEMENTS[1:2]) == [[("a'?b", 2**40, True)]]


def test_the_reads_share_one_read_only_snapshot(pg: Store) -> None:
    db = _db(pg)
    setting = ("SELECT current_setting('transaction_isolation'), "
               "current_setting('transaction_read_only'), pg_current_snapshot()::text")
    first, second = pg_pipeline.reads(db, [(setting, ()), (setting, ())])
    assert first[0][:2] == ("repeatable read", "on") and first == second
    with db.transaction():  # the caller's: its isolation, and it may write
        (inside,), = pg_pipeline.reads(db, [(setting, ())])
        db.execute("UPDATE cases SET customer = customer WHERE id < 0")
    assert inside[:2] == ("read committed", "off")


def test_the_thread_waits_for_the_server_without_the_gil(pg: Store) -> None:
    db = _db(pg)
    longest = 0.0  # the longest the other thread went without running, during the read
    reading = threading.Event()
    done = threading.Event()

    def tick() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not done.is_set():
            now = time.perf_counter()
            if reading.is_set():
                longest = max(longest, now - last)
            last = now

    with db.transaction():  # the connection taken before the ticking starts
        ticker = threading.Thread(target=tick)
        ticker.start()
        try:
            reading.set()
            started = time.perf_counter()
            pg_pipeline.reads(db, [("SELECT pg_sleep(?)", (0.4,))])
            waited = time.perf_counter() - started
        finally:
            done.set()
            ticker.join()
    # holding the GIL through the server's 0.4 s, the wait would have stopped the other
    # thread for all of it; with the GIL free it runs on (a gap of a switch interval, 5 ms,
    # or what the machine's load adds)
    assert waited >= 0.4 and longest < 0.2


def test_a_tenants_window_keeps_to_its_workspace(pg: Store) -> None:
    db = _db(pg)
    ours, theirs, secret = (_case(pg, f"ZD-{i}", "invoice wrong VAT") for i in range(3))
    db.execute("UPDATE cases SET workspace = 'T1', opened_at = ?, resolved_at = ?, "
               "status = 'resolved' WHERE id IN (?, ?)", (IN, IN, ours, secret))
    db.execute("UPDATE cases SET workspace = 'T2', opened_at = ?, resolved_at = ?, "
               "status = 'resolved' WHERE id = ?", (IN, IN, theirs))
    db.execute("UPDATE cases SET confidential = 1 WHERE id = ?", (secret,))
    for cid, ws in ((ours, "T1"), (theirs, "T2"), (secret, "T1"), (None, "T1")):
        db.execute("INSERT INTO thanks (case_id, from_id, to_id, what, at, workspace) "
                   "VALUES (?, 'ann', 'bob', 'the fix', ?, ?)", (cid, IN, ws))
        if cid is not None:
            db.execute("INSERT INTO touchpoints (case_id, function, what, by_id, at) "
                       "VALUES (?, 'billing', 'asked', 'bob', ?)", (cid, IN))
    with tenancy.scoped(tenancy.Tenant("T1")):
        window = pg.digest.window(LO, HI)
        shaped = as_of_params(LO, HI, HI, 0, ("T1",))
        one_by_one = {name: pg_digest.resolved(db, LO, HI, ("T1",)) if name == "resolved"
                      else db.tuples(_PG_TENANT_WINDOW_SQL[name], (LO, HI, "T1"))
                      if name in _PG_TENANT_WINDOW_SQL
                      else db.tuples(_PG_TENANT_AS_OF_SQL[name], shaped[name])
                      for name in WINDOW_READS}
    assert window == one_by_one
    assert len(window["resolved"]) == 2  # ours and the confidential one: counted
    assert [r[-1] for r in window["thanks"]] == ["ZD-0", None]  # no secret's, no T2's
    assert sorted(window["touchpoints"]) == sorted([(ours, "billing"), (secret, "billing")])
    everyone = pg.digest.window(LO, HI)
    assert len(everyone["resolved"]) == 3 and len(everyone["thanks"]) == 3


def test_long_values_are_compressed_with_lz4(pg: Store) -> None:
    db = _db(pg)
    if "lz4" not in db.tuples("SELECT enumvals FROM pg_settings "
                              "WHERE name = 'default_toast_compression'")[0][0]:
        pytest.skip("this PostgreSQL is built without lz4")
    with db.transaction():
        assert db.tuples("SHOW default_toast_compression") == [("lz4",)]
        db.execute("INSERT INTO digest_kept (week, tz, lo, hi, figures, computed_at) "
                   "VALUES ('2026-W10', 'UTC', ?, ?, repeat('{\"a\": 1}', 10000), ?)",
                   (LO, HI, LO))
        method = db.tuples("SELECT pg_column_compression(figures) FROM digest_kept")
    assert method == [("lz4",)]


# side_by_side: each part on its own connection, one exported snapshot (issue 28, ninth
# session: the digest's two weeks read at once, a backend each).
_WHO = ("SELECT pg_backend_pid(), current_setting('transaction_isolation'), "
        "current_setting('transaction_read_only'), pg_current_snapshot()::text", ())


def test_side_by_side_parts_run_on_their_own_connections_in_one_snapshot(pg: Store) -> None:
    db = _db(pg)
    cid = _case(pg, "ZD-1", "vpn tunnel drops")
    # A write committed by another transaction between two reads would show in a later
    # snapshot: give the server one to see (the parts must all see the same).
    db.execute("UPDATE cases SET customer = 'Globex' WHERE id = ?", (cid,))
    parts = [[_WHO, STATEMENTS[0]], [_WHO, STATEMENTS[1]], [_WHO]]
    first, second, third = pg_pipeline.side_by_side(db, parts)
    pids = {part[0][0][0] for part in (first, second, third)}
    assert len(pids) == 3, "each part on a backend of its own"
    assert {part[0][0][1:] for part in (first, second, third)} == {
        ("repeatable read", "on", first[0][0][3])}, "one read-only snapshot"
    assert first[1] == [(cid, "ZD-1")] and second[1] == [("a'?b", 2**40, True)]
    # the same rows as one pipeline gives them
    assert pg_pipeline.side_by_side(db, [STATEMENTS[:2], STATEMENTS[2:4]]) == [
        pg_pipeline.reads(db, STATEMENTS[:2]), pg_pipeline.reads(db, STATEMENTS[2:4])]
    # nothing left open: every connection back in the pool, idle
    assert db.tuples("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                     "current_database() AND state LIKE 'idle in transaction%'") == [(0,)]


def test_side_by_side_one_snapshot_holds_while_another_session_writes(
        pg: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write committed after the first part's snapshot is taken, before the other parts
    begin, is in no part: they read the exported snapshot, not one of their own."""
    db = _db(pg)
    cid = _case(pg, "ZD-1", "vpn tunnel drops")
    exported = pg_pipeline._exported

    def then_a_write(conn: Any) -> bytes:
        snapshot = exported(conn)
        with psycopg.connect(db.url, autocommit=True) as other:
            other.execute("UPDATE cases SET customer = 'Initech' WHERE id = %s", (cid,))
        return snapshot

    monkeypatch.setattr(pg_pipeline, "_exported", then_a_write)
    count = ("SELECT count(*) FROM cases WHERE customer = 'Initech'", ())
    assert pg_pipeline.side_by_side(db, [[count], [count], [count]]) == [[[(0,)]]] * 3
    assert db.tuples(*count) == [(1,)]  # the write landed meanwhile


def test_side_by_side_a_failing_part_raises_its_error_and_every_connection_goes_on(
        pg: Store) -> None:
    db = _db(pg)
    cid = _case(pg, "ZD-1", "vpn tunnel drops")
    bad = [("SELECT 1 / ?::int", (0,))]
    for parts in ([STATEMENTS[:4], bad], [bad, STATEMENTS[:4]]):
        with pytest.raises(psycopg.errors.DivisionByZero):
            pg_pipeline.side_by_side(db, parts)
        assert db.tuples("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                         "current_database() AND state LIKE 'idle in transaction%'") == [(0,)]
    db.execute("UPDATE cases SET customer = 'Globex' WHERE id = ?", (cid,))
    assert pg_pipeline.side_by_side(db, [STATEMENTS[:1], STATEMENTS[1:2]]) == [
        [[(cid, "ZD-1")]], [[("a'?b", 2**40, True)]]]


def test_side_by_side_goes_on_one_connection_inside_a_transaction_or_without_a_spare(
        pg: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _db(pg)
    with db.transaction():  # the caller's snapshot: one connection, the caller's
        (mine,), (also,) = pg_pipeline.side_by_side(db, [[_WHO], [_WHO]])
        assert mine[0] == also[0] and mine[0][1] == "read committed"
    monkeypatch.setattr(db, "spare", lambda: nullcontext(None))  # the pool busy
    (one,), (other,) = pg_pipeline.side_by_side(db, [[_WHO], [_WHO]])
    assert one[0] == other[0] and one[0][1:3] == ("repeatable read", "on")


def test_a_spare_connection_is_none_when_the_pool_has_none_free(pg_url: str) -> None:
    from bot.store.pg_db import SPARE_WAIT, PgDb

    db = PgDb(pg_url, min_size=1, max_size=1)
    try:
        with db.pool.connection():  # the only one, taken
            started = time.perf_counter()
            with db.spare() as spare:
                assert spare is None
            assert time.perf_counter() - started < SPARE_WAIT + 0.5
        with db.spare() as spare:  # given back: free again
            assert spare is not None and spare.execute("SELECT 1").fetchone() is not None
    finally:
        db.close()


def test_side_by_side_with_a_pool_of_one_reads_on_that_one(pg_url: str) -> None:
    """The pool has no connection to spare (its only one is the reads' own): the parts go
    on that one, not on a second taken from the pool (which would wait for it, then fail)."""
    from bot.store.pg_db import PgDb

    db = PgDb(pg_url, min_size=1, max_size=1)
    try:
        (one,), (other,) = pg_pipeline.side_by_side(db, [[_WHO], [_WHO]])
        assert one[0] == other[0] and one[0][1:3] == ("repeatable read", "on")
    finally:
        db.close()
