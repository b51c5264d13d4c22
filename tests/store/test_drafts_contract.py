"""Contract: the drafts table (issue 30) and the decision log read behind `decide`'s record."""

from __future__ import annotations

from bot.store import Store
from bot.store.interfaces.drafts import Draft
from tests.store.conftest import T0, T1, T2, open_case


def test_drafts_keep_the_model_and_prompt_version(store: Store) -> None:
    cid = open_case(store)
    assert store.drafts.of_case(cid) == [] and store.drafts.get(99) is None
    a = store.drafts.add(cid, "handoff", "ann", T0, "timeline", "timeline-1", "brief", 0)
    b = store.drafts.add(cid, "catchup", "bob", T1, "llama3.1", "drafts-1", "sum", 120)
    assert store.drafts.of_case(cid) == [
        Draft(a, cid, "handoff", "ann", T0, "timeline", "timeline-1", "brief", 0),
        Draft(b, cid, "catchup", "bob", T1, "llama3.1", "drafts-1", "sum", 120)]
    assert store.drafts.get(b) == store.drafts.of_case(cid)[1]


def test_decision_record_counts_earlier_outcomes_of_a_kind_and_risk_with_the_mood(
        store: Store) -> None:
    cid = open_case(store)
    store.journal.add_mood(cid, "angry", None, "ann", T0)
    kept = store.journal.add_decision(cid, "high", "Refund the invoice", None, "ann", T0)
    store.journal.add_mood(cid, "satisfied", None, "ann", T1)
    store.journal.set_outcome(kept, "kept", T1)
    early = store.journal.add_decision(cid, "high", "refund", None, "ann", T0)
    store.journal.set_outcome(early, "lost", T0)  # the mood then: angry
    store.journal.add_decision(cid, "high", "refund shipping", None, "ann", T0)  # no outcome
    other = store.journal.add_decision(cid, "low", "refund shipping", None, "ann", T0)
    store.journal.set_outcome(other, "lost", T2)
    refunded = store.journal.add_decision(cid, "high", "refunded twice", None, "ann", T0)
    store.journal.set_outcome(refunded, "escalated", T2)  # another word: not a refund
    new = store.journal.add_decision(cid, "high", "refund again", None, "ann", T2)
    assert store.drafts.decision_record("high", "refund", new) == [
        ("kept", "satisfied"), ("lost", "angry")]
    assert store.drafts.decision_record("high", "refund", kept) == [("lost", "angry")]
