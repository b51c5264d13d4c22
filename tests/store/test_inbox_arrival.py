"""Deliveries received in the same second are found pending in the order they arrived
(m061_inbox_arrival): times are stored to the second, and a replay after a crash, or a dead
replica's rows taken over, runs a click on an answer only after the command that made it.
CI found PostgreSQL handing two such rows back the other way round: its heap keeps no order,
and a row put later lands on an earlier page where earlier rows left room."""

from __future__ import annotations

import os

import pytest

from bot.store.interfaces import Store
from bot.store.postgres import open_pg_store
from tests.store.conftest import T0

EARLIER = "2026-11-16T08:59:00Z"


def _big() -> str:
    # ~1.8 kB that does not compress: four rows to a PostgreSQL page, each stored inline
    return os.urandom(900).hex()


def test_rows_of_one_second_come_back_in_the_order_they_arrived(store: Store) -> None:
    for key in ("slack:cmd-z", "slack:click-a", "slack:event-m"):  # not in key order
        assert store.inbox.put(key, "slack", "{}", T0)
    assert [i.key for i in store.inbox.pending("slack")] == [
        "slack:cmd-z", "slack:click-a", "slack:event-m"]


@pytest.mark.postgres
def test_a_row_put_later_on_an_earlier_page_still_comes_after(fresh_pg_url: str) -> None:
    # A database of its own: the shared one's inbox keeps pages from earlier tests (emptied
    # by DELETE), where PostgreSQL could put the rows below anywhere.
    pg = open_pg_store(fresh_pg_url)
    try:
        db = pg.db
        for n in range(4):  # the first page, full
            assert pg.inbox.put(f"filler-{n}", "slack", _big(), EARLIER)
        assert pg.inbox.put("slack:cmd-first", "slack", _big(), T0)  # on the second page
        # the first page's rows go, and VACUUM records its room
        db.execute("DELETE FROM inbox WHERE key LIKE 'filler-%'")
        db.execute("VACUUM inbox")
        other = open_pg_store(fresh_pg_url)  # another replica: its server process puts the
        try:  # row where the free space map finds room
            assert other.inbox.put("slack:click-second", "slack", _big(), T0)
        finally:
            other.close()
        pages = dict(db.tuples("SELECT key, (ctid::text::point)[0] FROM inbox"))
        assert pages["slack:click-second"] < pages["slack:cmd-first"]  # the heap: reversed
        assert [i.key for i in pg.inbox.pending("slack")] == ["slack:cmd-first",
                                                               "slack:click-second"]
    finally:
        pg.close()
