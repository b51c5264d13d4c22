"""The shell's simulated clock: real time plus an offset that `/clock +2h` moves forward.

The same scheduler that a server runs every 30 s (digests, reminders, nudges) runs in the
shell only when the clock is moved, and prints what fired: so each of them can be tried
without Slack or Teams, and without waiting.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.domain import iso, utcnow
from bot.i18n import N_

_STEP = re.compile(r"^\+(\d{1,4})(m|h|d)$")
_UNIT = {"m": "minutes", "h": "hours", "d": "days"}
USAGE = N_("`/clock` shows the simulated time; `/clock +20m`, `+2h` or `+1d` moves it forward")


class SimClock:
    def __init__(self, start: datetime | None = None) -> None:
        # With a start the clock stands still between moves (tests, scripted sessions).
        self.start = start
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return (self.start or utcnow()) + self.offset

    def advance(self, step: str) -> timedelta:
        """`+20m`, `+2h`, `+1d` -> moved by that; ValueError otherwise."""
        m = _STEP.match(step.strip().lower())
        if not m or int(m.group(1)) == 0:
            raise ValueError(step)
        delta = timedelta(**{_UNIT[m.group(2)]: int(m.group(1))})
        self.offset += delta
        return delta

    def shown(self) -> str:
        return iso(self())
