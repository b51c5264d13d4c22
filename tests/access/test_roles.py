"""Roles by command (issue 26): granted and taken back in chat by managers, recorded with who,
when and why; they count at once; the export keeps the history; anyone else gets one line."""

from __future__ import annotations

from bot.export import export_cases
from bot.permissions import Can, managers


async def test_a_role_granted_in_chat_counts_at_once_and_is_exported(say, core, clock) -> None:
    await say("alice", "open ZD-1 sev2 Acme cannot log in")
    refused = await say("bob", "resolve ZD-1 fixed it")
    assert "Only the owner of ZD-1" in refused
    refused = await say("bob", "digest")
    assert "for managers" in refused

    out = await say("manny", "role @bob manager covers the night shift")
    assert out.endswith("<@bob> is a manager now: covers the night shift")
    assert core.deps.can("bob", Can.MANAGE)
    assert "bob" in managers(core.deps.config, core.deps.store)
    # At once: the very next command from bob is a manager's.
    out = await say("bob", "resolve ZD-1 fixed it")
    assert "Resolved ZD-1" in out
    out = await say("bob", "role @carol observer audits the legal queue")
    assert "<@carol> is an observer now" in out

    clock.advance(hours=1)
    out = await say("manny", "role @bob none back on days")
    assert out.endswith("<@bob> has no role now (was manager): back on days")
    assert not core.deps.can("bob", Can.MANAGE)
    refused = await say("bob", "role @carol none")
    assert "Only a manager can grant or take back roles" in refused

    roles = export_cases(core.deps.store)["roles"]
    assert roles[0] == {"person": "bob", "role": "manager", "why": "covers the night shift",
                        "granted_by": "manny", "assumed_at": "2026-11-16T09:00:00Z",
                        "renounced_at": "2026-11-16T10:00:00Z", "renounced_by": "manny",
                        "renounced_why": "back on days"}
    assert roles[1]["person"] == "carol" and roles[1]["granted_by"] == "bob"
    assert roles[1]["renounced_at"] is None


async def test_roles_lists_config_and_chat_roles(say, core) -> None:
    await say("manny", "role @lee lead runs the billing team")
    out = await say("manny", "roles")
    assert "<@manny>: manager (by config)" in out
    assert "<@lee>: lead (granted by <@manny> 2026-11-16T09:00:00Z: runs the billing team)" in out
    # A lead changes other people's skills; a plain agent does not.
    assert "skills: sso" in await say("lee", "skills @dan add sso")
    assert "Only a manager or a lead" in await say("dan", "skills @lee add sso")
    assert "Only a manager can list the roles." in await say("lee", "roles")


async def test_bad_role_commands_get_one_line(say) -> None:
    cases = {
        "role": "name one person with @",
        "role @bob": "say which role",
        "role @bob boss x": "`boss` is not a role",
        "role @bob lead": "say why",
        "role @bob @carol lead why": "name one person with @",
        "role @manny none leaving": "is manager by the config",
    }
    for text, expected in cases.items():
        out = await say("manny", text)
        assert expected in out, (text, out)
        assert "\n" not in out, out
    assert "has no role granted in chat" in await say("manny", "role @bob none nothing")
    await say("manny", "role @bob lead x")
    assert "is lead already" in await say("manny", "role @bob lead again")
