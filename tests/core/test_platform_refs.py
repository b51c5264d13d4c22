"""Platform references in the store: Teams conversation references and 1:1 chats."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.store import open_store
from bot.store.migrations import m001_initial_schema

T0, T1 = "2026-11-16T09:00:00+00:00", "2026-11-16T10:00:00+00:00"


def test_references_survive_a_reopen_and_updates_keep_what_they_do_not_say(
        tmp_path: Path) -> None:
    path = tmp_path / "refs.db"
    store = open_store(path)
    store.teams_conversation_put("19:swarm@thread.tacv2;messageid=1", "https://smba/emea/",
                                 "tenant-1", "28:bot", T0, room_name="swarm-zd-1")
    store.teams_conversation_put("a:1:1-bob", "https://smba/emea/", "tenant-1", "28:bot", T0)
    store.teams_dm_put("29:bob", "a:1:1-bob", T0)
    store.close()

    store = open_store(path)
    ref = store.teams_conversation_get("19:swarm@thread.tacv2;messageid=1")
    assert ref is not None and ref["service_url"] == "https://smba/emea/"
    assert (ref["tenant_id"], ref["bot_id"], ref["room_name"]) == ("tenant-1", "28:bot",
                                                                   "swarm-zd-1")
    assert store.teams_dm_get("29:bob") == "a:1:1-bob"
    assert store.teams_dm_get("29:nobody") is None
    assert store.teams_conversation_get("19:unknown") is None
    # A moved service URL is updated; the tenant, bot and room name said before are kept.
    store.teams_conversation_put("19:swarm@thread.tacv2;messageid=1", "https://smba/amer/",
                                 None, None, T1)
    ref = store.teams_conversation_get("19:swarm@thread.tacv2;messageid=1")
    assert (ref["service_url"], ref["tenant_id"], ref["room_name"]) == (
        "https://smba/amer/", "tenant-1", "swarm-zd-1")
    assert store.teams_conversation_latest()["service_url"] == "https://smba/amer/"
    store.teams_dm_put("29:bob", "a:1:1-bob-2", T1)
    assert store.teams_dm_get("29:bob") == "a:1:1-bob-2"
    store.close()


def test_a_room_is_found_by_name_from_its_reference_or_from_its_case(tmp_path: Path) -> None:
    store = open_store(tmp_path / "rooms.db")
    assert store.teams_room_by_name("swarm-zd-1") is None
    store.teams_conversation_put("19:s;messageid=1", "https://smba/", None, None, T0,
                                 room_name="swarm-zd-1")
    assert store.teams_room_by_name("swarm-zd-1") == "19:s;messageid=1"
    # A room recorded only on its case (made before references were stored) is found too,
    # but only a Teams case's.
    store.ensure_person("ann", "teams", "Ann", None, T0)
    for ref, platform, room in (("ZD-2", "teams", "19:s;messageid=2"),
                                ("ZD-3", "slack", "C3")):
        cid = store.insert_case(ref, "", "x", 3, "ann", platform, T0)
        store.set_case_room(cid, room, f"swarm-{ref.lower()}")
    assert store.teams_room_by_name("swarm-zd-2") == "19:s;messageid=2"
    assert store.teams_room_by_name("swarm-zd-3") is None
    store.close()


def test_a_database_from_before_the_references_gets_them_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    # The database as a release before this one left it: only m001 applied.
    old = Database(sqlite3.connect(str(path), isolation_level=None))
    before = Migrations("swarmbot")
    before()(m001_initial_schema)
    before.apply(old)
    assert "teams_dm" not in old.table_names()
    old.conn.close()
    store = open_store(path)
    store.teams_dm_put("29:bob", "a:1:1-bob", T1)
    assert store.teams_dm_get("29:bob") == "a:1:1-bob"
    store.close()
