"""A case ref is unique per workspace (issue 27, m042): the SQLite table rebuild keeps every
row, index, trigger and foreign key of a store made by the release before; both stores take
the same ref in two workspaces and refuse it twice in one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot import tenancy
from bot.store import Store, open_store
from bot.store.migrations import migrations
from tests.store.conftest import T0, T1, open_case

M042 = "m042_case_ref_per_workspace"


def _old_store(path: Path) -> None:
    """A store as the release before m042 left it, with cases in two workspaces, their
    people, owners, timeline and search rows."""
    db = Database(str(path))
    migrations.apply(db, stop_before=M042)
    db.execute("INSERT INTO people (id, platform, name, created_at) VALUES "
               "('ann', 'slack', 'Ann', ?), ('bob', 'slack', 'Bob', ?)", (T0, T0))
    for case_id, ref, ws in ((7, "ZD-8", "TA"), (9, "ZD-9", "TB"), (12, "ZD-10", "")):
        db.execute("INSERT INTO cases (id, ref, customer, summary, severity, status, owner_id, "
                   "platform, opened_at, workspace) VALUES (?, ?, 'Acme', ?, 2, 'open', 'ann', "
                   "'slack', ?, ?)", (case_id, ref, f"login fails {ref}", T0, ws))
        db.execute("INSERT INTO owners (case_id, person_id, assumed_at) VALUES (?, 'ann', ?)",
                   (case_id, T0))
        db.execute("INSERT INTO timeline (case_id, at, kind, by_id, text) VALUES "
                   "(?, ?, 'note', 'bob', 'tried the SAML metadata')", (case_id, T1))
    db.conn.commit()
    db.close()


def _schema(conn: sqlite3.Connection, kind: str) -> set[str]:
    return {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = ? AND tbl_name <> 'sqlite_sequence'",
        (kind,))}


def test_the_rebuild_keeps_every_row_index_trigger_and_foreign_key(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_store(path)
    before = sqlite3.connect(str(path))
    rows = {t: before.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
            for t in ("cases", "owners", "timeline", "people")}
    indexes, triggers = _schema(before, "index"), _schema(before, "trigger")
    before.close()

    store = open_store(path)
    try:
        conn = sqlite3.connect(str(path))
        for table, kept in rows.items():
            assert conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() == kept
        # (Later migrations bring their own indexes and triggers: m043's case_shares, m044's
        # case_digest, m044b's help requests' first join, m048's holders, m049's open days.)
        later_names = ("case_digest", "help_first_join", "help_requests_by_at_join",
                       "case_open_days", "help_wait", "help_requests_by_at_wait")
        # m049b replaces three indexes by covering ones and adds one on cases; m057 adds
        # one more on cases (similar cases' filters), m058 one on touchpoints (the digest's).
        replaced = {"promises_by_made", "handoffs_by_requested", "decisions_by_at"}
        covering = {"promises_by_made_due_kept", "handoffs_by_requested_state",
                    "decisions_by_at_risk_outcome", "cases_by_id_confidential_ref",
                    "sqlite_autoindex_case_open_days_1", "cases_by_id_status_platform",
                    "touchpoints_by_function_at"}
        assert {t for t in _schema(conn, "trigger")
                if not t.startswith(later_names)} == triggers
        # The one index that changed kind stays (plain now), the new key is added, the
        # column's own UNIQUE (its autoindex) is gone.
        # (Tables of later migrations bring their own indexes: m043's case_shares, m044's
        # case_digest, m048's holders; m046 remakes the expert finder's kept tables with theirs.)
        later = {i for i in _schema(conn, "index")
                 if "case_shares" in i or "expert_" in i or i.startswith(later_names)} | {
            "inbox_held", "outbox_held"} | covering
        assert _schema(conn, "index") - later == (indexes - {"sqlite_autoindex_cases_1"} - {
            i for i in indexes if "expert_" in i} - replaced) | {"cases_by_workspace_ref"}
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        fks = {(r[2], r[3]) for r in conn.execute("PRAGMA foreign_key_list(owners)")}
        assert ("cases", "case_id") in fks
        conn.close()
        # Foreign keys are on again and still refer to the rebuilt table.
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            store.db.execute("INSERT INTO owners (case_id, person_id, assumed_at) "
                             "VALUES (999, 'ann', ?)", (T0,))
        # The search triggers work on the rebuilt table, the old rows are still found.
        with tenancy.scoped(tenancy.Tenant("TB")):
            new = open_case(store, "ZD-8", owner="bob")
            assert store.cases.by_ref("zd-8") is not None
            assert store.cases.by_ref("ZD-8").id == new  # type: ignore[union-attr]
        with tenancy.scoped(tenancy.Tenant("TA")):
            assert store.cases.by_ref("ZD-8").id == 7  # type: ignore[union-attr]
        found = store.db.execute("SELECT rowid FROM case_search WHERE case_search MATCH "
                                 "'login OR cannot'").fetchall()
        assert {r[0] for r in found} == {7, 9, 12, new}
    finally:
        store.close()


def test_run_again_after_a_crash_before_its_record_it_does_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_store(path)
    open_store(path).close()
    conn = sqlite3.connect(str(path))
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (M042,))
    conn.commit()
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'cases'").fetchone()[0]
    conn.close()
    open_store(path).close()
    conn = sqlite3.connect(str(path))
    assert conn.execute("SELECT sql FROM sqlite_master WHERE name = 'cases'").fetchone()[0] == sql
    assert conn.execute("SELECT count(*) FROM _sqlite_migrations WHERE name = ?",
                        (M042,)).fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 3
    conn.close()


def test_the_same_ref_in_two_workspaces_once_in_each(store: Store) -> None:
    with tenancy.scoped(tenancy.Tenant("TA")):
        a = open_case(store, "ZD-8")
        assert store.cases.ref_taken("ZD-8")
    with tenancy.scoped(tenancy.Tenant("TB")):
        assert store.cases.by_ref("ZD-8") is None
        assert not store.cases.ref_taken("zd-8")
        b = open_case(store, "ZD-8", owner="bob")
        assert store.cases.by_ref("ZD-8").id == b  # type: ignore[union-attr]
        with pytest.raises(Exception) as err, store.transaction():
            store.cases.add("zd-8", "Acme", "again", 2, "bob", "slack", T0)
        assert store.is_unavailable(err.value) is False
    with tenancy.scoped(tenancy.Tenant("TA")):
        assert store.cases.by_ref("ZD-8").id == a  # type: ignore[union-attr]
    # The operator (no workspace in scope) finds both by their ref.
    assert {c.id for c in store.cases.all_with_ref("ZD-8")} == {a, b}
