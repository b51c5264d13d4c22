"""SQLite's search vocabulary answers "is this term held" from a term's first occurrence
(issue 28: fts5vocab's `row` table counts every case holding a term before it answers,
which walked ~750 kB of a common word's list at 500k cases), with the same answers as the
row table, also after an erasure."""

from __future__ import annotations

import random
from pathlib import Path

from bot.store import bm25
from bot.store.sqlite import SqliteStore, open_store
from bot.store.sqlite_vocab import SqliteVocabulary
from tests.store.conftest import T0

_WORDS = ("error", "tenant", "users", "affected", "release", "certificate", "expired",
          "invoice", "login", "saml", "vat", "merger", "quota", "webhook", "timeout",
          "relational", "generalization", "conditional", "x", "go", "an")


def _store(tmp_path: Path) -> SqliteStore:
    store = open_store(tmp_path / "vocab.db")
    store.people.ensure("ann", "slack", "Ann", None, T0)
    rng = random.Random(3)
    for i in range(300):
        words = rng.sample(_WORDS[:-3], rng.randint(2, 6))
        if i % 50 == 0:
            words.append(f"zz{i}unique")
        store.cases.add(f"ZD-{i}", "Acme", " ".join(words), 2, "ann", "slack", T0)
    return store


def _by_row_table(store: SqliteStore, words: set[str]) -> set[str]:
    """The old answer: the terms `case_search_vocab` (one row per term) lists."""
    held = {r[0] for r in store.db.execute("SELECT term FROM case_search_vocab").fetchall()}
    return {w for w in words if len(bm25.terms(w)) == 1 and bm25.terms(w)[0] in held}


def _asked(store: SqliteStore, words: set[str]) -> tuple[set[str], list[str]]:
    """A fresh vocabulary's answer (nothing cached) and the statements it ran."""
    ran: list[str] = []
    store.db.conn.set_trace_callback(ran.append)
    try:
        return SqliteVocabulary(store.db).known(words), ran
    finally:
        store.db.conn.set_trace_callback(None)


def test_known_answers_as_the_row_table_and_never_counts_a_terms_cases(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        words = {*_WORDS, "errors", "zz0unique", "zz50unique", "nowhere", "tenants", "us-east",
                 "it's", "", "UPPER"}
        found, ran = _asked(store, words)
        assert found == _by_row_table(store, words)
        assert {"error", "errors", "zz0unique", "relational"} <= found
        assert "nowhere" not in found
        # the row table reads every occurrence of a term to count its cases: never asked
        assert ran and not any("case_search_vocab" in sql for sql in ran)
        assert SqliteVocabulary(store.db).has_prefix("certif")
        assert not SqliteVocabulary(store.db).has_prefix("certiz")
    finally:
        store.close()


def test_an_erased_cases_words_are_no_longer_known(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        gone = store.db.execute("SELECT id FROM cases WHERE summary LIKE '%zz50unique%'"
                                ).fetchone()[0]
        with store.db.atomic():
            store.db.execute("DELETE FROM cases WHERE id = ?", (gone,))
        words = {"zz0unique", "zz50unique", "error"}
        found, _ = _asked(store, words)
        assert found == _by_row_table(store, words) == {"zz0unique", "error"}
        assert not SqliteVocabulary(store.db).has_prefix("zz50")
    finally:
        store.close()
