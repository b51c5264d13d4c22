"""Contract: what issue 12 (the whole life of a case) asks of every store."""

from __future__ import annotations

from bot.domain import CaseStatus, HandoffState, Role
from bot.store import Store
from tests.store.conftest import T0, T1, T2, open_case


def test_promise_and_decision_numbers_start_at_one_on_every_case(store: Store) -> None:
    first, second = open_case(store, "ZD-1"), open_case(store, "ZD-2")
    store.journal.add_promise(first, "call back", T1, "ann", T0)
    store.journal.add_decision(first, "low", "waive", None, "ann", T0)
    p2 = store.journal.add_promise(second, "send the invoice", T1, "ann", T0)
    d2 = store.journal.add_decision(second, "high", "refund", None, "ann", T0)
    assert store.journal.promise_no(second, 1).id == p2
    assert store.journal.decision_no(second, 1).id == d2
    assert store.journal.promise(p2).no == 1 and store.journal.decision(d2).no == 1
    store.journal.add_promise(second, "call again", T2, "ann", T0)
    assert [p.no for p in store.journal.promises(second)] == [1, 2]
    assert store.journal.promise_no(second, 3) is None


def test_close_reopen_and_details(store: Store) -> None:
    cid = open_case(store)
    store.cases.close(cid, CaseStatus.CANCELLED, "duplicate of ZD-2", T1)
    case = store.cases.by_id(cid)
    assert (case.status, case.resolution, case.resolved_at) == (
        CaseStatus.CANCELLED, "duplicate of ZD-2", T1)
    store.cases.reopen(cid)
    case = store.cases.by_id(cid)
    assert (case.status, case.resolution, case.resolved_at) == (CaseStatus.OPEN, None, None)
    store.cases.set_details(cid, severity=1, summary="all logins fail")
    store.cases.set_type(cid, "sev1")
    case = store.cases.by_id(cid)
    assert (case.severity, case.customer, case.summary, case.swarm_type) == (
        1, "Acme", "all logins fail", "sev1")


def test_unanswered_help_and_pending_handoffs(store: Store) -> None:
    cid = open_case(store)
    for who in ("bob", "cy"):
        store.people.ensure(who, "slack", who.title(), None, T0)
    store.cases.add_help_request(cid, ["sso"], None, "ann", T1)
    assert [h.case_id for h in store.cases.unanswered_help()] == [cid]
    store.cases.add_participant(cid, "bob", Role.SPECIALIST, T0, None, None)  # before: no
    assert len(store.cases.unanswered_help()) == 1
    store.cases.add_participant(cid, "cy", Role.SPECIALIST, T2, None, None)
    assert store.cases.unanswered_help() == []
    hid = store.cases.add_handoff(cid, "ann", "bob", "take it", None, T1)
    assert [h.id for h in store.cases.pending_handoffs()] == [hid]
    store.cases.decide_handoff(hid, HandoffState.WITHDRAWN, T2)
    assert store.cases.pending_handoffs() == []


def test_last_contact_is_the_last_touchpoint_or_kept_promise(store: Store) -> None:
    cid = open_case(store)
    assert store.journal.last_contact(cid) is None
    store.journal.add_touchpoint(cid, "support", "called", "ann", T0)
    pid = store.journal.add_promise(cid, "call back", T1, "ann", T0)
    assert store.journal.last_contact(cid) == T0
    store.journal.keep_promise(pid, T2)
    assert store.journal.last_contact(cid) == T2
    assert [r.promise.id for r in store.journal.due_unkept(T2)] == []
    other = open_case(store, "ZD-2")
    assert store.journal.last_contacts() == {cid: T2}  # ZD-2: nothing yet
    store.journal.add_touchpoint(other, "billing", "emailed", "ann", T1)
    assert store.journal.last_contacts() == {cid: T2, other: T1}


def test_nudges_are_marked_once_per_kind_cause_and_receiver(store: Store) -> None:
    cid = open_case(store)
    assert store.nudges.mark("connect", "help:1", "ann", cid, T0)
    assert not store.nudges.mark("connect", "help:1", "ann", cid, T1)
    assert store.nudges.mark("connect", "help:1", "manny", cid, T1)
    assert store.nudges.sent("connect", "help:1") == ["ann", "manny"]
    store.nudges.unmark("connect", "help:1", "ann")
    assert store.nudges.mark("connect", "help:1", "ann", cid, T2)


def test_timeline_entries_keep_what_they_refer_to(store: Store) -> None:
    cid = open_case(store)
    first = store.timeline.append(cid, T0, "note", "ann", "called Bob")
    fix = store.timeline.append(cid, T1, "corrected", "ann", "called Rob", first)
    assert store.timeline.event(fix).ref_id == first
    assert store.timeline.events(cid)[-1].ref_id == first
    assert store.timeline.event(fix + 1) is None


def test_digest_counts_cancelled_reopened_and_nudges(store: Store) -> None:
    cid = open_case(store)
    store.timeline.append(cid, T1, "cancelled", "ann", "duplicate")
    store.timeline.append(cid, T1, "reopened", "ann", "not a duplicate")
    store.nudges.mark("update", "x", "ann", cid, T1)
    rows = store.digest.window(T0, T2)
    assert sorted(rows["lifecycle"]) == [("cancelled",), ("reopened",)]
    assert rows["nudges"] == [("update",)]
