"""The expert finder's figures, kept as the cases change (issue 28), not counted per request:

- `expert_load`: per person, the open cases they are in now (not left). Kept by deltas
  (+1 when they join an open case they were not in, -1 when they leave it or it closes,
  +1 again when it reopens): a delta is applied under the row's lock, so two commands on
  different cases that count the same person never lose one another's change.
- `expert_help`: one row per skill, specialist and resolved case whose help requests asked
  for that skill. Rewritten whole for a case by the commands that can change it (close,
  reopen, a specialist added or a role changed, a help request on a resolved case); only
  commands on that case touch its rows, and they take turns on the case.

SqlCases (bot/store/cases.py) calls these inside the command's transaction; both stores
run the same SQL. m026_expert_figures fills both tables from the rows already there. Each
change is passed on to the figures kept per (person, skill) in ranking order
(bot/store/expert_kept.py, m039_expert_ranked) in the same transaction, at its end in
person order (bot/store/expert_pending.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.domain import CaseStatus, Role
from bot.store import expert_pending, scope
from bot.store.base import SqlDb
from bot.store.people import chunked

OPEN = CaseStatus.OPEN.value
RESOLVED = CaseStatus.RESOLVED.value
SPECIALIST = Role.SPECIALIST.value


def add_load(db: SqlDb, deltas: dict[str, int]) -> None:
    """Each person's count of open cases moved by its delta (at the end of the
    transaction, in person order: bot/store/expert_pending.py)."""
    expert_pending.add_load(db, deltas)


def in_case(db: SqlDb, case_id: int) -> list[str]:
    """The distinct people in a case now (not left)."""
    return [r["person_id"] for r in db.execute(
        "SELECT DISTINCT person_id FROM participants WHERE case_id = ? AND left_at IS NULL",
        (case_id,))]


def is_in(db: SqlDb, case_id: int, person: str) -> bool:
    return db.execute("SELECT 1 FROM participants WHERE case_id = ? AND person_id = ? AND "
                      "left_at IS NULL", (case_id, person)).fetchone() is not None


def status(db: SqlDb, case_id: int) -> str | None:
    r = db.execute("SELECT status FROM cases WHERE id = ?", (case_id,)).fetchone()
    return r["status"] if r else None


def help_rows(db: SqlDb, case_ids: Sequence[int]) -> list[tuple[str, str, int]]:
    """(skill, person, case) of the resolved cases among `case_ids`, from their rows."""
    out: set[tuple[str, str, int]] = set()
    for part in chunked([str(c) for c in case_ids]):
        ids = [int(c) for c in part]
        marks = ",".join("?" for _ in ids)
        skills: dict[int, set[str]] = {}
        for r in db.execute(
                "SELECT h.case_id, h.skills FROM help_requests h JOIN cases c ON c.id = "
                f"h.case_id WHERE h.case_id IN ({marks}) AND c.status = ?", [*ids, RESOLVED]):
            skills.setdefault(r["case_id"], set()).update(
                s for s in r["skills"].split("|") if s)
        if not skills:
            continue
        for r in db.execute(
                "SELECT DISTINCT case_id, person_id FROM participants WHERE case_id IN "
                f"({marks}) AND role = ?", [*ids, SPECIALIST]):
            out.update((s, r["person_id"], r["case_id"]) for s in skills.get(r["case_id"], ()))
    return sorted(out)


def refresh_help(db: SqlDb, case_id: int) -> None:
    were = {r["person_id"] for r in db.execute(
        "SELECT DISTINCT person_id FROM expert_help WHERE case_id = ?", (case_id,))}
    db.execute("DELETE FROM expert_help WHERE case_id = ?", (case_id,))
    rows = help_rows(db, [case_id])
    if rows:
        db.bulk_insert("expert_help", ("skill", "person_id", "case_id"), rows)
    expert_pending.refresh(db, were | {person for _, person, _ in rows}, skills_changed=False)


def loaded(db: SqlDb, case_ids: Iterable[int]) -> dict[str, int]:
    """Per person, the open cases among `case_ids` they are in now."""
    found: dict[str, int] = {}
    for part in chunked([str(c) for c in case_ids]):
        ids = [int(c) for c in part]
        marks = ",".join("?" for _ in ids)
        for r in db.execute(
                "SELECT p.person_id, COUNT(DISTINCT p.case_id) AS n FROM participants p JOIN "
                f"cases c ON c.id = p.case_id WHERE p.case_id IN ({marks}) AND p.left_at IS "
                "NULL AND c.status = ? GROUP BY p.person_id", [*ids, OPEN]):
            found[r["person_id"]] = found.get(r["person_id"], 0) + int(r["n"])
    return found


def added(db: SqlDb, case_ids: Sequence[int]) -> None:
    """Cases written in bulk (new, with their participants and help requests): their
    figures added at once."""
    add_load(db, loaded(db, case_ids))
    rows = help_rows(db, case_ids)
    if rows:
        db.bulk_insert("expert_help", ("skill", "person_id", "case_id"), rows)
    expert_pending.refresh(db, {person for _, person, _ in rows}, skills_changed=False)


def loads(db: SqlDb, persons: Sequence[str]) -> dict[str, int]:
    expert_pending.settle(db)
    found: dict[str, int] = {}
    for part in chunked(persons):
        marks = ",".join("?" for _ in part)
        for r in db.execute("SELECT person_id, open_cases FROM expert_load WHERE person_id IN "
                            f"({marks}) AND open_cases <> 0", list(part)):
            found[r["person_id"]] = int(r["open_cases"])
    return found


def helps(db: SqlDb, persons: Sequence[str], skills: Sequence[str]) -> dict[str, int]:
    """Per person, the distinct resolved cases they helped on that asked for any of
    `skills` (read by skill: a skill's rows, then only the people asked about)."""
    if not skills or not persons:
        return {}
    wanted = set(persons)
    marks = ",".join("?" for _ in skills)
    rows: list[Any] = list(db.execute(
        "SELECT person_id, COUNT(DISTINCT case_id) AS n FROM expert_help WHERE skill IN "
        f"({marks}) GROUP BY person_id", list(skills)))
    return {r["person_id"]: int(r["n"]) for r in rows if r["person_id"] in wanted}


def candidates(db: SqlDb, skills: Sequence[str]) -> dict[str, tuple[list[str], bool, int]]:
    """Everyone with any of `skills`: (their skills among them, available, open load), in
    person order, from one statement over the skill index, people and the kept loads."""
    if not skills:
        return {}
    expert_pending.settle(db)
    marks = ",".join("?" for _ in skills)
    within, limit = scope.home("p")  # people of the tenant's workspace only
    found: dict[str, tuple[list[str], bool, int]] = {}
    for r in db.execute(
            "SELECT s.person_id AS person, s.skill AS skill, p.available AS available, "
            "COALESCE(l.open_cases, 0) AS load FROM skills s JOIN people p ON p.id = "
            "s.person_id LEFT JOIN expert_load l ON l.person_id = s.person_id "
            f"WHERE s.skill IN ({marks}) AND {within} ORDER BY s.person_id",
            [*skills, *limit]):
        held = found.get(r["person"])
        if held is None:
            found[r["person"]] = ([r["skill"]], bool(r["available"]), int(r["load"]))
        else:
            held[0].append(r["skill"])
    return found
