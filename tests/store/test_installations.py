"""Contract: installations (sealed blobs by workspace) and one-time OAuth states."""

from __future__ import annotations

from bot.store import Store
from tests.store.conftest import T0, T1, T2


def test_bot_installation_per_workspace_replaced_and_dropped(store: Store) -> None:
    inst = store.installations
    with store.transaction():
        inst.save_bot("slack", "", "T1", "sealed-a1", T0)
        inst.save_bot("slack", "", "T2", "sealed-b", T0)
        inst.save_bot("slack", "", "T1", "sealed-a2", T1)  # reinstalled: the new one wins
        inst.save_bot("slack", "E1", "", "sealed-org", T1)  # an org-wide install
    assert inst.find_bot("slack", "", "T1") == "sealed-a2"
    assert inst.find_bot("slack", "", "T2") == "sealed-b"
    assert inst.find_bot("slack", "E1", "") == "sealed-org"
    assert inst.find_bot("slack", "E1", "T1") is None  # another key entirely
    assert inst.find_bot("teams", "", "T1") is None
    with store.transaction():
        assert inst.delete_bot("slack", "", "T1") == 1
    assert inst.find_bot("slack", "", "T1") is None
    assert inst.find_bot("slack", "", "T2") == "sealed-b"


def test_user_installations_latest_and_deleted_apart_from_the_bot(store: Store) -> None:
    inst = store.installations
    with store.transaction():
        inst.save_bot("slack", "", "T1", "bot", T0)
        inst.save_user("slack", "", "T1", "U1", "u1", T0)
        inst.save_user("slack", "", "T1", "U2", "u2", T1)
    assert inst.find_user("slack", "", "T1", None) == "u2"
    assert inst.find_user("slack", "", "T1", "U1") == "u1"
    with store.transaction():
        assert inst.delete_users("slack", "", "T1", "U2") == 1
    assert inst.find_user("slack", "", "T1", None) == "u1"
    with store.transaction():
        assert inst.delete_users("slack", "", "T1", None) == 1
    assert inst.find_user("slack", "", "T1", None) is None
    assert inst.find_bot("slack", "", "T1") == "bot"  # users' tokens gone, the bot's kept


def test_state_is_good_once_and_only_before_it_expires(store: Store) -> None:
    inst = store.installations
    with store.transaction():
        inst.issue_state("s-fresh", T2)
        inst.issue_state("s-old", T1)
    with store.transaction():
        assert inst.consume_state("s-fresh", T1) is True
    with store.transaction():
        assert inst.consume_state("s-fresh", T1) is False  # replayed
        assert inst.consume_state("s-old", T2) is False  # expired
        assert inst.consume_state("s-old", T0) is False  # and gone with the try
        assert inst.consume_state("never-issued", T0) is False
