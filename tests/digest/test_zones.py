"""The same cases fall into different weeks and days depending on the digest's zone and DST."""

from __future__ import annotations

from pathlib import Path

from bot.digest.metrics import compute_digest
from bot.digest.weeks import parse_week
from tests.digest.script import Script, utc


async def _open(s: Script, ref: str, when: str, resolve_at: str | None = None) -> None:
    await s.at(when, "alice", f"open {ref} sev3 something broke")
    if resolve_at:
        await s.at(resolve_at, "alice", f"resolve {ref} fixed")


async def test_berlin_last_week_of_october(tmp_path: Path) -> None:
    s = Script(tmp_path)
    await _open(s, "B-0", "2026-10-18 21:30")  # Sun 23:30 CEST: the week before
    await _open(s, "B-1", "2026-10-18 22:30")  # Mon 00:30 CEST: first hour of W43
    # Sun 25 Oct has 25 hours in Berlin: 22:30 UTC is 23:30 CET, still Sunday and W43.
    await _open(s, "B-2", "2026-10-25 01:30", resolve_at="2026-10-25 22:30")
    await _open(s, "B-3", "2026-10-25 23:30")  # Mon 26 Oct 00:30 CET: W44
    s.clock.now = utc("2026-11-02 08:00")
    berlin = compute_digest(s.core.deps.store, parse_week("2026-W43", "Europe/Berlin"), s.clock.now)
    utc_week = compute_digest(s.core.deps.store, parse_week("2026-W43", "UTC"), s.clock.now)
    s.close()
    assert (berlin["opened"], berlin["resolved"], berlin["open_at_end"]) == (2, 1, 2)
    assert berlin["previous"]["opened"] == 1
    days = {d["date"]: (d["opened"], d["resolved"]) for d in berlin["per_day"]}
    assert days["2026-10-19"] == (1, 0) and days["2026-10-25"] == (1, 1)
    assert berlin["time_to_resolution"]["median_s"] == 21 * 3600
    # In UTC, B-1 opens on Sunday 18 Oct (W42) and B-3 on Sunday 25 Oct (W43).
    assert (utc_week["opened"], utc_week["previous"]["opened"]) == (2, 2)
    assert {d["date"]: d["opened"] for d in utc_week["per_day"]}["2026-10-25"] == 2


async def test_new_york_first_week_of_november(tmp_path: Path) -> None:
    s = Script(tmp_path)
    await _open(s, "N-1", "2026-11-02 04:30")  # Sun 1 Nov 23:30 EST: W44 in New York
    await _open(s, "N-2", "2026-11-02 05:30")  # Mon 2 Nov 00:30 EST
    await s.at("2026-11-02 06:00", "alice", "need N-2 networking")
    await s.at("2026-11-02 06:45", "bob", "join N-2")
    await s.at("2026-11-09 04:59", "alice", "resolve N-2 fixed")
    await _open(s, "N-3", "2026-11-09 05:00")  # Mon 9 Nov 00:00 EST: W46
    s.clock.now = utc("2026-11-10 12:00")
    ny = compute_digest(s.core.deps.store, parse_week("2026-W45", "America/New_York"), s.clock.now)
    s.close()
    assert (ny["opened"], ny["resolved"], ny["open_at_end"]) == (1, 1, 1)
    assert ny["start"] == "2026-11-02T05:00:00Z" and ny["end"] == "2026-11-09T05:00:00Z"
    assert ny["previous"]["opened"] == 1 and ny["previous"]["end"] == "2026-11-02T05:00:00Z"
    assert ny["time_to_connect"] == {"median_s": 2700, "p90_s": 2700, "n": 1}
    days = {d["date"]: d["resolved"] for d in ny["per_day"]}
    assert days["2026-11-08"] == 1  # 04:59 UTC on 9 Nov is 23:59 on Sunday 8 Nov in New York
