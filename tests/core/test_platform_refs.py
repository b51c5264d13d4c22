"""Platform references: the m012 migration carries the Teams tables of m010 over to the
platform-neutral (platform, kind, key) -> JSON table, and the Teams directory uses it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from adapters.teams.directory import Directory
from bot.store import migrations as m
from bot.store import open_store

T0, T1 = "2026-11-16T09:00:00+00:00", "2026-11-16T10:00:00+00:00"


def _database_before_m012(path: Path) -> None:
    """The database as the release before this one left it: m001 to m011 applied."""
    old = Database(sqlite3.connect(str(path), isolation_level=None))
    before = Migrations("swarmbot")
    for step in (m.m001_initial_schema, m.m002_digest_indexes, m.m003_digest_covering_indexes,
                 m.m010_teams_references, m.m011_case_ref_lookup):
        before()(step)
    before.apply(old)
    old.execute("INSERT INTO teams_conversations VALUES ('19:s;messageid=1', 'https://smba/emea/', "
                "'tenant-1', '28:bot', 'swarm-zd-1', ?)", (T0,))
    old.execute("INSERT INTO teams_conversations VALUES ('19:s;messageid=9', 'https://smba/amer/', "
                "NULL, NULL, 'swarm-zd-1', ?)", (T1,))
    old.execute("INSERT INTO teams_conversations VALUES ('a:1:1-bob', 'https://smba/emea/', "
                "'tenant-1', '28:bot', NULL, ?)", (T0,))
    old.execute("INSERT INTO teams_dm VALUES ('29:bob', 'a:1:1-bob', ?)", (T0,))
    old.conn.close()


async def test_the_migration_carries_every_teams_reference_over(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _database_before_m012(path)
    store = open_store(path)
    try:
        assert "teams_dm" not in store.db.table_names()
        assert "teams_conversations" not in store.db.table_names()
        assert store.refs.get("teams", "conversation", "19:s;messageid=1") == {
            "service_url": "https://smba/emea/", "tenant_id": "tenant-1", "bot_id": "28:bot",
            "room_name": "swarm-zd-1"}
        assert store.refs.get("teams", "dm", "29:bob") == {"conversation_id": "a:1:1-bob"}
        # Two conversations with one room name: the one updated last wins, as before.
        assert store.refs.get("teams", "room", "swarm-zd-1") == {
            "conversation_id": "19:s;messageid=9"}
        assert store.refs.latest("teams", "conversation")["service_url"] == "https://smba/amer/"
        # The directory reads what was carried over, after a restart with nothing in memory.
        directory = Directory(refs=store.refs)
        assert await directory.direct_conversation("29:bob") == "a:1:1-bob"
        assert await directory.service_url("a:1:1-bob") == "https://smba/emea/"
        assert await directory.room_by_name("swarm-zd-1") == "19:s;messageid=9"
        assert await directory.room_name("19:s;messageid=1") == "swarm-zd-1"
    finally:
        store.close()


async def test_a_reference_update_keeps_what_the_activity_did_not_say(tmp_path: Path) -> None:
    store = open_store(tmp_path / "refs.db")
    try:
        directory = Directory(refs=store.refs, now=lambda: T0)
        directory.tenant_id, directory.bot = "tenant-1", {"id": "28:bot", "name": ""}
        await directory.remember("19:s;messageid=1", "https://smba/emea/",
                                 room_name="swarm-zd-1")
        later = Directory(refs=store.refs, now=lambda: T1)  # a restart: no tenant known yet
        await later.remember("19:s;messageid=1", "https://smba/amer/")
        assert store.refs.get("teams", "conversation", "19:s;messageid=1") == {
            "service_url": "https://smba/amer/", "tenant_id": "tenant-1", "bot_id": "28:bot",
            "room_name": "swarm-zd-1"}
        assert await later.room_by_name("swarm-zd-1") == "19:s;messageid=1"
        assert await later.tenant() == "tenant-1"
    finally:
        store.close()


async def test_a_thread_opened_by_its_brief_stays_known_as_such(tmp_path: Path) -> None:
    """The post that opened a thread (its case brief) is kept through later updates of
    the reference, and read back after a restart."""
    store = open_store(tmp_path / "refs.db")
    try:
        directory = Directory(refs=store.refs, now=lambda: T0)
        await directory.remember("19:s;messageid=4", "https://smba/emea/",
                                 room_name="swarm-zd-4", first_post="4")
        moved = Directory(refs=store.refs, now=lambda: T1)
        await moved.remember("19:s;messageid=4", "https://smba/amer/")
        assert store.refs.get("teams", "conversation", "19:s;messageid=4")["first_post"] == "4"
        assert await Directory(refs=store.refs).first_post("19:s;messageid=4") == "4"
        assert await Directory(refs=store.refs).first_post("19:s;messageid=5") is None
    finally:
        store.close()
