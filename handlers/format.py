"""Small text helpers shared by the command modules."""

from __future__ import annotations

from bot.domain import Case, severity_label
from bot.i18n import _
from bot.people import mention
from bot.services.messages import event_line

__all__ = ["case_line", "event_line"]


def case_line(case: Case) -> str:
    room = f" · #{case.room_name}" if case.room_name else ""
    state = "" if case.is_open else f" · {case.status.value}"
    return (f"{case.ref} ({severity_label(case.severity)}) {case.summary} · "
            + _("owner {person}").format(person=mention(case.owner)) + f"{room}{state}")
