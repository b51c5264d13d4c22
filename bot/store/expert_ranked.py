"""The expert finder's short list read from the kept figures in ranking order (issue 28):
bounded by the ranking, not by how many hold the skills.

The short list (bot/store/expert_shortlist.py) wants, per subset of the wanted skills a
person holds (a bit mask), the first `per_subset` by (open load, -past help, person). Those
of a subset either helped on a resolved case that asked for one of the skills (their past
help counts) or did not (past help 0: ranked by load and id alone). Read from the tables
bot/store/expert_kept.py keeps, each row carrying the person's load (no probe per holder):

1. those who helped: expert_asked's rows under (skill held, skill asked) for the wanted
   skills, one per list of skills a case asked for: only holders who helped on such a case
   (~2,000 rows for 3 skills at 50,000 people, where the skills' holders are ~7,500 and
   their past-help rows ~13,500). A list is counted under the first wanted skill it names,
   once per wanted skill the person holds (so the sum is divided by how many they hold);
   ranked per subset in SQL and the first `per_subset` kept;
2. those who did not and hold one wanted skill only: for each skill, expert_rank's index in
   (skill, load, person) order, stopped after `per_subset` rows that hold no other wanted
   skill and never helped (LIMIT);
3. those who did not and hold several: expert_pair's rows of two wanted skills (the few who
   hold both), ranked per subset in SQL.

The first `per_subset` of a subset are the first of (1) and (2 or 3) merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.store import expert_pending, scope
from bot.store.base import SqlDb


def _mask(column: str, wanted: Sequence[str]) -> tuple[str, list[str]]:
    """The bit mask of the wanted skills the `|a|b|` list in `column` names."""
    terms = [f"CASE WHEN replace({column}, ?, '') <> {column} THEN {1 << i} ELSE 0 END"
             for i in range(len(wanted))]
    return "(" + " + ".join(terms) + ")", [f"|{s}|" for s in wanted]


def bits_of(column: str, n: int) -> str:
    """The OR of the one-bit values of `column` over a group's rows (bits 0 .. n-1)."""
    return "(" + " + ".join(f"MAX({column} & {1 << i})" for i in range(n)) + ")"


Figures = dict[str, tuple[int, int, int]]  # person -> (mask, load, past help)
# Up to this many wanted skills, SQLite reads the helpers' first of each subset one by one.
TOP_PER_MASK_UP_TO = 3


def _first_named(wanted: Sequence[str]) -> tuple[str, list[str]]:
    """1 where the row's asked skill is the first wanted skill its `asked` list names (so
    each list is counted once, under one skill)."""
    whens, params = [], []
    for i, skill in enumerate(wanted):
        earlier = " AND ".join("replace(asked, ?, '') = asked" for _ in wanted[:i])
        whens.append(f"WHEN ? THEN {f'CASE WHEN {earlier} THEN 1 ELSE 0 END' if i else '1'}")
        params += [skill, *[f"|{s}|" for s in wanted[:i]]]
    return f"(CASE skill {' '.join(whens)} ELSE 0 END)", params


def firsts(db: SqlDb, wanted: Sequence[str], per_subset: int) -> Figures:
    """The first `per_subset` people of every subset of `wanted` they hold, by (load, -past
    help, person): person -> (subset mask, load, past help)."""
    marks = ",".join("?" for _ in wanted)
    bit = " ".join(f"WHEN ? THEN {1 << i}" for i in range(len(wanted)))
    first, first_p = _first_named(wanted)
    ones = " + ".join(f"((mask >> {i}) & 1)" for i in range(len(wanted)))
    # Each helper's rows: one per skill they hold x list naming a wanted skill, so the sum
    # of `n` counts each list once per wanted skill held: divided by how many they hold.
    # The three reads are one statement (kind 0: (1), kind 1: (2) and (3)): one round trip
    # on PostgreSQL, where each costs a wait for the server on a busy machine.
    # A row whose list is counted under another skill counts 0 (not left out: the person
    # has a counted row under the same skill held, so mask, load and people are the same),
    # which leaves PostgreSQL a fair guess of the rows (a filter on a CASE is guessed to
    # keep 1 in 200: it sorted ~2,000 rows to group them where it now hashes them).
    ctes = [
        f"x AS (SELECT person_id, open_cases, (CASE held {bit} END) AS hb, n * {first} AS n "
        f"FROM expert_asked WHERE held IN ({marks}) AND skill IN ({marks}))",
        # The mask: each row's `hb` is one bit, OR-ed per bit (SUM(DISTINCT hb) sorted each
        # person's rows on PostgreSQL); the total as an integer (a BIGINT's SUM is NUMERIC
        # there, and the division below exact), as SQLite counts it. The person last: the
        # sort of the ranking below reads its integer keys at fixed offsets (a text column
        # first made PostgreSQL walk each row's columns at every comparison).
        f"g AS (SELECT MIN(open_cases) AS load, {bits_of('hb', len(wanted))} AS "
        "mask, CAST(SUM(n) AS BIGINT) AS total, person_id FROM x GROUP BY person_id)",
        f"h AS (SELECT mask, load, total / ({ones}) AS helped, person_id FROM g)",
        "hr AS (SELECT mask, load, helped, person_id, ROW_NUMBER() OVER (PARTITION BY mask "
        "ORDER BY load, helped DESC, person_id) AS rn FROM h)"]
    params: list[Any] = [*wanted, *first_p, *wanted, *wanted]
    if db.dialect == "sqlite" and len(wanted) <= TOP_PER_MASK_UP_TO:
        # SQLite: the first of each subset by its own ORDER BY ... LIMIT, a short read of h
        # each (kept to the few first as it goes), where ranking every helper by a window
        # sorts them all: 12.8 -> 9.5 ms for three skills at 50,000 people (the statement
        # 16 -> 13). With more skills the subsets outnumber what a scan each is worth.
        # PostgreSQL's window is the faster there (its p99 went 17 -> 23 ms this way).
        ctes.pop()  # no hr
        parts = [f"SELECT * FROM (SELECT 0 AS kind, person_id, mask, load, helped FROM h "
                 f"WHERE mask = {m} ORDER BY load, helped DESC, person_id LIMIT ?) AS t{m}"
                 for m in range(1, 1 << len(wanted))]
        tail: list[Any] = [per_subset] * len(parts)
    else:
        parts = ["SELECT 0 AS kind, person_id, mask, load, helped FROM hr WHERE rn <= ?"]
        tail = [per_subset]
    never = (f"NOT EXISTS (SELECT 1 FROM expert_asked a WHERE a.held = r.skill AND a.skill "
             f"IN ({marks}) AND a.person_id = r.person_id)")
    for i, skill in enumerate(wanted):
        others = [s for s in wanted if s != skill]
        # Holds none of the others: a probe of the skills' key per row walked. (Not a test
        # on `held`: PostgreSQL guesses such a test keeps 1 row in 200, expects the LIMIT to
        # need every holder, and reads and sorts them all once the table has rows not yet
        # vacuumed: 60 ms at 10,000 people where the walk in index order takes 2.)
        free = (" AND NOT EXISTS (SELECT 1 FROM skills o WHERE o.person_id = r.person_id "
                f"AND o.skill IN ({','.join('?' for _ in others)}))") if others else ""
        parts.append(
            "SELECT 1 AS kind, person_id, mask, load, 0 AS helped FROM (SELECT r.person_id, "
            f"r.open_cases AS load, {1 << i} AS mask FROM expert_rank r WHERE r.skill = ?"
            f"{free} AND {never} ORDER BY r.open_cases, r.person_id LIMIT ?) AS a{i}")
        tail += [skill, *others, *wanted, per_subset]
    if len(wanted) > 1:
        mask, mask_p = _mask("held", wanted)
        # Never helped: not among g's people. Whoever has an expert_asked row under one
        # skill they hold has it under every skill they hold (expert_kept.py), so g holds
        # exactly those with one under the pair's skill: one hashed set instead of an index
        # probe per pair row (~280 at 50,000 people for 3 skills).
        ctes += [
            f"px AS (SELECT DISTINCT person_id, skill, open_cases, {mask} AS mask, "
            f"(CASE skill {bit} END) AS rb FROM expert_pair WHERE skill IN ({marks}) AND "
            f"other IN ({marks}))",
            "pm AS (SELECT r.person_id, r.open_cases AS load, r.mask, ROW_NUMBER() OVER "
            "(PARTITION BY r.mask ORDER BY r.open_cases, r.person_id) AS rn FROM px r WHERE "
            "(r.mask & (r.rb - 1)) = 0 AND r.person_id NOT IN (SELECT person_id FROM g))"]
        params += [*mask_p, *wanted, *wanted, *wanted]
        parts.append("SELECT 1 AS kind, person_id, mask, load, 0 AS helped FROM pm "
                     "WHERE rn <= ?")
        tail.append(per_subset)
    rows: list[Any] = list(db.execute(
        "WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(parts), [*params, *tail]))
    out: Figures = {}
    for r in sorted(rows, key=lambda r: int(r["kind"])):  # those who helped first
        out[r["person_id"]] = (int(r["mask"]), int(r["load"]), int(r["helped"]))
    best: dict[int, list[tuple[int, int, str]]] = {}
    for person, (m, load, past) in out.items():
        best.setdefault(m, []).append((load, -past, person))
    keep = {p for ranked in best.values() for _, _, p in sorted(ranked)[:per_subset]}
    return {p: f for p, f in out.items() if p in keep}


def least_loaded(db: SqlDb, skills: Sequence[str], n: int) -> list[str]:
    """The first `n` available people with any of `skills` (the tenant's own), by (load,
    person): per skill its first `n` in index order, merged."""
    wanted = list(dict.fromkeys(skills))
    if not wanted or n <= 0:
        return []
    expert_pending.settle(db)  # this transaction's own changes first
    within, limit = scope.home("p")
    parts, params = [], []
    for i, skill in enumerate(wanted):
        # CROSS JOIN: SQLite walks the skill's index in order and stops at n (PostgreSQL
        # plans it as the join it is).
        parts.append(
            "SELECT * FROM (SELECT r.person_id, r.open_cases FROM expert_rank r CROSS JOIN "
            f"people p WHERE r.skill = ? AND p.id = r.person_id AND p.available = 1 AND "
            f"{within} ORDER BY r.open_cases, r.person_id LIMIT ?) AS f{i}")
        params += [skill, *limit, n]
    found = {(int(r["open_cases"]), r["person_id"])
             for r in db.execute(" UNION ALL ".join(parts), params)}
    return [person for _, person in sorted(found)[:n]]
