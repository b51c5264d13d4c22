"""SQLite search: FTS5 over what each case says (m015), ranked by bm25().

The index is one FTS5 row per case (rowid = case id), kept in step by triggers, so this
module only reads. bm25() weighs the columns: a case's summary says most about what it is,
its resolution next, then what was tried, its notes and its decisions.

"Any of these words" (similar cases) never calls FTS5's bm25(): over a year of cases the
common words ("error", "tenant", "users") are in half of them, and bm25() walks every match
of every word of the query, once to learn how common it is and again to rank (a single
common word costs 0.6 s at 500k cases). Instead (all cheap):

1. how many cases hold each word: counted among its newest _SAMPLE matches; a word with
   more is common, and its share of those recent cases estimates how common;
2. candidates: the newest cases, among those the reader may see, that hold all of the
   _AT_ONCE rarest words, then the 2 rarest, then the rarest (newest first, stopping at
   _CANDIDATES), and if that finds too few, the newest that hold any word;
3. those are put in BM25 order over all the words: FTS5's formula, weights and recorded
   lengths (bot/store/bm25.py), on the index's own copy of their text.

A common word adds little to a BM25 score (idf ~0.7 against ~9 for an error code), so the
best cases are among those holding the rare words. `find` (every word) is plain bm25().
benchmarks/similar_year.py measures both the time and the agreement with FTS5's bm25()
over every case.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from bot.domain import CaseStatus
from bot.store import bm25
from bot.store.base import BaseQueries
from bot.store.schema_search import BACKFILL_AFTER, TRIGGER_NAMES, TRIGGERS

# summary, tried, notes, decisions, resolution (the column order of m015)
_WEIGHT_LIST = (4.0, 1.5, 1.0, 1.0, 2.0)
_WEIGHTS = ", ".join(map(str, _WEIGHT_LIST))
# A word's cases are counted up to this many, newest first; past it, their density among
# the newest cases estimates the rest (a few per cent off, which moves an idf by ~0.03).
_SAMPLE = 1000
# "Any of these words" ranks at most this many candidates, the newest that match: a common
# problem has tens of thousands of cases in a year, and the team's recent ones are the ones
# worth reading first. (`find`, asking for every word, ranks every match.)
_CANDIDATES = 100
# ...found by at most this many words at once: the rarest say what the case is, and every
# common word added to an AND costs a walk through its tens of thousands of cases.
_AT_ONCE = 3


def match_expression(words: Sequence[str], every_word: bool) -> str:
    """An FTS5 query of plain words: each one quoted (so no word is FTS5 syntax), joined by
    AND or OR. Callers pass words; the syntax stays in the store."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    return (" AND " if every_word else " OR ").join(quoted)


def case_filters(status: CaseStatus | None, platforms: Sequence[str], customer: str | None,
                 skill: str | None) -> tuple[list[str], list[Any]]:
    """The WHERE terms (over `cases c`) and parameters of a search's filters: one copy for
    both stores."""
    where: list[str] = []
    params: list[Any] = []
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
        if every_word:
            return self._ranked(words, where, params, limit, offset)
        return self._any_word(words, where, params, offset + limit)[offset:]

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

    def _any_word(self, words: Sequence[str], where: list[str], params: list[Any],
                  wanted: int) -> list[int]:
        totals = self._totals()
        if totals.rows == 0:
            return []
        counts = self._counts(words)
        rarest = sorted(counts, key=lambda w: counts[w])
        pool: list[int] = []
        for n in range(min(len(rarest), _AT_ONCE), 0, -1):
            pool += self._newest(rarest[:n], True, where, params, pool, _CANDIDATES - len(pool))
            if len(pool) >= _CANDIDATES:
                break
        if len(pool) < wanted:  # cases that share some words but not the rarest
            pool += self._newest(rarest, False, where, params, pool, _CANDIDATES - len(pool))
        idf: dict[str, float] = {}
        for w in rarest:
            term = bm25.stem(w)  # two words with one stem are two phrases to FTS5: both count
            idf[term] = idf.get(term, 0.0) + bm25.idf(totals.rows, counts[w])
        return self._in_bm25_order(pool, idf, totals)[:wanted]

    def _totals(self) -> bm25.Totals:
        """The index's row count and mean row length, from its averages record (rowid 1 of
        its `_data` table: the row count, then each column's total tokens), the figures
        FTS5's own bm25() reads."""
        row = self.db.execute("SELECT block FROM case_search_data WHERE id = 1").fetchone()
        figures = bm25.varints(row[0]) if row and row[0] else []
        if not figures or figures[0] == 0:
            return bm25.Totals(0, 0.0)
        return bm25.Totals(figures[0], sum(figures[1:]) / figures[0])

    def _counts(self, words: Sequence[str]) -> dict[str, int]:
        """How many cases hold each word some case holds: exact up to _SAMPLE; past it,
        estimated from how densely the newest _SAMPLE of them lie among the case ids."""
        newest = self.db.execute("SELECT MAX(rowid) FROM case_search").fetchone()[0] or 0
        counted = {}
        for word in words:
            n, oldest = self.db.execute(
                "SELECT COUNT(*), MIN(rowid) FROM (SELECT rowid FROM case_search "
                "WHERE case_search MATCH ? ORDER BY rowid DESC LIMIT ?)",
                (match_expression([word], True), _SAMPLE)).fetchone()
            if n >= _SAMPLE:
                n = max(n, round(n * newest / (newest - oldest + 1)))
            if n:
                counted[word] = n
        return counted

    def _newest(self, words: Sequence[str], every_word: bool, where: list[str],
                params: list[Any], skip: list[int], limit: int) -> list[int]:
        """The newest cases the filters let through that hold the words, no ranking: FTS5
        hands its matches out newest first and stops at the limit."""
        if limit <= 0:
            return []
        terms = list(where)
        if skip:
            terms.append(f"c.id NOT IN ({', '.join('?' for _ in skip)})")
        # CROSS JOIN keeps the index outside: its matches, newest first, are looked up in
        # `cases` one by one until enough pass the filters.
        sql = ("SELECT c.id FROM case_search CROSS JOIN cases c ON c.id = case_search.rowid "
               "WHERE case_search MATCH ? "
               + "".join(f"AND {t} " for t in terms)
               + "ORDER BY case_search.rowid DESC LIMIT ?")
        rows = self.db.execute(sql, [match_expression(words, every_word), *params, *skip,
                                     limit]).fetchall()
        return [int(r[0]) for r in rows]

    def _in_bm25_order(self, pool: list[int], idf: dict[str, float], totals: bm25.Totals
                       ) -> list[int]:
        """`pool` best first by FTS5's bm25 over all the words (ties: newest first)."""
        if not pool:
            return []
        marks = ", ".join("?" for _ in pool)
        # The FTS5 table's own copy of each case's text and each row's length in tokens
        # (its documented `_content` and `_docsize` tables).
        texts = {r[0]: r[1:] for r in self.db.execute(
            f"SELECT id, c0, c1, c2, c3, c4 FROM case_search_content WHERE id IN ({marks})",
            pool).fetchall()}
        lengths = {r[0]: sum(bm25.varints(r[1] or b"")) for r in self.db.execute(
            f"SELECT id, sz FROM case_search_docsize WHERE id IN ({marks})", pool).fetchall()}
        scores = {cid: bm25.score(texts.get(cid, ("",) * len(_WEIGHT_LIST)),
                                  lengths.get(cid, 0), idf, _WEIGHT_LIST, totals)
                  for cid in pool}
        return sorted(pool, key=lambda cid: (-scores[cid], -cid))

    def _ranked(self, words: Sequence[str], where: list[str], params: list[Any],
                limit: int, offset: int) -> list[int]:
        sql = (f"SELECT c.id FROM (SELECT rowid AS id, bm25(case_search, {_WEIGHTS}) AS score "
               "FROM case_search WHERE case_search MATCH ?) m JOIN cases c ON c.id = m.id "
               + (f"WHERE {' AND '.join(where)} " if where else "")
               + "ORDER BY m.score, c.id DESC LIMIT ? OFFSET ?")
        rows = self.db.execute(sql, [match_expression(words, True), *params, limit, offset]
                               ).fetchall()
        return [int(r[0]) for r in rows]
