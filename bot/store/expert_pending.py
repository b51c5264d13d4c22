"""The expert finder's figure changes a command makes, applied at the end of its transaction
in person order (issue 28).

Each person's figures (expert_load and the rows bot/store/expert_kept.py keeps) change
under their expert_load row's lock. Taken as the command's steps came, two commands touching
the same two people in opposite orders (`invite @bob @ann` on one case while `invite @ann
@bob` runs on another; a resolve, which moves everyone's load and then rewrites the past
help of everyone who ever helped; two accounts merged) each held one lock and waited for the
other's: PostgreSQL aborted one (40P01) after its deadlock_timeout, and the unit of work ran
it again (handlers/unit_of_work.py `retried`). Here a command's changes are gathered (a load
delta per person, who needs their rows rewritten) and applied just before COMMIT
(bot/store/deferred.py), every lock taken in person order: two commands then take turns.

A read of the figures inside the same transaction (`settle`) applies what is gathered first,
so it sees the command's own changes. Outside a transaction the changes apply at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.store import expert_kept
from bot.store.base import SqlDb

_NAME = "expert figures"
_CHUNK = 500


@dataclass
class Changes:
    loads: dict[str, int] = field(default_factory=dict)  # person -> open-load delta
    rewrite: dict[str, bool] = field(default_factory=dict)  # person -> skills changed


def _changes(db: SqlDb) -> Changes | None:
    deferred = db.deferred()
    if deferred is None:
        return None
    changes: Changes = deferred.state(_NAME, Changes, lambda c: _apply(db, c))
    return changes


def add_load(db: SqlDb, deltas: dict[str, int]) -> None:
    """Each person's count of open cases moved by its delta."""
    changes = _changes(db)
    if changes is None:
        _apply(db, Changes(loads=dict(deltas)))
        return
    for person, delta in deltas.items():
        changes.loads[person] = changes.loads.get(person, 0) + delta


def refresh(db: SqlDb, persons: Iterable[str], skills_changed: bool = True) -> None:
    """The kept rows of `persons` rewritten from the figures they copy (expert_kept.refresh)."""
    changes = _changes(db)
    if changes is None:
        _apply(db, Changes(rewrite=dict.fromkeys(persons, skills_changed)))
        return
    for person in persons:
        changes.rewrite[person] = changes.rewrite.get(person, False) or skills_changed


def settle(db: SqlDb) -> None:
    """Before a read of the figures: what this transaction changed so far, applied."""
    deferred = db.deferred()
    taken = deferred.take(_NAME) if deferred is not None else None
    if taken is not None:
        state, flush = taken
        flush(state)


def _apply(db: SqlDb, changes: Changes) -> None:
    """Every person's expert_load row locked (upserted) in person order, then their kept
    rows moved or rewritten."""
    persons = sorted(p for p in set(changes.loads) | set(changes.rewrite)
                     if changes.loads.get(p) or p in changes.rewrite)
    for i in range(0, len(persons), _CHUNK):
        part = persons[i:i + _CHUNK]
        db.execute("INSERT INTO expert_load (person_id, open_cases) VALUES "
                   + ",".join("(?, ?)" for _ in part)
                   + " ON CONFLICT (person_id) DO UPDATE SET open_cases = "
                   "expert_load.open_cases + excluded.open_cases",
                   [x for p in part for x in (p, changes.loads.get(p, 0))])
    for person in persons:  # (rows rewritten whole below need no move)
        if changes.loads.get(person) and not changes.rewrite.get(person):
            expert_kept.moved(db, person, changes.loads[person])
    for skills_changed in (True, False):
        expert_kept.refresh(db, [p for p, s in changes.rewrite.items() if s is skills_changed],
                            skills_changed)
