"""Kept per-day counts of cases opened and closed, so "open at a time" is a short sum.

m049_digest_open_days (issue 28). The digest starts each week from the cases open at its
start: opened before it and not resolved before it. Counted over the cases, that walks every
case resolved after the start (3 ms a week at 100k cases, more at 500k). Here each case adds
one to `opened` on the UTC day it was opened and, once resolved, one to `closed` on the day
it was closed, per workspace, kept by triggers in the writing transaction. A case "closes"
at max(opened_at, resolved_at), so that a case resolved before it was opened (a correction)
counts as never open, as the count over the cases has it. Then, for a time t on day d:

    open at t = sum(opened - closed) over the days before d
              + cases opened in [d, t) - cases closed in [d, t)

the last two a few index entries each (a day's cases at most). Counts only: no text kept.
"""

from __future__ import annotations

OPEN_DAYS_TABLE = """
CREATE TABLE case_open_days (
    day TEXT NOT NULL,
    workspace TEXT NOT NULL,
    opened INTEGER NOT NULL DEFAULT 0,
    closed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, workspace)
)
"""


def _closes(row: str) -> str:
    """When case `row` (NEW, OLD, a table alias) closes: max(opened_at, resolved_at)."""
    return (f"CASE WHEN {row}.resolved_at > {row}.opened_at THEN {row}.resolved_at "
            f"ELSE {row}.opened_at END")


_UPSERT = ("INSERT INTO case_open_days (day, workspace, opened, closed) {rows} "
           "ON CONFLICT (day, workspace) DO UPDATE SET "
           "opened = case_open_days.opened + excluded.opened, "
           "closed = case_open_days.closed + excluded.closed")
# The back-fill (and PostgreSQL's bulk load, for the cases with an id above ?: COPY runs with
# the trigger off, bot/store/pg_search.py): every case's two counts at once.
_FILL_ROWS = ("SELECT day, workspace, SUM(o), SUM(c) FROM ("
              "SELECT id, substr(opened_at, 1, 10) AS day, workspace, 1 AS o, 0 AS c "
              "FROM cases UNION ALL "
              f"SELECT id, substr({_closes('cases')}, 1, 10), workspace, 0, 1 FROM cases "
              "WHERE resolved_at IS NOT NULL) AS counted WHERE id > ? GROUP BY day, workspace")
OPEN_DAYS_FILL = _UPSERT.format(rows=_FILL_ROWS)


def _bump(row: str, sign: int, when: str = "") -> list[str]:
    """The statements that add `sign` to case `row`'s two counts (`when`: only if)."""
    also = f" AND ({when})" if when else ""
    opened = f"SELECT substr({row}.opened_at, 1, 10), {row}.workspace, {sign}, 0"
    closed = f"SELECT substr({_closes(row)}, 1, 10), {row}.workspace, 0, {sign}"
    return [_UPSERT.format(rows=f"{opened} WHERE 1 = 1{also}"),
            _UPSERT.format(rows=f"{closed} WHERE {row}.resolved_at IS NOT NULL{also}")]


def _moved(differ: str) -> tuple[str, str]:
    """(the opening moved, the closing moved) between OLD and NEW, `differ` SQL's "is not"."""
    opening = (f"OLD.opened_at {differ} NEW.opened_at OR OLD.workspace {differ} NEW.workspace")
    return opening, f"{opening} OR OLD.resolved_at {differ} NEW.resolved_at"


def _update(differ: str) -> list[str]:
    opening, closing = _moved(differ)
    old, new = _bump("OLD", -1), _bump("NEW", 1)
    return [_only(old[0], opening), _only(old[1], closing),
            _only(new[0], opening), _only(new[1], closing)]


def _only(statement: str, when: str) -> str:
    head, sep, tail = statement.partition(" ON CONFLICT ")
    return f"{head} AND ({when}){sep}{tail}"


def _body(statements: list[str]) -> str:
    return "".join(f"    {s};\n" for s in statements)


OPEN_DAYS = OPEN_DAYS_TABLE + ";\n" + OPEN_DAYS_FILL.replace("?", "0") + f""";
CREATE TRIGGER case_open_days_open AFTER INSERT ON cases BEGIN
{_body(_bump("NEW", 1))}END;
CREATE TRIGGER case_open_days_gone AFTER DELETE ON cases BEGIN
{_body(_bump("OLD", -1))}END;
CREATE TRIGGER case_open_days_moved AFTER UPDATE OF opened_at, resolved_at, workspace ON cases
WHEN {_moved("IS NOT")[1]} BEGIN
{_body(_update("IS NOT"))}END
"""

OPEN_DAYS_PG = f"""
CREATE FUNCTION case_open_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
{_body(_bump("NEW", 1))}    ELSIF TG_OP = 'DELETE' THEN
{_body(_bump("OLD", -1))}    ELSE
{_body(_update("IS DISTINCT FROM"))}    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_open_days AFTER INSERT OR DELETE OR UPDATE OF opened_at, resolved_at,
    workspace ON cases FOR EACH ROW EXECUTE FUNCTION case_open_days()
"""

# The read (bot/store/digest.py, bot/store/postgres.py): cases open at t, on day d = t[:10].
# Parameters: d, then (d, t) three times; `{w}` keeps each part to a workspace (its own
# parameter after each part's, as bot/store/digest.tenant_term gives it).
OPEN_AT_KEPT = (
    "SELECT (SELECT COALESCE(SUM(opened - closed), 0) FROM case_open_days WHERE day < ?{w})"
    " + (SELECT COUNT(*) FROM cases WHERE opened_at >= ? AND opened_at < ?{w})"
    " - (SELECT COUNT(*) FROM cases WHERE resolved_at >= ? AND resolved_at < ?"
    " AND resolved_at >= opened_at{w})"
    " - (SELECT COUNT(*) FROM cases WHERE opened_at >= ? AND opened_at < ?"
    " AND resolved_at < opened_at{w})")


def open_at_params(at: str, team: tuple[str, ...]) -> tuple[str, ...]:
    day = at[:10]
    return (day, *team, *((day, at, *team) * 3))
