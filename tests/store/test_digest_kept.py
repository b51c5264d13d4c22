"""Kept digest figures (m018) behave the same on every store: kept, replaced, and dropped
when a write lands in their span (contract tests, SQLite and PostgreSQL)."""

from __future__ import annotations

from bot.store import Store
from bot.store.interfaces import KeptDigest

LO, HI = "2026-11-02T00:00:00Z", "2026-11-16T00:00:00Z"


def _keep(store: Store, week: str = "2026-W46", figures: dict | None = None) -> None:
    with store.transaction():
        store.digest_kept.keep(week, "UTC", LO, HI, KeptDigest(
            figures or {"opened": 3, "previous": {"opened": 1}}, "2026-11-16T12:00:00Z",
            "2026-11-16T09:00:00Z"))


def test_kept_figures_come_back_as_kept(store: Store) -> None:
    assert store.digest_kept.get("2026-W46", "UTC") is None
    _keep(store)
    got = store.digest_kept.get("2026-W46", "UTC")
    assert got == KeptDigest({"opened": 3, "previous": {"opened": 1}}, "2026-11-16T12:00:00Z",
                             "2026-11-16T09:00:00Z")
    assert store.digest_kept.get("2026-W46", "Europe/Berlin") is None  # per time zone
    _keep(store, figures={"opened": 4})  # computed again: replaced
    assert store.digest_kept.get("2026-W46", "UTC").figures == {"opened": 4}


def test_forget_drops_only_what_meets_the_span(store: Store) -> None:
    _keep(store)
    with store.transaction():
        assert store.digest_kept.forget("2026-11-16T00:00:00Z", "2026-11-17T00:00:00Z") == 0
        assert store.digest_kept.forget("2026-10-01T00:00:00Z", "2026-11-01T23:59:59Z") == 0
    assert store.digest_kept.get("2026-W46", "UTC") is not None
    with store.transaction():
        assert store.digest_kept.forget("2026-11-10T10:00:00Z", "2026-11-10T10:00:00Z") == 1
    assert store.digest_kept.get("2026-W46", "UTC") is None


def test_a_timeline_event_in_the_span_drops_the_kept_figures(store: Store) -> None:
    _keep(store)
    with store.transaction():
        store.timeline.append(None, "2026-11-16T09:30:00Z", "note", "ann", "after the span")
    assert store.digest_kept.get("2026-W46", "UTC") is not None
    with store.transaction():
        store.timeline.append(None, "2026-11-05T09:30:00Z", "note", "ann", "late, inside")
    assert store.digest_kept.get("2026-W46", "UTC") is None


def test_figures_computed_before_an_event_in_their_span_are_not_kept(store: Store) -> None:
    # The race of figures computed off the writer: the snapshot's high-water mark, then an
    # event lands in the span (finding nothing kept to drop), then the keep.
    since = store.digest_kept.high_water()
    with store.transaction():
        store.timeline.append(None, "2026-11-10T10:00:00Z", "note", "alice", "late import")
    assert store.digest_kept.high_water() > since
    with store.transaction():
        assert not store.digest_kept.keep("2026-W46", "UTC", LO, HI, KeptDigest(
            {"opened": 3}, None, "2026-11-16T09:00:00Z"), since=since)
    assert store.digest_kept.get("2026-W46", "UTC") is None
    # Computed again from a snapshot that has the event: kept.
    with store.transaction():
        assert store.digest_kept.keep("2026-W46", "UTC", LO, HI, KeptDigest(
            {"opened": 4}, None, "2026-11-16T09:05:00Z"),
            since=store.digest_kept.high_water())
    assert store.digest_kept.get("2026-W46", "UTC").figures == {"opened": 4}


def test_an_event_outside_the_span_does_not_stop_the_keep(store: Store) -> None:
    since = store.digest_kept.high_water()
    with store.transaction():
        store.timeline.append(None, "2026-11-16T10:00:00Z", "note", "alice", "next week")
        assert store.digest_kept.keep("2026-W46", "UTC", LO, HI, KeptDigest(
            {"opened": 3}, None, "2026-11-16T09:00:00Z"), since=since)
    assert store.digest_kept.get("2026-W46", "UTC") is not None


def test_figures_come_back_as_the_standard_librarys_json_would_give_them(store: Store) -> None:
    """orjson writes the figures (bot/store/digest_kept.py): words in any script, quotes and
    control characters, floats, None, keys that are numbers; they read back as json.loads
    reads json.dumps's text, and rows json.dumps wrote before read the same."""
    import json

    from tests.store.conftest import select_rows

    figures = {"recognition": [{"for": "l'équipe \"a\" \\ \u2028 \x01 日本 😀", "to": None}],
               "mean": 1.25, "owners": {1: 2, "3+": 0}, "previous": {"opened": 0}}
    _keep(store, figures=figures)
    as_json = json.loads(json.dumps(figures))
    assert store.digest_kept.get("2026-W46", "UTC").figures == as_json
    (text,), = select_rows(store, "SELECT figures FROM digest_kept")
    assert json.loads(text) == as_json  # what json reads too (an older release)
    with store.transaction():
        store.db.execute("UPDATE digest_kept SET figures = ?", (json.dumps(figures, indent=1),))
    assert store.digest_kept.get("2026-W46", "UTC").figures == as_json
