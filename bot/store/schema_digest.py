"""The digest's own indexes added after m003 (bot/store/schema.py has the earlier ones)."""

from __future__ import annotations

from bot.store.schema_digest_seconds import BULK_RECOUNT, BULK_TRIGGERS
from bot.store.schema_open_days import OPEN_DAYS_FILL

# m040_digest_resolved_status (issue 28): the week's resolved cases are read from this index
# alone (when each was opened and resolved, whether it was cancelled, which the digest
# counts apart, and the id its per-case seeks start from), not from the case rows: ~2k row
# reads less per week at 100k cases. The id is SQLite's rowid, in its indexes anyway;
# PostgreSQL needs it named to answer from the index alone (else it reads every row). It
# replaces m003's (resolved_at, opened_at) index, whose reads (cases open at a time) it
# serves as well.
RESOLVED_STATUS = """
CREATE INDEX cases_by_resolved_opened_status ON cases(resolved_at, opened_at, status, id);
DROP INDEX cases_by_resolved_opened
"""

# m049b_digest_covering (issue 28): the week's promises, handoffs and decisions are read from
# an index alone (they replace the indexes on their time column alone, whose reads they
# serve as well), and a case's ref and confidential flag, which the week's thanks and
# friction look up per row, from a narrow index rather than the wide case rows: at 500k
# cases those lookups were ~5 ms a week, mostly reading case pages for two small fields.
COVERING = """
CREATE INDEX cases_by_id_confidential_ref ON cases(id, confidential, ref);
CREATE INDEX promises_by_made_due_kept ON promises(made_at, due, kept_at);
DROP INDEX promises_by_made;
CREATE INDEX handoffs_by_requested_state ON handoffs(requested_at, state, decided_at);
DROP INDEX handoffs_by_requested;
CREATE INDEX decisions_by_at_risk_outcome ON decisions(at, risk, outcome);
DROP INDEX decisions_by_at
"""
CASE_FLAGS_INDEX = "cases_by_id_confidential_ref"

# m058_touchpoints_by_function (issue 28): the week's touchpoints read function by function,
# each function's a range of this index (its time, then the case): the digest gets one list
# of cases per function instead of a row per touchpoint (~23k a week at 500k cases, most of
# its SQLite time), and SQLite finds the functions by skipping along the index, a seek each,
# instead of sorting the week's rows to group them (bot/store/digest_spreads.py).
TOUCHPOINTS_FUNCTION_INDEX = "touchpoints_by_function_at"
TOUCHPOINTS_BY_FUNCTION = (f"CREATE INDEX IF NOT EXISTS {TOUCHPOINTS_FUNCTION_INDEX} "
                           "ON touchpoints(function, at, case_id)")

# m059_digest_resolved_kind (issue 28, SQLite only): each resolved case's kind as the digest
# counts it ("owners first-mood last-mood readings", readings 0, 1 or 2 for more), a virtual
# column (computed from the row, no trigger) kept in an index beside its time to resolve: a
# day's resolved cases come back as two texts (group_concat) instead of a row of five
# fields per case (~10k a week at 500k cases: 22 -> 6 ms a week). PostgreSQL counts the
# kinds in SQL (GROUP BY, bot/store/digest_spreads.py PG_SQL) and has neither.
RESOLVED_KIND_INDEX = "case_digest_by_resolved_kind"
RESOLVED_KIND = f"""
ALTER TABLE case_digest ADD COLUMN kind TEXT GENERATED ALWAYS AS (owners || ' ' ||
    ifnull(first_mood, '') || ' ' || ifnull(last_mood, '') || ' ' || min(moods, 2)) VIRTUAL;
CREATE INDEX {RESOLVED_KIND_INDEX} ON case_digest(resolved_at, cancelled, duration_s, kind)
"""

# m044_digest_case_summary (issue 28): per case, what the digest counts of its resolution,
# kept by triggers in the writing transaction (whichever repository, bulk load or erasure
# wrote the row): when it was opened and resolved, whether it was cancelled, how many
# ownership periods it had, and the customer's first and last mood and how many moods. The
# week's resolved cases are then one range of case_digest_by_resolved alone, not four seeks
# per case. Each figure is recounted from the case's own rows on every change (a few index
# entries), so a change in any order leaves what a count from scratch gives. No text is
# kept (mood levels only): erasing a customer's words leaves nothing here to clear.
_MOOD = "SELECT m.level FROM moods m WHERE m.case_id = {c} ORDER BY m.at{d}, m.id{d} LIMIT 1"


def _counted(case: str) -> list[tuple[str, str]]:
    """Each kept figure of case `case` (an SQL expression) and how it is counted."""
    return [("owners", f"(SELECT COUNT(*) FROM owners o WHERE o.case_id = {case})"),
            ("first_mood", f"({_MOOD.format(c=case, d='')})"),
            ("last_mood", f"({_MOOD.format(c=case, d=' DESC')})"),
            ("moods", f"(SELECT COUNT(*) FROM moods m WHERE m.case_id = {case})")]


def _figures(case: str) -> str:
    """The SET list that recounts case `case`'s kept figures from its rows."""
    return ", ".join(f"{name} = {expr}" for name, expr in _counted(case))


_CANCELLED = "CASE WHEN {s} = 'cancelled' THEN 1 ELSE 0 END"
CASE_DIGEST_TABLE = """
CREATE TABLE case_digest (
    case_id INTEGER PRIMARY KEY,
    opened_at TEXT NOT NULL,
    resolved_at TEXT,
    cancelled INTEGER NOT NULL DEFAULT 0,
    owners INTEGER NOT NULL DEFAULT 0,
    first_mood TEXT,
    last_mood TEXT,
    moods INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX case_digest_by_resolved ON case_digest(resolved_at, cancelled, opened_at, owners,
    first_mood, last_mood, moods)
"""
CASE_DIGEST_FILL = (
    "INSERT INTO case_digest (case_id, opened_at, resolved_at, cancelled, "
    + ", ".join(name for name, _ in _counted("c.id")) + ") "
    f"SELECT c.id, c.opened_at, c.resolved_at, {_CANCELLED.format(s='c.status')}, "
    + ", ".join(expr for _, expr in _counted("c.id")) + " FROM cases c")
# The read (bot/store/digest.py, bot/store/pg_digest.py): WINDOW_READS "resolved".
RESOLVED_KEPT = ("SELECT opened_at, resolved_at, owners, first_mood, last_mood, moods "
                 "FROM case_digest WHERE resolved_at >= ? AND resolved_at < ? "
                 "AND cancelled = 0")

_SQLITE_RECOUNT = "UPDATE case_digest SET {figs} WHERE case_id = {c}.case_id"
CASE_DIGEST = CASE_DIGEST_TABLE + ";\n" + CASE_DIGEST_FILL + ";\n" + f"""
CREATE TRIGGER case_digest_open AFTER INSERT ON cases BEGIN
    INSERT INTO case_digest (case_id, opened_at, resolved_at, cancelled)
    VALUES (NEW.id, NEW.opened_at, NEW.resolved_at, {_CANCELLED.format(s='NEW.status')});
    UPDATE case_digest SET {_figures('NEW.id')} WHERE case_id = NEW.id;
END;
CREATE TRIGGER case_digest_case AFTER UPDATE OF opened_at, resolved_at, status ON cases BEGIN
    UPDATE case_digest SET opened_at = NEW.opened_at, resolved_at = NEW.resolved_at,
        cancelled = {_CANCELLED.format(s='NEW.status')} WHERE case_id = NEW.id;
END;
CREATE TRIGGER case_digest_gone AFTER DELETE ON cases BEGIN
    DELETE FROM case_digest WHERE case_id = OLD.id;
END;
""" + "\n".join(
    f"CREATE TRIGGER case_digest_{table}_{op.split()[0].lower()} AFTER {op} ON {table} BEGIN\n"
    + "".join(f"    {_SQLITE_RECOUNT.format(figs=_figures(row + '.case_id'), c=row)};\n"
              for row in rows)
    + "END;"
    for table, update_of in (("owners", "case_id"), ("moods", "case_id, level, at"))
    for op, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)),
                     (f"UPDATE OF {update_of}", ("OLD", "NEW"))))

# PostgreSQL: the same, its triggers calling one function per table. A recount first locks
# the case's row, then reads in a statement of its own (a snapshot taken after the lock): a
# second writer of the same case recounts what the first committed.
CASE_DIGEST_PG = f"""
CREATE FUNCTION case_digest_recount(cid BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM case_digest WHERE case_id = cid FOR UPDATE;
    UPDATE case_digest SET {_figures('cid')} WHERE case_id = cid;
END
$$;
CREATE FUNCTION case_digest_child() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM case_digest_recount(OLD.case_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM case_digest_recount(NEW.case_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION case_digest_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM case_digest WHERE case_id = OLD.id;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO case_digest (case_id, opened_at, resolved_at, cancelled)
        VALUES (NEW.id, NEW.opened_at, NEW.resolved_at, {_CANCELLED.format(s='NEW.status')});
        PERFORM case_digest_recount(NEW.id);
    ELSE
        UPDATE case_digest SET opened_at = NEW.opened_at, resolved_at = NEW.resolved_at,
            cancelled = {_CANCELLED.format(s='NEW.status')} WHERE case_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_digest_case AFTER INSERT OR DELETE OR UPDATE OF opened_at, resolved_at,
    status ON cases FOR EACH ROW EXECUTE FUNCTION case_digest_case();
CREATE TRIGGER case_digest_owners AFTER INSERT OR DELETE OR UPDATE OF case_id ON owners
    FOR EACH ROW EXECUTE FUNCTION case_digest_child();
CREATE TRIGGER case_digest_moods AFTER INSERT OR DELETE OR UPDATE OF case_id, level, at
    ON moods FOR EACH ROW EXECUTE FUNCTION case_digest_child()
"""

# m044b_help_first_join (issue 28): on each help request, when the first person other than
# the asker joined its case at or after it (WINDOW_READS "help"), kept by triggers: a join
# lowers it where it is later (or none), a help request counts it at insert, and any other
# change to a join (moved, deleted) recounts the case's requests. The week's help requests
# are then one range of help_requests_by_at_join alone, no seek per request.
_FIRST_JOIN = ("(SELECT MIN(t.at) FROM timeline t WHERE t.kind = 'joined' AND t.case_id = "
               "{h}.case_id AND t.at >= {h}.at AND t.by_id <> {h}.by_id)")
_JOIN_LOWERS = ("UPDATE help_requests SET first_join = NEW.at WHERE case_id = NEW.case_id "
                "AND at <= NEW.at AND by_id <> NEW.by_id "
                "AND (first_join IS NULL OR first_join > NEW.at)")
_RECOUNT_JOINS = ("UPDATE help_requests SET first_join = "
                  f"{_FIRST_JOIN.format(h='help_requests')} WHERE case_id = {{c}}")
HELP_FIRST_JOIN_COLUMN = """
ALTER TABLE help_requests ADD COLUMN first_join TEXT;
CREATE INDEX help_requests_by_at_join ON help_requests(at, first_join)
"""
HELP_FIRST_JOIN_FILL = (f"UPDATE help_requests SET first_join = "
                        f"{_FIRST_JOIN.format(h='help_requests')}")
HELP_KEPT = "SELECT at, first_join FROM help_requests WHERE at >= ? AND at < ?"
HELP_FIRST_JOIN = HELP_FIRST_JOIN_COLUMN + ";\n" + HELP_FIRST_JOIN_FILL + f""";
CREATE TRIGGER help_first_join_asked AFTER INSERT ON help_requests BEGIN
    UPDATE help_requests SET first_join = {_FIRST_JOIN.format(h='NEW')} WHERE id = NEW.id;
END;
CREATE TRIGGER help_first_join_moved AFTER UPDATE OF case_id, at, by_id ON help_requests
BEGIN
    UPDATE help_requests SET first_join = {_FIRST_JOIN.format(h='NEW')} WHERE id = NEW.id;
END;
CREATE TRIGGER help_first_join_joined AFTER INSERT ON timeline WHEN NEW.kind = 'joined'
BEGIN
    {_JOIN_LOWERS};
END;
CREATE TRIGGER help_first_join_gone AFTER DELETE ON timeline WHEN OLD.kind = 'joined'
BEGIN
    {_RECOUNT_JOINS.format(c='OLD.case_id')};
END;
CREATE TRIGGER help_first_join_changed AFTER UPDATE OF case_id, at, kind, by_id ON timeline
WHEN OLD.kind = 'joined' OR NEW.kind = 'joined' BEGIN
    {_RECOUNT_JOINS.format(c='OLD.case_id')};
    {_RECOUNT_JOINS.format(c='NEW.case_id')};
END
"""
HELP_FIRST_JOIN_PG = f"""
CREATE FUNCTION help_first_join_asked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.first_join := {_FIRST_JOIN.format(h='NEW')};
    RETURN NEW;
END
$$;
CREATE FUNCTION help_first_join_timeline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_JOIN_LOWERS};
        RETURN NULL;
    END IF;
    IF OLD.kind = 'joined' THEN
        {_RECOUNT_JOINS.format(c='OLD.case_id')};
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.kind = 'joined' THEN
        {_RECOUNT_JOINS.format(c='NEW.case_id')};
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER help_first_join_asked BEFORE INSERT OR UPDATE OF case_id, at, by_id
    ON help_requests FOR EACH ROW EXECUTE FUNCTION help_first_join_asked();
CREATE TRIGGER help_first_join_joined AFTER INSERT ON timeline
    FOR EACH ROW WHEN (NEW.kind = 'joined') EXECUTE FUNCTION help_first_join_timeline();
CREATE TRIGGER help_first_join_changed AFTER DELETE OR UPDATE OF case_id, at, kind, by_id
    ON timeline FOR EACH ROW EXECUTE FUNCTION help_first_join_timeline()
"""

# PostgreSQL's bulk load (PgSearch.bulk_load, `demo --bulk`): COPY fires a row trigger per
# case, owner, mood, join and help request (a 10k-case year took 53 s against 38 s without
# them), so these are off while it writes and the cases it added are counted once at the end:
# their case_digest rows made whole in one INSERT, their help requests' first joins, their
# days' open counts (m049).
PG_BULK_TRIGGERS = (("cases", "case_digest_case"), ("owners", "case_digest_owners"),
                    ("moods", "case_digest_moods"), ("timeline", "help_first_join_joined"),
                    ("help_requests", "help_first_join_asked"), ("cases", "case_open_days"),
                  *BULK_TRIGGERS)  # m055's kept seconds
PG_BULK_RECOUNT = (
    "INSERT INTO case_digest (case_id, opened_at, resolved_at, cancelled, "
    + ", ".join(name for name, _ in _counted("c.id")) + ") SELECT c.id, c.opened_at, "
    f"c.resolved_at, {_CANCELLED.format(s='c.status')}, "
    + ", ".join(expr for _, expr in _counted("c.id")) + " FROM cases c WHERE c.id > ?",
    f"UPDATE help_requests SET first_join = {_FIRST_JOIN.format(h='help_requests')} "
    "WHERE case_id > ?",
    OPEN_DAYS_FILL,  # m049: the cases' per-day counts (bot/store/schema_open_days.py)
    *BULK_RECOUNT)  # m055: the seconds kept beside their times
