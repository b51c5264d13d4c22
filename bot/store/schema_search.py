"""The search index of m015 (SQLite's FTS5): its DDL, and the parts of it a bulk load uses
(SqliteSearch.bulk_load). The other migrations' DDL is in schema.py."""

from __future__ import annotations

# The search index of issue 13. FTS5 is SQLite's; the PostgreSQL store keeps a tsvector per
# case instead (same columns, same moments of update). One row per case, rowid = case id,
# one column per kind of text so bm25() can weigh them. Triggers keep it in step inside the
# writing transaction, whichever repository (or bulk load) wrote the row.
CASE_SEARCH = """
CREATE VIRTUAL TABLE case_search USING fts5(
    summary, tried, notes, decisions, resolution, tokenize = 'porter unicode61'
);
INSERT INTO case_search (rowid, summary, tried, notes, decisions, resolution)
    SELECT c.id, c.summary,
           COALESCE((SELECT group_concat(h.tried, ' ') FROM help_requests h
                     WHERE h.case_id = c.id AND h.tried IS NOT NULL), ''),
           COALESCE((SELECT group_concat(t.text, ' ') FROM timeline t
                     WHERE t.case_id = c.id AND t.kind = 'note'), ''),
           COALESCE((SELECT group_concat(d.decision || ' ' || COALESCE(d.rationale, ''), ' ')
                     FROM decisions d WHERE d.case_id = c.id), ''),
           COALESCE(c.resolution, '')
    FROM cases c;
CREATE TRIGGER case_search_open AFTER INSERT ON cases BEGIN
    INSERT INTO case_search (rowid, summary, tried, notes, decisions, resolution)
    VALUES (NEW.id, NEW.summary, '', '', '', COALESCE(NEW.resolution, ''));
END;
CREATE TRIGGER case_search_case AFTER UPDATE OF summary, resolution ON cases BEGIN
    UPDATE case_search SET summary = NEW.summary, resolution = COALESCE(NEW.resolution, '')
    WHERE rowid = NEW.id;
END;
CREATE TRIGGER case_search_gone AFTER DELETE ON cases BEGIN
    DELETE FROM case_search WHERE rowid = OLD.id;
END;
CREATE TRIGGER case_search_tried AFTER INSERT ON help_requests WHEN NEW.tried IS NOT NULL
BEGIN
    UPDATE case_search SET tried = tried || ' ' || NEW.tried WHERE rowid = NEW.case_id;
END;
CREATE TRIGGER case_search_note AFTER INSERT ON timeline WHEN NEW.kind = 'note' BEGIN
    UPDATE case_search SET notes = notes || ' ' || NEW.text WHERE rowid = NEW.case_id;
END;
CREATE TRIGGER case_search_decision AFTER INSERT ON decisions BEGIN
    UPDATE case_search SET decisions = decisions || ' ' || NEW.decision || ' '
                                       || COALESCE(NEW.rationale, '')
    WHERE rowid = NEW.case_id;
END;
CREATE TABLE friction_reviews (
    id INTEGER PRIMARY KEY,
    process TEXT NOT NULL,
    note TEXT NOT NULL,
    by_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX friction_reviews_by_process ON friction_reviews(process, at)
"""


def statements(script: str) -> list[str]:
    """Split on `;` that end a statement, keeping trigger bodies (`…; END`) whole."""
    out: list[str] = []
    current = ""
    for part in script.split(";"):
        current += part
        if current.strip().upper().startswith("CREATE TRIGGER") and not \
                current.strip().upper().endswith("END"):
            current += ";"
            continue
        if current.strip():
            out.append(current)
        current = ""
    return out


# The index's parts, for a bulk load that fills it once at the end (SqliteSearch.bulk_load):
# the triggers as m015 made them, and its backfill, limited to the cases loaded.
TRIGGERS = [s.strip() for s in statements(CASE_SEARCH)
            if s.strip().upper().startswith("CREATE TRIGGER")]
TRIGGER_NAMES = [t.split()[2] for t in TRIGGERS]
BACKFILL_AFTER = next(s.strip() for s in statements(CASE_SEARCH)
                      if s.strip().startswith("INSERT INTO case_search")) + " WHERE c.id > ?"

# m026 (issue 28): the index's vocabulary, for matching what people type (stems, prefixes,
# compounds, typos) and suggesting the nearest words on a miss (bot/store/sqlite_vocab.py).
SEARCH_VOCAB = """
CREATE VIRTUAL TABLE case_search_vocab USING fts5vocab(case_search, 'row');
CREATE VIRTUAL TABLE case_search_where USING fts5vocab(case_search, 'instance')
"""

# m057_similar_filter_index (issue 28): the filters of similar cases (status, platform) read
# per candidate from a narrow index in id order (~25 bytes an entry, ~12 MB at 500k cases)
# instead of the case's row (~450 bytes): a query's ~450 candidates looked up fall on ~10
# pages, not ~90, which matters when the file's pages have gone cold.
FILTER_INDEX = "cases_by_id_status_platform"
CASES_FILTER = f"CREATE INDEX IF NOT EXISTS {FILTER_INDEX} ON cases(id, status, platform)"
