"""PostgreSQL search: full-text over what each case says, ranked by ts_rank.

Each case's document is a stored tsvector (`case_docs`, m026: bot/store/pg_search_schema.py),
kept by triggers in the writing transaction and read through a GIN index, made from the
same texts as SQLite's FTS5 index (summary, resolution, what was tried, notes, decisions),
weighted in the same order (A to D), with the `english` configuration standing in for
FTS5's porter stemmer. Each word is expanded as in SQLite (bot/store/search_words.py: stem,
prefix, compound, typo) against the lexemes the documents hold. Words reach `to_tsquery` as
plain lexemes only (letters and digits), so nothing a user types is query syntax.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from bot.domain import CaseStatus
from bot.store import pg_bulk, pg_similar, scope
from bot.store.base import BaseQueries, SqlDb
from bot.store.pg_db import PgDb
from bot.store.pg_search_schema import DOC_TRIGGERS
from bot.store.pg_words_schema import FILL_EVERY_AFTER, MARK_COMMON
from bot.store.schema_digest import PG_BULK_RECOUNT, PG_BULK_TRIGGERS
from bot.store.search import case_filters
from bot.store.search_words import Group, expand, suggestions

_WORD = re.compile(r"\w+")
_TOP = "\U0010ffff"
# `find` ranks the newest this many matches (SQLite's _FIND_POOL: every match while there
# are at most this many); a page past them ranks every match.
_FIND_POOL = 100
# `find`'s pool looks among the newest this many cases first.
_RECENT = 5000


def _ranked_all(tsquery: str, terms: list[str], values: list[Any], limit: int,
                offset: int) -> tuple[str, list[Any]]:
    where = " AND ".join(["d.doc @@ q.q", *terms])
    sql = ("SELECT c.id AS id FROM to_tsquery('english', ?) AS q(q), case_docs d "
           f"JOIN cases c ON c.id = d.case_id WHERE {where} "
           "ORDER BY ts_rank(d.doc, q.q) DESC, c.id DESC LIMIT ? OFFSET ?")
    return sql, [tsquery, *values, limit, offset]


def _find_pool(tsquery: str, terms: list[str], values: list[Any], limit: int, offset: int
               ) -> tuple[str, list[Any]]:
    """The newest _FIND_POOL matches ranked by ts_rank, looked for among the newest _RECENT
    documents first (read backwards through the key) and in the whole index only when those
    hold fewer: the planner underestimates an AND of words (it multiplies their shares) and
    walked the GIN index for all 4,726 matches of a common three-word query at 100k cases,
    81 ms. The gate is a one-time filter: the second read does not run once the first is
    full. The pool is the same either way: the newest matches."""
    where = "".join(f" AND {t}" for t in terms)
    match = f"d.doc @@ to_tsquery('english', ?){where}"
    sql = ("WITH recent AS MATERIALIZED (SELECT c.id FROM (SELECT case_id, doc FROM case_docs "
           f"ORDER BY case_id DESC LIMIT ?) d JOIN cases c ON c.id = d.case_id WHERE {match} "
           "ORDER BY c.id DESC LIMIT ?), "
           "pool AS (SELECT id FROM recent UNION (SELECT c.id FROM case_docs d JOIN cases c "
           f"ON c.id = d.case_id WHERE (SELECT COUNT(*) FROM recent) < ? AND {match} "
           "ORDER BY c.id DESC LIMIT ?)) "
           "SELECT p.id AS id FROM (SELECT id FROM pool ORDER BY id DESC LIMIT ?) p, "
           "to_tsquery('english', ?) AS q(q) ORDER BY (SELECT ts_rank(d.doc, q.q) FROM "
           "case_docs d WHERE d.case_id = p.id) DESC, p.id DESC LIMIT ? OFFSET ?")
    return sql, [_RECENT, tsquery, *values, _FIND_POOL, _FIND_POOL, tsquery, *values,
                 _FIND_POOL, _FIND_POOL, tsquery, limit, offset]


def _lexeme(word: str) -> str:
    return " <-> ".join(w.lower() for w in _WORD.findall(word))


def group_tsquery(group: Group) -> str:
    """One query word's alternatives as tsquery text: words, `prefix:*`, `a <-> b`."""
    alternatives = [_lexeme(t) for t in group.terms]
    alternatives += [f"{_lexeme(p)}:*" for p in group.prefixes if _lexeme(p)]
    alternatives += [" <-> ".join(_lexeme(p) for p in phrase) for phrase in group.phrases]
    return "(" + " | ".join(dict.fromkeys(a for a in alternatives if a)) + ")"


class PgVocabulary:
    """The lexemes the stored documents hold (`search_lexemes`)."""

    def __init__(self, db: SqlDb) -> None:
        self.db = db

    def known(self, words: Collection[str]) -> set[str]:
        ask = sorted(w for w in words if _WORD.fullmatch(w))
        if not ask:
            return set()
        rows = self.db.execute(
            "SELECT w FROM unnest(?::text[]) AS w WHERE EXISTS (SELECT 1 FROM search_lexemes "
            "l WHERE l.lexeme = ANY (tsvector_to_array(to_tsvector('english', w))))", (ask,))
        return {r["w"] for r in rows}

    def has_prefix(self, prefix: str) -> bool:
        rows = self.db.execute(
            "SELECT 1 AS one FROM unnest(array_append(tsvector_to_array(to_tsvector("
            "'english', ?)), lower(?))) AS p WHERE EXISTS (SELECT 1 FROM search_lexemes l "
            "WHERE l.lexeme >= p AND l.lexeme < p || ?) LIMIT 1", (prefix, prefix, _TOP))
        return rows.fetchone() is not None

    def starting(self, start: str, limit: int) -> list[str]:
        return [r["lexeme"] for r in self.db.execute(
            "SELECT lexeme FROM search_lexemes WHERE lexeme >= ? AND lexeme < ? "
            "ORDER BY lexeme LIMIT ?", (start, start + _TOP, limit))]

    def surface(self, lexeme: str) -> str | None:
        """The lexeme as some case wrote it, or None when no case holds it any more."""
        row = self.db.execute(
            "SELECT lower(d.token) AS word FROM (SELECT case_id FROM case_docs WHERE doc @@ "
            "quote_literal(?)::tsquery LIMIT 1) m, LATERAL ts_debug('english', "
            "case_text(m.case_id)) d WHERE ? = ANY (d.lexemes) LIMIT 1",
            (lexeme, lexeme)).fetchone()
        return row["word"] if row else None


class PgSearch(BaseQueries):
    db: PgDb

    def __init__(self, db: PgDb) -> None:
        super().__init__(db)
        self.vocabulary = PgVocabulary(db)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Documents for the cases added inside are made once at the end, not row by row:
        the triggers remake a case's document for each note, decision and help request it
        gets (COPY fires them row by row: a 100k-case year took 11 minutes to fill). On the
        way out, even after a failure, the cases added get their documents, their words
        join the vocabulary, and the triggers are back. The triggers are off for every
        session meanwhile: a bulk load is for an empty store (`demo --bulk`). The digest's
        kept per-case figures (m044, m044b) are counted for the added cases the same way.
        Into an empty store, the written tables' indexes and foreign keys are made after
        the rows, not kept row by row (bot/store/pg_bulk.py)."""
        with self.db.transaction():
            row = self.db.execute("SELECT COALESCE(MAX(id), 0) AS last FROM cases").fetchone()
            before = int(row["last"]) if row else 0
            for table, trigger in (*DOC_TRIGGERS, *PG_BULK_TRIGGERS):
                self.db.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
            aside = pg_bulk.set_aside(self.db) if before == 0 else pg_bulk.SetAside()
            if before == 0:  # an empty store: the GIN index is made once, at the end
                self.db.execute("DROP INDEX case_docs_doc")
        try:
            yield
        finally:
            with self.db.transaction():
                self.db.execute("SET LOCAL work_mem = '64MB'")  # the words' sorts
                pg_bulk.make_indexes(self.db, aside, late=False)
                self.db.execute("INSERT INTO case_docs (case_id, doc) SELECT id, case_doc(id) "
                                "FROM cases WHERE id > ? ON CONFLICT (case_id) DO UPDATE "
                                "SET doc = EXCLUDED.doc", (before,))
                if before == 0:
                    self.db.execute("CREATE INDEX case_docs_doc ON case_docs USING gin (doc)")
                self.db.execute("INSERT INTO search_lexemes (lexeme) SELECT DISTINCT x FROM "
                                "case_docs, unnest(tsvector_to_array(doc)) AS x WHERE "
                                "case_id > ? ORDER BY x "
                                "ON CONFLICT DO NOTHING", (before,))
                # the words' pairs (m045, m050): the common ones marked over every document
                self.db.execute(MARK_COMMON)
                self.db.execute(FILL_EVERY_AFTER, (before,))
                for recount in PG_BULK_RECOUNT:
                    self.db.execute(recount, (before,))
                pg_bulk.make_indexes(self.db, aside, late=True)
                pg_bulk.make_keys(self.db, aside)
                for table, trigger in (*DOC_TRIGGERS, *PG_BULK_TRIGGERS):
                    self.db.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")

    def ranked(self, words: Sequence[str], *, every_word: bool = True,
               status: CaseStatus | None = None, platforms: Sequence[str] = (),
               customer: str | None = None, skill: str | None = None,
               exclude: int | None = None, limit: int = 10, offset: int = 0) -> list[int]:
        found = self.query(words, every_word=every_word, status=status, platforms=platforms,
                           customer=customer, skill=skill, exclude=exclude, limit=limit,
                           offset=offset)
        if found is None:
            return []
        sql, params = found
        # Similar cases run one statement whatever the words (pg_similar.py): prepared
        # like any other; find's plan hangs on its words (PgDb.planned_each_time).
        run = self.db.planned_each_time if every_word else self.db.execute
        return [int(r["id"]) for r in run(sql, params)]

    def query(self, words: Sequence[str], *, every_word: bool = True,
              status: CaseStatus | None = None, platforms: Sequence[str] = (),
              customer: str | None = None, skill: str | None = None,
              exclude: int | None = None, limit: int = 10, offset: int = 0
              ) -> tuple[str, list[Any]] | None:
        """The statement `ranked` runs and its parameters (None: nothing can match), also
        for reading its plan (benchmarks/search_typed.py --explain)."""
        if not any(_WORD.search(w) for w in words):
            return None
        groups = expand(words, self.vocabulary, prefix=every_word)
        if every_word and not all(g.hit for g in groups):
            return None
        hits = [group_tsquery(g) for g in groups if g.hit]
        if not hits:
            return None
        terms, values = case_filters(status, platforms, customer, skill)
        if exclude is not None:
            terms.append("c.id <> ?")
            values.append(exclude)
        joined = (" & " if every_word else " | ").join(hits)
        if every_word:
            if offset + limit > _FIND_POOL:  # a page past the pool: every match ranked
                return _ranked_all(joined, terms, values, limit, offset)
            return _find_pool(joined, terms, values, limit, offset)
        # Similar cases: a small pool from the rarer words' kept cases (pg_similar.py)
        unique: dict[str, Group] = {}
        for g in groups:
            if g.hit:
                unique.setdefault(group_tsquery(g), g)
        return pg_similar.similar_sql(list(unique.values()), list(unique), joined, terms,
                                      values, limit, offset)

    def suggestions(self, words: Sequence[str]) -> dict[str, list[str]]:
        # The vocabulary is every workspace's words: none is suggested to a tenant.
        return {} if scope.active() else suggestions(words, self.vocabulary)

    def reindex(self, case_id: int) -> None:
        """After a redaction: the case's document holds only what is left, and the lexemes
        no document holds any more leave the vocabulary."""
        old = self.db.execute("SELECT tsvector_to_array(doc) AS lexemes FROM case_docs "
                              "WHERE case_id = ?", (case_id,)).fetchone()
        self.db.execute("SELECT case_docs_refresh(?)", (case_id,))
        if old and old["lexemes"]:
            self.db.execute(
                "DELETE FROM search_lexemes l WHERE l.lexeme = ANY (?::text[]) AND NOT EXISTS "
                "(SELECT 1 FROM case_docs d WHERE d.doc @@ quote_literal(l.lexeme)::tsquery)",
                (list(old["lexemes"]),))
