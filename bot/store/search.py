"""SQLite search: FTS5 over what each case says (m015), ranked by bm25().

The index is one FTS5 row per case (rowid = case id), kept in step by triggers, so this
module only reads. bm25() weighs the columns: a case's summary says most about what it is,
its resolution next, then what was tried, its notes and its decisions.

"Any of these words" (similar cases) never calls FTS5's bm25(): over a year of cases the
common words ("error", "tenant", "users") are in half of them, and bm25() walks every match
of every word of the query, once to learn how common it is and again to rank (a single
common word costs 0.6 s at 500k cases). Instead, with a few cheap statements:

1. how many cases hold each word: counted up to _SAMPLE; past that, how densely its first
   _SAMPLE lie among the case ids estimates how many;
2. candidates (at most _CANDIDATES, only cases the reader may see, newest first): every
   case of a word so rare that they all fit (an error code), then the cases holding the
   most of the rarer words (one more word at a time, rarest first, until fewer than the
   room left hold them all); too few, and the newest holding any word fill up;
3. those are put in BM25 order over all the words: FTS5's formula, column weights and
   recorded lengths (bot/store/bm25.py), on the index's own copy of their text.

A common word adds little to a BM25 score (idf ~0.7 against ~9 for an error code), so the
best cases hold the rarer words. benchmarks/similar_year.py measures the time and how often
the top 3 are also the top 3 of FTS5's own bm25() over every case (its figures are in
BENCHMARKS.md). `find` (every word) is plain bm25().
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from bot.domain import CaseStatus
from bot.store import bm25, scope
from bot.store.base import BaseQueries
from bot.store.schema_search import BACKFILL_AFTER, FILTER_INDEX, TRIGGER_NAMES, TRIGGERS
from bot.store.search_words import Group, expand, suggestions
from bot.store.sqlite_conn import ThreadDatabase
from bot.store.sqlite_vocab import SqliteVocabulary

# summary, tried, notes, decisions, resolution (the column order of m015)
_WEIGHT_LIST = (4.0, 1.5, 1.0, 1.0, 2.0)
WEIGHTS = ", ".join(map(str, _WEIGHT_LIST))
# A word's cases are counted up to this many; past it, their density among the cases
# estimates the rest (some 7% off, which moves a common word's idf by ~0.07).
_SAMPLE = 200
# "Any of these words" ranks at most this many candidates, the newest that match: a common
# problem has tens of thousands of cases in a year, and the team's recent ones are the ones
# worth reading first. (`find`, asking for every word, ranks every match.)
_CANDIDATES = 60
# `find` ranks every match with bm25() while they are at most this many (or the page asked
# for lies beyond them); past that, the newest this many that pass the filters, in BM25
# order (bot/store/bm25.py): at 500k cases a common problem's words match tens of
# thousands, and bm25() over all of them costs ~100 ms (issue 28).
_FIND_POOL = 100
# A word in at most this many cases has all of them among the candidates.
_ALL_OF_RARE = 40
# The candidates hold together at most this many of the rarer words, each in at most this
# share of the cases: every word added to an AND costs a walk through its list of cases,
# and a sparse AND of common words costs tens of ms for a word worth idf 0.7.
_AT_ONCE = 4
_COMMON_SHARE = 0.1


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def match_expression(words: Sequence[str], every_word: bool) -> str:
    """An FTS5 query of plain words: each one quoted (so no word is FTS5 syntax), joined by
    AND or OR. Callers pass words; the syntax stays in the store."""
    return (" AND " if every_word else " OR ").join(map(_quoted, words))


def group_expression(group: Group) -> str:
    """One query word's alternatives (bot/store/search_words.py) as FTS5 syntax: quoted
    words, quoted prefixes with `*`, quoted phrases, joined by OR."""
    alternatives = [_quoted(t) for t in group.terms]
    alternatives += [_quoted(p) + "*" for p in group.prefixes]
    alternatives += [_quoted(" ".join(p)) for p in group.phrases]
    return "(" + " OR ".join(dict.fromkeys(alternatives)) + ")"


def groups_expression(groups: Sequence[Group], every_word: bool) -> str:
    return (" AND " if every_word else " OR ").join(map(group_expression, groups))


def case_filters(status: CaseStatus | None, platforms: Sequence[str], customer: str | None,
                 skill: str | None) -> tuple[list[str], list[Any]]:
    """The WHERE terms (over `cases c`) and parameters of a search's filters: one copy for
    both stores."""
    where: list[str] = []
    params: list[Any] = []
    if scope.active():  # the tenant's cases only (bot/tenancy.py)
        within, limit = scope.cases("c")
        where.append(within)
        params += list(limit)
    if status is not None:
        where.append("c.status = ?")
        params.append(status.value)
    if platforms:
        where.append(f"c.platform IN ({', '.join('?' for _ in platforms)})")
        params += list(platforms)
    if customer:
        where.append("lower(c.customer) = lower(?)")
        params.append(customer)
    if skill:
        where.append("EXISTS (SELECT 1 FROM help_requests h WHERE h.case_id = c.id "
                     "AND h.skills LIKE ?)")
        params.append(f"%|{skill.lower()}|%")
    return where, params


class SqliteSearch(BaseQueries):
    db: ThreadDatabase  # FTS5 and bm25: SQLite's own

    def __init__(self, db: ThreadDatabase) -> None:
        super().__init__(db)
        self.vocabulary = SqliteVocabulary(db)

    def ranked(self, words: Sequence[str], *, every_word: bool = True,
               status: CaseStatus | None = None, platforms: Sequence[str] = (),
               customer: str | None = None, skill: str | None = None,
               exclude: int | None = None, limit: int = 10, offset: int = 0) -> list[int]:
        if not words:
            return []
        where, params = case_filters(status, platforms, customer, skill)
        if exclude is not None:
            where.append("c.id <> ?")
            params.append(exclude)
        groups = expand(words, self.vocabulary, prefix=every_word)
        if every_word:
            if not all(g.hit for g in groups):
                return []
            if offset + limit <= _FIND_POOL:
                exprs = [group_expression(g) for g in groups]
                pool = self._newest(exprs, True, where, params, [], _FIND_POOL + 1)
                if len(pool) > _FIND_POOL:
                    return self._pooled(pool[:_FIND_POOL], groups, exprs)[offset:offset + limit]
            return self._ranked(groups, where, params, limit, offset)
        return self._any_word(groups, where, params, offset + limit)[offset:]


    def suggestions(self, words: Sequence[str]) -> dict[str, list[str]]:
        # The vocabulary is every workspace's words: none is suggested to a tenant.
        return {} if scope.active() else suggestions(words, self.vocabulary)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Cases added inside are indexed once at the end, not row by row: m015's triggers
        rewrite a case's index row for each note, decision and help request (FTS5 deletes
        and re-adds the row each time), which made `demo --bulk` 3x slower. On the way out,
        even after a failure, the cases added are indexed and the triggers are back."""
        with self.db.atomic():
            before = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM cases").fetchone()[0]
            for name in TRIGGER_NAMES:
                self.db.execute(f"DROP TRIGGER IF EXISTS {name}")
        try:
            yield
        finally:
            with self.db.atomic():
                self.db.execute(BACKFILL_AFTER, (before,))
                for ddl in TRIGGERS:
                    self.db.execute(ddl)
                # One index segment instead of the dozen a big insert leaves: each word's
                # cases in one list, which makes reading them 25-50% faster (6 s at 500k).
                self.db.execute("INSERT INTO case_search (case_search) VALUES ('optimize')")

    def _any_word(self, groups: Sequence[Group], where: list[str], params: list[Any],
                  wanted: int) -> list[int]:
        totals = self._totals()
        if totals.rows == 0:
            return []
        words = [group_expression(g) for g in groups if g.hit]
        counts = self._counts(words)
        if not counts:  # no case holds any of the words
            return []
        rarest = sorted(counts, key=lambda w: counts[w])
        pool: list[int] = []
        rest = rarest
        # A word so rare that all its cases fit: they all join the pool, and the rest of the
        # pool is looked for without it (else an error code shared with a few unrelated
        # cases would hide the cases of the same problem).
        while rest and counts[rest[0]] <= _ALL_OF_RARE and len(pool) < _CANDIDATES:
            pool += self._newest(rest[:1], True, where, params, pool, _CANDIDATES - len(pool))
            rest = rest[1:]
        # Then the cases holding the most of the rarer words: with one more word at a time,
        # until fewer than the pool's room hold them all; those all join, and the newest of
        # the step before fill the pool.
        room = _CANDIDATES - len(pool)
        before: list[int] = []
        chain = [w for w in rest if counts[w] <= totals.rows * _COMMON_SHARE][:_AT_ONCE]
        for n in range(1, len(chain) + 1):
            if room <= 0:
                break
            found = self._newest(chain[:n], True, where, params, pool, room)
            if len(found) < room:
                pool += found + [i for i in before if i not in set(found)][:room - len(found)]
                break
            before = found
        else:
            pool += before
        if len(pool) < wanted:  # cases that share some words but not the rarest
            pool += self._newest(rarest, False, where, params, pool, _CANDIDATES - len(pool))
        idf: dict[str, float] = {}
        scored = {group_expression(g): g.scored_terms() for g in groups}
        for w in rarest:  # two words of one stem are two phrases to FTS5: both count
            for term in {t for alt in scored[w] for t in bm25.terms(alt)}:
                idf[term] = idf.get(term, 0.0) + bm25.idf(totals.rows, counts[w])
        return self._in_bm25_order(pool, idf, totals)[:wanted]

    def _pooled(self, pool: list[int], groups: Sequence[Group], exprs: list[str]
                ) -> list[int]:
        """The newest matches in BM25 order over the query's words."""
        totals = self._totals()
        counts = self._counts(exprs)
        idf: dict[str, float] = {}
        for group, expr in zip(groups, exprs, strict=True):
            for term in {t for alt in group.scored_terms() for t in bm25.terms(alt)}:
                idf[term] = idf.get(term, 0.0) + bm25.idf(totals.rows, counts.get(expr, 1))
        return self._in_bm25_order(pool, idf, totals)

    def _totals(self) -> bm25.Totals:
        """The index's row count and mean row length, from its averages record (rowid 1 of
        its `_data` table: the row count, then each column's total tokens), the figures
        FTS5's own bm25() reads. FTS5 writes that record when a transaction commits, so
        inside one it lags by the rows just written (a few in a year: it moves no score
        that matters); an index that has never been committed is measured row by row."""
        row = self.db.execute("SELECT block FROM case_search_data WHERE id = 1").fetchone()
        figures = bm25.varints(row[0]) if row and row[0] else []
        if figures and figures[0] > 0:
            return bm25.Totals(figures[0], sum(figures[1:]) / figures[0])
        lengths = [sum(bm25.varints(r[0] or b"")) for r in self.db.execute(
            "SELECT sz FROM case_search_docsize").fetchall()]
        return bm25.Totals(len(lengths), sum(lengths) / max(1, len(lengths)))

    def _counts(self, words: Sequence[str]) -> dict[str, int]:
        """How many cases hold each word some case holds: exact up to _SAMPLE; past it,
        estimated from how densely the oldest _SAMPLE of them lie among the case ids (FTS5
        reads a word's cases oldest first fastest). One statement for all the words."""
        one = ("SELECT COUNT(*), MAX(id) FROM (SELECT rowid AS id FROM case_search "
               "WHERE case_search MATCH ? ORDER BY rowid LIMIT ?)")
        sql = " UNION ALL ".join(["SELECT -1, 0, MAX(rowid) FROM case_search"]
                                 + [f"SELECT {i}, * FROM ({one})" for i in range(len(words))])
        params: list[Any] = []
        for word in words:
            params += [word, _SAMPLE]
        rows = self.db.execute(sql, params).fetchall()
        newest = next((r[2] for r in rows if r[0] == -1), 0) or 0
        counted = {}
        for i, n, last in rows:
            if i < 0 or not n:
                continue
            if n >= _SAMPLE:
                n = max(n, round(n * newest / last))
            counted[words[i]] = n
        return counted

    def _newest(self, words: Sequence[str], every_word: bool, where: list[str],
                params: list[Any], skip: list[int], limit: int) -> list[int]:
        """The newest cases the filters let through that hold the words, no ranking: FTS5
        hands its matches out newest first and stops at the limit."""
        if limit <= 0 or not words:
            return []
        terms = list(where)
        if skip:
            terms.append(f"c.id NOT IN ({', '.join('?' for _ in skip)})")
        # CROSS JOIN keeps the index outside: its matches, newest first, are looked up in
        # `cases` one by one until enough pass the filters, in a narrow index of the filters'
        # columns, not the rows (m057: ~10 pages a query instead of ~90 when cold).
        sql = (f"SELECT c.id FROM case_search CROSS JOIN cases c INDEXED BY {FILTER_INDEX} "
               "ON c.id = case_search.rowid "
               "WHERE case_search MATCH ? "
               + "".join(f"AND {t} " for t in terms)
               + "ORDER BY case_search.rowid DESC LIMIT ?")
        rows = self.db.execute(sql, [(" AND " if every_word else " OR ").join(words),
                                     *params, *skip, limit]).fetchall()
        return [int(r[0]) for r in rows]

    def _in_bm25_order(self, pool: list[int], idf: dict[str, float], totals: bm25.Totals
                       ) -> list[int]:
        """`pool` best first by FTS5's bm25 over all the words (ties: newest first)."""
        if not pool:
            return []
        marks = ", ".join("?" for _ in pool)
        # The FTS5 table's own copy of each case's text and each row's length in tokens
        # (its documented `_content` and `_docsize` tables).
        rows = {r[0]: r[1:] for r in self.db.execute(
            "SELECT t.id, t.c0, t.c1, t.c2, t.c3, t.c4, s.sz FROM case_search_content t "
            f"JOIN case_search_docsize s ON s.id = t.id WHERE t.id IN ({marks})",
            pool).fetchall()}
        texts = {cid: r[:5] for cid, r in rows.items()}
        lengths = {cid: sum(bm25.varints(r[5] or b"")) for cid, r in rows.items()}
        scores = {cid: bm25.score(texts.get(cid, ("",) * len(_WEIGHT_LIST)),
                                  lengths.get(cid, 0), idf, _WEIGHT_LIST, totals)
                  for cid in pool}
        return sorted(pool, key=lambda cid: (-scores[cid], -cid))

    def _ranked(self, groups: Sequence[Group], where: list[str], params: list[Any],
                limit: int, offset: int) -> list[int]:
        sql = (f"SELECT c.id FROM (SELECT rowid AS id, bm25(case_search, {WEIGHTS}) AS score "
               "FROM case_search WHERE case_search MATCH ?) m JOIN cases c ON c.id = m.id "
               + (f"WHERE {' AND '.join(where)} " if where else "")
               + "ORDER BY m.score, c.id DESC LIMIT ? OFFSET ?")
        rows = self.db.execute(sql, [groups_expression(groups, True), *params, limit, offset]
                               ).fetchall()
        return [int(r[0]) for r in rows]
