"""The store against real SQLite files, including a reopen after a crash-like exit."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from bot.domain import Role
from bot.store import open_store
from tests.conftest import REPO


def test_schema_is_migrated_once_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = open_store(path)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()
    again = open_store(path)
    applied = [r[0] for r in again.db.execute("SELECT name FROM _sqlite_migrations")]
    assert applied == ["m001_initial_schema", "m002_digest_indexes",
                       "m003_digest_covering_indexes", "m010_teams_references",
                       "m011_case_ref_lookup", "m012_platform_refs", "m013_outbox",
                       "m014_case_lifecycle", "m015_case_search", "m016_case_redaction",
                       "m017_helpdesk", "m018_digest_kept",
                       "m020_timeline_lifecycle", "m021_inbox_failed",
                       "m023_case_customer_tz_link", "m024_access",
                       "m025_app_installations",
                       "m026_expert_figures", "m026_nudge_due", "m026_search_vocab",
                       "m027_drafts", "m033_sla", "m035_people", "m036_workspaces",
                       "m038_expert_shortlist", "m039_expert_ranked",
                       "m040_digest_resolved_status", "m041_search_docs_append",
                       "m042_case_ref_per_workspace", "m043_case_shares",
                       "m044_digest_case_summary", "m044b_help_first_join",
                       "m045_similar_words", "m046_expert_kept_compact",
                       "m048_replica_holders", "m049_digest_open_days",
                       "m049b_digest_covering", "m050_common_words",
                       "m054_forget_workspace_digests", "m055_digest_seconds",
                       "m057_similar_filter_index",
                       "m058_touchpoints_by_function", "m059_digest_resolved_kind",
                       "m060_expert_kept_vacuum", "m061_inbox_arrival"]
    again.close()


def test_reopen_after_a_crash_keeps_committed_work(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    # The child writes a case and dies without closing (no checkpoint, WAL left behind).
    script = textwrap.dedent(f"""
        import os
        from bot.store import open_store
        from bot.domain import Role
        s = open_store({str(path)!r})
        s.people.ensure("alice", "shell", "alice", None, "2026-11-16T09:00:00Z")
        with s.transaction():
            cid = s.cases.add("ZD-1", "Acme", "login", 2, "alice", "shell",
                                "2026-11-16T09:00:00Z")
            s.cases.add_participant(cid, "alice", Role.OWNER, "2026-11-16T09:00:00Z", None, None)
            s.timeline.append(cid, "2026-11-16T09:00:00Z", "opened", "alice", "opened")
        s.db.execute("BEGIN")
        s.timeline.append(cid, "2026-11-16T09:01:00Z", "note", "alice", "never committed")
        os._exit(1)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True)
    assert proc.returncode == 1, proc.stderr
    assert Path(str(path) + "-wal").exists()
    store = open_store(path)
    case = store.cases.by_ref("zd-1")
    assert case is not None and case.owner == "alice"
    assert [e.kind for e in store.timeline.events(case.id)] == ["opened"]
    assert store.cases.participant(case.id, "alice").role is Role.OWNER
    store.close()


def test_foreign_keys_refuse_orphans(tmp_path: Path) -> None:
    import sqlite3

    import pytest

    store = open_store(tmp_path / "fk.db")
    with pytest.raises(sqlite3.IntegrityError):
        store.cases.add_participant(999, "ghost", Role.SPECIALIST, "2026-01-01T00:00:00Z",
                                    None, None)
    store.close()


def test_inbox_and_sent_are_once_only(tmp_path: Path) -> None:
    store = open_store(tmp_path / "once.db")
    assert store.inbox.put("ev1", "slack", "{}", "t") is True
    assert store.inbox.put("ev1", "slack", "{}", "t") is False
    assert [r.key for r in store.inbox.pending("slack")] == ["ev1"]
    store.inbox.done("ev1", "t2")
    assert store.inbox.pending("slack") == []
    assert store.sent.mark("digest", "2026-W47", "slack:C1", "t") is True
    assert store.sent.mark("digest", "2026-W47", "slack:C1", "t") is False
    store.close()


def test_case_lookup_by_ref_uses_an_index(tmp_path: Path) -> None:
    store = open_store(tmp_path / "plan.db")
    plan = " ".join(str(r[-1]) for r in store.db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM cases WHERE lower(ref) = lower(?)", ("zd-1",)))
    assert "cases_by_ref_lower" in plan and "SCAN" not in plan
    store.close()
