"""SQLite search: FTS5 over what each case says (m015), ranked by bm25().

The index is one FTS5 row per case (rowid = case id), kept in step by triggers, so this
module only reads. bm25() weighs the columns: a case's summary says most about what it is,
its resolution next, then what was tried, its notes and its decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain import CaseStatus
from bot.store.base import BaseQueries

# summary, tried, notes, decisions, resolution (the column order of m015)
_WEIGHTS = "4.0, 1.5, 1.0, 1.0, 2.0"


def match_expression(words: Sequence[str], every_word: bool) -> str:
    """An FTS5 query of plain words: each one quoted (so no word is FTS5 syntax), joined by
    AND or OR. Callers pass words; the syntax stays in the store."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    return (" AND " if every_word else " OR ").join(quoted)


class SqliteSearch(BaseQueries):
    def ranked(self, words: Sequence[str], *, every_word: bool = True,
               status: CaseStatus | None = None, platforms: Sequence[str] = (),
               customer: str | None = None, skill: str | None = None,
               exclude: int | None = None, limit: int = 10, offset: int = 0) -> list[int]:
        if not words:
            return []
        where = ["case_search MATCH ?"]
        params: list[Any] = [match_expression(words, every_word)]
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
        if exclude is not None:
            where.append("c.id != ?")
            params.append(exclude)
        sql = (f"SELECT c.id FROM case_search JOIN cases c ON c.id = case_search.rowid "
               f"WHERE {' AND '.join(where)} "
               f"ORDER BY bm25(case_search, {_WEIGHTS}), c.id DESC LIMIT ? OFFSET ?")
        return [int(r[0]) for r in self.db.execute(sql, params + [limit, offset]).fetchall()]
