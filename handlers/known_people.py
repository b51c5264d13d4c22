"""The people whose row a command would find settled: what lets `help` skip the store.

Every command makes sure of its actor first (`people.ensure`): their row, and their zone
once the platform says it. Once a person's row has a zone, that is a read that finds
nothing to do, for good (`ensure` only ever fills a missing zone). A command that needs
nothing else of the store (`Command.store` False: `help`) can then run where its delivery
is, with no unit thread and no connection; anyone not remembered here yet goes the usual
way once, which is what settles their row.
"""

from __future__ import annotations

from bot.domain import Person

# Remembered at most (a set of ids: a few MB); past it, people go the usual way.
MOST = 100_000


class KnownPeople:
    def __init__(self, most: int = MOST) -> None:
        self._settled: set[str] = set()
        self._most = most

    def remember(self, person: Person) -> None:
        """Called with the row `ensure` returned outside any transaction (so it is
        committed: a unit's insert could still roll back), on a unit thread. A set's add
        is atomic under the GIL; nothing is ever taken out, so `settled` stays true."""
        if person.tz is not None and len(self._settled) < self._most:
            self._settled.add(person.id)

    def settled(self, person_id: str) -> bool:
        return person_id in self._settled
