"""Cases: the case rows with their owners, participants, handoffs and help requests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from bot import tenancy
from bot.domain import (
    Case,
    CaseStatus,
    Handoff,
    HandoffState,
    HelpRequest,
    Ownership,
    Participant,
    Role,
)
from bot.store import expert_figures as figures
from bot.store import expert_ranked, scope
from bot.store.bulk import insert_many
from bot.store.case_workspaces import CaseWorkspaces
from bot.store.expert_shortlist import Listed, shortlist
from bot.store.interfaces import Row
from bot.swarm_types import AUTO_INVITED


def _case(r: dict[str, Any]) -> Case:
    return Case(
        id=r["id"], ref=r["ref"], customer=r["customer"], summary=r["summary"],
        severity=r["severity"], status=CaseStatus(r["status"]), owner=r["owner_id"],
        platform=r["platform"], room_id=r["room_id"], room_name=r["room_name"],
        delight=r["delight"], resolution=r["resolution"], opened_at=r["opened_at"],
        resolved_at=r["resolved_at"], swarm_type=r["swarm_type"],
        customer_tz=r.get("customer_tz"), link=r.get("link"),
        confidential=bool(r.get("confidential") or 0),
        sla=r.get("sla") or None, priority=r.get("priority") or None,
        workspace=r.get("workspace") or "", org=r.get("org") or "",
        shared=bool(r.get("shared") or 0),
    )


def _handoff(r: dict[str, Any]) -> Handoff:
    return Handoff(
        id=r["id"], case_id=r["case_id"], from_id=r["from_id"], to_id=r["to_id"],
        briefing=r["briefing"], tried=r["tried"], state=HandoffState(r["state"]),
        requested_at=r["requested_at"], decided_at=r["decided_at"], reason=r["reason"],
    )


def _participant(r: dict[str, Any]) -> Participant:
    return Participant(person=r["person_id"], role=Role(r["role"]), joined_at=r["joined_at"],
                       left_at=r["left_at"], invited_by=r["invited_by"], why=r["why"])


def _skills_column(skills: Sequence[str]) -> str:
    # Stored |a|b| so that a LIKE finds a whole skill portably.
    return "|" + "|".join(skills) + "|"


class SqlCases(CaseWorkspaces):
    def add(self, ref: str, customer: str, summary: str, severity: int, owner: str,
            platform: str, at: str) -> int:
        return self._insert(
            "INSERT INTO cases (ref, customer, summary, severity, status, owner_id, platform, "
            "opened_at, workspace, org) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ref, customer, summary, severity, CaseStatus.OPEN.value, owner, platform, at,
             tenancy.team(), tenancy.org()))

    def by_id(self, case_id: int) -> Case | None:
        r = self._one("SELECT * FROM cases WHERE id = ?", (case_id,))
        return _case(r) if r else None

    def lock(self, case_id: int) -> Case | None:
        """The case as it is now, and until the transaction ends no other one changes it:
        commands on one case take turns, others run side by side. PostgreSQL locks the row
        (a second replica's command on the case waits here); SQLite's writers take turns
        at BEGIN IMMEDIATE already."""
        r = self._one("SELECT * FROM cases WHERE id = ?" + self._for_update(True), (case_id,))
        return _case(r) if r else None

    def _for_update(self, lock: bool) -> str:
        return " FOR UPDATE" if lock and not isinstance(self.db, Database) else ""

    def by_ref(self, ref: str, lock: bool = False) -> Case | None:
        # `lock`: the read and the lock in one round trip (a command's case, on PostgreSQL).
        # The tenant's own first (a ref is unique per workspace; the same ref may be a
        # shared case of another workspace of the org).
        within, limit = scope.cases()
        r = self._one(f"SELECT * FROM cases WHERE lower(ref) = lower(?) AND {within} "
                      "ORDER BY (workspace = ?) DESC, id DESC LIMIT 1" + self._for_update(lock),
                      (ref, *limit, tenancy.team()))
        return _case(r) if r else None

    def ref_taken(self, ref: str) -> bool:
        """The ref belongs to a case of the workspace a new case is recorded in (refs are
        unique per workspace, m042): another workspace's same ref is no hindrance."""
        return self._one("SELECT 1 AS n FROM cases WHERE workspace = ? AND lower(ref) = "
                         "lower(?)", (tenancy.team(), ref)) is not None

    def all_with_ref(self, ref: str) -> list[Case]:
        """Every case with the ref, whatever its workspace (the operator's command line
        tells them apart by workspace)."""
        return [_case(r) for r in self._all("SELECT * FROM cases WHERE lower(ref) = lower(?) "
                                            "ORDER BY id", (ref,))]

    def by_room(self, room_id: str, lock: bool = False) -> Case | None:
        within, limit = scope.rooms()
        r = self._one(f"SELECT * FROM cases WHERE room_id = ? AND {within} ORDER BY id DESC "
                      "LIMIT 1" + self._for_update(lock), (room_id, *limit))
        return _case(r) if r else None

    def room_id_by_name(self, platform: str, room_name: str) -> str | None:
        within, limit = scope.cases()
        r = self._one("SELECT room_id FROM cases WHERE platform = ? AND room_name = ? "
                      f"AND room_id IS NOT NULL AND {within} ORDER BY id DESC LIMIT 1",
                      (platform, room_name, *limit))
        return str(r["room_id"]) if r else None

    def recent(self, status: CaseStatus | None = None, person: str | None = None,
               limit: int = 50) -> list[Case]:
        within, kept = scope.cases("c")
        where: list[str] = [within]
        params: list[Any] = list(kept)
        if status is not None:
            where.append("c.status = ?")
            params.append(status.value)
        if person is not None:
            where.append("(c.owner_id = ? OR EXISTS (SELECT 1 FROM participants p WHERE "
                         "p.case_id = c.id AND p.person_id = ? AND p.left_at IS NULL))")
            params += [person, person]
        sql = "SELECT c.* FROM cases c WHERE " + " AND ".join(where)
        sql += " ORDER BY c.id DESC LIMIT ?"
        return [_case(r) for r in self._all(sql, params + [limit])]

    def all(self) -> list[Case]:
        within, limit = scope.cases()
        return [_case(r) for r in self._all(f"SELECT * FROM cases WHERE {within} ORDER BY id",
                                            limit)]

    def set_room(self, case_id: int, room_id: str, room_name: str) -> None:
        self.db.execute("UPDATE cases SET room_id = ?, room_name = ? WHERE id = ?",
                        (room_id, room_name, case_id))

    def set_owner(self, case_id: int, owner: str) -> None:
        self.db.execute("UPDATE cases SET owner_id = ? WHERE id = ?", (owner, case_id))

    def set_delight(self, case_id: int, delight: str) -> None:
        self.db.execute("UPDATE cases SET delight = ? WHERE id = ?", (delight, case_id))

    def resolve(self, case_id: int, resolution: str, at: str) -> None:
        self.close(case_id, CaseStatus.RESOLVED, resolution, at)

    def close(self, case_id: int, status: CaseStatus, resolution: str, at: str) -> None:
        was = figures.status(self.db, case_id)
        self.db.execute(
            "UPDATE cases SET status = ?, resolution = ?, resolved_at = ? WHERE id = ?",
            (status.value, resolution, at, case_id))
        self._status_moved(case_id, was, status.value)

    def reopen(self, case_id: int) -> None:
        # The closed room is archived: the reopened case gets a new one (the old name stays
        # on the case until the new room is made, for the "earlier room" link).
        was = figures.status(self.db, case_id)
        self.db.execute("UPDATE cases SET status = ?, resolution = NULL, resolved_at = NULL, "
                        "room_id = NULL WHERE id = ?", (CaseStatus.OPEN.value, case_id))
        self._status_moved(case_id, was, CaseStatus.OPEN.value)

    def _status_moved(self, case_id: int, was: str | None, now: str) -> None:
        """The expert finder's figures follow (bot/store/expert_figures.py)."""
        if (was == figures.OPEN) != (now == figures.OPEN):
            step = 1 if now == figures.OPEN else -1
            figures.add_load(self.db, {p: step for p in figures.in_case(self.db, case_id)})
        if figures.RESOLVED in (was, now):
            figures.refresh_help(self.db, case_id)

    def set_details(self, case_id: int, *, severity: int | None = None,
                    customer: str | None = None, summary: str | None = None,
                    customer_tz: str | None = None, link: str | None = None,
                    sla: str | None = None, priority: str | None = None) -> None:
        # sla / priority "" set them back to none (chosen again by the config).
        for column, value in (("severity", severity), ("customer", customer),
                              ("summary", summary), ("customer_tz", customer_tz),
                              ("link", link), ("sla", sla), ("priority", priority)):
            if value is not None:
                # The column names are this method's constants, never caller input.
                self.db.execute(f"UPDATE cases SET {column} = ? WHERE id = ?",
                                (value, case_id))

    def set_type(self, case_id: int, swarm_type: str | None) -> None:
        self.db.execute("UPDATE cases SET swarm_type = ? WHERE id = ?", (swarm_type, case_id))

    def pending_handoffs(self, after: str | None = None, by: str | None = None
                         ) -> list[Handoff]:
        span, times = _span("h.requested_at", after, by)
        return [_handoff(r) for r in self._all(
            "SELECT h.* FROM handoffs h JOIN cases c ON c.id = h.case_id "
            f"WHERE {span}h.state = ? AND c.status = ? ORDER BY h.id",
            (*times, HandoffState.PENDING.value, CaseStatus.OPEN.value))]

    def unanswered_help(self, after: str | None = None, by: str | None = None
                        ) -> list[HelpRequest]:
        """Help requests on open cases that nobody besides the asker joined after (the
        tenant's cases only, where one is in scope: the desk lists them)."""
        span, times = _span("h.at", after, by)
        within, kept = scope.cases("c")
        return [HelpRequest(id=r["id"], case_id=r["case_id"],
                            skills=tuple(r["skills"].strip("|").split("|")), tried=r["tried"],
                            by=r["by_id"], at=r["at"])
                for r in self._all(
                    "SELECT h.* FROM help_requests h JOIN cases c ON c.id = h.case_id "
                    f"WHERE {span}{within} AND c.status = ? AND NOT EXISTS (SELECT 1 FROM "
                    "participants p WHERE p.case_id = h.case_id AND p.person_id <> h.by_id AND "
                    "p.joined_at >= h.at AND p.role <> ? AND COALESCE(p.why, '') NOT LIKE ?) "
                    "ORDER BY h.id",
                    (*times, *kept, CaseStatus.OPEN.value, Role.OWNER.value,
                     AUTO_INVITED + "%"))]

    # ownership periods ------------------------------------------------------
    def add_owner(self, case_id: int, person: str, at: str) -> None:
        self._insert("INSERT INTO owners (case_id, person_id, assumed_at) VALUES (?, ?, ?)",
                     (case_id, person, at))

    def end_owner(self, case_id: int, at: str) -> None:
        self.db.execute("UPDATE owners SET renounced_at = ? WHERE case_id = ? AND "
                        "renounced_at IS NULL", (at, case_id))

    def owners(self, case_id: int) -> list[Ownership]:
        return [Ownership(person=r["person_id"], assumed_at=r["assumed_at"],
                          renounced_at=r["renounced_at"])
                for r in self._all("SELECT * FROM owners WHERE case_id = ? ORDER BY id",
                                   (case_id,))]

    # participants -----------------------------------------------------------
    def add_participant(self, case_id: int, person: str, role: Role, at: str,
                        invited_by: str | None, why: str | None) -> None:
        was_in = figures.is_in(self.db, case_id, person)
        self._insert(
            "INSERT INTO participants (case_id, person_id, role, joined_at, invited_by, why) "
            "VALUES (?, ?, ?, ?, ?, ?)", (case_id, person, role.value, at, invited_by, why))
        status = figures.status(self.db, case_id)
        if status == figures.OPEN and not was_in:
            figures.add_load(self.db, {person: 1})
        elif status == figures.RESOLVED and role is Role.SPECIALIST:
            figures.refresh_help(self.db, case_id)

    def participant(self, case_id: int, person: str) -> Participant | None:
        r = self._one("SELECT * FROM participants WHERE case_id = ? AND person_id = ? AND "
                      "left_at IS NULL ORDER BY id DESC", (case_id, person))
        return _participant(r) if r else None

    def participants(self, case_id: int, active_only: bool = False) -> list[Participant]:
        sql = "SELECT * FROM participants WHERE case_id = ?"
        if active_only:
            sql += " AND left_at IS NULL"
        return [_participant(r) for r in self._all(sql + " ORDER BY id", (case_id,))]

    def set_role(self, case_id: int, person: str, role: Role) -> None:
        self.db.execute("UPDATE participants SET role = ? WHERE case_id = ? AND person_id = ? "
                        "AND left_at IS NULL", (role.value, case_id, person))
        if figures.status(self.db, case_id) == figures.RESOLVED:
            figures.refresh_help(self.db, case_id)

    def leave(self, case_id: int, person: str, at: str) -> None:
        cur = self.db.execute("UPDATE participants SET left_at = ? WHERE case_id = ? AND "
                              "person_id = ? AND left_at IS NULL", (at, case_id, person))
        if cur.rowcount > 0 and figures.status(self.db, case_id) == figures.OPEN:
            figures.add_load(self.db, {person: -1})

    def open_load(self, person: str) -> int:
        return figures.loads(self.db, [person]).get(person, 0)

    def open_loads(self, persons: Sequence[str]) -> dict[str, int]:
        return figures.loads(self.db, persons)

    # handoffs ---------------------------------------------------------------
    def add_handoff(self, case_id: int, from_id: str, to_id: str, briefing: str,
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

    # help requests ----------------------------------------------------------
    def add_help_request(self, case_id: int, skills: Sequence[str], tried: str | None,
                         by: str, at: str) -> int:
        made = self._insert(
            "INSERT INTO help_requests (case_id, skills, tried, by_id, at) VALUES (?, ?, ?, ?, ?)",
            (case_id, _skills_column(skills), tried, by, at))
        if figures.status(self.db, case_id) == figures.RESOLVED:
            figures.refresh_help(self.db, case_id)
        return made

    def help_requests(self, case_id: int) -> list[HelpRequest]:
        return [HelpRequest(id=r["id"], case_id=r["case_id"],
                            skills=tuple(r["skills"].strip("|").split("|")), tried=r["tried"],
                            by=r["by_id"], at=r["at"])
                for r in self._all("SELECT * FROM help_requests WHERE case_id = ? ORDER BY id",
                                   (case_id,))]

    def last_tried(self, case_id: int) -> str | None:
        r = self._one("SELECT tried FROM help_requests WHERE case_id = ? AND tried IS NOT NULL "
                      "ORDER BY id DESC", (case_id,))
        return r["tried"] if r else None

    def past_help(self, person: str, skills: Sequence[str]) -> int:
        return figures.helps(self.db, [person], skills).get(person, 0)

    def past_helps(self, persons: Sequence[str], skills: Sequence[str]) -> dict[str, int]:
        return figures.helps(self.db, persons, skills)

    def expert_candidates(self, skills: Sequence[str]
                          ) -> dict[str, tuple[list[str], bool, int]]:
        return figures.candidates(self.db, skills)

    def expert_shortlist(self, skills: Sequence[str], per_subset: int,
                         also: Sequence[str] = ()) -> list[Listed]:
        return shortlist(self.db, skills, per_subset, also)

    def least_loaded(self, skills: Sequence[str], n: int) -> list[str]:
        return expert_ranked.least_loaded(self.db, skills, n)

    def bulk(self, cases: Iterable[Row] = (), owners: Iterable[Row] = (),
             participants: Iterable[Row] = (), handoffs: Iterable[Row] = (),
             help_requests: Iterable[Row] = (), with_figures: bool = True) -> None:
        # Cases first: the other rows refer to them. New cases: their expert figures are
        # added at the end, at once.
        cases = list(cases)
        insert_many(self.db, "cases", cases)
        insert_many(self.db, "owners", owners)
        insert_many(self.db, "participants", participants)
        insert_many(self.db, "handoffs", handoffs)
        insert_many(self.db, "help_requests", help_requests)
        if with_figures:
            self.bulk_figures([int(c[0]) for c in cases])

    def bulk_figures(self, case_ids: Sequence[int]) -> None:
        # In slices (each a few IN lists); the helpers' kept rows are rewritten once, when
        # the transaction ends (expert_pending).
        for i in range(0, len(case_ids), 20_000):
            figures.added(self.db, case_ids[i:i + 20_000])


def _span(column: str, after: str | None, by: str | None) -> tuple[str, list[str]]:
    """`column` in (after, by] as WHERE terms (each followed by AND), read through the
    column's index: the nudge pass asks only for what came due since its last tick."""
    terms, times = "", list[str]()
    if after is not None:
        terms, times = terms + f"{column} > ? AND ", [*times, after]
    if by is not None:
        terms, times = terms + f"{column} <= ? AND ", [*times, by]
    return terms, times
