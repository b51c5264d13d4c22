"""SQLite's search vocabulary: what the FTS5 index holds, read through its fts5vocab tables
(m026): `case_search_vocab` (one row per term) and `case_search_where` (one row per
occurrence, to show a term as a case wrote it). The expansion of bot/store/search_words.py
asks it which words the index holds."""

from __future__ import annotations

import json
from collections.abc import Collection

from bot.store import bm25
from bot.store.sqlite_conn import ThreadDatabase

# Terms known once stay known in this cache (a term that left the index with an erasure
# only adds an alternative that matches nothing); an unknown term is asked again each time.
_CACHE = 50_000
_COLUMNS = ("summary", "tried", "notes", "decisions", "resolution")


class SqliteVocabulary:
    def __init__(self, db: ThreadDatabase) -> None:
        self.db = db
        self._known: set[str] = set()

    def known(self, words: Collection[str]) -> set[str]:
        stems: dict[str, list[str]] = {}
        for w in words:
            terms = bm25.terms(w)
            if len(terms) == 1:
                stems.setdefault(terms[0], []).append(w)
        ask = [s for s in stems if s not in self._known]
        if ask:
            # Whether a term is held, from its first occurrence (`case_search_where`, one row
            # per occurrence, stops there): `case_search_vocab` counts every case holding the
            # term before it answers, walking all of a common word's list (~750 kB, 0.1-0.5 s
            # from a cold disk at 500k cases; issue 28's similar-case tail).
            found = {r[0] for r in self.db.execute(
                "SELECT value FROM json_each(?) WHERE EXISTS (SELECT 1 FROM case_search_where "
                "WHERE term = value)", (json.dumps(ask),)).fetchall()}
            if len(self._known) > _CACHE:
                self._known.clear()
            self._known |= found
        return {w for s, ws in stems.items() if s in self._known for w in ws}

    def has_prefix(self, prefix: str) -> bool:
        # A prefix query matches the terms as indexed (stems): `authenticat` is `authent`.
        starts = {prefix.lower(), *bm25.terms(prefix)}
        return any(self.db.execute(  # the first occurrence, as `known`
            "SELECT 1 FROM case_search_where WHERE term >= ? AND term < ? LIMIT 1",
            (s, s + "\U0010ffff")).fetchone() for s in starts)

    def starting(self, start: str, limit: int) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT term FROM case_search_vocab WHERE term >= ? AND term < ? LIMIT ?",
            (start, start + "\U0010ffff", limit)).fetchall()]

    def surface(self, term: str) -> str | None:
        """The term as some case wrote it (`authent` -> `authentication`)."""
        row = self.db.execute("SELECT doc, col, offset FROM case_search_where WHERE term = ? "
                              "LIMIT 1", (term,)).fetchone()
        if row is None or row[1] not in _COLUMNS:
            return None
        text = self.db.execute(f"SELECT {row[1]} FROM case_search WHERE rowid = ?",
                               (row[0],)).fetchone()
        tokens = bm25.tokens(text[0] if text else "")
        return tokens[row[2]] if row[2] < len(tokens) else None
