"""The expert finder's short list (issue 28): not everyone with one of the skills, only what
the smallest cover can pick from.

A smallest team never holds two people covering the same subset of the wanted skills, and of
those who do, the finder takes the first by (open load, -past help, person) (bot/experts.py).
So per subset covered (a bit mask over the wanted skills), the store hands back the first
`per_subset` by those figures, plus everyone named in `also` and everyone with their own
working hours (people the caller must judge one by one). The caller falls back to the full
read when a subset's first `per_subset` all turn out unable to help.

Two ways to the same rows: from the figures kept per (person, skill) in ranking order
(m039_expert_ranked, bot/store/expert_ranked.py: a few hundred index entries at 50,000
people), or, for a tenant's workspace, one statement that reads every holder of the skills
and counts their past help (expert_load, expert_help).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from bot.store import expert_pending, expert_ranked, scope
from bot.store.base import SqlDb
from bot.store.people import chunked

# More wanted skills than this: no bit mask (the caller reads everyone instead).
MAX_SKILLS = 30


class Listed(NamedTuple):
    person: str
    skills: list[str]  # those of the wanted skills they have
    available: bool
    load: int
    past_help: int
    ranked: bool  # among the first `per_subset` (away or not) for their subset of the skills


def shortlist(db: SqlDb, skills: Sequence[str], per_subset: int,
              also: Sequence[str] = (), kept: bool = True) -> list[Listed]:
    """In person order, as `expert_figures.candidates`. From the figures kept in ranking
    order (m039) unless a tenant is in scope (they have no workspace) or `kept` is False
    (benchmarks/experts.py times both): else one statement over every holder."""
    wanted = list(dict.fromkeys(skills))
    if not wanted or len(wanted) > MAX_SKILLS:
        return []
    expert_pending.settle(db)  # this transaction's own changes first
    within, limit = scope.home("p")
    if kept and not limit:
        return _from_kept(db, wanted, per_subset, also)
    marks = ",".join("?" for _ in wanted)
    bits = " ".join(f"WHEN ? THEN {1 << i}" for i in range(len(wanted)))
    named = ""
    if also:
        named = f" OR r.person IN ({','.join('?' for _ in also)})"
    # A tenant's workspace: every holder is read (the kept rows have no workspace); those
    # away are ranked too and weeded out by the caller, who falls back when a subset's
    # first few are all away.
    people = "JOIN people p ON p.id = s.person_id "
    sql = (
        "WITH w AS (SELECT s.person_id AS person, "
        f"SUM(CASE s.skill {bits} ELSE 0 END) AS mask FROM skills s {people}"
        f"WHERE s.skill IN ({marks}) AND {within} GROUP BY s.person_id), "
        "h AS (SELECT person_id, COUNT(DISTINCT case_id) AS n FROM expert_help "
        f"WHERE skill IN ({marks}) GROUP BY person_id), "
        "r AS (SELECT w.person, w.mask, COALESCE(l.open_cases, 0) AS load, "
        "COALESCE(h.n, 0) AS helped, ROW_NUMBER() OVER (PARTITION BY w.mask "
        "ORDER BY COALESCE(l.open_cases, 0), COALESCE(h.n, 0) DESC, w.person) AS rn "
        "FROM w LEFT JOIN expert_load l ON l.person_id = w.person "
        "LEFT JOIN h ON h.person_id = w.person) "
        "SELECT r.person, r.mask, p.available, r.load, r.helped, r.rn FROM r "
        "JOIN people p ON p.id = r.person WHERE (r.rn <= ? "
        "OR r.person IN (SELECT person_id FROM work_hours)" + named + ") ORDER BY r.person")
    params = [*wanted, *wanted, *limit, *wanted, per_subset, *also]
    out = []
    for r in db.execute(sql, params):
        mask, available = int(r["mask"]), bool(r["available"])
        out.append(Listed(
            person=r["person"], skills=[s for i, s in enumerate(wanted) if mask >> i & 1],
            available=available, load=int(r["load"]), past_help=int(r["helped"]),
            ranked=int(r["rn"]) <= per_subset))
    return out


def _from_kept(db: SqlDb, wanted: list[str], per_subset: int,
               also: Sequence[str]) -> list[Listed]:
    """`shortlist` from the figures kept in ranking order (bot/store/expert_ranked.py), and
    everyone named in `also` or with their own working hours, read by person."""
    first = expert_ranked.firsts(db, wanted, per_subset)
    marks = ",".join("?" for _ in wanted)
    rows: list[Any] = list(db.execute(
        "SELECT r.person_id, r.skill, r.open_cases FROM work_hours w CROSS JOIN expert_rank r "
        f"WHERE r.person_id = w.person_id AND r.skill IN ({marks})", wanted))
    for part in chunked(also):
        rows += db.execute(
            "SELECT person_id, skill, open_cases FROM expert_rank WHERE person_id IN "
            f"({','.join('?' for _ in part)}) AND skill IN ({marks})", [*part, *wanted])
    extra: dict[str, tuple[int, int]] = {}
    for r in rows:
        if r["person_id"] not in first:
            mask, _ = extra.get(r["person_id"], (0, 0))
            extra[r["person_id"]] = (mask | 1 << wanted.index(r["skill"]),
                                     int(r["open_cases"]))
    helped: dict[str, int] = {}
    people = sorted({*first, *extra})
    for part in chunked(sorted(extra)):
        for r in db.execute(
                "SELECT person_id, COUNT(DISTINCT case_id) AS n FROM expert_help WHERE "
                f"person_id IN ({','.join('?' for _ in part)}) AND skill IN ({marks}) "
                "GROUP BY person_id", [*part, *wanted]):
            helped[r["person_id"]] = int(r["n"])
    available: dict[str, bool] = {}
    for part in chunked(people):
        for r in db.execute(f"SELECT id, available FROM people WHERE id IN "
                            f"({','.join('?' for _ in part)})", list(part)):
            available[r["id"]] = bool(r["available"])
    out = []
    for person in people:
        if person in first:
            mask, load, past = first[person]
        else:
            (mask, load), past = extra[person], helped.get(person, 0)
        out.append(Listed(person=person, skills=[s for i, s in enumerate(wanted) if mask >> i & 1],
                          available=available.get(person, True), load=load, past_help=past,
                          ranked=person in first))
    return out
