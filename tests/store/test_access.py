"""Contract: roles granted in chat (a history), followers, confidential cases (issue 26), on
both stores."""

from __future__ import annotations

from bot.store import Store
from tests.store.conftest import T0, T1, T2, open_case


def test_roles_keep_their_history(store: Store) -> None:
    for pid in ("manny", "bob"):
        store.people.ensure(pid, "slack", None, None, T0)
    with store.transaction():
        first = store.access.grant_role("bob", "lead", "manny", "runs billing", T0)
    assert store.access.role_of("bob").id == first  # type: ignore[union-attr]
    with store.transaction():
        ended = store.access.renounce_role("bob", "manny", "promoted", T1)
        store.access.grant_role("bob", "manager", "manny", "promoted", T1)
    assert ended is not None and ended.role == "lead"
    now = store.access.role_of("bob")
    assert now is not None and (now.role, now.granted_by, now.assumed_at) == (
        "manager", "manny", T1)
    history = store.access.roles(active_only=False)
    assert [(g.role, g.renounced_at, g.renounced_by, g.renounced_why) for g in history] == [
        ("lead", T1, "manny", "promoted"), ("manager", None, None, None)]
    assert [g.role for g in store.access.roles()] == ["manager"]
    with store.transaction():
        store.access.renounce_role("bob", "manny", "left", T2)
    assert store.access.role_of("bob") is None
    assert store.access.renounce_role("nobody", "manny", None, T2) is None


def test_followers_and_confidential(store: Store) -> None:
    case_id = open_case(store)
    store.people.ensure("fay", "slack", None, None, T0)
    store.people.ensure("gus", "slack", None, None, T0)
    with store.transaction():
        assert store.access.follow(case_id, "fay", T0, None, None)
        assert not store.access.follow(case_id, "fay", T1, None, None)
        assert store.access.follow(case_id, "gus", T1, "ann", "account owner")
    assert store.access.followers(case_id) == ["fay", "gus"]
    assert store.access.following("gus") == [case_id]
    with store.transaction():
        assert store.access.unfollow(case_id, "fay", T2)
        assert not store.access.unfollow(case_id, "fay", T2)
    assert store.access.followers(case_id) == ["gus"]
    assert store.access.following("fay") == []
    assert not store.cases.by_id(case_id).confidential  # type: ignore[union-attr]
    with store.transaction():
        store.access.set_confidential(case_id, True)
    assert store.cases.by_id(case_id).confidential  # type: ignore[union-attr]
    assert store.cases.by_ref("ZD-1").confidential  # type: ignore[union-attr]


def test_asks_are_answered_once(store: Store) -> None:
    case_id = open_case(store)
    for pid in ("bob", "carol"):
        store.people.ensure(pid, "slack", None, None, T0)
    with store.transaction():
        first = store.access.add_ask(case_id, "bob", "sso", "ann", T0, None)
        assert store.access.pending_ask(case_id, "bob").id == first  # type: ignore[union-attr]
        assert store.access.decide_ask(first, "declined", T1, "on leave")
        assert not store.access.decide_ask(first, "timed out", T2, None)
        second = store.access.add_ask(case_id, "carol", "sso", "ann", T1, first)
    assert store.access.pending_ask(case_id, "bob") is None
    assert [a.id for a in store.access.pending_asks()] == [second]
    asks = store.access.asks(case_id)
    assert [(a.person, a.state, a.reason, a.first_id, a.decided_at) for a in asks] == [
        ("bob", "declined", "on leave", None, T1), ("carol", "pending", None, first, None)]
