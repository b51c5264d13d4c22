"""People and the skills directory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import tenancy
from bot.domain import Person
from bot.store import expert_pending, scope
from bot.store.base import BaseQueries


class SqlPeople(BaseQueries):
    def ensure(self, person: str, platform: str, name: str | None, tz: str | None, at: str
               ) -> Person:
        # Read first: the person is almost always known already (one statement, not two).
        found = self.get(person)
        if found is not None and (not tz or found.tz is not None):
            return found
        if found is None:
            self.db.execute(
                "INSERT INTO people (id, platform, name, tz, created_at, workspace) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (person, platform, name or person, tz, at, tenancy.team()),
            )
        if tz:
            self.db.execute("UPDATE people SET tz = ? WHERE id = ? AND tz IS NULL", (tz, person))
        found = self.get(person)
        assert found is not None
        return found

    def get(self, person: str) -> Person | None:
        r = self._one("SELECT * FROM people WHERE id = ?", (person,))
        return _person(r) if r is not None else None

    def many(self, persons: Sequence[str]) -> dict[str, Person]:
        found: dict[str, Person] = {}
        for part in chunked(persons):
            marks = ",".join("?" for _ in part)
            for r in self._all(f"SELECT * FROM people WHERE id IN ({marks})", list(part)):
                found[r["id"]] = _person(r)
        return found

    def workspace_of(self, person: str) -> str:
        r = self._one("SELECT workspace FROM people WHERE id = ?", (person,))
        return str(r["workspace"] or "") if r else ""

    def platform_of(self, person: str) -> str | None:
        r = self._one("SELECT platform FROM people WHERE id = ?", (person,))
        return r["platform"] if r else None

    def set_manager(self, person: str, manager: bool) -> None:
        self.db.execute("UPDATE people SET manager = ? WHERE id = ?", (int(manager), person))

    def set_available(self, person: str, available: bool) -> None:
        self.db.execute("UPDATE people SET available = ? WHERE id = ?", (int(available), person))

    def set_function(self, person: str, function: str | None) -> None:
        self.db.execute("UPDATE people SET function = ? WHERE id = ?", (function, person))

    def skills_of(self, person: str) -> list[str]:
        rows = self._all("SELECT skill FROM skills WHERE person_id = ? ORDER BY skill", (person,))
        return [r["skill"] for r in rows]

    def add_skills(self, person: str, skills: Sequence[str]) -> None:
        for s in skills:
            self.db.execute(
                "INSERT INTO skills (person_id, skill) VALUES (?, ?) "
                "ON CONFLICT (person_id, skill) DO NOTHING", (person, s))
        expert_pending.refresh(self.db, [person])  # the finder's kept rows (issue 28)

    def remove_skills(self, person: str, skills: Sequence[str]) -> None:
        for s in skills:
            self.db.execute("DELETE FROM skills WHERE person_id = ? AND skill = ?", (person, s))
        expert_pending.refresh(self.db, [person])

    def with_skills(self, skills: Sequence[str]) -> dict[str, list[str]]:
        if not skills:
            return {}
        marks = ",".join("?" for _ in skills)
        within, limit = scope.home("p")
        rows = self._all(
            f"SELECT s.person_id, s.skill FROM skills s JOIN people p ON p.id = s.person_id "
            f"WHERE s.skill IN ({marks}) AND {within} ORDER BY s.person_id",
            [*skills, *limit])
        found: dict[str, list[str]] = {}
        for r in rows:
            found.setdefault(r["person_id"], []).append(r["skill"])
        return found


def _person(r: dict[str, Any]) -> Person:
    return Person(id=r["id"], name=r["name"], available=bool(r["available"]),
                  manager=bool(r["manager"]), tz=r["tz"], function=r["function"])


def chunked(items: Sequence[str], size: int = 500) -> list[Sequence[str]]:
    """Ids in slices small enough for one IN (...) on either store."""
    items = list(dict.fromkeys(items))
    return [items[i:i + size] for i in range(0, len(items), size)]
