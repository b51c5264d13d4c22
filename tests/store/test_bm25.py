"""The Python bm25 of similar cases (bot/store/bm25.py) against FTS5's own: the same terms
(stems), the same row lengths, and, with exact word counts, the same scores."""

from __future__ import annotations

import sqlite3

import pytest

from bot.store import bm25

WORDS = ("locked locks locking users affected resolving resolved arrived never quoted charges "
         "charged twice annual cancelled us is a sso saml certificates renewal relational "
         "generalization happiness 4711 eu-west ünïcode café naïve SSO-4711 under_score")
WEIGHTS = (4.0, 1.5, 1.0, 1.0, 2.0)


def _fts() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE f USING fts5(a, b, c, d, e, tokenize = 'porter unicode61')")
    return db


def test_terms_are_the_stems_fts5_makes() -> None:
    db = _fts()
    db.execute("INSERT INTO f (rowid, a) VALUES (1, ?)", (WORDS,))
    db.commit()
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, instance)")
    theirs = [t for (t,) in db.execute("SELECT term FROM v ORDER BY offset")]
    assert bm25.terms(WORDS) == theirs


def test_scores_equal_fts5s_bm25_with_its_weights_and_recorded_lengths() -> None:
    db = _fts()
    rows = [("vpn drops every ten minutes", "raised the tunnel timeout", "", "", "fixed"),
            ("customer asks for a call", "", "maybe a vpn thing, vpn again", "", ""),
            ("dns stopped resolving", "flushed dns", "", "extend the trial", "dns fixed"),
            ("vpn and dns both down", "", "", "", "")]
    for i, row in enumerate(rows, 1):
        db.execute("INSERT INTO f (rowid, a, b, c, d, e) VALUES (?, ?, ?, ?, ?, ?)", (i, *row))
    db.commit()  # FTS5 writes its averages record on commit
    query = ["vpn", "dns", "fixed"]
    match = " OR ".join(f'"{w}"' for w in query)
    theirs = dict(db.execute(f"SELECT rowid, -bm25(f, {', '.join(map(str, WEIGHTS))}) FROM f "
                             "WHERE f MATCH ?", (match,)).fetchall())
    block = db.execute("SELECT block FROM f_data WHERE id = 1").fetchone()[0]
    figures = bm25.varints(block)
    totals = bm25.Totals(figures[0], sum(figures[1:]) / figures[0])
    assert totals.rows == len(rows)
    having = {w: db.execute("SELECT COUNT(*) FROM f WHERE f MATCH ?", (f'"{w}"',)).fetchone()[0]
              for w in query}
    idf = {bm25.stem(w): bm25.idf(totals.rows, having[w]) for w in query}
    for rowid, sz in db.execute("SELECT id, sz FROM f_docsize"):
        ours = bm25.score(rows[rowid - 1], sum(bm25.varints(sz)), idf, WEIGHTS, totals)
        assert ours == pytest.approx(theirs.get(rowid, 0.0), rel=1e-9), rowid


def test_varints_read_every_length() -> None:
    assert bm25.varints(bytes([0x05, 0x81, 0x00, 0x7F])) == [5, 128, 127]
    assert bm25.varints(bytes([0xFF] * 8 + [0xFF])) == [2**64 - 1]
