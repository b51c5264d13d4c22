"""PostgreSQL's kept (word, case) pairs (m045 for the rarer words, m050 for every word, issue
28): similar cases read the cases of a summary's words by index (bot/store/pg_similar.py)
instead of walking the newest documents or the GIN index for each word. What follows is
m045's; m050 (COMMON_WORDS, below) keeps the common lexemes' pairs too.

`case_words` holds (lexeme, case id) for every lexeme of every stored document
(`case_docs`, m026) except the common ones: a lexeme is marked common
(`search_lexemes.common`) once more than COMMON_IN of the COMMON_WINDOW case ids up to the
one just written hold it (5%), and its pairs go; from then on similar cases read it as
before. The pairs follow the documents in the writing transaction (a trigger on
`case_docs`, after the one that adds new lexemes to `search_lexemes`): a new document adds
its pairs, a changed one (a note, a correction, a redaction) adds and drops the difference,
a deleted one drops its own. The migration marks as common the lexemes held by more than
COMMON_IN of some COMMON_WINDOW consecutive case ids, then fills the pairs of the rest.
"""

from __future__ import annotations

COMMON_IN = 100
COMMON_WINDOW = 2000

# The pairs of the documents of the cases after a given id (a placeholder), for the
# lexemes that are not common: the migration's back-fill (every case) and a bulk load's.
FILL_AFTER = """
INSERT INTO case_words (lexeme, case_id)
    SELECT x, d.case_id FROM case_docs d, unnest(tsvector_to_array(d.doc)) AS x
    WHERE d.case_id > ? AND NOT EXISTS (SELECT 1 FROM search_lexemes l
                                        WHERE l.lexeme = x AND l.common)
    ORDER BY 1, 2 ON CONFLICT DO NOTHING
"""

# Common: the lexemes held by more than COMMON_IN of some COMMON_WINDOW consecutive case
# ids (the rule the trigger applies to the window up to the case written, applied to every
# window: after it a write marks a lexeme only when its own window crosses the line).
MARK_COMMON = f"""
UPDATE search_lexemes l SET common = true FROM (
    SELECT DISTINCT x FROM (
        SELECT x, count(*) OVER (PARTITION BY x ORDER BY d.case_id
                                 RANGE BETWEEN {COMMON_WINDOW - 1} PRECEDING AND CURRENT ROW) AS n
        FROM case_docs d, unnest(tsvector_to_array(d.doc)) AS x) w
    WHERE w.n > {COMMON_IN}
) s WHERE s.x = l.lexeme AND NOT l.common
"""

DROP_COMMON = """
DELETE FROM case_words w USING search_lexemes l WHERE l.lexeme = w.lexeme AND l.common
"""

CASE_WORDS = f"""
ALTER TABLE search_lexemes ADD COLUMN common BOOLEAN NOT NULL DEFAULT false;
CREATE TABLE case_words (
    lexeme TEXT COLLATE "C" NOT NULL,
    case_id BIGINT NOT NULL,
    PRIMARY KEY (lexeme, case_id)
);
CREATE FUNCTION case_words_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added TEXT[];
    common TEXT[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM case_words WHERE case_id = OLD.case_id
            AND lexeme = ANY (tsvector_to_array(OLD.doc));
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM case_words WHERE case_id = NEW.case_id AND lexeme = ANY (ARRAY(
            SELECT unnest(tsvector_to_array(OLD.doc))
            EXCEPT SELECT unnest(tsvector_to_array(NEW.doc))));
        added := ARRAY(SELECT unnest(tsvector_to_array(NEW.doc))
                       EXCEPT SELECT unnest(tsvector_to_array(OLD.doc)));
    ELSE
        added := tsvector_to_array(NEW.doc);
    END IF;
    INSERT INTO case_words (lexeme, case_id)
        SELECT l.lexeme, NEW.case_id FROM search_lexemes l
        WHERE l.lexeme = ANY (added) AND NOT l.common ORDER BY 1
        ON CONFLICT DO NOTHING;
    -- a lexeme held by more than COMMON_IN of the COMMON_WINDOW cases up to this one is
    -- common from now on: at most COMMON_IN + 1 pairs read per lexeme
    WITH marked AS (
        UPDATE search_lexemes l SET common = true
        WHERE l.lexeme = ANY (added) AND NOT l.common
          AND (SELECT count(*) FROM (SELECT 1 FROM case_words w WHERE w.lexeme = l.lexeme
               AND w.case_id > NEW.case_id - {COMMON_WINDOW} AND w.case_id <= NEW.case_id
               LIMIT {COMMON_IN + 1}) s) > {COMMON_IN}
        RETURNING l.lexeme)
    SELECT array_agg(lexeme) INTO common FROM marked;
    IF common IS NOT NULL THEN
        DELETE FROM case_words WHERE lexeme = ANY (common);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_docs_words AFTER INSERT OR UPDATE OF doc OR DELETE ON case_docs
    FOR EACH ROW EXECUTE FUNCTION case_words_keep();
{MARK_COMMON};
{FILL_AFTER.replace("?", "0")}
"""

# m050: the common lexemes' pairs are kept too (issue 28): similar cases read a common
# word's newest cases, and the newest holding every common word, down its pairs instead of
# walking the newest documents. The trigger no longer drops a lexeme's pairs when it turns
# common; the migration fills those of the lexemes already common.
COMMON_WORDS = f"""
CREATE OR REPLACE FUNCTION case_words_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added TEXT[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM case_words WHERE case_id = OLD.case_id
            AND lexeme = ANY (tsvector_to_array(OLD.doc));
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM case_words WHERE case_id = NEW.case_id AND lexeme = ANY (ARRAY(
            SELECT unnest(tsvector_to_array(OLD.doc))
            EXCEPT SELECT unnest(tsvector_to_array(NEW.doc))));
        added := ARRAY(SELECT unnest(tsvector_to_array(NEW.doc))
                       EXCEPT SELECT unnest(tsvector_to_array(OLD.doc)));
    ELSE
        added := tsvector_to_array(NEW.doc);
    END IF;
    INSERT INTO case_words (lexeme, case_id)
        SELECT x, NEW.case_id FROM unnest(added) AS x ORDER BY 1
        ON CONFLICT DO NOTHING;
    -- a lexeme held by more than COMMON_IN of the COMMON_WINDOW cases up to this one is
    -- common from now on (its pairs stay): at most COMMON_IN + 1 pairs read per lexeme
    UPDATE search_lexemes l SET common = true
        WHERE l.lexeme = ANY (added) AND NOT l.common
          AND (SELECT count(*) FROM (SELECT 1 FROM case_words w WHERE w.lexeme = l.lexeme
               AND w.case_id > NEW.case_id - {COMMON_WINDOW} AND w.case_id <= NEW.case_id
               LIMIT {COMMON_IN + 1}) s) > {COMMON_IN};
    RETURN NULL;
END
$$;
INSERT INTO case_words (lexeme, case_id)
    SELECT x, d.case_id FROM case_docs d, unnest(tsvector_to_array(d.doc)) AS x
    WHERE EXISTS (SELECT 1 FROM search_lexemes l WHERE l.lexeme = x AND l.common)
    ORDER BY 1, 2 ON CONFLICT DO NOTHING;
ANALYZE case_words
"""

# What the kept pairs should be: the lexemes of every document (a rebuild; before m050, the
# ones not common), for the tests to compare with `case_words`.
REBUILT = """
SELECT x AS lexeme, d.case_id FROM case_docs d, unnest(tsvector_to_array(d.doc)) AS x
"""

# The pairs of the documents of the cases after a given id (a placeholder): a bulk load's.
FILL_EVERY_AFTER = """
INSERT INTO case_words (lexeme, case_id)
    SELECT x, d.case_id FROM case_docs d, unnest(tsvector_to_array(d.doc)) AS x
    WHERE d.case_id > ? ORDER BY 1, 2 ON CONFLICT DO NOTHING
"""
