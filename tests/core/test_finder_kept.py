"""The expert finder's kept rows (issue 28) follow every command that feeds them, typed as a
user types them: skills added and removed, open, need, join, invite, leave, a warm handoff
accepted, thanks, resolve, reopen and cancel; after each, the rows equal a count from
scratch (tests/store/finder_scratch.py), and the finder's answer from them is the full
read's. On SQLite, and on PostgreSQL with `--store=postgres`."""

from __future__ import annotations

from bot.services import membership
from handlers.entrance import Entrance
from tests.conftest import Say
from tests.store.finder_scratch import expected, kept


async def test_the_kept_rows_follow_every_command(say: Say, core: Entrance) -> None:
    store = core.deps.store

    async def run(user: str, text: str, room: str | None = None) -> str:
        out = await say(user, text, room)
        assert kept(store) == expected(store), (user, text, out)
        return out

    for user, skills in (("bob", "sso dns"), ("carol", "sso vpn"), ("dave", "dns"),
                         ("erin", "sso")):
        await run(user, f"skills add {skills}")
    await run("alice", 'open ZD-1 sev2 customer="Acme" Acme cannot log in')
    case = store.cases.by_ref("ZD-1")
    assert case is not None and case.room_id
    room = case.room_id
    await run("alice", "need sso dns", room)
    await run("bob", "join", room)
    await run("alice", "invite @carol @dave", room)
    await run("carol", "leave", room)
    await run("alice", "handoff @bob Acme's SSO: the IdP cert was reset", room)
    assert "You now own ZD-1" in await run("bob", "accept", room)
    await run("alice", "thanks @dave found the DNS record", room)
    assert "Resolved ZD-1" in await run("bob", "resolve the IdP cert rotated", room)
    rows = kept(store)
    assert any(r[0] == "dave" for r in rows["expert_asked"])  # dave helped on sso dns
    assert "Reopened ZD-1" in await run("bob", "reopen the customer wrote again", room)
    assert "You joined ZD-1" in await run("erin", "join ZD-1")
    assert "Cancelled ZD-1" in await run("bob", "cancel ZD-1 duplicate of ZD-9")
    await run("alice", 'open ZD-2 sev3 customer="Beta" Beta VPN drops')
    room2 = store.cases.by_ref("ZD-2").room_id
    await run("alice", "need vpn sso", room2)
    await run("carol", "join", room2)
    assert "Resolved ZD-2" in await run("alice", "resolve new VPN profile", room2)
    await run("dave", "skills remove dns")
    await run("carol", "skills add dns")
    # The finder's answer from the kept rows is the full read's, for each set of skills.
    other = store.cases.by_ref("ZD-1")
    for skills in (["sso"], ["dns"], ["sso", "dns"], ["vpn", "dns", "sso"]):
        quick = membership._from_shortlist(core.deps, other, skills, None, {})
        assert quick is None or quick == membership.from_everyone(core.deps, other, skills)
