"""The expert finder's figures per (person, skill), kept in the command's transaction (issue
28, m039_expert_ranked), so the short list reads them in ranking order (bot/store/
expert_ranked.py) instead of counting per request:

- `expert_rank`: one row per skill a person holds: their open load and every skill they
  hold (`held`, `|a|b|`).
- `expert_asked`: per person, skill they hold (`held`), skill asked (`skill`) and `asked`
  (the skills a resolved case they helped on asked for, `|a|b|`), how many such cases
  (`n`), with the load again. A person's past help for some skills is the sum of `n` over
  their distinct `asked` lists that name any of those skills: each case counted once, as
  expert_help's count. People who hold no skill have no rows (they are nobody's
  candidates).
- `expert_pair`: per person and two skills they hold (both ways round), the load and
  `held` again: who holds several of the wanted skills, read without a probe per holder.

Both follow the figures they copy: a load delta moves every row of the person
(`moved`, under the expert_load row's lock); a change of a person's skills or past help
rewrites their rows from expert_help, skills and expert_load (`refresh`), after taking the
same lock (an upsert of +0), persons in sorted order. Anything that changes a person's rows
holds that lock, so on PostgreSQL two commands touching the same person take turns and the
second rewrites from what the first committed. A command's changes are gathered and applied
here at the end of its transaction, all its people in one sorted pass
(bot/store/expert_pending.py), so two commands never take those locks in opposite orders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.store.base import SqlDb

_CHUNK = 500


def listed(skills: Iterable[str]) -> str:
    """`|a|b|` in byte order ('||' for none): the form the back-fill's aggregates give."""
    return "|" + "|".join(sorted(set(skills), key=lambda s: s.encode())) + "|"


def moved(db: SqlDb, person: str, delta: int) -> None:
    """The person's open load moved by `delta` (the caller holds their expert_load row)."""
    for table in ("expert_rank", "expert_asked", "expert_pair"):
        db.execute(f"UPDATE {table} SET open_cases = open_cases + ? WHERE person_id = ?",
                   (delta, person))


def refresh(db: SqlDb, persons: Iterable[str], skills_changed: bool = True) -> None:
    """Rewrite the kept rows of `persons` from the figures they copy (only expert_asked's
    when their skills did not change: their past help did)."""
    ordered = sorted(set(persons))
    for i in range(0, len(ordered), _CHUNK):
        _refresh(db, ordered[i:i + _CHUNK], skills_changed)


def _refresh(db: SqlDb, part: Sequence[str], skills_changed: bool) -> None:
    marks = ",".join("?" for _ in part)
    db.execute("INSERT INTO expert_load (person_id, open_cases) VALUES "
               + ",".join("(?, 0)" for _ in part)
               + " ON CONFLICT (person_id) DO UPDATE SET open_cases = expert_load.open_cases",
               list(part))
    load = {r["person_id"]: int(r["open_cases"]) for r in db.execute(
        f"SELECT person_id, open_cases FROM expert_load WHERE person_id IN ({marks})",
        list(part))}
    held: dict[str, list[str]] = {}
    for r in db.execute(f"SELECT person_id, skill FROM skills WHERE person_id IN ({marks})",
                        list(part)):
        held.setdefault(r["person_id"], []).append(r["skill"])
    cases: dict[tuple[str, int], list[str]] = {}
    for r in db.execute("SELECT person_id, case_id, skill FROM expert_help "
                        f"WHERE person_id IN ({marks})", list(part)):
        cases.setdefault((r["person_id"], int(r["case_id"])), []).append(r["skill"])
    asked: dict[tuple[str, str, str, str], int] = {}
    for (person, _), skills in cases.items():
        names = listed(skills)
        for mine in set(held.get(person, ())):
            for skill in set(skills):
                key = (person, mine, skill, names)
                asked[key] = asked.get(key, 0) + 1
    db.execute(f"DELETE FROM expert_asked WHERE person_id IN ({marks})", list(part))
    rows = [(p, h, s, a, n, load.get(p, 0)) for (p, h, s, a), n in asked.items()]
    if rows:
        db.bulk_insert("expert_asked",
                       ("person_id", "held", "skill", "asked", "n", "open_cases"), sorted(rows))
    if not skills_changed:
        return
    db.execute(f"DELETE FROM expert_rank WHERE person_id IN ({marks})", list(part))
    db.execute(f"DELETE FROM expert_pair WHERE person_id IN ({marks})", list(part))
    ranks = [(p, s, load.get(p, 0), listed(skills)) for p, skills in held.items()
             for s in set(skills)]
    if ranks:
        db.bulk_insert("expert_rank", ("person_id", "skill", "open_cases", "held"),
                       sorted(ranks))
    pairs = [(p, s, o, load.get(p, 0), listed(skills)) for p, skills in held.items()
             for s in set(skills) for o in set(skills) if o != s]
    if pairs:
        db.bulk_insert("expert_pair", ("person_id", "skill", "other", "open_cases", "held"),
                       sorted(pairs))
