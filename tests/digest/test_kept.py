"""A finished week's digest is computed once and kept (issue 15): served from what was kept
while nothing it counts changed, and computed again after a late event, an outcome recorded
for a case it saw, or the time its figures change by themselves (a promise falls due)."""

from __future__ import annotations

from pathlib import Path

from bot.digest import kept
from bot.digest.metrics import (
    compute_digest,
    compute_digest_off_loop,
    compute_digest_until,
    digest_for,
)
from bot.digest.weeks import parse_week
from tests.digest.script import Script, utc
from tests.digest.test_metrics import build_two_weeks

W46 = parse_week("2026-W46", "UTC")


async def _kept_script(tmp_path: Path) -> Script:
    s = Script(tmp_path)
    await build_two_weeks(s)  # the clock ends on Monday 2026-11-16 09:00, W46 finished
    store = s.core.deps.store
    assert store.digest_kept.get(W46.label, W46.tz) is None
    first = await compute_digest_off_loop(store, W46, s.clock.now)
    assert first == compute_digest(store, W46, s.clock.now)
    assert store.digest_kept.get(W46.label, W46.tz) is not None
    return s


async def test_a_finished_week_is_served_from_what_was_kept(tmp_path: Path) -> None:
    s = await _kept_script(tmp_path)
    store = s.core.deps.store
    # A-3's promise falls due at noon: until then, nothing but a write changes the figures.
    assert store.digest_kept.get(W46.label, W46.tz).valid_until == "2026-11-16T12:00:00Z"
    later = utc("2026-11-16 10:00")
    served = kept.fresh(store, W46, later)
    assert served is not None and served == compute_digest(store, W46, later)
    assert served["as_of"] == "2026-11-16T10:00:00Z"
    assert await compute_digest_off_loop(store, W46, later) == served
    s.close()


async def test_figures_that_change_by_time_are_computed_again(tmp_path: Path) -> None:
    s = await _kept_script(tmp_path)
    store = s.core.deps.store
    before = store.digest_kept.get(W46.label, W46.tz).figures["promises"]["broken"]
    after_due = utc("2026-11-16 13:00")
    assert kept.fresh(store, W46, after_due) is None
    again = digest_for(store, W46, after_due)
    assert again == compute_digest(store, W46, after_due)
    assert again["promises"]["broken"] == before + 1  # A-3's, open when first kept
    assert store.digest_kept.get(W46.label, W46.tz).computed_at == "2026-11-16T13:00:00Z"
    s.close()


async def test_a_write_about_a_case_the_week_saw_drops_it(tmp_path: Path) -> None:
    s = await _kept_script(tmp_path)
    store = s.core.deps.store
    await s.at("2026-11-16 09:30", "alice", "mood A-3 satisfied fixed")  # opened in W46
    assert store.digest_kept.get(W46.label, W46.tz) is None
    assert digest_for(store, W46, s.clock.now) == compute_digest(store, W46, s.clock.now)
    s.close()


async def test_a_late_event_in_the_week_drops_it(tmp_path: Path) -> None:
    s = await _kept_script(tmp_path)
    store = s.core.deps.store
    with store.transaction():
        store.timeline.append(None, "2026-11-11T10:00:00Z", "note", "alice", "late import")
    assert store.digest_kept.get(W46.label, W46.tz) is None
    s.close()


async def test_figures_computed_on_a_snapshot_that_missed_a_late_event_are_not_kept(
        tmp_path: Path) -> None:
    # compute_digest_off_loop's steps, with a late event landing while the figures are
    # computed on the reader: they miss it, and must not be kept (else stale until the next
    # write to that week).
    s = Script(tmp_path)
    await build_two_weeks(s)
    store, now = s.core.deps.store, s.clock.now
    since = store.digest_kept.high_water()
    reader = store.reader()
    try:
        stale, until = compute_digest_until(reader, W46, now)
        with store.transaction():
            store.timeline.append(None, "2026-11-11T10:00:00Z", "note", "alice", "late import")
    finally:
        reader.close()
    assert not kept.keep(store, W46, now, stale, until, since)
    assert store.digest_kept.get(W46.label, W46.tz) is None
    # The next request computes the figures with the event, and keeps those.
    fresh = await compute_digest_off_loop(store, W46, now)
    assert fresh == compute_digest(store, W46, now)
    assert store.digest_kept.get(W46.label, W46.tz) is not None
    s.close()


async def test_what_happens_after_the_week_leaves_it_kept(tmp_path: Path) -> None:
    s = await _kept_script(tmp_path)
    store = s.core.deps.store
    await s.at("2026-11-16 10:00", "alice", "open B-1 sev3 a new week's case")
    await s.at("2026-11-16 10:05", "alice", "mood B-1 angry")
    assert store.digest_kept.get(W46.label, W46.tz) is not None
    s.close()


async def test_the_running_week_is_never_kept(tmp_path: Path) -> None:
    s = await _kept_script(tmp_path)
    store = s.core.deps.store
    w47 = parse_week("2026-W47", "UTC")
    digest_for(store, w47, s.clock.now)
    assert store.digest_kept.get(w47.label, w47.tz) is None
    s.close()
