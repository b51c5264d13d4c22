"""The expert finder's kept rows (bot/store/expert_kept.py) as they should be, counted from
scratch from the rows they summarise (skills, participants, cases, help requests), not from
expert_load or expert_help: tests compare the kept tables with these after each change."""

from __future__ import annotations

from typing import Any

from bot.domain import CaseStatus, Role
from bot.store import Store, expert_pending
from bot.store.expert_kept import listed

Rows = dict[str, list[tuple[Any, ...]]]


def expected(store: Store) -> Rows:
    db = store.db
    held: dict[str, set[str]] = {}
    for r in db.execute("SELECT person_id, skill FROM skills"):
        held.setdefault(r["person_id"], set()).add(r["skill"])
    load: dict[str, int] = {}
    for r in db.execute(
            "SELECT DISTINCT p.person_id, p.case_id FROM participants p JOIN cases c ON "
            "c.id = p.case_id WHERE p.left_at IS NULL AND c.status = ?",
            (CaseStatus.OPEN.value,)):
        load[r["person_id"]] = load.get(r["person_id"], 0) + 1
    asked: dict[int, set[str]] = {}
    for r in db.execute("SELECT h.case_id, h.skills FROM help_requests h JOIN cases c ON "
                        "c.id = h.case_id WHERE c.status = ?", (CaseStatus.RESOLVED.value,)):
        asked.setdefault(int(r["case_id"]), set()).update(
            s for s in r["skills"].split("|") if s)
    lists: dict[str, list[set[str]]] = {}
    for r in db.execute("SELECT DISTINCT person_id, case_id FROM participants WHERE role = ?",
                        (Role.SPECIALIST.value,)):
        if asked.get(int(r["case_id"])):
            lists.setdefault(r["person_id"], []).append(asked[int(r["case_id"])])
    rank, pair, counted = [], [], dict[tuple[str, str, str, str], int]()
    for person, skills in held.items():
        names = listed(skills)
        rank += [(person, s, load.get(person, 0), names) for s in skills]
        pair += [(person, s, o, load.get(person, 0), names) for s in skills for o in skills
                 if o != s]
        for case_skills in lists.get(person, []):
            for mine in skills:
                for skill in case_skills:
                    key = (person, mine, skill, listed(case_skills))
                    counted[key] = counted.get(key, 0) + 1
    return {"expert_rank": sorted(rank), "expert_pair": sorted(pair),
            "expert_asked": sorted((*k, n, load.get(k[0], 0)) for k, n in counted.items())}


COLUMNS = {"expert_rank": "person_id, skill, open_cases, held",
           "expert_pair": "person_id, skill, other, open_cases, held",
           "expert_asked": "person_id, held, skill, asked, n, open_cases"}


def kept(store: Store) -> Rows:
    """The kept tables as a read of the figures sees them: inside a transaction, with the
    command's own changes applied first, as every store read of them does
    (bot/store/expert_pending.py `settle`)."""
    expert_pending.settle(store.db)
    out: Rows = {}
    for table, columns in COLUMNS.items():
        names = columns.split(", ")
        out[table] = sorted(tuple(r[c] for c in names) for r in store.db.execute(
            f"SELECT {columns} FROM {table}"))
    return out
