"""DDL of the later migrations, kept apart so that migrations.py reads as the list it is
(the PostgreSQL forms in pg_schema.py reuse these strings)."""

OUTBOX = """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    case_id INTEGER REFERENCES cases(id),
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    last_error TEXT,
    result TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_at);
CREATE INDEX outbox_by_case ON outbox(case_id, state);
DROP TABLE intents
"""

HELPDESK = """
CREATE TABLE helpdesk_links (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id),
    helpdesk TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    url TEXT NOT NULL,
    requester TEXT NOT NULL DEFAULT '',
    organization TEXT NOT NULL DEFAULT '',
    callback_url TEXT,
    linked_at TEXT NOT NULL
);
CREATE INDEX helpdesk_links_by_ticket ON helpdesk_links(helpdesk, ticket_id);
CREATE TABLE helpdesk_writes (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX helpdesk_writes_pending ON helpdesk_writes(done_at, id)
"""

LIFECYCLE = """
ALTER TABLE promises ADD COLUMN seq INTEGER;
UPDATE promises SET seq = (SELECT COUNT(*) FROM promises p
                           WHERE p.case_id = promises.case_id AND p.id <= promises.id);
CREATE UNIQUE INDEX promises_by_case_seq ON promises(case_id, seq);
ALTER TABLE decisions ADD COLUMN seq INTEGER;
UPDATE decisions SET seq = (SELECT COUNT(*) FROM decisions d
                            WHERE d.case_id = decisions.case_id AND d.id <= decisions.id);
CREATE UNIQUE INDEX decisions_by_case_seq ON decisions(case_id, seq);
ALTER TABLE cases ADD COLUMN swarm_type TEXT;
CREATE INDEX timeline_by_ref ON timeline(case_id, ref_id);
CREATE TABLE nudges (kind TEXT NOT NULL, cause TEXT NOT NULL, to_id TEXT NOT NULL, case_id
    INTEGER REFERENCES cases(id), at TEXT NOT NULL, PRIMARY KEY (kind, cause, to_id));
CREATE INDEX nudges_by_at ON nudges(at)
"""

# m018: a finished week's digest figures, computed once and kept (issue 15). lo..hi is the
# span the figures read (the week before and the week); a late event in it drops the row.
DIGEST_KEPT = """
CREATE TABLE digest_kept (
    week TEXT NOT NULL,
    tz TEXT NOT NULL,
    lo TEXT NOT NULL,
    hi TEXT NOT NULL,
    valid_until TEXT,
    figures TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    PRIMARY KEY (week, tz)
);
CREATE INDEX digest_kept_by_span ON digest_kept(lo, hi)
"""

# m020: the digest's lifecycle read (cases cancelled or reopened in a week) finds its few
# rows here instead of filtering every timeline row of the week (~115k a week in a
# 500k-case year).
TIMELINE_LIFECYCLE = ("CREATE INDEX timeline_lifecycle ON timeline (at) "
                      "WHERE kind IN ('cancelled', 'reopened')")

# Issue 23: deliveries closed as failed (a bug) apart from those done.
INBOX_FAILED = """
ALTER TABLE inbox ADD COLUMN failed_at TEXT;
ALTER TABLE inbox ADD COLUMN error_id TEXT
"""
