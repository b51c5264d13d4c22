"""Contract: the digest's reads by time window, and the bulk fast path that fills them."""

from __future__ import annotations

from bot.domain import Role
from bot.store import Store
from bot.store.interfaces import WINDOW_READS
from bot.store.interfaces.digest import WindowAsk
from tests.store.conftest import T0, T1, T2, open_case

WEEK = ("2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z")


def test_every_window_read_answers_in_the_documented_shape(store: Store) -> None:
    cid = open_case(store)
    store.people.ensure("bob", "slack", "Bob", None, T0)
    store.cases.add_help_request(cid, ["sso"], None, "ann", T0)
    store.cases.add_participant(cid, "bob", Role.SPECIALIST, T1, None, None)
    store.timeline.append(cid, T1, "joined", "bob", "bob joined")
    store.cases.add_handoff(cid, "ann", "bob", "shift ends", None, T1)
    store.journal.add_mood(cid, "angry", None, "ann", T0)
    store.journal.add_mood(cid, "delighted", None, "ann", T1)
    store.journal.add_thanks(cid, "ann", "bob", "found it", T1)
    store.journal.add_promise(cid, "call back", T2, "ann", T0)
    store.journal.add_touchpoint(cid, "billing", "refund", "ann", T0)
    store.journal.add_friction(None, "refunds", "slow", "ann", T0)
    store.journal.add_friction(None, "refunds", "slower", "ann", T1)
    store.journal.add_decision(cid, "low", "waive", None, "ann", T0)
    store.cases.resolve(cid, "fixed", T2)
    rows = store.digest.window(*WEEK)
    assert set(rows) == set(WINDOW_READS)
    assert rows["resolved"] == [(T0, T2, 1, "angry", "delighted", 2)]
    assert rows["help"] == [(T0, T1)]
    # counted as of the window's end (no `now` given): stalled, broken
    assert rows["handoffs"] == [("pending", 1, 1, None)]
    assert rows["thanks"] == [(T1, "ann", "bob", "found it", "ZD-1")]
    assert rows["promises"] == [(0, 0, 1, 0, None)]
    assert rows["touchpoints"] == [(cid, "billing")]
    assert rows["frictions"] == [("refunds", "slower"), ("refunds", "slow")]
    assert rows["decisions"] == [("low", None)]
    # as of T1: the handoff just offered (stalls at T1 + 4 h), the promise open (due T2)
    at_t1 = store.digest.window(*WEEK, now=T1, stalled_after_s=4 * 3600)
    assert at_t1["handoffs"] == [("pending", 1, 0, T1)]
    assert at_t1["promises"] == [(0, 0, 0, 1, T2)]
    # 4 h after the offer to the second it is not stalled yet (it stalls then), a second on it is
    four_h = "2026-11-16T14:00:00Z"
    assert store.digest.window(*WEEK, now=four_h, stalled_after_s=4 * 3600)["handoffs"] == [
        ("pending", 1, 0, T1)]
    assert store.digest.window(*WEEK, now="2026-11-16T14:00:01Z", stalled_after_s=4 * 3600
                               )["handoffs"] == [("pending", 1, 1, None)]
    before = store.digest.window("2026-11-09T00:00:00Z", WEEK[0],
                                 day_bounds=["2026-11-09T00:00:00Z", WEEK[0]])
    assert before.pop("promises") == [(0, 0, 0, 0, None)]  # one row of counts, always
    assert before.pop("opened") == [(0,)]
    # the shaped reads (SHAPED_READS, given day bounds): one row of counts each, and no kinds
    assert before.pop("resolved_figures") == [(0, None, None)]  # no inner bound: no per day
    assert before.pop("help_figures") == [(0, 0, None, None, 0, 0, 0, 0, 0)]
    assert all(v == [] for v in before.values())


def test_counts_of_opened_and_open_cases_and_names(store: Store) -> None:
    open_case(store, "ZD-1", at=T0)
    late = open_case(store, "ZD-2", owner="bob", at="2026-11-17T09:00:00Z")
    store.cases.resolve(late, "fixed", "2026-11-18T09:00:00Z")
    bounds = ["2026-11-16T00:00:00Z", "2026-11-17T00:00:00Z", "2026-11-18T00:00:00Z"]
    assert store.digest.opened_per_day(bounds) == [1, 1]
    assert store.digest.open_cases_at("2026-11-17T12:00:00Z") == 2
    assert store.digest.open_cases_at("2026-11-19T00:00:00Z") == 1
    assert store.digest.open_cases_at(T0) == 0  # opened at T0: not before it
    assert store.digest.people_names() == {"ann": "Ann", "bob": "Bob"}
    # the same counts and names with a window's reads (PostgreSQL: in its round trip)
    with_window = store.digest.window(bounds[0], bounds[-1], day_bounds=bounds,
                                      open_at="2026-11-17T12:00:00Z")
    assert with_window["opened"] == [(1,), (1,)]
    assert with_window["open_at"] == [(2,)]
    assert sorted(with_window["names"]) == [("ann", "Ann"), ("bob", "Bob")]


def test_bulk_rows_read_back_as_if_written_one_by_one(store: Store) -> None:
    store.people.ensure("ann", "demo", "Ann", None, T0)
    with store.transaction():
        store.cases.bulk(
            cases=[(1, "ZD-1", "Acme", "x", 2, "resolved", "ann", "demo", None, None, None,
                    "fixed", T0, T2)],
            owners=[(1, "ann", T0, T2)],
            participants=[(1, "ann", "owner", T0, None, None, "opened the case")],
            help_requests=[(1, 1, "|sso|", None, "ann", T0)])
        store.timeline.bulk([(1, T0, "opened", "ann", "opened ZD-1", None)])
        store.journal.bulk(moods=[(1, 1, "angry", None, "ann", T1)],
                           promises=[(1, 1, "call back", T2, "ann", T0, None, 1)])
    case = store.cases.by_ref("ZD-1")
    assert (case.id, case.resolution, case.resolved_at) == (1, "fixed", T2)
    assert [h.skills for h in store.cases.help_requests(1)] == [("sso",)]
    assert [e.text for e in store.timeline.events(1)] == ["opened ZD-1"]
    assert store.journal.last_mood(1).level == "angry"
    assert store.journal.promise(1).what == "call back"
    assert store.journal.promise_no(1, 1).id == 1  # the case's own number, from the bulk row
    assert store.digest.window(*WEEK)["resolved"] == [(T0, T2, 1, "angry", "angry", 1)]


def test_a_reader_sees_what_was_committed(store: Store) -> None:
    open_case(store)
    reader = store.reader()
    try:
        assert [c.ref for c in reader.cases.all()] == ["ZD-1"]
        assert reader.digest.people_names() == {"ann": "Ann"}
    finally:
        reader.close()


def test_the_weeks_cancellations_and_reopenings_are_read_through_their_index(
        store: Store) -> None:
    """m020: the lifecycle read seeks the few cancelled/reopened rows instead of filtering
    every timeline row of the week (~115k a week in the 500k-case year)."""
    from bot.store.digest import _WINDOW_SQL
    from bot.store.postgres import PgStore

    sql, week = _WINDOW_SQL["lifecycle"], (T0, T2)
    if isinstance(store, PgStore):
        with store.transaction():
            # An empty table is cheapest to scan: ask for the plan an indexed one gets.
            store.db.execute("SET LOCAL enable_seqscan = off")
            plan = " ".join(r[0] for r in store.db.tuples("EXPLAIN " + sql, week))
    else:
        plan = " ".join(r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, week))
    assert "timeline_lifecycle" in plan, plan


def test_windows_give_each_window_as_window_does(store: Store) -> None:
    """`windows` (the digest's two weeks at once; PostgreSQL: one pipeline, one snapshot)
    answers each window as `window` does, in the order asked."""
    cid = open_case(store)
    store.cases.add_help_request(cid, ["sso"], None, "ann", T0)
    store.journal.add_promise(cid, "call back", T2, "ann", T0)
    store.journal.add_touchpoint(cid, "billing", "refund", "ann", T0)
    store.cases.resolve(cid, "fixed", T2)
    before = ("2026-11-09T00:00:00Z", WEEK[0])
    asks = [WindowAsk(*WEEK, now=T1, stalled_after_s=4 * 3600, day_bounds=WEEK,
                      open_at=WEEK[0]),
            WindowAsk(*before, now=T1, day_bounds=before)]
    got = list(store.digest.windows(asks))
    assert got == [store.digest.window(a.lo, a.hi, a.now, a.stalled_after_s, a.day_bounds,
                                       a.open_at) for a in asks]
    assert got[0]["resolved_figures"][0][0] == 1 and got[1]["resolved_figures"][0][0] == 0
    assert got[0]["touchpoints_by_function"] == [("billing", 1, {str(cid)})]
    assert got[1]["touchpoints_by_function"] == []
