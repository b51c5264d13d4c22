"""Roles granted in chat, followers, confidential cases (bot/store/interfaces/access.py)."""

from __future__ import annotations

from typing import Any

from bot import tenancy
from bot.domain import Ask, RoleGrant
from bot.store import scope
from bot.store.base import BaseQueries


def _grant(r: dict[str, Any]) -> RoleGrant:
    return RoleGrant(id=r["id"], person=r["person_id"], role=r["role"], why=r["why"],
                     granted_by=r["granted_by"], assumed_at=r["assumed_at"],
                     renounced_at=r["renounced_at"], renounced_by=r["renounced_by"],
                     renounced_why=r["renounced_why"])


def _ask(r: dict[str, Any]) -> Ask:
    return Ask(id=r["id"], case_id=r["case_id"], person=r["person_id"], skill=r["skill"],
               asked_by=r["asked_by"], asked_at=r["asked_at"], state=r["state"],
               decided_at=r["decided_at"], reason=r["reason"], first_id=r["first_id"])


class SqlAccess(BaseQueries):
    def grant_role(self, person: str, role: str, by: str, why: str | None, at: str) -> int:
        return self._insert(
            "INSERT INTO roles (person_id, role, why, granted_by, assumed_at) "
            "VALUES (?, ?, ?, ?, ?)", (person, role, why, by, at))

    def renounce_role(self, person: str, by: str, why: str | None, at: str) -> RoleGrant | None:
        active = self.role_of(person)
        if active is None:
            return None
        self.db.execute("UPDATE roles SET renounced_at = ?, renounced_by = ?, renounced_why = ? "
                        "WHERE id = ?", (at, by, why, active.id))
        return active

    def role_of(self, person: str) -> RoleGrant | None:
        r = self._one("SELECT * FROM roles WHERE person_id = ? AND renounced_at IS NULL "
                      "ORDER BY id DESC LIMIT 1", (person,))
        return _grant(r) if r else None

    def roles(self, active_only: bool = True) -> list[RoleGrant]:
        terms, params = (["renounced_at IS NULL"] if active_only else []), list[str]()
        if scope.active():  # none of people known to be of another workspace (tenancy)
            terms.append("person_id NOT IN (SELECT id FROM people WHERE workspace <> '' "
                         "AND workspace <> ?)")
            params.append(tenancy.team())
        where = f" WHERE {' AND '.join(terms)}" if terms else ""
        return [_grant(r) for r in self._all(f"SELECT * FROM roles{where} ORDER BY id",
                                             params)]

    def follow(self, case_id: int, person: str, at: str, by: str | None,
               why: str | None) -> bool:
        if person in self.followers(case_id):
            return False
        self.db.execute("INSERT INTO followers (case_id, person_id, followed_at, added_by, why) "
                        "VALUES (?, ?, ?, ?, ?)", (case_id, person, at, by, why))
        return True

    def unfollow(self, case_id: int, person: str, at: str) -> bool:
        done = self.db.execute("UPDATE followers SET unfollowed_at = ? WHERE case_id = ? AND "
                               "person_id = ? AND unfollowed_at IS NULL", (at, case_id, person))
        return done.rowcount > 0

    def followers(self, case_id: int) -> list[str]:
        rows = self._all("SELECT person_id FROM followers WHERE case_id = ? AND "
                         "unfollowed_at IS NULL ORDER BY id", (case_id,))
        return [r["person_id"] for r in rows]

    def following(self, person: str) -> list[int]:
        rows = self._all("SELECT case_id FROM followers WHERE person_id = ? AND "
                         "unfollowed_at IS NULL ORDER BY id", (person,))
        return [r["case_id"] for r in rows]

    def add_ask(self, case_id: int, person: str, skill: str | None, by: str, at: str,
                first_id: int | None) -> int:
        return self._insert(
            "INSERT INTO expert_asks (case_id, person_id, skill, asked_by, asked_at, first_id, "
            "state) VALUES (?, ?, ?, ?, ?, ?, 'pending')",
            (case_id, person, skill, by, at, first_id))

    def pending_ask(self, case_id: int, person: str) -> Ask | None:
        r = self._one("SELECT * FROM expert_asks WHERE case_id = ? AND person_id = ? AND "
                      "state = 'pending' ORDER BY id DESC LIMIT 1", (case_id, person))
        return _ask(r) if r else None

    def pending_asks(self) -> list[Ask]:
        return [_ask(r) for r in self._all(
            "SELECT * FROM expert_asks WHERE state = 'pending' ORDER BY asked_at, id")]

    def asks(self, case_id: int) -> list[Ask]:
        return [_ask(r) for r in self._all(
            "SELECT * FROM expert_asks WHERE case_id = ? ORDER BY id", (case_id,))]

    def decide_ask(self, ask_id: int, state: str, at: str, reason: str | None) -> bool:
        done = self.db.execute("UPDATE expert_asks SET state = ?, decided_at = ?, reason = ? "
                               "WHERE id = ? AND state = 'pending'", (state, at, reason, ask_id))
        return done.rowcount > 0

    def set_confidential(self, case_id: int, confidential: bool) -> None:
        self.db.execute("UPDATE cases SET confidential = ? WHERE id = ?",
                        (int(confidential), case_id))
