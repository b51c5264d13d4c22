"""Versioned schema: the one list of migrations for both stores, applied to SQLite by
sqlite-utils' migrations (in registration order, by name).

Each migration's DDL is a constant in bot/store/schema.py; its PostgreSQL form is in
bot/store/pg_schema.py under the same name, whose docstring says how to add one (the DDL in
schema.py, a step here, one line there); tests/store/test_schema.py fails until both schemas
agree.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.store import schema, schema_digest, schema_experts, schema_people, schema_sla
from bot.store.drafts import DRAFTS
from bot.store.installations import APP_INSTALLATIONS
from bot.store.rebuild import rebuild
from bot.store.schema_access import ACCESS
from bot.store.schema_digest_seconds import DIGEST_SECONDS
from bot.store.schema_holders import HOLDERS
from bot.store.schema_open_days import OPEN_DAYS
from bot.store.schema_refs import REF_INDEXES, SQLITE_REF_COLUMN
from bot.store.schema_search import CASE_SEARCH, CASES_FILTER, SEARCH_VOCAB, statements
from bot.store.schema_tenancy import CASE_SHARES, WORKSPACES

migrations = Migrations("swarmbot")


def run_script(db: Database, script: str) -> None:
    """Each `;`-separated statement of a DDL script, in order."""
    for statement in statements_of(script):
        db.execute(statement)


def statements_of(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


@migrations()
def m001_initial_schema(db: Database) -> None:
    run_script(db, schema.INITIAL_SCHEMA)


@migrations()
def m002_digest_indexes(db: Database) -> None:
    """Indexes for the digest's reads by time window."""
    run_script(db, schema.DIGEST_INDEXES)


@migrations()
def m003_digest_covering_indexes(db: Database) -> None:
    """Covering indexes for the digest's window reads."""
    run_script(db, schema.COVERING_INDEXES)


def migrate(db: Database) -> None:
    migrations.apply(db)


@migrations()
def m010_teams_references(db: Database) -> None:
    """Teams conversation references (where and as whom to post) and 1:1 chats, so the bot
    can post proactively after a restart before Teams sends it anything. `room_name` is set
    on the threads/channels swarmbot created, so a room can be found by name again."""
    run_script(db, schema.TEAMS_REFERENCES)


@migrations()
def m011_case_ref_lookup(db: Database) -> None:
    """Case refs matched without regard to case, by an index."""
    db.execute(schema.CASE_REF_LOOKUP)


@migrations()
def m012_platform_refs(db: Database) -> None:
    """One platform-neutral key/value table for what adapters remember (issue 8): the Teams
    tables of m010 are carried over (conversations, rooms by name, 1:1 chats) and dropped.
    With a room name on several conversations, the most recently updated one wins, as
    the old lookup by name chose it."""
    run_script(db, schema.PLATFORM_REFS)


@migrations()
def m013_outbox(db: Database) -> None:
    """The outbox (issue 9): every platform side effect a command needs is a row written in
    the command's own transaction and performed after the commit by the outbox worker. It
    replaces the intents log (one mechanism): intents still pending are dropped with it, as
    the cases they were for are repaired by the worker's look-before-create plan when their
    room is missing (see bot/services/outbox.py `repair`)."""
    run_script(db, schema.OUTBOX)


@migrations()
def m014_case_lifecycle(db: Database) -> None:
    """Issue 12: per-case numbers (back-filled), swarm type, corrections, nudges sent."""
    for statement in filter(str.strip, schema.LIFECYCLE.split(";")):
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
    db.execute(schema.CASE_REDACTION)


@migrations()
def m017_helpdesk(db: Database) -> None:
    """Issue 11: the ticket each case came from, and the write-backs owed to it (recorded
    before they are attempted; done_at set once the helpdesk has them)."""
    run_script(db, schema.HELPDESK)


@migrations()
def m018_digest_kept(db: Database) -> None:
    """Issue 15: a finished week's digest figures, kept once computed (the page, the command
    and the scheduler answer from them), dropped when a late event lands in their span."""
    run_script(db, schema.DIGEST_KEPT)


@migrations()
def m020_timeline_lifecycle(db: Database) -> None:
    """Issue 10: the week's digest on the year (PostgreSQL above all) reads the few
    cancellations and reopenings through a partial index."""
    db.execute(schema.TIMELINE_LIFECYCLE)


@migrations()
def m021_inbox_failed(db: Database) -> None:
    """Issue 23: a delivery whose command hit a bug is closed as failed (with the error id
    the user was told), never replayed; pending rows are those neither done nor failed."""
    run_script(db, schema.INBOX_FAILED)


@migrations()
def m023_case_customer_tz_link(db: Database) -> None:
    """Issue 25: `set customer_tz <zone>` and `set link <url>` for any case."""
    run_script(db, schema.CASE_CUSTOMER_TZ_LINK)


@migrations()
def m024_access(db: Database) -> None:
    """Issue 26: roles granted in chat (with their history), followers, confidential cases."""
    run_script(db, ACCESS)


@migrations()
def m025_app_installations(db: Database) -> None:
    """Issue 27: Slack installations by OAuth (tokens sealed) and OAuth states."""
    run_script(db, APP_INSTALLATIONS)


@migrations()
def m026_search_vocab(db: Database) -> None:
    """Issue 28: the search index's vocabulary (FTS5's own, read through fts5vocab), for
    matching stems, prefixes, compounds and typos, and suggesting words on a miss."""
    run_script(db, SEARCH_VOCAB)


@migrations()
def m026_expert_figures(db: Database) -> None:
    """Issue 28: the expert finder's load and past-help figures, kept as cases change."""
    run_script(db, schema_experts.EXPERT_FIGURES)
    db.execute(schema_experts.EXPERT_HELP_SQLITE)


@migrations()
def m026_nudge_due(db: Database) -> None:
    """Issue 28: the nudge pass asks for the promises kept in the span since its last tick."""
    db.execute(schema_experts.NUDGE_DUE)


@migrations()
def m027_drafts(db: Database) -> None:
    """Issue 30: drafts an assistant wrote for a person, with the model and prompt version."""
    run_script(db, DRAFTS)


@migrations()
def m033_sla(db: Database) -> None:
    """Issue 25: SLA policies per case (`set sla`, `set priority`) and the breaches found."""
    run_script(db, schema_sla.SLA)


@migrations()
def m035_people(db: Database) -> None:
    """Issue 26: skills suggested by the rules at `open`; each manager's own digest time."""
    run_script(db, schema_people.PEOPLE)


@migrations()
def m036_workspaces(db: Database) -> None:
    """Issue 27: several Slack workspaces in one deployment: the workspace of each case,
    person, friction report and thanks, settings changed in chat, token refresh leases."""
    run_script(db, WORKSPACES)


@migrations()
def m038_expert_shortlist(db: Database) -> None:
    """Issue 28: who has a skill, read from an index alone (the expert finder's short list)."""
    db.execute(schema_experts.SKILLS_BY_SKILL_PERSON)


@migrations()
def m039_expert_ranked(db: Database) -> None:
    """Issue 28: the expert finder's figures per (person, skill), kept in ranking order, so
    the short list reads the best few of each skill from an index (bot/store/expert_kept.py)."""
    run_script(db, schema_experts.EXPERT_RANKED)
    run_script(db, schema_experts.EXPERT_RANKED_FILL_SQLITE)


@migrations()
def m040_digest_resolved_status(db: Database) -> None:
    """Issue 28: the digest reads the week's resolved cases from an index alone."""
    run_script(db, schema_digest.RESOLVED_STATUS)


@migrations()
def m041_search_docs_append(db: Database) -> None:
    """Issue 28, PostgreSQL only: a note is appended to its case's stored search document
    instead of remaking it (bot/store/pg_search_schema.py). SQLite's FTS5 triggers
    already append."""


@migrations(transactional=False)
def m042_case_ref_per_workspace(db: Database) -> None:
    """Issue 27: a case ref is unique per workspace (bot/store/schema_refs.py). SQLite
    rebuilds `cases` for it, in its own transaction with foreign keys off
    (bot/store/rebuild.py); run again, it finds the table rebuilt and does nothing."""
    old, new = SQLITE_REF_COLUMN
    rebuild(db, "cases", change=lambda sql: sql.replace(old, new, 1),
            done=lambda sql: old not in sql, drop_indexes=frozenset({"cases_by_ref_lower"}),
            then=statements_of(REF_INDEXES))


@migrations()
def m043_case_shares(db: Database) -> None:
    """Issue 27: the workspaces of its Grid org a case's room is shared with (Slack's
    channel_shared / channel_unshared events), each its own row."""
    run_script(db, CASE_SHARES)


@migrations()
def m044_digest_case_summary(db: Database) -> None:
    """Issue 28: per case, what the digest counts of its resolution (ownership periods,
    first and last mood, moods), kept by triggers and back-filled here, so the week's
    resolved cases are one index range (bot/store/schema_digest.py)."""
    for statement in statements(schema_digest.CASE_DIGEST):
        db.execute(statement)


@migrations()
def m044b_help_first_join(db: Database) -> None:
    """Issue 28: on each help request, the first join after it by someone else, kept by
    triggers and back-filled here: the week's help requests are one index range."""
    for statement in statements(schema_digest.HELP_FIRST_JOIN):
        db.execute(statement)


@migrations()
def m045_similar_words(db: Database) -> None:
    """Issue 28, PostgreSQL only: the (word, case) pairs of the rarer words, kept by a
    trigger on the stored search documents, so that similar cases read the cases of a
    summary's rarer words by index (bot/store/pg_words_schema.py). SQLite's FTS5 index
    already reads a word's cases newest first."""


@migrations()
def m046_expert_kept_compact(db: Database) -> None:
    """Issue 28: the expert finder's kept rows WITHOUT ROWID, keyed in the order the finder
    reads them, with an index by person for the writes (bot/store/schema_experts.py)."""
    run_script(db, schema_experts.EXPERT_KEPT_COMPACT_SQLITE)


@migrations()
def m048_replica_holders(db: Database) -> None:
    """Issue 23: the replica holding each pending delivery and leased platform call, so
    that a dead replica's rows are taken over at once (bot/store/interfaces/holders.py)."""
    run_script(db, HOLDERS)


@migrations()
def m049_digest_open_days(db: Database) -> None:
    """Issue 28: per day and workspace, the cases opened and closed, kept by triggers and
    back-filled here: the cases open at a week's start are a short sum, not a walk over
    every case resolved since (bot/store/schema_open_days.py)."""
    for statement in statements(OPEN_DAYS):
        db.execute(statement)


@migrations()
def m049b_digest_covering(db: Database) -> None:
    """Issue 28: the digest's week of promises, handoffs and decisions from an index alone,
    and the case flags its thanks and friction look up from a narrow index
    (bot/store/schema_digest.py COVERING)."""
    run_script(db, schema_digest.COVERING)


@migrations()
def m050_common_words(db: Database) -> None:
    """Issue 28, PostgreSQL only: the common words' (word, case) pairs kept as well as the
    rarer ones' (m045), so that similar cases read a common word's newest cases by index
    (bot/store/pg_words_schema.py)."""


@migrations()
def m054_forget_workspace_digests(db: Database) -> None:
    """A workspace's kept digests made on SQLite before this release counted none of its
    resolved cases (bot/store/digest.py's tenant term landed in a subquery): dropped, so
    each is computed again when next asked for. PostgreSQL's were right."""
    db.execute("DELETE FROM digest_kept WHERE tz LIKE '%@%'")


@migrations()
def m055_digest_seconds(db: Database) -> None:
    """Issue 28: each case's time to resolution and each help request's wait for its first
    join, kept as integer seconds by triggers and back-filled here, in the indexes the week's
    reads range over (bot/store/schema_digest_seconds.py)."""
    for statement in statements(DIGEST_SECONDS):
        db.execute(statement)


@migrations()
def m057_similar_filter_index(db: Database) -> None:
    """Issue 28: similar cases test each candidate's status and platform in a narrow index
    instead of its row (bot/store/schema_search.py CASES_FILTER). PostgreSQL gets the same
    index (pg_schema.py), so both stores keep one schema."""
    db.execute(CASES_FILTER)


@migrations()
def m058_touchpoints_by_function(db: Database) -> None:
    """Issue 28: the digest reads the week's touchpoints as a list of cases per function,
    each a range of one index (bot/store/schema_digest.py TOUCHPOINTS_BY_FUNCTION); both
    stores get it."""
    db.execute(schema_digest.TOUCHPOINTS_BY_FUNCTION)


@migrations()
def m059_digest_resolved_kind(db: Database) -> None:
    """Issue 28, SQLite only: each resolved case's kind (ownership periods, first and last
    mood, readings) a virtual column, indexed beside its time to resolve, so that the
    digest reads a day's resolved cases as two texts (bot/store/schema_digest.py
    RESOLVED_KIND)."""
    run_script(db, schema_digest.RESOLVED_KIND)


@migrations()
def m060_expert_kept_vacuum(db: Database) -> None:
    """Issue 28, PostgreSQL only: autovacuum comes by the expert finder's kept tables sooner,
    so that its reads stay index-only (bot/store/schema_experts.py EXPERT_KEPT_VACUUM_PG).
    SQLite reads its indexes without a visibility map: nothing to do here."""


@migrations()
def m061_inbox_arrival(db: Database) -> None:
    """PostgreSQL only: the inbox numbers its rows in the order they arrive, so that those
    received in the same second are replayed in that order (bot/store/schema_holders.py
    INBOX_ARRIVAL_PG). SQLite's rowid is that number already: nothing to do here."""
