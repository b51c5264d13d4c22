"""Contract (issue 27, m043): on Enterprise Grid a case is seen from the workspaces of its
org its room is shared with (or from all of them, shared with the org), never from outside
the org; unsharing takes it away. And the workspaces a deployment knows, with their org."""

from __future__ import annotations

from bot import tenancy
from bot.store import Store
from tests.store.conftest import T0, T1, open_case

HOME = tenancy.Tenant("T1", "E1")
SIBLING, COUSIN = tenancy.Tenant("T2", "E1"), tenancy.Tenant("T3", "E1")
OUTSIDER = tenancy.Tenant("T2")  # the same team id, claimed outside the org: never


def seen_from(store: Store, tenant: tenancy.Tenant) -> bool:
    with tenancy.scoped(tenant):
        return store.cases.by_ref("GG-1") is not None and any(
            c.ref == "GG-1" for c in store.cases.recent())


def test_a_case_is_seen_where_its_room_is_shared_and_not_after(store: Store) -> None:
    with tenancy.scoped(HOME), store.transaction():
        case_id = open_case(store, "GG-1")
    assert seen_from(store, HOME) and not seen_from(store, SIBLING)
    with store.transaction():
        assert store.cases.share(case_id, "T2", T0) is True
        assert store.cases.share(case_id, "T2", T1) is False  # once
    assert seen_from(store, SIBLING) and not seen_from(store, COUSIN)
    assert not seen_from(store, OUTSIDER)
    assert store.cases.shared_with(case_id) == ["T2"]
    with store.transaction():  # shared with the whole org
        store.cases.share(case_id, "E1", T1)
    assert seen_from(store, COUSIN) and not seen_from(store, OUTSIDER)
    with store.transaction():  # unshared from T2: not the whole org's any more either
        assert store.cases.unshare(case_id, "T2") == 2
    assert not seen_from(store, SIBLING) and not seen_from(store, COUSIN)
    assert seen_from(store, HOME) and store.cases.shared_with(case_id) == []
    with store.transaction():
        store.cases.share(case_id, "T2", T1)
        store.cases.share(case_id, "T3", T1)
        assert store.cases.unshare(case_id, "E1") == 2  # from the org: from everyone
    assert not seen_from(store, SIBLING) and not seen_from(store, COUSIN)
    case = store.cases.by_id(case_id)
    assert case is not None and not case.shared


def test_the_workspaces_known_with_their_org(store: Store) -> None:
    inst = store.installations
    with store.transaction():
        inst.save_bot("slack", "", "T7", "sealed", T0)
        inst.save_bot("slack", "E1", "", "sealed-org", T0)  # org-wide: no team of its own
        inst.set_setting("slack", "T8", "managers", "U1", "U0", T0)
        with tenancy.scoped(HOME):
            open_case(store, "GG-1")
        with tenancy.scoped(SIBLING):
            store.people.ensure("U2", "slack", "Bob", None, T0)
        open_case(store, "ZD-1", owner="ann", platform="shell")  # no workspace: not one
    assert inst.workspaces("slack") == [("T1", "E1"), ("T2", ""), ("T7", ""), ("T8", "")]
    assert inst.workspaces("teams") == []
