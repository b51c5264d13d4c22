"""SQLite store over sqlite-utils. Every SQL statement of the core lives in this package."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.domain import (
    Case,
    CaseStatus,
    Handoff,
    HandoffState,
    Participant,
    Person,
    Role,
    TimelineEvent,
)
from bot.store.digest import DigestQueries
from bot.store.journal import JournalQueries, ReliabilityQueries
from bot.store.migrations import migrate
from bot.store.platform_refs import PlatformRefQueries


def open_store(path: str | Path) -> Store:
    """Open (creating if needed) the database file, with WAL and foreign keys on."""
    # check_same_thread off: Bolt's lazy listeners and the aiohttp loop share one writer,
    # and every call happens on the event loop thread anyway.
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db = Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=5000")
    migrate(db)
    return Store(db)


def open_reader(path: str | Path) -> Store:
    """A read-only connection to an existing store, for work done off the event loop.

    WAL lets it read while the loop's connection writes; it runs no migration.
    """
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True,
                           check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=5000")
    return Store(Database(conn))


def _case(r: dict[str, Any]) -> Case:
    return Case(
        id=r["id"], ref=r["ref"], customer=r["customer"], summary=r["summary"],
        severity=r["severity"], status=CaseStatus(r["status"]), owner=r["owner_id"],
        platform=r["platform"], room_id=r["room_id"], room_name=r["room_name"],
        delight=r["delight"], resolution=r["resolution"], opened_at=r["opened_at"],
        resolved_at=r["resolved_at"],
    )


def _handoff(r: dict[str, Any]) -> Handoff:
    return Handoff(
        id=r["id"], case_id=r["case_id"], from_id=r["from_id"], to_id=r["to_id"],
        briefing=r["briefing"], tried=r["tried"], state=HandoffState(r["state"]),
        requested_at=r["requested_at"], decided_at=r["decided_at"], reason=r["reason"],
    )


class Store(JournalQueries, ReliabilityQueries, DigestQueries, PlatformRefQueries):
    def __init__(self, db: Database) -> None:
        self.db = db
        self.db.conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self.db.conn.close()

    @property
    def path(self) -> str:
        """The database file this store is on."""
        return str(self.db.execute("PRAGMA database_list").fetchone()[2])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.atomic():
            yield

    # people ---------------------------------------------------------------
    def ensure_person(self, pid: str, platform: str, name: str | None, tz: str | None, at: str
                      ) -> Person:
        self.db.execute(
            "INSERT INTO people (id, platform, name, tz, created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            (pid, platform, name or pid, tz, at),
        )
        if tz:
            self.db.execute("UPDATE people SET tz = ? WHERE id = ? AND tz IS NULL", (tz, pid))
        person = self.get_person(pid)
        assert person is not None
        return person

    def get_person(self, pid: str) -> Person | None:
        r = self._one("SELECT * FROM people WHERE id = ?", (pid,))
        if r is None:
            return None
        return Person(id=r["id"], name=r["name"], available=bool(r["available"]),
                      manager=bool(r["manager"]), tz=r["tz"], function=r["function"])

    def set_manager(self, pid: str, manager: bool) -> None:
        self.db.execute("UPDATE people SET manager = ? WHERE id = ?", (int(manager), pid))

    def set_available(self, pid: str, available: bool) -> None:
        self.db.execute("UPDATE people SET available = ? WHERE id = ?", (int(available), pid))

    def set_function(self, pid: str, function: str | None) -> None:
        self.db.execute("UPDATE people SET function = ? WHERE id = ?", (function, pid))

    def skills_of(self, pid: str) -> list[str]:
        rows = self._all("SELECT skill FROM skills WHERE person_id = ? ORDER BY skill", (pid,))
        return [r["skill"] for r in rows]

    def add_skills(self, pid: str, skills: list[str]) -> None:
        for s in skills:
            self.db.execute(
                "INSERT INTO skills (person_id, skill) VALUES (?, ?) "
                "ON CONFLICT (person_id, skill) DO NOTHING", (pid, s))

    def remove_skills(self, pid: str, skills: list[str]) -> None:
        for s in skills:
            self.db.execute("DELETE FROM skills WHERE person_id = ? AND skill = ?", (pid, s))

    def people_with_skills(self, skills: list[str]) -> dict[str, list[str]]:
        if not skills:
            return {}
        marks = ",".join("?" for _ in skills)
        rows = self._all(
            f"SELECT person_id, skill FROM skills WHERE skill IN ({marks}) ORDER BY person_id",
            skills)
        found: dict[str, list[str]] = {}
        for r in rows:
            found.setdefault(r["person_id"], []).append(r["skill"])
        return found

    def open_swarm_load(self, pid: str) -> int:
        r = self._one(
            "SELECT COUNT(DISTINCT p.case_id) AS n FROM participants p JOIN cases c "
            "ON c.id = p.case_id WHERE p.person_id = ? AND p.left_at IS NULL AND c.status = ?",
            (pid, CaseStatus.OPEN.value))
        return int(r["n"]) if r else 0

    def past_help(self, pid: str, skills: list[str]) -> int:
        """Resolved cases this person joined as a specialist after a request for these skills."""
        if not skills:
            return 0
        likes = " OR ".join("h.skills LIKE ?" for _ in skills)
        r = self._one(
            "SELECT COUNT(DISTINCT p.case_id) AS n FROM participants p "
            "JOIN cases c ON c.id = p.case_id JOIN help_requests h ON h.case_id = p.case_id "
            f"WHERE p.person_id = ? AND p.role = ? AND c.status = ? AND ({likes})",
            [pid, Role.SPECIALIST.value, CaseStatus.RESOLVED.value]
            + [f"%|{s}|%" for s in skills])
        return int(r["n"]) if r else 0

    # cases ----------------------------------------------------------------
    def insert_case(self, ref: str, customer: str, summary: str, severity: int, owner: str,
                    platform: str, at: str) -> int:
        return self._insert(
            "INSERT INTO cases (ref, customer, summary, severity, status, owner_id, platform, "
            "opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ref, customer, summary, severity, CaseStatus.OPEN.value, owner, platform, at))

    def case_by_ref(self, ref: str) -> Case | None:
        r = self._one("SELECT * FROM cases WHERE lower(ref) = lower(?)", (ref,))
        return _case(r) if r else None

    def case_by_id(self, case_id: int) -> Case | None:
        r = self._one("SELECT * FROM cases WHERE id = ?", (case_id,))
        return _case(r) if r else None

    def case_by_room(self, room_id: str) -> Case | None:
        r = self._one("SELECT * FROM cases WHERE room_id = ? ORDER BY id DESC", (room_id,))
        return _case(r) if r else None

    def set_case_room(self, case_id: int, room_id: str, room_name: str) -> None:
        self.db.execute("UPDATE cases SET room_id = ?, room_name = ? WHERE id = ?",
                        (room_id, room_name, case_id))

    def set_case_owner(self, case_id: int, owner: str) -> None:
        self.db.execute("UPDATE cases SET owner_id = ? WHERE id = ?", (owner, case_id))

    def set_delight(self, case_id: int, delight: str) -> None:
        self.db.execute("UPDATE cases SET delight = ? WHERE id = ?", (delight, case_id))

    def resolve_case(self, case_id: int, resolution: str, at: str) -> None:
        self.db.execute(
            "UPDATE cases SET status = ?, resolution = ?, resolved_at = ? WHERE id = ?",
            (CaseStatus.RESOLVED.value, resolution, at, case_id))

    def list_cases(self, status: CaseStatus | None = None, person: str | None = None,
                   limit: int = 50) -> list[Case]:
        where, params = [], []
        if status is not None:
            where.append("c.status = ?")
            params.append(status.value)
        if person is not None:
            where.append("(c.owner_id = ? OR EXISTS (SELECT 1 FROM participants p WHERE "
                         "p.case_id = c.id AND p.person_id = ? AND p.left_at IS NULL))")
            params += [person, person]
        sql = "SELECT c.* FROM cases c"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY c.id DESC LIMIT ?"
        return [_case(r) for r in self._all(sql, params + [limit])]

    def all_cases(self) -> list[Case]:
        return [_case(r) for r in self._all("SELECT * FROM cases ORDER BY id")]

    # ownership and participation -----------------------------------------
    def add_owner(self, case_id: int, pid: str, at: str) -> None:
        self._insert("INSERT INTO owners (case_id, person_id, assumed_at) VALUES (?, ?, ?)",
                     (case_id, pid, at))

    def end_owner(self, case_id: int, at: str) -> None:
        self.db.execute("UPDATE owners SET renounced_at = ? WHERE case_id = ? AND "
                        "renounced_at IS NULL", (at, case_id))

    def owners(self, case_id: int) -> list[dict[str, Any]]:
        return self._all("SELECT person_id AS person, assumed_at AS \"from\", renounced_at AS "
                         "until FROM owners WHERE case_id = ? ORDER BY id", (case_id,))

    def add_participant(self, case_id: int, pid: str, role: Role, at: str,
                        invited_by: str | None, why: str | None) -> None:
        self._insert(
            "INSERT INTO participants (case_id, person_id, role, joined_at, invited_by, why) "
            "VALUES (?, ?, ?, ?, ?, ?)", (case_id, pid, role.value, at, invited_by, why))

    def active_participant(self, case_id: int, pid: str) -> Participant | None:
        r = self._one("SELECT * FROM participants WHERE case_id = ? AND person_id = ? AND "
                      "left_at IS NULL ORDER BY id DESC", (case_id, pid))
        return self._participant(r) if r else None

    def set_role(self, case_id: int, pid: str, role: Role) -> None:
        self.db.execute("UPDATE participants SET role = ? WHERE case_id = ? AND person_id = ? "
                        "AND left_at IS NULL", (role.value, case_id, pid))

    def leave_participant(self, case_id: int, pid: str, at: str) -> None:
        self.db.execute("UPDATE participants SET left_at = ? WHERE case_id = ? AND "
                        "person_id = ? AND left_at IS NULL", (at, case_id, pid))

    def participants(self, case_id: int, active_only: bool = False) -> list[Participant]:
        sql = "SELECT * FROM participants WHERE case_id = ?"
        if active_only:
            sql += " AND left_at IS NULL"
        return [self._participant(r) for r in self._all(sql + " ORDER BY id", (case_id,))]

    @staticmethod
    def _participant(r: dict[str, Any]) -> Participant:
        return Participant(person=r["person_id"], role=Role(r["role"]), joined_at=r["joined_at"],
                           left_at=r["left_at"], invited_by=r["invited_by"], why=r["why"])

    # handoffs -------------------------------------------------------------
    def insert_handoff(self, case_id: int, from_id: str, to_id: str, briefing: str,
                       tried: str | None, at: str) -> int:
        return self._insert(
            "INSERT INTO handoffs (case_id, from_id, to_id, briefing, tried, state, "
            "requested_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (case_id, from_id, to_id, briefing, tried, HandoffState.PENDING.value, at))

    def pending_handoff(self, case_id: int) -> Handoff | None:
        r = self._one("SELECT * FROM handoffs WHERE case_id = ? AND state = ? ORDER BY id DESC",
                      (case_id, HandoffState.PENDING.value))
        return _handoff(r) if r else None

    def decide_handoff(self, handoff_id: int, state: HandoffState, at: str,
                       reason: str | None = None) -> None:
        self.db.execute("UPDATE handoffs SET state = ?, decided_at = ?, reason = ? WHERE id = ?",
                        (state.value, at, reason, handoff_id))

    def handoffs(self, case_id: int) -> list[Handoff]:
        return [_handoff(r) for r in
                self._all("SELECT * FROM handoffs WHERE case_id = ? ORDER BY id", (case_id,))]

    # help requests --------------------------------------------------------
    def insert_help_request(self, case_id: int, skills: list[str], tried: str | None,
                            by: str, at: str) -> int:
        # Skills are stored |a|b| so that a LIKE finds a whole skill portably.
        return self._insert(
            "INSERT INTO help_requests (case_id, skills, tried, by_id, at) VALUES (?, ?, ?, ?, ?)",
            (case_id, "|" + "|".join(skills) + "|", tried, by, at))

    def last_tried(self, case_id: int) -> str | None:
        r = self._one("SELECT tried FROM help_requests WHERE case_id = ? AND tried IS NOT NULL "
                      "ORDER BY id DESC", (case_id,))
        return r["tried"] if r else None

    # timeline -------------------------------------------------------------
    def append(self, case_id: int | None, at: str, kind: str, by: str | None, text: str,
               ref_id: int | None = None) -> int:
        return self._insert(
            "INSERT INTO timeline (case_id, at, kind, by_id, text, ref_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (case_id, at, kind, by, text, ref_id))

    def timeline(self, case_id: int, after_id: int = 0) -> list[TimelineEvent]:
        rows = self._all("SELECT * FROM timeline WHERE case_id = ? AND id > ? ORDER BY id",
                         (case_id, after_id))
        return [TimelineEvent(id=r["id"], case_id=r["case_id"], at=r["at"], kind=r["kind"],
                              by=r["by_id"], text=r["text"]) for r in rows]

    def last_seen(self, case_id: int, pid: str) -> int:
        r = self._one("SELECT event_id FROM last_seen WHERE case_id = ? AND person_id = ?",
                      (case_id, pid))
        return int(r["event_id"]) if r else 0

    def mark_seen(self, case_id: int, pid: str, event_id: int) -> None:
        self.db.execute(
            "INSERT INTO last_seen (case_id, person_id, event_id) VALUES (?, ?, ?) "
            "ON CONFLICT (case_id, person_id) DO UPDATE SET event_id = excluded.event_id",
            (case_id, pid, event_id))

    def count_message(self, case_id: int, pid: str) -> None:
        self.db.execute(
            "INSERT INTO message_counts (case_id, person_id, messages) VALUES (?, ?, 1) "
            "ON CONFLICT (case_id, person_id) DO UPDATE SET messages = messages + 1",
            (case_id, pid))

    def message_counts(self, case_id: int) -> dict[str, int]:
        rows = self._all("SELECT person_id, messages FROM message_counts WHERE case_id = ?",
                         (case_id,))
        return {r["person_id"]: r["messages"] for r in rows}
