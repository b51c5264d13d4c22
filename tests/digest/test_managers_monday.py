"""Each manager's Monday (issue 26): three managers in three time zones each get one digest
at their own Monday 09:00 (a zone from their profile, or set with `digest at`), none twice,
also across a restart and a second replica on the same store; bad `digest at` is one line."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from adapters.bootstrap import build_core
from bot.availability import PlatformStatus
from bot.config import Config
from bot.scheduler import Scheduler
from bot.store import open_store
from testkit.fake_port import FakeChatPort
from tests.conftest import Clock, handle
from tests.digest.script import utc

W49 = "Swarm digest 2026-W49"


def _received(port: FakeChatPort) -> list[tuple[str, str]]:
    return [(s.target, s.reply.title or "") for s in port.sent
            if s.action == "dm" and s.reply is not None
            and (s.reply.title or "").startswith("Swarm digest")]


async def test_three_managers_three_zones_one_digest_each_at_their_monday_nine(
        tmp_path: Path) -> None:
    cfg = Config()
    cfg.store.path = str(tmp_path / "monday.db")
    cfg.digest.weekday, cfg.digest.time, cfg.digest.timezone = "monday", "09:00", "UTC"
    cfg.digest.managers = ["lon", "syd", "nyc"]
    clock = Clock(utc("2026-12-02 12:00"))
    port = FakeChatPort(platform="slack")

    def replica() -> Scheduler:
        """A scheduler on its own store connection: a restart, or another replica."""
        core = build_core(cfg, {"slack": port}, clock=clock, store=open_store(cfg.store.path))
        return Scheduler(core.deps)

    core = build_core(cfg, {"slack": port}, clock=clock)
    # Zones from the profile (the platform gives it with each command) or `digest at`.
    await handle(core, "slack", "lon", "skills add leadership", tz="Europe/London")
    await handle(core, "slack", "nyc", "skills add leadership", tz="America/New_York")
    out = await handle(core, "slack", "syd", "digest at monday 09:00 Australia/Sydney")
    assert "Your digest comes Mondays at 09:00 Australia/Sydney." in out[0].text
    await handle(core, "slack", "lon", 'open ZD-1 sev2 customer="Acme" SSO broken')
    core.deps.store.close()

    first, second = replica(), replica()
    arrived: dict[str, datetime] = {}
    t = utc("2026-12-06 00:00")  # Sunday: the week 2026-W49 ends tonight in Sydney first
    while t <= utc("2026-12-08 00:00"):
        clock.now = t
        await asyncio.gather(first.tick(t), second.tick(t))  # two replicas, one store
        for who, title in _received(port):
            if title == W49:
                arrived.setdefault(who, t)
        if t == utc("2026-12-07 06:00"):
            first, second = replica(), replica()  # both restart
        t += timedelta(minutes=30)

    # Monday 09:00 in Sydney is Sunday 22:00 UTC; in London 09:00 UTC; in New York 14:00 UTC.
    assert arrived == {"syd": utc("2026-12-06 22:00"), "lon": utc("2026-12-07 09:00"),
                       "nyc": utc("2026-12-07 14:00")}
    counts = Counter(who for who, title in _received(port) if title == W49)
    assert counts == {"syd": 1, "lon": 1, "nyc": 1}


async def test_digest_at_wrong_words_are_one_line(say, core) -> None:  # noqa: ANN001
    core.deps.config.people.managers = ["manny"]
    assert "Say the day (monday..sunday)" in await say("manny", "digest at someday 09:00")
    assert "Say the time as HH:MM" in await say("manny", "digest at mon 9am")
    assert "unknown time zone 'Mars/Base'" in await say("manny", "digest at mon 09:00 Mars/Base")
    assert "Too many words" in await say("manny", "digest at mon 09:00 UTC please")
    assert "The digest is for managers" in await say("dan", "digest at mon 09:00")
    out = await say("manny", "digest at tue 08:30")
    assert "Your digest comes Tuesdays at 08:30 " in out and "ask an admin" in out


class _ProfilePort(FakeChatPort):
    """A port that can say a person's profile zone (as Slack's users.info does)."""

    async def person_status(self, user_id: str) -> PlatformStatus:
        return PlatformStatus(tz={"tok": "Asia/Tokyo"}.get(user_id))


async def test_a_manager_who_never_typed_gets_it_in_their_profile_zone(tmp_path: Path) -> None:
    cfg = Config()
    cfg.store.path = str(tmp_path / "profile.db")
    cfg.digest.weekday, cfg.digest.time, cfg.digest.timezone = "monday", "09:00", "UTC"
    cfg.digest.managers = ["tok"]
    clock = Clock(utc("2026-12-06 12:00"))
    port = _ProfilePort(platform="slack")
    core = build_core(cfg, {"slack": port}, clock=clock)
    s = Scheduler(core.deps)
    await s.tick(utc("2026-12-06 12:00"))  # the week before last, caught up
    port.sent.clear()
    await s.tick(utc("2026-12-06 23:59"))  # Monday 08:59 in Tokyo
    assert _received(port) == []
    await s.tick(utc("2026-12-07 00:00"))  # Monday 09:00 in Tokyo
    assert _received(port) == [("tok", W49)]
    person = core.deps.store.people.get("tok")
    assert person is not None and person.tz == "Asia/Tokyo"  # kept: not asked every tick
