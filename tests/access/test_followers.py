"""Followers (issue 26): told by DM of the owner changing, the mood shifting, a promise due
and the resolution - once each, never of a note - and never in the swarm or credited."""

from __future__ import annotations

from bot.config import Config
from bot.export import export_cases
from bot.scheduler import Scheduler
from bot.services.outbox import drain


def _dms_to(port, person: str) -> list[str]:  # noqa: ANN001
    return [s.reply.text for s in port.sent if s.action == "dm" and s.target == person
            and s.reply is not None and (s.reply.title or "").startswith("Following ")]


async def test_a_follower_is_told_each_change_once_and_no_note(say, core, port, clock) -> None:
    await say("alice", "open ZD-5 sev2 Acme cannot log in")
    room = core.deps.store.cases.by_ref("ZD-5").room_id
    out = await say("fay", "follow ZD-5")
    assert "You follow ZD-5 now" in out
    assert "You follow ZD-5 already" in await say("fay", "follow ZD-5")
    await say("bob", "join ZD-5")

    await say("alice", "note the IdP cert was rotated", room)
    await say("bob", "touch identity reset the SSO config", room)
    await say("bob", "mood frustrated waited two days", room)
    await say("alice", "mood frustrated still", room)  # no shift: not told again
    await say("alice", "handoff @bob going off shift, the cert is the lead", room)
    await say("bob", "accept ZD-5")
    await say("bob", "promise in 30m call back with the fix", room)
    clock.advance(minutes=20)
    await Scheduler(core.deps).tick(clock.now)
    await drain(core.deps)
    await Scheduler(core.deps).tick(clock.now)  # once: not again on the next tick
    await drain(core.deps)
    await say("bob", "kept 1", room)
    await say("bob", "resolve new cert installed", room)

    told = _dms_to(port, "fay")
    assert len(told) == 4, told
    assert "The customer's mood on ZD-5 is frustrated now, recorded by" in told[0]
    assert "owns ZD-5 now (a warm handoff from" in told[1]
    assert "A promise to the customer on ZD-5 is due" in told[2] and "call back" in told[2]
    assert "ZD-5 was resolved by" in told[3] and "new cert installed" in told[3]
    assert not any("cert was rotated" in t or "SSO config" in t for t in told)

    case = export_cases(core.deps.store)["cases"][0]
    assert "fay" not in [p["person"] for p in case["participants"]]
    assert "fay" not in (await say("alice", "status ZD-5"))
    assert "Swarms you follow" in await say("fay", "list following")
    assert "ZD-5" in await say("fay", "list following")


async def test_unfollow_and_list(say) -> None:
    await say("alice", "open ZD-6 sev3 printer on fire")
    assert "You follow no swarm" in await say("fay", "list following")
    assert "You don't follow ZD-6" in await say("fay", "unfollow ZD-6")
    await say("fay", "follow ZD-6")
    assert "You no longer follow ZD-6" in await say("fay", "unfollow ZD-6")
    assert "takes no words" in await say("fay", "follow ZD-6 please")


async def test_a_type_brings_its_followers_at_open(config: Config, say, core, port) -> None:
    config.types = {"vip": {"followers": ["acct.owner", "alice"]}}
    out = await say("alice", "open ZD-7 sev1 type=vip Big customer down")
    assert "Following it (by its type or as the account's owner): <@acct.owner>." in out
    assert "ZD-7" in await say("acct.owner", "list following")
    room = core.deps.store.cases.by_ref("ZD-7").room_id
    await say("alice", "cancel duplicate of ZD-6", room)
    assert any("ZD-7 was cancelled by" in t for t in _dms_to(port, "acct.owner"))
    assert _dms_to(port, "alice") == []


async def test_the_account_owner_follows_its_cases_from_the_customer_or_the_ticket(
        config: Config, say, core, port) -> None:  # noqa: ANN001
    config.account_owners = {"Acme Corp": "cs.anna", "Globex": ["cs.ben", "cs.cleo"]}
    out = await say("alice", 'open ZD-8 sev2 customer=" acme corp " Acme SSO down')
    assert "as the account's owner): <@cs.anna>." in out
    assert "ZD-8" in await say("cs.anna", "list following")
    assert "Following" not in await say("alice", "open ZD-9 sev3 customer=Initech VPN slow")
    room = core.deps.store.cases.by_ref("ZD-8").room_id
    await say("alice", "resolve reset the IdP certificate", room)
    assert any("ZD-8 was resolved by" in t for t in _dms_to(port, "cs.anna"))
    # They follow: never in the swarm, never credited.
    case = core.deps.store.cases.by_ref("ZD-8")
    assert "cs.anna" not in [p.person for p in core.deps.store.cases.participants(case.id)]


def test_account_owners_config_problems_are_one_line_each(tmp_path) -> None:  # noqa: ANN001
    from bot.config import load_config
    from bot.errors import ConfigError

    bad = tmp_path / "config.toml"
    bad.write_text('[account_owners]\n"Acme" = 7\n"Globex" = []\n"Ok" = "U1"\n')
    try:
        load_config(bad)
    except ConfigError as err:
        lines = str(err).splitlines()
    else:
        raise AssertionError("no problem reported")
    assert [line for line in lines if "[account_owners]" in line] == [
        "[account_owners] 'Acme' must be a person id or a list of them, e.g. \"Acme\" = "
        "\"U0123ABCD\"",
        "[account_owners] 'Globex' must be a person id or a list of them, e.g. \"Globex\" = "
        "\"U0123ABCD\""]


async def test_the_owner_cannot_follow_their_own_case(say) -> None:  # noqa: ANN001
    await say("alice", "open ZD-6 sev3 Printer jams")
    assert "You own ZD-6: you hear of it in its room already" in await say("alice", "follow ZD-6")
    assert "You follow ZD-6 now" in await say("fay", "follow ZD-6")
