"""Contract: the nudge pass's reads by time span (issue 28): help requests, offers, promises
due and cases gone quiet in (after, by], on both stores."""

from __future__ import annotations

from bot.domain import Role
from bot.store import Store
from tests.store.conftest import T0, T1, T2, open_case


def test_each_read_keeps_to_its_span(store: Store) -> None:
    a = open_case(store, "ZD-1", at=T0)
    b = open_case(store, "ZD-2", at=T1)
    store.people.ensure("bob", "slack", "Bob", None, T0)
    store.cases.add_help_request(a, ["sso"], None, "ann", T0)
    store.cases.add_help_request(b, ["dns"], None, "ann", T1)
    store.cases.add_handoff(a, "ann", "bob", "take it", None, T1)
    store.journal.add_promise(a, "call back", T1, "ann", T0)
    store.journal.add_promise(b, "send logs", T2, "ann", T1)

    asked = store.cases.unanswered_help
    assert [h.case_id for h in asked()] == [a, b]
    assert [h.case_id for h in asked(T0, T2)] == [b]  # after T0, up to T2
    assert [h.case_id for h in asked(None, T0)] == [a]
    assert [o.case_id for o in store.cases.pending_handoffs(T0, T1)] == [a]
    assert store.cases.pending_handoffs(T1, T2) == []
    assert [r.promise.case_id for r in store.journal.due_unkept(T2)] == [a, b]
    assert [r.promise.case_id for r in store.journal.due_unkept(T2, T1)] == [b]

    # quiet since: the opening, else the last touchpoint or kept promise
    assert store.journal.quiet_since("2026-11-16T08:00:00Z", T0) == {a: T0}
    assert store.journal.quiet_since(T0, T1) == {b: T1}
    store.journal.add_touchpoint(a, "support", "called", "ann", T2)
    assert store.journal.quiet_since("2026-11-16T08:00:00Z", T1) == {b: T1}
    assert store.journal.quiet_since(T1, T2) == {a: T2}
    promise = store.journal.open_promises(b)[0]
    store.journal.keep_promise(promise.id, T2)
    assert store.journal.quiet_since(T1, T2) == {a: T2, b: T2}
    store.cases.add_participant(b, "bob", Role.SPECIALIST, T2, "ann", None)
    assert [h.case_id for h in asked(T0, T2)] == []  # bob joined after the request
    store.cases.resolve(a, "fixed", T2)
    assert store.journal.quiet_since(T1, T2) == {b: T2}  # open cases only
