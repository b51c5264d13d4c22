"""SQLite search: FTS5 over what each case says (m015), ranked by bm25().

The index is one FTS5 row per case (rowid = case id), kept in step by triggers, so this
module only reads. bm25() weighs the columns: a case's summary says most about what it is,
its resolution next, then what was tried, its notes and its decisions.

"Any of these words" (similar cases) is not one OR query: over many cases the common words
("release", "users", "error") match most of them, and ranking every match took 0.4 s at
60k demo cases. Instead each word's cases are counted (up to _COMMON, cheap), the cases
holding the _AT_ONCE rarest words are found (the newest _CANDIDATES of them), and those are
put in BM25 order over all the words in Python, with bm25()'s formula and column weights
on the index's own copy of their text (words unstemmed). If that finds too few, the rarest
words are let go one by one, then a plain OR runs. `find` (every word) is plain bm25().
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from bot.domain import CaseStatus
from bot.store.base import BaseQueries

# summary, tried, notes, decisions, resolution (the column order of m015)
_WEIGHT_LIST = (4.0, 1.5, 1.0, 1.0, 2.0)
_WEIGHTS = ", ".join(map(str, _WEIGHT_LIST))
_WORD = re.compile(r"\w+")
# A word held by more cases than this is "common": how common exactly does not matter for
# the order, and counting further would cost what the search saves.
_COMMON = 1000
# "Any of these words" ranks at most this many cases per step, the newest that match: a
# common problem has tens of thousands of cases in a year, and the team's recent ones are
# the ones worth reading first. (`find`, asking for every word, ranks every match.)
_CANDIDATES = 100
# ...and asks for at most this many words at once: the rarest say what the case is, and
# every common word added to an AND costs a walk through its tens of thousands of cases.
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
        filters = (status, platforms, customer, skill)
        skip = [exclude] if exclude is not None else []
        if every_word:
            return self._ranked(words, filters, skip, limit, offset)
        counts = self._counts(words)
        rarest = sorted(counts, key=lambda w: counts[w])
        found: list[int] = []
        for n in range(min(len(rarest), _AT_ONCE), 0, -1):
            pool = self._ranked(rarest[:n], filters, skip + found, _CANDIDATES, 0,
                                cap=_CANDIDATES)
            more = self._rerank(pool, rarest, counts)[:offset + limit - len(found)]
            found += more
            if len(found) >= offset + limit:
                break
        else:  # cases that share some words but not the rarest: the plain OR, rarely needed
            found += self._ranked(rarest, filters, skip + found, offset + limit - len(found), 0,
                                  every_word=False, cap=_CANDIDATES)
        return found[offset:offset + limit]

    def _counts(self, words: Sequence[str]) -> dict[str, int]:
        """How many cases hold each word (counted up to _COMMON), for the words some case
        holds, in the order given."""
        counted = {}
        for word in words:
            n = self.db.execute(
                "SELECT COUNT(*) FROM (SELECT rowid FROM case_search WHERE case_search MATCH ? "
                "LIMIT ?)", (match_expression([word], True), _COMMON)).fetchone()[0]
            if n:
                counted[word] = n
        return counted

    def _rerank(self, pool: list[int], words: Sequence[str], counts: dict[str, int]
                ) -> list[int]:
        """`pool` (found by a few rare words) in BM25 order over all the words: the same
        formula and column weights as bm25(), on the pool's own text (unstemmed words)."""
        if not pool:
            return []
        total = max(1, self.db.execute("SELECT MAX(rowid) FROM case_search").fetchone()[0])
        idf = {w: math.log(1 + (total - counts[w] + 0.5) / (counts[w] + 0.5)) for w in words}
        marks = ", ".join("?" for _ in pool)
        # The FTS5 table's own copy of each case's text (its documented content table).
        rows = self.db.execute(
            f"SELECT id, c0, c1, c2, c3, c4 FROM case_search_content WHERE id IN ({marks})",
            pool).fetchall()
        texts = {r[0]: [_WORD.findall((c or "").lower()) for c in r[1:]] for r in rows}
        if not texts:
            return pool
        lengths = [sum(len(t[i]) for t in texts.values()) / len(texts) or 1
                   for i in range(len(_WEIGHT_LIST))]
        wanted = set(words)

        def score(cid: int) -> float:
            total_score = 0.0
            for i, tokens in enumerate(texts.get(cid, [[]] * len(_WEIGHT_LIST))):
                tf: dict[str, int] = {}
                for t in tokens:
                    if t in wanted:
                        tf[t] = tf.get(t, 0) + 1
                norm = 1.2 * (0.25 + 0.75 * len(tokens) / lengths[i])
                total_score += _WEIGHT_LIST[i] * sum(
                    idf[w] * f * 2.2 / (f + norm) for w, f in tf.items())
            return total_score

        return sorted(pool, key=lambda cid: (-score(cid), -cid))

    def _ranked(self, words: Sequence[str], filters: tuple[Any, ...], skip: list[int],
                limit: int, offset: int, every_word: bool = True, cap: int | None = None
                ) -> list[int]:
        where, params = case_filters(*filters)
        if skip:
            where.append(f"c.id NOT IN ({', '.join('?' for _ in skip)})")
            params += skip
        # FTS5 hands out matches newest first (rowid descending) with their bm25 score; the
        # cap, if any, stops it there, and the filters and the order apply to what it gave.
        matches = (f"SELECT rowid AS id, bm25(case_search, {_WEIGHTS}) AS score "
                   "FROM case_search WHERE case_search MATCH ? ORDER BY rowid DESC"
                   + (" LIMIT ?" if cap else ""))
        sql = (f"SELECT c.id FROM ({matches}) m JOIN cases c ON c.id = m.id "
               + (f"WHERE {' AND '.join(where)} " if where else "")
               + "ORDER BY m.score, c.id DESC LIMIT ? OFFSET ?")
        head: list[Any] = [match_expression(words, every_word)] + ([cap] if cap else [])
        rows = self.db.execute(sql, head + params + [limit, offset]).fetchall()
        return [int(r[0]) for r in rows]
