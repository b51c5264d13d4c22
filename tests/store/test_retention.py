"""Contract: Retention redacts a case's free texts and keeps what the digest counts."""

from __future__ import annotations

from bot.domain import HandoffState
from bot.store import Store
from tests.store.conftest import T0, T1, T2, open_case

M = "[erased]"


def test_redact_replaces_texts_and_keeps_figures(store: Store) -> None:
    case_id = open_case(store)
    other = open_case(store, ref="ZD-2", owner="bo")
    store.timeline.append(case_id, T0, "note", "ann", "Jane Roe called")
    store.journal.add_touchpoint(case_id, "billing", "refund issued to Jane", "ann", T0)
    store.journal.add_mood(case_id, "angry", None, "ann", T0)
    store.journal.add_decision(case_id, "low", "waive fee", None, "ann", T0)
    store.journal.add_friction(case_id, "refunds", "needs a director", "ann", T0)
    hid = store.cases.add_handoff(case_id, "ann", "bo", "call Jane at 5", None, T0)
    store.cases.decide_handoff(hid, HandoffState.DECLINED, T1, "busy")
    store.cases.resolve(case_id, "refunded Jane", T1)
    store.timeline.append(other, T0, "note", "bo", "kept text")

    assert store.retention.cases_of_customer(" acme ") == [case_id, other]
    assert store.retention.resolved_before(T2) == [case_id]
    assert store.retention.redact(case_id, M, T2) > 5
    assert store.retention.resolved_before(T2) == []  # done once

    case = store.cases.by_id(case_id)
    assert (case.customer, case.summary, case.resolution, case.resolved_at) == (M, M, M, T1)
    assert {e.text for e in store.timeline.events(case_id)} == {M}
    assert [(t.function, t.what) for t in store.journal.touchpoints(case_id)] == [("billing", M)]
    mood = store.journal.moods(case_id)[0]
    assert (mood.level, mood.note) == ("angry", None)  # no note stays no note
    decision = store.journal.decisions(case_id)[0]
    assert (decision.risk, decision.decision, decision.rationale) == ("low", M, None)
    handoff = store.cases.handoffs(case_id)[0]
    assert (handoff.state, handoff.briefing, handoff.reason) == (HandoffState.DECLINED, M, M)
    assert [p.person for p in store.cases.participants(case_id)] == ["ann"]
    assert [e.text for e in store.timeline.events(other)] == ["kept text"]


def test_prune_inbox_keeps_unprocessed_rows(store: Store) -> None:
    store.inbox.put("a", "slack", "{}", T0)
    store.inbox.put("b", "slack", "{}", T0)
    store.inbox.put("c", "slack", "{}", T0)
    store.inbox.done("a", T0)
    store.inbox.done("b", T2)
    assert store.retention.prune_inbox(T1) == 1
    assert [i.key for i in store.inbox.pending("slack")] == ["c"]
    assert not store.inbox.put("b", "slack", "{}", T2)  # still known: a redelivery
    assert store.inbox.put("a", "slack", "{}", T2)  # forgotten


def test_prune_outbox_forgets_done_calls_only(store: Store) -> None:
    case_id = open_case(store)
    done_old = store.outbox.add(case_id, "slack", "post", {"text": "Acme said"}, T0)
    done_new = store.outbox.add(case_id, "slack", "post", {"text": "Acme said"}, T0)
    failed = store.outbox.add(case_id, "slack", "post", {"text": "Acme said"}, T0)
    pending = store.outbox.add(case_id, "slack", "post", {"text": "Acme said"}, T0)
    store.outbox.finish(done_old, None, T0)
    store.outbox.finish(done_new, None, T2)
    store.outbox.give_up(failed, 1, "channel_not_found", T0)
    assert store.retention.prune_outbox(T1) == 1
    assert store.outbox.get(done_old) is None
    assert [store.outbox.get(i) is not None for i in (done_new, failed, pending)] == [True] * 3
