"""m055_digest_seconds (issue 28): how long each case took to resolve and each help request
waited for its first join, kept as integer seconds beside the times they come from.

The digest's spreads (median and p90 of time to resolution and time to connect) need every
value of a week, and used to get them by parsing two ISO strings per case and per help request
in Python. Kept as integers in the indexes the week's reads range over, they reach Python as
small ints (SQLite) or are ranked by the server (PostgreSQL): bot/store/digest_spreads.py.

A kept value is the difference of the two times' Unix seconds, computed by the store whenever
either time is written (a trigger on the row itself, whichever writer changed the time: a
repository, m044's and m044b's triggers, a bulk load's recount, an erasure). The store writes
whole seconds (bot/domain.py `iso`), so this is exactly `metrics.seconds_between`.
"""

from __future__ import annotations


def _sqlite_seconds(a: str, b: str) -> str:
    """Seconds from ISO time `a` to `b` (NULL if either is NULL), in SQLite."""
    return f"CAST(strftime('%s', {b}) AS INTEGER) - CAST(strftime('%s', {a}) AS INTEGER)"


def _pg_seconds(a: str, b: str) -> str:
    """The same in PostgreSQL: EXTRACT gives an exact numeric; trunc as Python's int()."""
    return (f"trunc(EXTRACT(EPOCH FROM {b}::timestamptz) "
            f"- EXTRACT(EPOCH FROM {a}::timestamptz))::bigint")


# The week's resolved cases range over this index alone (it replaces m044's, whose opened_at
# the digest no longer reads): when resolved, whether cancelled, how long, and the kinds the
# digest counts (ownership periods, first and last mood, how many moods).
_RESOLVED_INDEX = ("CREATE INDEX case_digest_by_resolved_s ON case_digest(resolved_at, "
                   "cancelled, duration_s, owners, first_mood, last_mood, moods)")
# The week's help requests: when asked, and how long until the first join (NULL: none yet).
_HELP_INDEX = "CREATE INDEX help_requests_by_at_wait ON help_requests(at, wait_s)"
INDEXES = ("case_digest_by_resolved_s", "help_requests_by_at_wait")

def _sqlite_kept(table: str, column: str, key: str, a: str, b: str, trigger: str) -> str:
    """SQLite's two triggers that keep `column` = seconds from `a` to `b` on `table`'s row
    (by `key`): on insert (`trigger`_new) and when either time changes (`trigger`)."""
    keep = (f"    UPDATE {table} SET {column} = {_sqlite_seconds('NEW.' + a, 'NEW.' + b)}\n"
            f"    WHERE {key} = NEW.{key};\nEND")
    return (f"CREATE TRIGGER {trigger}_new AFTER INSERT ON {table} BEGIN\n{keep};\n"
            f"CREATE TRIGGER {trigger} AFTER UPDATE OF {a}, {b} ON {table} BEGIN\n{keep}")


DIGEST_SECONDS = f"""
ALTER TABLE case_digest ADD COLUMN duration_s INTEGER;
UPDATE case_digest SET duration_s = {_sqlite_seconds("opened_at", "resolved_at")};
{_RESOLVED_INDEX};
DROP INDEX case_digest_by_resolved;
{_sqlite_kept("case_digest", "duration_s", "case_id", "opened_at", "resolved_at",
              "case_digest_duration")};
ALTER TABLE help_requests ADD COLUMN wait_s INTEGER;
UPDATE help_requests SET wait_s = {_sqlite_seconds("at", "first_join")};
{_HELP_INDEX};
DROP INDEX help_requests_by_at_join;
{_sqlite_kept("help_requests", "wait_s", "id", "at", "first_join", "help_wait")}
"""

# PostgreSQL: BEFORE triggers set the row's own value as it is written. help_wait_seconds
# runs after help_first_join_asked (same event: by name), so it sees the first join that
# trigger set; it has no column list, as that trigger's change is no column of the UPDATE.
DIGEST_SECONDS_PG = f"""
ALTER TABLE case_digest ADD COLUMN duration_s BIGINT;
UPDATE case_digest SET duration_s = {_pg_seconds('opened_at', 'resolved_at')};
{_RESOLVED_INDEX};
DROP INDEX case_digest_by_resolved;
CREATE FUNCTION case_digest_duration() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.duration_s := {_pg_seconds('NEW.opened_at', 'NEW.resolved_at')};
    RETURN NEW;
END
$$;
CREATE TRIGGER case_digest_duration BEFORE INSERT OR UPDATE OF opened_at, resolved_at
    ON case_digest FOR EACH ROW EXECUTE FUNCTION case_digest_duration();
ALTER TABLE help_requests ADD COLUMN wait_s BIGINT;
UPDATE help_requests SET wait_s = {_pg_seconds('at', 'first_join')};
{_HELP_INDEX};
DROP INDEX help_requests_by_at_join;
CREATE FUNCTION help_wait_seconds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.wait_s := {_pg_seconds('NEW.at', 'NEW.first_join')};
    RETURN NEW;
END
$$;
CREATE TRIGGER help_wait_seconds BEFORE INSERT OR UPDATE ON help_requests
    FOR EACH ROW EXECUTE FUNCTION help_wait_seconds()
"""

# PostgreSQL's bulk load (schema_digest.PG_BULK_TRIGGERS): these are off while it writes, and
# the seconds of what it added are set once at the end (after the first joins' recount).
BULK_TRIGGERS = (("case_digest", "case_digest_duration"), ("help_requests", "help_wait_seconds"))
BULK_RECOUNT = (
    f"UPDATE case_digest SET duration_s = {_pg_seconds('opened_at', 'resolved_at')} "
    "WHERE case_id > ?",
    f"UPDATE help_requests SET wait_s = {_pg_seconds('at', 'first_join')} WHERE case_id > ?")
