"""PostgreSQL search: full-text over what each case says, ranked by ts_rank.

SQLite keeps an FTS5 index in step by triggers (m015); here each case's document is made
from the same texts (summary, resolution, what was tried, notes, decisions) when it is
searched, weighted in the same order (A to D), with the `english` configuration standing in
for FTS5's porter stemmer. Words reach `to_tsquery` as plain lexemes only (letters and
digits), so nothing a user types is query syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from bot.domain import CaseStatus
from bot.store.base import BaseQueries
from bot.store.search import case_filters

_WORD = re.compile(r"\w+")
_DOCUMENT = (
    "setweight(to_tsvector('english', c.summary), 'A') || "
    "setweight(to_tsvector('english', COALESCE(c.resolution, '')), 'B') || "
    "setweight(to_tsvector('english', COALESCE((SELECT string_agg(h.tried, ' ') "
    "FROM help_requests h WHERE h.case_id = c.id), '')), 'C') || "
    "setweight(to_tsvector('english', COALESCE((SELECT string_agg(t.text, ' ') "
    "FROM timeline t WHERE t.case_id = c.id AND t.kind = 'note'), '')), 'D') || "
    "setweight(to_tsvector('english', COALESCE((SELECT string_agg(d.decision || ' ' || "
    "COALESCE(d.rationale, ''), ' ') FROM decisions d WHERE d.case_id = c.id), '')), 'D')")


def tsquery(words: Sequence[str], every_word: bool) -> str:
    lexemes = [w.lower() for word in words for w in _WORD.findall(word)]
    return (" & " if every_word else " | ").join(lexemes)


class PgSearch(BaseQueries):
    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Nothing to defer: the documents are made when a search reads them."""
        yield

    def ranked(self, words: Sequence[str], *, every_word: bool = True,
               status: CaseStatus | None = None, platforms: Sequence[str] = (),
               customer: str | None = None, skill: str | None = None,
               exclude: int | None = None, limit: int = 10, offset: int = 0) -> list[int]:
        query = tsquery(words, every_word)
        if not query:
            return []
        terms, values = case_filters(status, platforms, customer, skill)
        where = ["d.doc @@ q.q", *terms]
        params: list[Any] = [query, *values]
        if exclude is not None:
            where.append("c.id <> ?")
            params.append(exclude)
        sql = (f"SELECT c.id AS id FROM cases c, LATERAL (SELECT {_DOCUMENT} AS doc) d, "
               "to_tsquery('english', ?) AS q(q) "
               f"WHERE {' AND '.join(where)} "
               "ORDER BY ts_rank(d.doc, q.q) DESC, c.id DESC LIMIT ? OFFSET ?")
        # The query's parameter comes first in the text, then the filters' in order.
        rows = self._all(sql, params + [limit, offset])
        return [int(r["id"]) for r in rows]
