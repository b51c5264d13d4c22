"""Availability the platforms know (issue 26), the pure part: statuses and working hours give
one-line reasons; `skills back` wins for a while; the cache asks a platform once per person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.availability import PlatformStatus, absent, hours_problems, off_shift
from bot.config import AvailabilityConfig
from bot.errors import PortError
from bot.presence_cache import PresenceCache

HOURS = AvailabilityConfig(presence=True, work_start="09:00", work_end="17:00")
MONDAY_NOON_UTC = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_statuses_and_hours_give_reasons() -> None:
    now = MONDAY_NOON_UTC
    assert absent(PlatformStatus(status_text="Out of office until Jan 4"), None, now, HOURS
                  ) == "out of office (\u201cOut of office until Jan 4\u201d)"
    assert absent(PlatformStatus(status_emoji=":palm_tree:"), None, now, HOURS) == "out of office"
    assert absent(PlatformStatus(huddle=True), None, now, HOURS) == "in a huddle"
    assert absent(PlatformStatus(away=True), None, now, HOURS) == "away (their presence says so)"
    assert absent(PlatformStatus(status_text="Lunch"), "Europe/Berlin", now, HOURS) is None
    # 23:00 Monday in Sydney; 12:00 in London; Saturday is no working day.
    assert absent(None, "Australia/Sydney", now, HOURS) == "off shift in Sydney (Mon 23:00 there)"
    assert absent(PlatformStatus(tz="Australia/Sydney"), None, now, HOURS).startswith("off shift")  # type: ignore[union-attr]
    assert absent(None, "Europe/London", now, HOURS) is None
    assert off_shift("Europe/London", now + timedelta(days=5), HOURS) is not None
    assert absent(None, None, now, HOURS) is None  # a zone nobody knows: never skipped on a guess
    assert absent(None, "Australia/Sydney", now, AvailabilityConfig()) is None  # no hours set
    # `skills back` wins for 12 hours, then the platform is believed again.
    ooo = PlatformStatus(status_text="OOO")
    assert absent(ooo, None, now, HOURS, back_at=now - timedelta(hours=1)) is None
    assert absent(ooo, None, now, HOURS, back_at=now - timedelta(hours=13)) is not None
    night = AvailabilityConfig(work_start="22:00", work_end="06:00")
    assert off_shift("UTC", now.replace(hour=23), night) is None
    assert off_shift("UTC", now, night) is not None
    assert hours_problems(AvailabilityConfig(work_start="9", work_end="")) == [
        "[availability] work_start and work_end go together (both \"\" for none)",
        "[availability] work_start '9' is not HH:MM (e.g. \"09:00\")"]


class _Port:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def person_status(self, user_id: str) -> PlatformStatus:
        self.asked.append(user_id)
        if user_id == "broken":
            raise PortError("read the presence", "user_not_found")
        return PlatformStatus(away=user_id == "sleepy")


async def test_the_cache_asks_once_per_person_until_it_expires() -> None:
    ticks = [0.0]
    cache = PresenceCache(ttl_s=120, clock=lambda: ticks[0])
    port = _Port()
    found = await cache.statuses("slack", port, ["a", "sleepy", "broken", "a"])
    assert set(found) == {"a", "sleepy"} and found["sleepy"].away
    await cache.statuses("slack", port, ["a", "sleepy"])
    assert sorted(port.asked) == ["a", "broken", "sleepy"]
    ticks[0] = 121.0
    await cache.statuses("slack", port, ["a"])
    assert port.asked.count("a") == 2


async def test_own_working_hours_skip_off_shift_people_and_back_wins(say, clock) -> None:  # noqa: ANN001
    # Monday 09:00 UTC: 20:00 in Sydney, 10:00 in Berlin.
    await say("syd", "skills add payroll")
    out = await say("syd", "skills hours 09:00-17:00 Australia/Sydney")
    assert "Working hours: 09:00-17:00 Australia/Sydney." in out
    await say("ber", "skills add payroll")
    await say("ber", "skills hours 09:00-17:00 Europe/Berlin")
    await say("alice", "open ZD-40 sev3 Payroll export fails")
    out = await say("alice", "need ZD-40 payroll")
    assert "Suggested: <@ber>" in out and "<@syd> (off shift in Sydney (Mon 20:00 there))" in out
    await say("syd", "skills back")  # back wins over the hour
    clock.advance(hours=8)  # 17:00 in Berlin: off; 04:00 in Sydney, but syd said back
    out = await say("alice", "need ZD-40 payroll")
    assert "Suggested: <@syd>" in out and "<@ber> (off shift in Berlin (Mon 18:00 there))" in out
    await say("ber", "skills hours none")  # the config's hours again: none here
    assert "Working hours" not in await say("ber", "skills")
    assert "<@ber> (off shift" not in await say("alice", "need ZD-40 payroll")
    for bad in ("skills hours 9-5", "skills hours 09:00-17:00 Mars/Base",
                "skills hours 09:00-17:00 UTC extra"):
        assert "skills hours 09:00-17:00 [Europe/Berlin]" in await say("syd", bad)
