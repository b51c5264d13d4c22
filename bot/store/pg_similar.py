"""PostgreSQL's similar cases ("any of these words"): a bounded pool of candidates, picked
as SQLite picks them (bot/store/search.py), ranked by ts_rank over every word of the query.

Ranking every case that holds any word of a summary reads the common words' tens of
thousands of documents; the pool of the newest cases of each word, read one subquery per
word and one over the newest 5,000 documents for all the words, cost 15-25 ms a query at
10k-100k cases, most of it that last scan (issue 28, BENCHMARKS.md). Here, in three
statements, whatever the number of words:

1. how many cases hold each word: PostgreSQL's own estimate, from the statistics ANALYZE
   keeps of the documents' lexemes (the most common ones and their shares; EXPLAIN of one
   count per word, as the PostgreSQL wiki's "count estimate" does): an exact count of a
   common word would walk its tens of thousands of index entries, and the counts only
   order the words from rarest to commonest;
2. the candidates, one statement of one short read per part, each planned with its own
   words (a rare word through the GIN index, a common one backwards through the newest):
   every case of a word so rare that they all fit, the newest cases holding the rarer
   words together (one word more each part, rarest first) and the newest holding any
   word; put together as SQLite does;
3. those in ts_rank order over all the words (ties: newest first).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from bot.store.pg_db import PgDb

# As in SQLite (bot/store/search.py): the pool's size; a word in at most this many cases
# has all of them in it; the rarer words read together, at most this many, each in at
# most this share of the cases.
CANDIDATES = 60
ALL_OF_RARE = 40
AT_ONCE = 4
COMMON_SHARE = 0.1
# Several words together are looked for among the newest this many documents first.
RECENT = 2000

# random() is parallel-restricted: no branch runs in a parallel worker, so the planner
# makes no Parallel Append (which reorders its branches and shares their rows out).
_ALL = "SELECT random() FROM case_docs"
_MATCH = _ALL + " WHERE doc @@ to_tsquery('english', ?)"
# The planner's estimates change only when ANALYZE runs: each is asked again after this
# many seconds; at most this many are kept.
ESTIMATE_FOR = 300.0
ESTIMATES_KEPT = 20_000


class Estimates:
    """How many documents there are and how many hold a tsquery, as the planner estimates
    them from the statistics ANALYZE keeps (one EXPLAIN for the words not asked lately, no
    rows read). Where the plan is not the one read expects (one scan per branch of the
    UNION), every word counts the same, as not rare: the words keep their order."""

    def __init__(self, db: PgDb, clock: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self.clock = clock
        self._kept: dict[str, tuple[float, float]] = {}  # tsquery or "": (rows, at)

    def __call__(self, tsqueries: Sequence[str]) -> tuple[float, list[float]]:
        now = self.clock()
        # A copy (one step under the GIL): other threads may add to the dict meanwhile.
        fresh = {q: v[0] for q, v in self._kept.copy().items() if now - v[1] < ESTIMATE_FOR}
        ask = [q for q in dict.fromkeys(["", *tsqueries]) if q not in fresh]
        if ask:
            fresh.update(zip(ask, self._explain(ask), strict=True))
            if len(self._kept) + len(ask) > ESTIMATES_KEPT:
                self._kept.clear()
            self._kept.update((q, (fresh[q], now)) for q in ask)
        return fresh[""], [fresh[q] for q in tsqueries]

    def _explain(self, ask: list[str]) -> list[float]:
        sql = " UNION ALL ".join(_MATCH if q else _ALL for q in ask)
        row = self.db.planned_each_time("EXPLAIN (FORMAT JSON) " + sql,
                                        [q for q in ask if q]).fetchone()
        plan: Any = row["QUERY PLAN"] if row else None
        if isinstance(plan, str):
            plan = json.loads(plan)
        node = plan[0]["Plan"] if plan else {}
        if len(ask) == 1:
            return [float(node.get("Plan Rows", 1.0))]
        rows = [float(p.get("Plan Rows", 1.0)) for p in node.get("Plans", [])]
        return rows if len(rows) == len(ask) else [float(ALL_OF_RARE + 1)] * len(ask)


def _newest(tsquery: str, where: str, values: list[Any], gate: str = "",
            match: str = "d.doc @@ to_tsquery('english', ?)") -> tuple[str, list[Any]]:
    """The newest CANDIDATES cases holding `tsquery`, through whichever path the planner
    finds cheaper (a rare word: the GIN index; any of the words: backwards through the
    newest)."""
    return ("SELECT c.id FROM case_docs d JOIN cases c ON c.id = d.case_id WHERE "
            f"{gate}{match}{where} ORDER BY c.id DESC LIMIT ?",
            [tsquery, *values, CANDIDATES])


def _together(name: str, tsquery: str, total: float, where: str, values: list[Any],
              gate: str) -> tuple[list[str], list[Any]]:
    """The newest CANDIDATES cases holding several words together, as CTEs: among the
    newest RECENT documents first (read backwards through the key), then, only when those
    hold fewer (one-time filters), in all of them through whichever path their share
    among the newest says is cheaper: backwards again (about CANDIDATES / share documents)
    or through the GIN index (every match: total x share). The planner cannot choose: it
    multiplies the words' shares, but the words of one problem come together; through the
    index it fetched all 4,823 cases of a 3-word AND at 100k cases (210 ms) where the
    newest 64 documents held 60 (issue 28)."""
    # Backwards is cheaper where CANDIDATES / share < total x share: share^2 > C / total.
    dense = math.ceil(RECENT * math.sqrt(CANDIDATES / max(total, 1.0)))
    recent = (f"{name}_recent AS MATERIALIZED (SELECT c.id FROM (SELECT case_id, doc FROM "
              "case_docs ORDER BY case_id DESC LIMIT ?) d JOIN cases c ON c.id = d.case_id "
              f"WHERE {gate}d.doc @@ to_tsquery('english', ?){where} ORDER BY c.id DESC "
              "LIMIT ?)")
    found = f"(SELECT COUNT(*) FROM {name}_recent)"
    back = (f"{name}_back AS MATERIALIZED (SELECT c.id FROM (SELECT case_id, doc FROM "
            "case_docs ORDER BY case_id DESC LIMIT ?) d JOIN cases c ON c.id = d.case_id "
            f"WHERE {gate}{found} < {CANDIDATES} AND {found} >= {dense} AND "
            f"d.doc @@ to_tsquery('english', ?){where} ORDER BY c.id DESC LIMIT ?)")
    older, more = _newest(tsquery, where, values,
                          f"{gate}{found} < {min(dense, CANDIDATES)} AND ")
    return ([recent, back, f"{name}_index AS MATERIALIZED ({older})",
             f"{name} AS MATERIALIZED (SELECT id FROM {name}_recent UNION SELECT id FROM "
             f"{name}_back UNION SELECT id FROM {name}_index)"],
            [RECENT, tsquery, *values, CANDIDATES, int(total) + RECENT, tsquery, *values,
             CANDIDATES, *more])


def _parts(rare: Sequence[str], chain: Sequence[str], anyword: str, rank_by: str,
           total: float, terms: list[str], values: list[Any]) -> tuple[str, list[Any]]:
    """One statement reading every part of the pool: (part, id, rank) rows. Each part of the
    chain (its first n words together) is read only when the part before it is full:
    otherwise its cases are not wanted."""
    where = "".join(f" AND {t}" for t in terms)
    ctes, params, names = list[str](), list[Any](), list[str]()
    for i, tsquery in enumerate(rare):
        sql, more = _newest(tsquery, where, values)
        names.append(f"r{i}")
        ctes.append(f"r{i} AS MATERIALIZED ({sql})")
        params += more
    for n in range(1, len(chain) + 1):
        name = f"k{n}"
        gate = f"(SELECT COUNT(*) FROM k{n - 1}) = {CANDIDATES} AND " if n > 1 else ""
        if n == 1:  # one word: the planner's estimate is close (the statistics' share)
            sql, more = _newest(chain[0], where, values)
            ctes.append(f"{name} AS MATERIALIZED ({sql})")
        else:
            made, more = _together(name, " & ".join(chain[:n]), total, where, values, gate)
            ctes += made
        names.append(name)
        params += more
    sql, more = _newest(anyword, where, values)
    names.append("a")
    ctes.append(f"a AS MATERIALIZED ({sql})")
    params += more
    read = " UNION ALL ".join(f"SELECT {i} AS part, id FROM {name}"
                              for i, name in enumerate(names))
    # Each case read comes with its rank over all the words (read per case through
    # case_docs' key: as a join, the planner scanned every document to hash the few).
    return (f"WITH {', '.join(ctes)}, parts AS ({read}) SELECT p.part, p.id, r.rank FROM "
            "parts p JOIN (SELECT u.id, (SELECT ts_rank(d.doc, to_tsquery('english', ?)) "
            "FROM case_docs d WHERE d.case_id = u.id) AS rank FROM (SELECT DISTINCT id FROM "
            "parts) u) r ON r.id = p.id", [*params, rank_by])


def similar(db: PgDb, estimates: Estimates, hits: Sequence[str], terms: list[str],
            values: list[Any], limit: int, offset: int) -> list[int]:
    """A page of the cases holding any of the words' tsqueries `hits`, best first by
    ts_rank over all of them, among those the filters (`terms` over `cases c`, with
    `values`) let through: ranked from the pool (at most CANDIDATES)."""
    total, counts = estimates(hits)
    by_word = dict(zip(hits, counts, strict=True))
    rarest = sorted(by_word, key=lambda w: by_word[w])
    rare = [w for w in rarest if by_word[w] <= ALL_OF_RARE]
    chain = [w for w in rarest[len(rare):] if by_word[w] <= total * COMMON_SHARE][:AT_ONCE]
    rank_by = " | ".join(hits)
    sql, params = _parts(rare, chain, " | ".join(rarest), rank_by, total, terms, values)
    read: list[list[int]] = [[] for _ in range(len(rare) + len(chain) + 1)]
    rank: dict[int, float] = {}
    for r in db.planned_each_time(sql, params):
        read[int(r["part"])].append(int(r["id"]))
        rank[int(r["id"])] = float(r["rank"])
    found = [sorted(ids, reverse=True)[:CANDIDATES] for ids in read]
    steps = found[len(rare):len(rare) + len(chain)]
    # A part read only behind a full one: where the part before it was not full, it was not
    # read, and is read here if the pool still wants it (rare words took some room).
    gated: list[list[int] | None] = [
        ids if n == 0 or len(steps[n - 1]) == CANDIDATES else None
        for n, ids in enumerate(steps)]

    def step(n: int) -> list[int]:
        ids = gated[n]
        if ids is None:
            where = "".join(f" AND {t}" for t in terms)
            ctes, params = _together("k", " & ".join(chain[:n + 1]), total, where, values,
                                     "")
            ids = sorted((int(r["id"]) for r in db.planned_each_time(
                f"WITH {', '.join(ctes)} SELECT id FROM k", params)),
                reverse=True)[:CANDIDATES]
        return ids

    pool = _assemble(found[:len(rare)], [partial(step, n) for n in range(len(chain))],
                     found[-1], offset + limit)
    if any(i not in rank for i in pool):
        return ranked(db, pool, rank_by, limit, offset)
    return sorted(pool, key=lambda i: (-rank[i], -i))[offset:offset + limit]


def _assemble(rare: list[list[int]], chain: Sequence[Callable[[], list[int]]],
              any_word: list[int], wanted: int) -> list[int]:
    """SQLite's order of filling the pool (SqliteSearch._any_word): every case of each rare
    word; then the cases holding the most of the rarer words (one more word at a time,
    until fewer than the pool's room hold them all: those all join, and the newest of the
    step before fill the pool); too few, and the newest holding any word. Each read is
    the newest CANDIDATES: with at most that many in the pool, the newest `room` not in
    it are among them."""
    pool: list[int] = []

    def new(ids: list[int], room: int) -> list[int]:
        taken = set(pool)
        return [i for i in ids if i not in taken][:max(0, room)]

    for ids in rare:
        if len(pool) >= CANDIDATES:
            break
        pool += new(ids, CANDIDATES - len(pool))
    room = CANDIDATES - len(pool)
    before: list[int] = []
    for read in chain:
        if room <= 0:
            break
        found = new(read(), room)
        if len(found) < room:
            kept = set(found)
            pool += found + [i for i in before if i not in kept][:room - len(found)]
            break
        before = found
    else:
        pool += before
    if len(pool) < wanted:  # cases that share some words but not the rarest
        pool += new(any_word, CANDIDATES - len(pool))
    return pool


def ranked(db: PgDb, pool: list[int], tsquery: str, limit: int, offset: int) -> list[int]:
    """`pool` in ts_rank order over `tsquery` (ties: newest first), a page of it."""
    if not pool:
        return []
    rows = db.planned_each_time(
        "SELECT d.case_id AS id FROM case_docs d, to_tsquery('english', ?) AS q(q) "
        "WHERE d.case_id = ANY (?) ORDER BY ts_rank(d.doc, q.q) DESC, d.case_id DESC "
        "LIMIT ? OFFSET ?", [tsquery, pool, limit, offset])
    return [int(r["id"]) for r in rows]
