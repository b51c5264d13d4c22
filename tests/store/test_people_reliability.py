"""Contract: people and skills, the inbox, intents, sent marks, platform references."""

from __future__ import annotations

from bot.domain import Person
from bot.store import Store
from bot.store.postgres import PgStore
from tests.store.conftest import T0, T1, T2, open_case


def test_a_person_is_created_once_and_learns_a_time_zone(store: Store) -> None:
    assert store.people.get("ann") is None and store.people.platform_of("ann") is None
    ann = store.people.ensure("ann", "slack", None, None, T0)
    assert ann == Person("ann", "ann")  # named by id until a name is known
    again = store.people.ensure("ann", "teams", "Ann", "Europe/Berlin", T1)
    assert (again.name, again.tz) == ("ann", "Europe/Berlin")  # the first sight stays
    assert store.people.ensure("ann", "slack", None, "Asia/Tokyo", T1).tz == "Europe/Berlin"
    assert store.people.platform_of("ann") == "slack"
    store.people.set_manager("ann", True)
    store.people.set_available("ann", False)
    store.people.set_function("ann", "billing")
    ann = store.people.get("ann")
    assert (ann.manager, ann.available, ann.function) == (True, False, "billing")


def test_skills_directory(store: Store) -> None:
    for pid in ("ann", "bob"):
        store.people.ensure(pid, "slack", None, None, T0)
    store.people.add_skills("ann", ["sso", "billing", "sso"])
    store.people.add_skills("bob", ["sso"])
    assert store.people.skills_of("ann") == ["billing", "sso"]
    assert store.people.with_skills(["sso", "network"]) == {"ann": ["sso"], "bob": ["sso"]}
    assert store.people.with_skills([]) == {}
    store.people.remove_skills("ann", ["sso"])
    assert store.people.with_skills(["sso", "billing"]) == {"ann": ["billing"], "bob": ["sso"]}


def test_the_inbox_takes_a_key_once_and_lists_what_is_not_done(store: Store) -> None:
    assert store.inbox.put("ev1", "slack", '{"a": 1}', T0)
    assert not store.inbox.put("ev1", "slack", '{"a": 2}', T1)  # a redelivery
    assert store.inbox.put("ev2", "teams", "{}", T1)
    [item] = store.inbox.pending("slack")
    assert (item.key, item.source, item.payload, item.received_at) == (
        "ev1", "slack", '{"a": 1}', T0)
    store.inbox.done("ev1", T1)
    assert store.inbox.pending("slack") == [] and len(store.inbox.pending("teams")) == 1


def test_the_inbox_takes_rows_that_arrived_together_in_one_statement(store: Store) -> None:
    """Group commit: each row fresh or seen as `put` says, a key twice fresh once, a read
    recorded done at once."""
    assert store.inbox.put("ev1", "slack", "{}", T0)
    assert store.inbox.put_many([("ev0", "slack", '{"n": 0}', False),
                                 ("ev1", "slack", '{"n": 1}', False),  # seen before
                                 ("ev2", "slack", '{"n": 2}', True),  # a read: done
                                 ("ev3", "teams", '{"n": 3}', False),
                                 ("ev3", "teams", '{"n": 4}', False)], T1) == [
        True, False, True, True, False]
    assert store.inbox.put_many([], T1) == []
    assert {(i.key, i.payload) for i in store.inbox.pending("slack")} == {
        ("ev0", '{"n": 0}'), ("ev1", "{}")}
    assert [(i.key, i.payload) for i in store.inbox.pending("teams")] == [("ev3", '{"n": 3}')]
    assert not store.inbox.put("ev2", "slack", "{}", T2)


def test_the_outbox_claims_retries_gives_up_and_retries_again(store: Store) -> None:
    cid = open_case(store)
    first = store.outbox.add(cid, "slack", "create_room", {"what": "create"}, T0)
    second = store.outbox.add(cid, "slack", "brief", {"skills": ["sso"]}, T0)
    assert [(i.kind, i.payload, i.tries) for i in store.outbox.due(T0)] == [
        ("create_room", {"what": "create"}, 0), ("brief", {"skills": ["sso"]}, 0)]
    assert store.outbox.claim(first, T0, T2)
    assert not store.outbox.claim(first, T1, T2)  # held (a lease) until T2
    assert [i.id for i in store.outbox.due(T1)] == [second]
    assert store.outbox.get(first).tries == 1
    store.outbox.later(first, 1, T1, "ratelimited", T0)
    assert [i.id for i in store.outbox.due(T1)] == [first, second]
    store.outbox.finish(first, {"room_id": "C1"}, T1)
    assert store.outbox.get(first).result == {"room_id": "C1"}
    store.outbox.claim(second, T1, T2)
    store.outbox.give_up(second, 1, "channel_not_found", T1)
    assert [(i.id, i.last_error) for i in store.outbox.failed(cid)] == [
        (second, "channel_not_found")]
    assert store.outbox.counts() == {"done": 1, "failed": 1}
    assert store.outbox.retry(cid, T1) == 1
    assert [(i.id, i.tries) for i in store.outbox.pending_for(cid)] == [(second, 0)]
    store.outbox.claim(second, T1, T2)
    assert store.outbox.due(T1) == []
    if isinstance(store, PgStore):
        # Shared by replicas: the lease may be a live one's, so it is not cut short.
        assert store.outbox.release(T1) == 0 and store.outbox.due(T1) == []
    else:  # one process: what it held when it stopped is its own, due again at start-up
        assert store.outbox.release(T1) == 1
        assert [i.id for i in store.outbox.due(T1)] == [second]


def test_sent_marks_are_once_only_until_unmarked(store: Store) -> None:
    assert store.sent.mark("digest", "2026-W46", "slack:ann", T0)
    assert not store.sent.mark("digest", "2026-W46", "slack:ann", T1)
    assert store.sent.mark("digest", "2026-W46", "slack:bob", T1)
    store.sent.unmark("digest", "2026-W46", "slack:ann")  # the send failed
    assert store.sent.mark("digest", "2026-W46", "slack:ann", T1)


def test_platform_references_are_json_by_platform_kind_and_key(store: Store) -> None:
    assert store.refs.get("teams", "dm", "29:bob") is None
    assert store.refs.latest("teams", "conversation") is None
    store.refs.put("teams", "conversation", "19:a", {"service_url": "u1", "tenant_id": None}, T0)
    store.refs.put("teams", "conversation", "19:b", {"service_url": "u2"}, T1)
    store.refs.put("teams", "dm", "29:bob", {"conversation_id": "a:1"}, T1)
    store.refs.put("other", "conversation", "19:a", {"service_url": "elsewhere"}, T1)
    assert store.refs.get("teams", "conversation", "19:a") == {"service_url": "u1",
                                                               "tenant_id": None}
    assert store.refs.latest("teams", "conversation") == {"service_url": "u2"}
    store.refs.put("teams", "conversation", "19:a", {"service_url": "u3"}, "2026-11-16T12:00:00Z")
    assert store.refs.get("teams", "conversation", "19:a") == {"service_url": "u3"}
    assert store.refs.latest("teams", "conversation") == {"service_url": "u3"}
    assert store.refs.get("other", "conversation", "19:a") == {"service_url": "elsewhere"}


def test_a_barrier_waits_for_its_cases_earlier_rows_whichever_worker_claims(
        store: Store) -> None:
    """Two replicas' workers share the outbox: the room is not archived while the resolution
    is still to be posted, and nothing goes into a room still being made."""
    barriers = {"create_room", "archive"}
    cid, other = open_case(store), open_case(store, "ZD-2")
    post = store.outbox.add(cid, "slack", "post", {}, T0)
    archive = store.outbox.add(cid, "slack", "archive", {}, T0)
    elsewhere = store.outbox.add(other, "slack", "archive", {}, T0)
    caseless = store.outbox.add(None, "slack", "dm", {}, T0)
    assert store.outbox.claim(post, T0, T2, barriers)  # one worker posts...
    assert not store.outbox.claim(archive, T0, T2, barriers)  # ...the other may not archive
    assert store.outbox.claim(elsewhere, T0, T2, barriers)  # another case's is free
    assert store.outbox.claim(caseless, T0, T2, barriers)
    store.outbox.finish(post, None, T1)
    assert store.outbox.claim(archive, T1, T2, barriers)
    made = store.outbox.add(cid, "slack", "create_room", {}, T1)
    brief = store.outbox.add(cid, "slack", "brief", {}, T1)
    store.outbox.finish(archive, None, T1)
    assert store.outbox.claim(made, T1, T2, barriers)
    assert not store.outbox.claim(brief, T1, T2, barriers)  # the room is still being made
    store.outbox.give_up(made, 1, "name_taken", T1)  # failed: it holds nothing up any more
    assert store.outbox.claim(brief, T1, T2, barriers)
    assert store.outbox.claim(store.outbox.add(cid, "slack", "post", {}, T1), T1, T2)


def test_a_delivery_is_taken_once(store: Store) -> None:
    assert store.inbox.put("ev1", "slack", "{}", T0)
    with store.transaction():
        assert store.inbox.take("ev1", T1)
    assert store.inbox.pending("slack") == []
    assert not store.inbox.take("ev1", T2)  # a replay finds it done
    assert store.inbox.take("never-put", T2)  # a command run by code has no row: it runs
    assert store.inbox.put("ev2", "slack", "{}", T0)
    try:
        with store.transaction():
            assert store.inbox.take("ev2", T1)
            raise ValueError("the command failed")
    except ValueError:
        pass
    assert [i.key for i in store.inbox.pending("slack")] == ["ev2"]  # rolled back with it
