"""The DDL of every migration, one constant each, named after its migration (m001 is
INITIAL_SCHEMA, m013 OUTBOX, ...). Both stores read them: bot/store/migrations.py applies them
to SQLite in order, bot/store/pg_schema.py gives each its PostgreSQL form. A constant, once
released, is never edited: a change is a new migration. The SQLite search index (m015, FTS5)
is in schema_search.py with the parts its bulk load uses.

Keep the SQL portable (no SQLite-only types or functions): TEXT times in ISO 8601 UTC,
INTEGER flags, explicit indexes.
"""

# m001
INITIAL_SCHEMA = """
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    name TEXT NOT NULL,
    function TEXT,
    available INTEGER NOT NULL DEFAULT 1,
    manager INTEGER NOT NULL DEFAULT 0,
    tz TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE skills (
    person_id TEXT NOT NULL REFERENCES people(id),
    skill TEXT NOT NULL,
    PRIMARY KEY (person_id, skill)
);
CREATE INDEX skills_by_skill ON skills(skill);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    customer TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL,
    severity INTEGER NOT NULL,
    status TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES people(id),
    platform TEXT NOT NULL,
    room_id TEXT,
    room_name TEXT,
    delight TEXT,
    resolution TEXT,
    opened_at TEXT NOT NULL,
    resolved_at TEXT
);
CREATE INDEX cases_by_room ON cases(room_id);
CREATE INDEX cases_by_opened ON cases(opened_at);
CREATE INDEX cases_by_resolved ON cases(resolved_at);
CREATE INDEX cases_by_status ON cases(status);
CREATE TABLE owners (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    assumed_at TEXT NOT NULL,
    renounced_at TEXT
);
CREATE INDEX owners_by_case ON owners(case_id);
CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    left_at TEXT,
    invited_by TEXT,
    why TEXT
);
CREATE INDEX participants_by_case ON participants(case_id);
CREATE INDEX participants_by_person ON participants(person_id);
CREATE TABLE handoffs (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    briefing TEXT NOT NULL,
    tried TEXT,
    state TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_at TEXT,
    reason TEXT
);
CREATE INDEX handoffs_by_case ON handoffs(case_id);
CREATE INDEX handoffs_by_requested ON handoffs(requested_at);
CREATE TABLE help_requests (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    skills TEXT NOT NULL,
    tried TEXT,
    by_id TEXT NOT NULL,
    at TEXT NOT NULL,
    message_id TEXT
);
CREATE INDEX help_requests_by_case ON help_requests(case_id);
CREATE TABLE timeline (
    id INTEGER PRIMARY KEY,
    case_id INTEGER REFERENCES cases(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    by_id TEXT,
    text TEXT NOT NULL,
    ref_id INTEGER
);
CREATE INDEX timeline_by_case ON timeline(case_id, id);
CREATE INDEX timeline_by_at ON timeline(at);
CREATE TABLE touchpoints (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    function TEXT NOT NULL,
    what TEXT NOT NULL,
    by_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX touchpoints_by_case ON touchpoints(case_id);
CREATE TABLE moods (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    level TEXT NOT NULL,
    note TEXT,
    by_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX moods_by_case ON moods(case_id);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    risk TEXT NOT NULL,
    decision TEXT NOT NULL,
    rationale TEXT,
    outcome TEXT,
    outcome_at TEXT,
    by_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX decisions_by_case ON decisions(case_id);
CREATE INDEX decisions_by_at ON decisions(at);
CREATE TABLE frictions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER REFERENCES cases(id),
    process TEXT NOT NULL,
    how TEXT NOT NULL,
    by_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX frictions_by_at ON frictions(at);
CREATE TABLE promises (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    what TEXT NOT NULL,
    due TEXT NOT NULL,
    made_by TEXT NOT NULL,
    made_at TEXT NOT NULL,
    kept_at TEXT,
    reminded_at TEXT
);
CREATE INDEX promises_by_case ON promises(case_id);
CREATE INDEX promises_by_due ON promises(due);
CREATE TABLE thanks (
    id INTEGER PRIMARY KEY,
    case_id INTEGER REFERENCES cases(id),
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    what TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX thanks_by_at ON thanks(at);
CREATE TABLE last_seen (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    person_id TEXT NOT NULL,
    event_id INTEGER NOT NULL,
    PRIMARY KEY (case_id, person_id)
);
CREATE TABLE message_counts (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    person_id TEXT NOT NULL,
    messages INTEGER NOT NULL,
    PRIMARY KEY (case_id, person_id)
);
CREATE TABLE intents (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    case_id INTEGER REFERENCES cases(id),
    platform TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    result TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX intents_by_state ON intents(state);
CREATE TABLE inbox (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX inbox_pending ON inbox(done_at);
CREATE TABLE sent (
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    destination TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (kind, period, destination)
);
"""

# m002: the weekly digest reads each table by time window; the partial index finds the first
# specialist joining a case after a help request without reading the case's timeline.
DIGEST_INDEXES = """
CREATE INDEX help_requests_by_at ON help_requests(at);
CREATE INDEX touchpoints_by_at ON touchpoints(at);
CREATE INDEX promises_by_made ON promises(made_at);
CREATE INDEX timeline_joins ON timeline(case_id, at, by_id) WHERE kind = 'joined'
"""

# m003: measured on a synthetic year (docs/performance.md), the digest's window reads answer
# from these indexes alone, and each resolved case's first and last mood is one seek.
COVERING_INDEXES = """
CREATE INDEX cases_by_resolved_opened ON cases(resolved_at, opened_at);
CREATE INDEX moods_by_case_at ON moods(case_id, at, id, level);
DROP INDEX touchpoints_by_at;
CREATE INDEX touchpoints_by_at_case ON touchpoints(at, case_id, function);
DROP INDEX help_requests_by_at;
CREATE INDEX help_requests_by_at_case ON help_requests(at, case_id, by_id)
"""

# m010 (kept apart from m001, never edited)
TEAMS_REFERENCES = """
CREATE TABLE teams_conversations (
    conversation_id TEXT PRIMARY KEY,
    service_url TEXT NOT NULL,
    tenant_id TEXT,
    bot_id TEXT,
    room_name TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX teams_conversations_by_room_name ON teams_conversations(room_name);
CREATE INDEX teams_conversations_by_updated ON teams_conversations(updated_at);
CREATE TABLE teams_dm (
    user_id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

# m011: case refs are matched without regard to case (`zd-1` finds ZD-1); without this index
# that lookup scanned every case (found when a synthetic year made `open` slow). `open`
# already refuses refs that differ only in case, so the index can be unique.
CASE_REF_LOOKUP = "CREATE UNIQUE INDEX cases_by_ref_lower ON cases(lower(ref))"

# m012 (PostgreSQL's form is written by hand in pg_schema.py: SQLite's json_object)
PLATFORM_REFS = """
CREATE TABLE platform_refs (
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (platform, kind, key)
);
CREATE INDEX platform_refs_by_updated ON platform_refs(platform, kind, updated_at);
INSERT INTO platform_refs (platform, kind, key, value, updated_at)
    SELECT 'teams', 'conversation', conversation_id,
           json_object('bot_id', bot_id, 'room_name', room_name, 'service_url', service_url,
                       'tenant_id', tenant_id),
           updated_at
    FROM teams_conversations;
INSERT INTO platform_refs (platform, kind, key, value, updated_at)
    SELECT 'teams', 'room', room_name, json_object('conversation_id', conversation_id),
           MAX(updated_at)
    FROM teams_conversations WHERE room_name IS NOT NULL GROUP BY room_name;
INSERT INTO platform_refs (platform, kind, key, value, updated_at)
    SELECT 'teams', 'dm', user_id, json_object('conversation_id', conversation_id), updated_at
    FROM teams_dm;
DROP TABLE teams_conversations;
DROP TABLE teams_dm
"""

# m013
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

# m014
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

# m016: when a case's text was redacted.
CASE_REDACTION = "ALTER TABLE cases ADD COLUMN redacted_at TEXT"

# m017
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

# m021, issue 23: deliveries closed as failed (a bug) apart from those done.
INBOX_FAILED = """
ALTER TABLE inbox ADD COLUMN failed_at TEXT;
ALTER TABLE inbox ADD COLUMN error_id TEXT
"""

# m023, issue 25: the customer's time zone (promises are read and shown in it) and a link to
# the case's ticket or document, set for any case with `set`.
CASE_CUSTOMER_TZ_LINK = """
ALTER TABLE cases ADD COLUMN customer_tz TEXT;
ALTER TABLE cases ADD COLUMN link TEXT
"""
