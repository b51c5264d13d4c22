"""Versioned schema: the one list of migrations for both stores, applied to SQLite by
sqlite-utils' migrations (in registration order, by name).

Each migration's PostgreSQL form is in bot/store/pg_schema.py under the same name; its
docstring says how to add one (write the DDL here as a module constant, then one line
there), and tests/store/test_schema.py fails until both schemas agree. Keep the SQL portable
(no SQLite-only types or functions): TEXT times in ISO 8601 UTC, INTEGER flags, explicit
indexes.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.store import ddl
from bot.store.schema_search import CASE_SEARCH, statements

migrations = Migrations("swarmbot")


def run_script(db: Database, script: str) -> None:
    """Each `;`-separated statement of a DDL script, in order."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)

_SCHEMA_1 = """
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


@migrations()
def m001_initial_schema(db: Database) -> None:
    run_script(db, _SCHEMA_1)


_DIGEST_INDEXES = """
CREATE INDEX help_requests_by_at ON help_requests(at);
CREATE INDEX touchpoints_by_at ON touchpoints(at);
CREATE INDEX promises_by_made ON promises(made_at);
CREATE INDEX timeline_joins ON timeline(case_id, at, by_id) WHERE kind = 'joined'
"""


@migrations()
def m002_digest_indexes(db: Database) -> None:
    # The weekly digest reads each table by time window; the partial index finds the first
    # specialist joining a case after a help request without reading the case's timeline.
    run_script(db, _DIGEST_INDEXES)


_COVERING_INDEXES = """
CREATE INDEX cases_by_resolved_opened ON cases(resolved_at, opened_at);
CREATE INDEX moods_by_case_at ON moods(case_id, at, id, level);
DROP INDEX touchpoints_by_at;
CREATE INDEX touchpoints_by_at_case ON touchpoints(at, case_id, function);
DROP INDEX help_requests_by_at;
CREATE INDEX help_requests_by_at_case ON help_requests(at, case_id, by_id)
"""


@migrations()
def m003_digest_covering_indexes(db: Database) -> None:
    # Measured on a synthetic year (README, Performance): the digest's window reads answer
    # from these indexes alone, and each resolved case's first and last mood is one seek.
    run_script(db, _COVERING_INDEXES)


def migrate(db: Database) -> None:
    migrations.apply(db)


# Kept apart from m001 (never edited) and named distinctly: migrations apply by name, in
# registration order, and other branches add their own.
_TEAMS_REFERENCES = """
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


@migrations()
def m010_teams_references(db: Database) -> None:
    """Teams conversation references (where and as whom to post) and 1:1 chats, so the bot
    can post proactively after a restart before Teams sends it anything. `room_name` is set
    on the threads/channels swarmbot created, so a room can be found by name again."""
    run_script(db, _TEAMS_REFERENCES)


@migrations()
def m011_case_ref_lookup(db: Database) -> None:
    # Case refs are matched without regard to case (`zd-1` finds ZD-1); without this index
    # that lookup scanned every case (found when a synthetic year made `open` slow).
    # `open` already refuses refs that differ only in case, so the index can be unique.
    db.execute("CREATE UNIQUE INDEX cases_by_ref_lower ON cases(lower(ref))")


_PLATFORM_REFS = """
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


@migrations()
def m012_platform_refs(db: Database) -> None:
    """One platform-neutral key/value table for what adapters remember (issue 8): the Teams
    tables of m010 are carried over (conversations, rooms by name, 1:1 chats) and dropped.
    With a room name on several conversations, the most recently updated one wins, as
    the old lookup by name chose it."""
    run_script(db, _PLATFORM_REFS)


@migrations()
def m013_outbox(db: Database) -> None:
    """The outbox (issue 9): every platform side effect a command needs is a row written in
    the command's own transaction and performed after the commit by the outbox worker. It
    replaces the intents log (one mechanism): intents still pending are dropped with it, as
    the cases they were for are repaired by the worker's look-before-create plan when their
    room is missing (see bot/services/outbox.py `repair`)."""
    run_script(db, ddl.OUTBOX)


@migrations()
def m014_case_lifecycle(db: Database) -> None:
    """Issue 12: per-case numbers (back-filled), swarm type, corrections, nudges sent."""
    for statement in filter(str.strip, ddl.LIFECYCLE.split(";")):
        db.execute(statement)


@migrations()
def m015_case_search(db: Database) -> None:
    """Full-text search over what the team already knows (issue 13), filled from the cases
    already there, and the front line's friction reviews."""
    for statement in statements(CASE_SEARCH):
        db.execute(statement)


@migrations()
def m016_case_redaction(db: Database) -> None:
    """When a case's text was redacted (erase on request, or [retention] days): the
    scheduler's retention pass skips cases already done, and export can say so."""
    db.execute("ALTER TABLE cases ADD COLUMN redacted_at TEXT")


@migrations()
def m017_helpdesk(db: Database) -> None:
    """Issue 11: the ticket each case came from, and the write-backs owed to it (recorded
    before they are attempted; done_at set once the helpdesk has them)."""
    run_script(db, ddl.HELPDESK)


@migrations()
def m018_digest_kept(db: Database) -> None:
    """Issue 15: a finished week's digest figures, kept once computed (the page, the command
    and the scheduler answer from them), dropped when a late event lands in their span."""
    run_script(db, ddl.DIGEST_KEPT)


@migrations()
def m020_timeline_lifecycle(db: Database) -> None:
    """Issue 10: the week's digest on the year (PostgreSQL above all) reads the few
    cancellations and reopenings through a partial index."""
    db.execute(ddl.TIMELINE_LIFECYCLE)


@migrations()
def m021_inbox_failed(db: Database) -> None:
    """Issue 23: a delivery whose command hit a bug is closed as failed (with the error id
    the user was told), never replayed; pending rows are those neither done nor failed."""
    run_script(db, ddl.INBOX_FAILED)
