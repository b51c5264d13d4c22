"""PostgreSQL's stored search documents (m026, issue 28): one tsvector per case, kept by
triggers in the writing transaction (as SQLite's FTS5 index is), under a GIN index; and
the lexemes they hold (`search_lexemes`), the vocabulary that matching what people type
and suggesting the nearest words read (bot/store/pg_search.py).

The document weighs what a case says as SQLite's bm25 does: its summary (A), resolution
(B), what was tried (C), notes and decisions (D), in the `english` configuration."""

from __future__ import annotations

# Statements are separated by ";" outside $$ bodies (pg_schema splits them so).
CASE_DOCS = """
CREATE TABLE case_docs (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    doc tsvector NOT NULL
);
CREATE INDEX case_docs_doc ON case_docs USING gin (doc);
CREATE TABLE search_lexemes (lexeme TEXT COLLATE "C" PRIMARY KEY);
CREATE FUNCTION case_doc(cid BIGINT) RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('english', c.summary), 'A') ||
           setweight(to_tsvector('english', COALESCE(c.resolution, '')), 'B') ||
           setweight(to_tsvector('english', COALESCE((SELECT string_agg(h.tried, ' ')
               FROM help_requests h WHERE h.case_id = c.id), '')), 'C') ||
           setweight(to_tsvector('english', COALESCE((SELECT string_agg(t.text, ' ')
               FROM timeline t WHERE t.case_id = c.id AND t.kind = 'note'), '')), 'D') ||
           setweight(to_tsvector('english', COALESCE((SELECT string_agg(d.decision || ' '
               || COALESCE(d.rationale, ''), ' ') FROM decisions d
               WHERE d.case_id = c.id), '')), 'D')
    FROM cases c WHERE c.id = cid
$$;
CREATE FUNCTION case_text(cid BIGINT) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' ', c.summary, c.resolution,
        (SELECT string_agg(h.tried, ' ') FROM help_requests h WHERE h.case_id = c.id),
        (SELECT string_agg(t.text, ' ') FROM timeline t
         WHERE t.case_id = c.id AND t.kind = 'note'),
        (SELECT string_agg(d.decision || ' ' || COALESCE(d.rationale, ''), ' ')
         FROM decisions d WHERE d.case_id = c.id))
    FROM cases c WHERE c.id = cid
$$;
CREATE FUNCTION case_docs_refresh(cid BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO case_docs (case_id, doc) SELECT c.id, case_doc(c.id) FROM cases c
    WHERE c.id = cid
    ON CONFLICT (case_id) DO UPDATE SET doc = EXCLUDED.doc
$$;
CREATE FUNCTION case_docs_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM case_docs_refresh(NEW.id);
    RETURN NULL;
END
$$;
CREATE FUNCTION case_docs_child() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM case_docs_refresh(NEW.case_id);
    RETURN NULL;
END
$$;
CREATE FUNCTION search_lexemes_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_lexemes (lexeme)
        SELECT x FROM unnest(tsvector_to_array(NEW.doc)) AS x ORDER BY x
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_docs_lexemes AFTER INSERT OR UPDATE OF doc ON case_docs
    FOR EACH ROW EXECUTE FUNCTION search_lexemes_add();
INSERT INTO case_docs (case_id, doc) SELECT id, case_doc(id) FROM cases;
CREATE TRIGGER case_docs_open AFTER INSERT OR UPDATE OF summary, resolution ON cases
    FOR EACH ROW EXECUTE FUNCTION case_docs_case();
CREATE TRIGGER case_docs_tried AFTER INSERT ON help_requests
    FOR EACH ROW WHEN (NEW.tried IS NOT NULL) EXECUTE FUNCTION case_docs_child();
CREATE TRIGGER case_docs_note AFTER INSERT ON timeline
    FOR EACH ROW WHEN (NEW.kind = 'note') EXECUTE FUNCTION case_docs_child();
CREATE TRIGGER case_docs_decision AFTER INSERT ON decisions
    FOR EACH ROW EXECUTE FUNCTION case_docs_child()
"""


# m041 (issue 28): a note is appended to its case's document instead of remaking the
# document from every note (4.3-5.5 ms on a case of 20-120 notes; now the same for every
# case). So that an appended note leaves the document a remake would give, the notes come
# last, each note's own tsvector in the order written (tsvector concatenation is
# associative); the vocabulary takes only the lexemes new to a document. The documents are
# remade with the GIN index off (built again at the end: much faster than row by row).
CASE_DOCS_APPEND = """
CREATE AGGREGATE case_docs_concat(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector,
    INITCOND = '');
CREATE OR REPLACE FUNCTION case_doc(cid BIGINT) RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('english', c.summary), 'A') ||
           setweight(to_tsvector('english', COALESCE(c.resolution, '')), 'B') ||
           setweight(to_tsvector('english', COALESCE((SELECT string_agg(h.tried, ' '
               ORDER BY h.id) FROM help_requests h WHERE h.case_id = c.id), '')), 'C') ||
           setweight(to_tsvector('english', COALESCE((SELECT string_agg(d.decision || ' '
               || COALESCE(d.rationale, ''), ' ' ORDER BY d.id) FROM decisions d
               WHERE d.case_id = c.id), '')), 'D') ||
           COALESCE((SELECT case_docs_concat(setweight(to_tsvector('english', t.text), 'D')
               ORDER BY t.id) FROM timeline t WHERE t.case_id = c.id AND t.kind = 'note'),
               '')
    FROM cases c WHERE c.id = cid
$$;
CREATE FUNCTION case_docs_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE case_docs SET doc = doc || setweight(to_tsvector('english', NEW.text), 'D')
        WHERE case_id = NEW.case_id;
    IF NOT FOUND THEN
        PERFORM case_docs_refresh(NEW.case_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION search_lexemes_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_lexemes (lexeme)
        SELECT x FROM (SELECT unnest(tsvector_to_array(NEW.doc)) EXCEPT
                       SELECT unnest(tsvector_to_array(OLD.doc))) AS n(x)
        ORDER BY x
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
DROP TRIGGER case_docs_note ON timeline;
CREATE TRIGGER case_docs_note AFTER INSERT ON timeline
    FOR EACH ROW WHEN (NEW.kind = 'note') EXECUTE FUNCTION case_docs_note();
DROP INDEX case_docs_doc;
ALTER TABLE case_docs DISABLE TRIGGER case_docs_lexemes;
UPDATE case_docs SET doc = case_doc(case_id);
ALTER TABLE case_docs ENABLE TRIGGER case_docs_lexemes;
CREATE INDEX case_docs_doc ON case_docs USING gin (doc)
"""


# The triggers that keep the documents (and their words), which a bulk load turns off while
# it writes (PgSearch.bulk_load): (table, trigger).
DOC_TRIGGERS = (("cases", "case_docs_open"), ("help_requests", "case_docs_tried"),
                ("timeline", "case_docs_note"), ("decisions", "case_docs_decision"),
                ("case_docs", "case_docs_lexemes"), ("case_docs", "case_docs_words"))


def statements(script: str) -> list[str]:
    """`;`-separated statements, keeping `$$ … $$` bodies whole."""
    out: list[str] = []
    current = ""
    for part in script.split(";"):
        current += part
        if current.count("$$") % 2:
            current += ";"
            continue
        if current.strip():
            out.append(current.strip())
        current = ""
    return out
