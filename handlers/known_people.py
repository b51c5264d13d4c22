"""The people whose row a command would find settled: what lets `help` skip the store.

Every command makes sure of its actor first (`people.ensure`): their row, and their zone
once the platform says it. Once a person's row is there, `ensure` finds nothing to do, for
good, unless the platform names a zone the row lacks (it only ever fills a missing zone). A
command that needs nothing else of the store (`Command.store` False: `help`) can then run
where its delivery is, with no unit thread and no connection; anyone not remembered here
yet goes the usual way once, which is what settles their row.
"""

from __future__ import annotations

from bot.domain import Person

# Remembered at most (sets of ids: a few MB); past it, people go the usual way.
MOST = 100_000


class KnownPeople:
    def __init__(self, most: int = MOST) -> None:
        self._rows: set[str] = set()  # their row is there
        self._zoned: set[str] = set()  # ... and has a zone
        self._most = most

    def remember(self, person: Person) -> None:
        """Called with the row `ensure` returned outside any transaction (so it is
        committed: a unit's insert could still roll back), on a unit thread. A set's add
        is atomic under the GIL; nothing is ever taken out, so `settled` stays true."""
        if len(self._rows) < self._most:
            self._rows.add(person.id)
            if person.tz is not None:
                self._zoned.add(person.id)

    def settled(self, person_id: str, tz: str | None) -> bool:
        """Whether `ensure(person_id, tz=tz)` would find nothing to do."""
        return person_id in self._zoned or (not tz and person_id in self._rows)
