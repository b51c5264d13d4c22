"""Contract: cases, with owners, participants, handoffs and help requests."""

from __future__ import annotations

from bot.domain import CaseStatus, HandoffState, Ownership, Role
from bot.store import Store
from tests.store.conftest import T0, T1, T2, open_case


def test_a_case_is_found_by_id_by_ref_in_any_case_and_by_room(store: Store) -> None:
    cid = open_case(store, "ZD-4711")
    assert store.cases.by_id(cid).ref == "ZD-4711"
    assert store.cases.by_ref("zd-4711").id == cid
    assert store.cases.by_ref("ZD-9") is None and store.cases.by_id(cid + 1) is None
    assert store.cases.by_room("C1") is None
    store.cases.set_room(cid, "C1", "swarm-zd-4711")
    case = store.cases.by_room("C1")
    assert (case.id, case.room_name, case.status, case.is_open) == (
        cid, "swarm-zd-4711", CaseStatus.OPEN, True)
    assert store.cases.room_id_by_name("slack", "swarm-zd-4711") == "C1"
    assert store.cases.room_id_by_name("teams", "swarm-zd-4711") is None


def test_ids_are_returned_by_inserts_and_differ(store: Store) -> None:
    a, b = open_case(store, "ZD-1"), open_case(store, "ZD-2")
    assert a != b and {c.id for c in store.cases.all()} == {a, b}


def test_list_is_newest_first_and_filters_status_and_person(store: Store) -> None:
    a, b = open_case(store, "ZD-1"), open_case(store, "ZD-2", owner="bob")
    store.cases.resolve(a, "fixed", T1)
    assert [c.id for c in store.cases.recent()] == [b, a]
    assert [c.id for c in store.cases.recent(status=CaseStatus.OPEN)] == [b]
    assert [c.id for c in store.cases.recent(person="ann")] == [a]
    store.people.ensure("cy", "slack", "Cy", None, T0)
    store.cases.add_participant(b, "cy", Role.SPECIALIST, T1, "bob", "billing")
    assert [c.id for c in store.cases.recent(person="cy")] == [b]
    store.cases.leave(b, "cy", T2)
    assert store.cases.recent(person="cy") == []
    assert [c.id for c in store.cases.recent(limit=1)] == [b]
    resolved = store.cases.by_id(a)
    assert (resolved.status, resolved.resolution, resolved.resolved_at) == (
        CaseStatus.RESOLVED, "fixed", T1)


def test_ownership_periods_and_owner(store: Store) -> None:
    cid = open_case(store)
    store.people.ensure("bob", "slack", "Bob", None, T0)
    store.cases.end_owner(cid, T1)
    store.cases.add_owner(cid, "bob", T1)
    store.cases.set_owner(cid, "bob")
    assert store.cases.owners(cid) == [Ownership("ann", T0, T1), Ownership("bob", T1, None)]
    assert store.cases.by_id(cid).owner == "bob"


def test_participants_roles_leaving_and_load(store: Store) -> None:
    cid = open_case(store)
    other = open_case(store, "ZD-2", owner="bob")
    store.people.ensure("cy", "slack", "Cy", None, T0)
    for case_id in (cid, other):
        store.cases.add_participant(case_id, "cy", Role.SPECIALIST, T1, "ann", "billing")
    assert store.cases.open_load("cy") == 2
    store.cases.set_role(cid, "ann", Role.FORMER_OWNER)
    assert store.cases.participant(cid, "ann").role is Role.FORMER_OWNER
    store.cases.leave(cid, "cy", T2)
    assert store.cases.participant(cid, "cy") is None
    assert [p.person for p in store.cases.participants(cid)] == ["ann", "cy"]
    assert [p.person for p in store.cases.participants(cid, active_only=True)] == ["ann"]
    left = store.cases.participants(cid)[1]
    assert (left.left_at, left.invited_by, left.why) == (T2, "ann", "billing")
    assert store.cases.open_load("cy") == 1


def test_handoffs_pending_and_decided(store: Store) -> None:
    cid = open_case(store)
    assert store.cases.pending_handoff(cid) is None
    hid = store.cases.add_handoff(cid, "ann", "bob", "shift ends", "restarted SSO", T1)
    pending = store.cases.pending_handoff(cid)
    assert (pending.id, pending.to_id, pending.tried, pending.state) == (
        hid, "bob", "restarted SSO", HandoffState.PENDING)
    store.cases.decide_handoff(hid, HandoffState.DECLINED, T2, "on leave")
    assert store.cases.pending_handoff(cid) is None
    [h] = store.cases.handoffs(cid)
    assert (h.state, h.decided_at, h.reason) == (HandoffState.DECLINED, T2, "on leave")


def test_help_requests_tried_and_past_help(store: Store) -> None:
    cid = open_case(store)
    store.cases.add_help_request(cid, ["billing", "sso"], "restarted", "ann", T0)
    rid = store.cases.add_help_request(cid, ["network"], None, "ann", T1)
    assert [r.skills for r in store.cases.help_requests(cid)] == [("billing", "sso"),
                                                                  ("network",)]
    assert store.cases.help_requests(cid)[1].id == rid
    assert store.cases.last_tried(cid) == "restarted"
    store.people.ensure("cy", "slack", "Cy", None, T0)
    store.cases.add_participant(cid, "cy", Role.SPECIALIST, T1, None, None)
    assert store.cases.past_help("cy", ["sso"]) == 0  # the case is still open
    store.cases.resolve(cid, "fixed", T2)
    assert store.cases.past_help("cy", ["sso"]) == 1
    assert store.cases.past_help("cy", ["ss"]) == 0  # whole skills only
    assert store.cases.past_help("cy", []) == 0


def test_the_expert_finders_batch_reads_agree_with_one_by_one(store: Store) -> None:
    # open_loads / past_helps / people.many answer for many people what open_load /
    # past_help / get answer for one (the finder asks for hundreds at once).
    done, still_open = open_case(store, "ZD-1"), open_case(store, "ZD-2")
    store.cases.add_help_request(done, ["billing", "sso"], None, "ann", T0)
    store.cases.add_help_request(still_open, ["sso"], None, "ann", T0)
    for who in ("cy", "dee"):
        store.people.ensure(who, "slack", who.title(), None, T0)
    store.cases.add_participant(done, "cy", Role.SPECIALIST, T1, None, None)
    store.cases.add_participant(still_open, "cy", Role.SPECIALIST, T1, None, None)
    store.cases.add_participant(still_open, "dee", Role.SPECIALIST, T1, None, None)
    store.cases.leave(still_open, "dee", T2)
    store.cases.resolve(done, "fixed", T2)
    everyone = ["ann", "cy", "dee", "nobody"]
    for skills in (["sso"], ["billing", "network"], ["ss"], []):
        assert store.cases.past_helps(everyone, skills) == {
            p: n for p in everyone if (n := store.cases.past_help(p, skills))}
    assert store.cases.open_loads(everyone) == {
        p: n for p in everyone if (n := store.cases.open_load(p))}
    assert store.cases.open_loads(everyone) == {"ann": 1, "cy": 1}
    assert store.people.many(everyone) == {p: store.people.get(p) for p in ("ann", "cy", "dee")}
    assert store.people.many([]) == {} and store.cases.open_loads([]) == {}


def test_a_transaction_commits_all_or_nothing(store: Store) -> None:
    cid = open_case(store)
    try:
        with store.transaction():
            store.cases.set_delight(cid, "a call back")
            store.timeline.append(cid, T1, "delight", "ann", "a call back")
            raise RuntimeError("the process died here")
    except RuntimeError:
        pass
    assert store.cases.by_id(cid).delight is None and store.timeline.events(cid) == []
    with store.transaction():
        store.cases.set_delight(cid, "a call back")
    assert store.cases.by_id(cid).delight == "a call back"
