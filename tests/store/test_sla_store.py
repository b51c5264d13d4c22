"""Contract: the SLA's store parts (m033_sla) on both stores: a case's policy and priority,
its first and last customer contact, breaches recorded once and read by the digest."""

from __future__ import annotations

from bot.store import Store
from tests.store.conftest import T0, T1, T2, open_case


def test_policy_and_priority_are_kept(store: Store) -> None:
    a = open_case(store, "ZD-1")
    case = store.cases.by_id(a)
    assert case is not None and case.sla is None and case.priority is None
    store.cases.set_details(a, sla="gold", priority="urgent")
    case = store.cases.by_id(a)
    assert case is not None and (case.sla, case.priority) == ("gold", "urgent")
    store.cases.set_details(a, sla="")  # auto again
    case = store.cases.by_id(a)
    assert case is not None and (case.sla, case.priority) == (None, "urgent")


def test_first_and_last_contact(store: Store) -> None:
    a = open_case(store, "ZD-1", at=T0)
    b = open_case(store, "ZD-2", at=T0)
    assert store.journal.contact_span(a) == (None, None)
    assert store.journal.contact_spans() == {}
    store.journal.add_touchpoint(a, "support", "called", "ann", T1)
    store.journal.add_promise(a, "call back", T2, "ann", T1)
    store.timeline.append(b, T1, "note", "ann", "internal: not a contact")
    assert store.journal.contact_span(a) == (T1, T1)
    promise = store.journal.open_promises(a)[0]
    store.journal.keep_promise(promise.id, T2)
    assert store.journal.contact_span(a) == (T1, T2)
    assert store.journal.contact_spans() == {a: (T1, T2)}
    store.cases.resolve(a, "fixed", T2)
    assert store.journal.contact_spans() == {}  # open cases only


def test_a_breach_is_recorded_once_and_counted_by_its_due_time(store: Store) -> None:
    a = open_case(store, "ZD-1", at=T0)
    assert store.nudges.breach(a, "gold", "first_response", T1, T2)
    assert not store.nudges.breach(a, "gold", "first_response", T1, T2)  # another replica
    assert store.nudges.breach(a, "gold", "next_update", T2, T2)
    rows = store.digest.window(T0, T2)["sla_breaches"]
    assert sorted(tuple(r) for r in rows) == [("gold", "first_response")]
    rows = store.digest.window(T0, "2026-11-17T00:00:00Z")["sla_breaches"]
    assert sorted(tuple(r) for r in rows) == [("gold", "first_response"), ("gold", "next_update")]


def test_reopenings(store: Store) -> None:
    a = open_case(store, "ZD-1", at=T0)
    b = open_case(store, "ZD-2", at=T0)
    store.timeline.append(a, T1, "cancelled", "ann", "dup")
    assert store.timeline.reopenings() == {}
    store.timeline.append(a, T1, "reopened", "ann", "not a dup")
    store.timeline.append(a, T2, "reopened", "ann", "again")
    store.timeline.append(b, T1, "note", "ann", "reopened? no")
    assert store.timeline.reopenings() == {a: T2}
