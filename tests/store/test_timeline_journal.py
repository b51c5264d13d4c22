"""Contract: the timeline (append-only, seen marks, message counts) and the journal."""

from __future__ import annotations

from bot.domain import Decision, Mood, Promise, Thanks, Touchpoint
from bot.store import Store
from tests.store.conftest import T0, T1, T2, open_case


def test_the_timeline_appends_in_order_and_reads_after_a_seen_mark(store: Store) -> None:
    cid = open_case(store)
    first = store.timeline.append(cid, T0, "opened", "ann", "opened ZD-1")
    second = store.timeline.append(cid, T1, "note", "ann", "called the customer", 7)
    assert [(e.id, e.kind, e.by, e.text) for e in store.timeline.events(cid)] == [
        (first, "opened", "ann", "opened ZD-1"), (second, "note", "ann", "called the customer")]
    assert store.timeline.last_seen(cid, "bob") == 0
    store.timeline.mark_seen(cid, "bob", first)
    assert store.timeline.last_seen(cid, "bob") == first
    assert [e.id for e in store.timeline.events(cid, store.timeline.last_seen(cid, "bob"))] == [
        second]
    store.timeline.mark_seen(cid, "bob", second)
    assert store.timeline.last_seen(cid, "bob") == second


def test_message_counts_count_per_person(store: Store) -> None:
    cid = open_case(store)
    assert store.timeline.message_counts(cid) == {}
    for who in ("ann", "bob", "ann"):
        store.timeline.count_message(cid, who)
    assert store.timeline.message_counts(cid) == {"ann": 2, "bob": 1}


def test_touchpoints_and_moods_with_the_last_of_each(store: Store) -> None:
    cid = open_case(store)
    assert store.journal.last_mood(cid) is None and store.journal.last_touchpoint(cid) is None
    t1 = store.journal.add_touchpoint(cid, "billing", "refund issued", "ann", T0)
    t2 = store.journal.add_touchpoint(cid, "support", "called back", "ann", T1)
    assert store.journal.touchpoints(cid) == [
        Touchpoint(t1, cid, "billing", "refund issued", "ann", T0),
        Touchpoint(t2, cid, "support", "called back", "ann", T1)]
    assert store.journal.last_touchpoint(cid).id == t2
    m1 = store.journal.add_mood(cid, "angry", None, "ann", T0)
    m2 = store.journal.add_mood(cid, "satisfied", "refund helped", "ann", T1)
    assert store.journal.moods(cid) == [Mood(m1, cid, "angry", None, "ann", T0),
                                        Mood(m2, cid, "satisfied", "refund helped", "ann", T1)]
    assert store.journal.last_mood(cid).level == "satisfied"


def test_decisions_and_their_outcome(store: Store) -> None:
    cid = open_case(store)
    did = store.journal.add_decision(cid, "medium", "waive the fee", "loyal customer", "ann", T0)
    assert store.journal.decision(did) == Decision(did, cid, "medium", "waive the fee",
                                                   "loyal customer", None, None, "ann", T0,
                                                   no=1)
    store.journal.set_outcome(did, "kept", T1)
    assert (store.journal.decisions(cid)[0].outcome,
            store.journal.decisions(cid)[0].outcome_at) == ("kept", T1)
    assert store.journal.decision(did + 1) is None


def test_friction_with_and_without_a_case(store: Store) -> None:
    cid = open_case(store)
    store.journal.add_friction(None, "cheques", "accounts won't take one", "ann", T0)
    fid = store.journal.add_friction(cid, "refunds", "three approvals", "ann", T1)
    [f] = store.journal.frictions(cid)
    assert (f.id, f.process, f.how, f.case_id) == (fid, "refunds", "three approvals", cid)


def test_promises_open_kept_and_due_for_a_reminder(store: Store) -> None:
    cid = open_case(store)
    late = store.journal.add_promise(cid, "call back", T2, "ann", T0)
    soon = store.journal.add_promise(cid, "send the invoice", T1, "ann", T0)
    assert [p.id for p in store.journal.open_promises(cid)] == [soon, late]  # soonest first
    assert store.journal.promise(soon) == Promise(soon, cid, "send the invoice", T1, "ann", T0,
                                                  None, no=2)
    [due] = store.journal.due_reminders(T1)
    assert (due.promise.id, due.ref, due.owner, due.platform) == (soon, "ZD-1", "ann", "slack")
    assert store.sent.mark_reminded(soon, T0) and not store.sent.mark_reminded(soon, T0)
    assert store.journal.due_reminders(T1) == []
    store.sent.unmark_reminded(soon)  # the platform refused it: try again next tick
    assert [r.promise.id for r in store.journal.due_reminders(T1)] == [soon]
    store.journal.keep_promise(soon, T1)
    assert [p.id for p in store.journal.open_promises(cid)] == [late]
    assert store.journal.promises(cid)[1].kept_at == T1
    assert [r.promise.id for r in store.journal.due_reminders(T2)] == [late]
    store.cases.resolve(cid, "fixed", T1)
    assert store.journal.due_reminders(T2) == []  # nobody is reminded on a resolved case


def test_thanks(store: Store) -> None:
    cid = open_case(store)
    tid = store.journal.add_thanks(cid, "ann", "bob", "found the SSO bug", T0)
    store.journal.add_thanks(None, "ann", "bob", "covering my shift", T1)
    assert store.journal.thanks(cid) == [Thanks(tid, cid, "ann", "bob", "found the SSO bug", T0)]
