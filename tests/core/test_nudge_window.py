"""The nudge pass asks only for what came due since its last tick (issue 28): over two days
of ticks it sends exactly what a pass over everything at each tick would, at the same
ticks; a nudge whose send failed goes out on a later tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Config
from bot.domain import Role, iso, parse_iso
from bot.nudges import FULL_EVERY, Nudger
from bot.services.base import Deps
from bot.store import Store, open_store
from testkit.fake_port import FakeChatPort

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
TICK = timedelta(minutes=10)


def _build(path: Path) -> Store:
    """Cases opened over a day, each severity: help requests, offers, promises due at
    different times, some contacts."""
    store = open_store(path)
    with store.transaction():
        for who in ("ann", "bob"):
            store.people.ensure(who, "fake", who, None, iso(T0))
        for i in range(24):
            at = T0 + timedelta(minutes=55 * i)
            cid = store.cases.add(f"N-{i}", "Acme", "slow", 1 + i % 4, "ann", "fake", iso(at))
            store.cases.add_owner(cid, "ann", iso(at))
            store.cases.add_participant(cid, "ann", Role.OWNER, iso(at), None, "opened")
            if i % 2 == 0:
                store.cases.add_help_request(cid, ["sso"], None, "ann", iso(at))
            if i % 3 == 0:
                store.cases.add_handoff(cid, "ann", "bob", "take it", None, iso(at))
            store.journal.add_promise(cid, "call back", iso(at + timedelta(minutes=37 * i)),
                                      "ann", iso(at))
            if i % 4 == 1:
                store.journal.add_touchpoint(cid, "support", "called them", "ann",
                                             iso(at + timedelta(hours=1)))
    return store


async def _run(store: Store, port: FakeChatPort, fresh_each_tick: bool,
               extra: dict[datetime, None] | None = None) -> list[tuple[str, str]]:
    sent: list[tuple[str, str]] = []
    nudger = Nudger(Deps(store=store, ports={"fake": port}, config=Config()))
    now = T0
    while now < T0 + timedelta(days=2):
        now += TICK
        if fresh_each_tick:  # a new process every tick: a pass over everything
            nudger = Nudger(Deps(store=store, ports={"fake": port}, config=Config()))
        sent += [(iso(now), line) for line in await nudger.tick(now)]
    return sent


async def test_windowed_ticks_send_what_full_passes_send(tmp_path: Path) -> None:
    windowed = await _run(_build(tmp_path / "a.db"), FakeChatPort(platform="fake"), False)
    full = await _run(_build(tmp_path / "b.db"), FakeChatPort(platform="fake"), True)
    kinds = {line.split()[1] for _, line in full}
    assert kinds == {"connect", "answer", "update", "promise_due"}
    assert len(full) > 50
    # Every nudge goes out once either way (the k-th sending of a line paired with the
    # k-th), at the same tick, except the repeats of a long silence (each further
    # `update_every`, issue 25): the hourly full pass finds those, at most FULL_EVERY late,
    # so the run's last hour may not have sent them yet.
    def nth(sent: list[tuple[str, str]]) -> dict[tuple[str, int], datetime]:
        seen: dict[str, int] = {}
        out = {}
        for at, line in sent:
            seen[line] = seen.get(line, 0) + 1
            out[(line, seen[line])] = parse_iso(at)
        return out

    by_full, by_windowed = nth(full), nth(windowed)
    assert set(by_windowed) <= set(by_full)
    end = T0 + timedelta(days=2)
    assert [k for k in set(by_full) - set(by_windowed) if by_full[k] <= end - FULL_EVERY] == []
    late = {k: by_windowed[k] - by_full[k] for k in by_windowed if by_windowed[k] != by_full[k]}
    assert all(timedelta(0) < d <= FULL_EVERY for d in late.values()), late
    assert all(line.startswith("nudge update") for line, _ in late)
    assert sum(not line.startswith("nudge update") for line, _ in by_full) > 30


async def test_a_failed_send_goes_out_on_a_later_tick(tmp_path: Path) -> None:
    store = _build(tmp_path / "a.db")
    port = FakeChatPort(platform="fake", failing={"direct_message": "channel_not_found"})
    nudger = Nudger(Deps(store=store, ports={"fake": port}, config=Config()))
    now = T0 + timedelta(hours=2)
    await nudger.tick(now)  # the first (full) pass: every direct message fails
    assert nudger.due(now)
    port.failing.clear()
    first = await nudger.tick(now + TICK)
    assert any("promise_due N-0" in line for line in first)
    now += 2 * TICK
    port.failing["direct_message"] = "channel_not_found"
    store.journal.add_promise(store.cases.by_ref("N-1").id, "send logs",
                              iso(now + timedelta(minutes=5)), "ann", iso(now))
    assert await nudger.tick(now + TICK) == []  # a windowed tick whose send fails
    port.failing.clear()
    again = await nudger.tick(now + 2 * TICK)
    assert any("promise_due N-1" in line for line in again)
