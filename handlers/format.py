"""Small text helpers shared by the command modules."""

from __future__ import annotations

from bot.domain import Case, TimelineEvent, severity_label
from bot.services.base import mention


def case_line(case: Case) -> str:
    room = f" · #{case.room_name}" if case.room_name else ""
    state = "" if case.is_open else " · resolved"
    return (f"{case.ref} ({severity_label(case.severity)}) {case.summary} · owner "
            f"{mention(case.owner)}{room}{state}")


def event_line(event: TimelineEvent) -> str:
    by = f" {mention(event.by)}" if event.by and event.kind in ("note", "touch", "mood") else ""
    return f"{event.at[11:16]} {event.kind.replace('_', ' ')}{by}: {event.text}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
