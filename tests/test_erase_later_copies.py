"""Issue 25 x 26: texts that later features keep about a case are erased with it too: an
expert's reason for declining an ask (`decline <why>`), the skill rules' suggestion (its
"why" names the customer when a rule matches the organisation) and a follower's reason.
The whole database as stored is searched afterwards (the SQLite files, or a `pg_dump`)."""

from __future__ import annotations

from typing import Any

from bot.scheduler import Scheduler
from bot.services import erasure
from bot.services.erasure import erase
from handlers.entrance import Entrance
from tests.conftest import Say
from tests.test_erase_copies import stored_bytes

ERASED = ["Quokkasoft Pty", "Wumbleton", "frabjous"]


async def test_erase_reaches_asks_suggestions_and_followers(core: Entrance, say: Say,
                                                            config: Any,
                                                            monkeypatch: Any) -> None:
    monkeypatch.setattr(erasure, "YIELD", 0.0)
    # A rule on the organisation: its suggestion says which organisation matched.
    config.skill_rules = [{"organization": ["Quokkasoft Pty"], "skills": ["legal"],
                           "name": "contracts"}]
    store = core.deps.store
    await say("bob", "skills add sso")
    await say("carol", "skills add sso")
    await say("alice", 'open QX-902 sev2 customer="Quokkasoft Pty" login fails')
    qx = store.cases.by_ref("QX-902")
    assert qx is not None
    await say("alice", "ask @bob sso", room=qx.room_id)
    await say("bob", "decline QX-902 Wumbleton contract is frabjous, not mine")

    data = stored_bytes(store, config)
    assert [t for t in ERASED if t.encode() not in data] == []  # the test looks for real text

    done = erase(store, by="dpo", at=core.deps.now_iso(), customer="quokkasoft pty")
    assert [d.ref for d in done] == ["QX-902"]

    data = stored_bytes(store, config)
    assert [t for t in ERASED if t.encode() in data] == []


async def test_erase_reaches_the_managers_digest_that_quoted_the_case(
        core: Entrance, say: Say, config: Any, clock: Any, monkeypatch: Any) -> None:
    """Each manager's digest (an outbox row of no case) quotes the week's friction and
    thanks; once the case they came from is erased, so are those quotes."""
    monkeypatch.setattr(erasure, "YIELD", 0.0)
    config.digest.weekday, config.digest.time, config.digest.timezone = "monday", "09:00", "UTC"
    config.digest.managers = ["manny"]
    store = core.deps.store
    await say("alice", 'open QX-903 sev2 customer="Quokkasoft Pty" login fails')
    qx = store.cases.by_ref("QX-903")
    assert qx is not None
    await say("alice", "friction sso rotation: Wumbleton notice missing", room=qx.room_id)
    await say("alice", "invite @bob", room=qx.room_id)
    await say("alice", "thanks @bob frabjous fix", room=qx.room_id)
    await say("alice", "resolve done", room=qx.room_id)

    clock.advance(days=7)  # the next Monday 09:00: the week's digest goes to the manager
    await Scheduler(core.deps).tick(clock.now)
    data = stored_bytes(store, config)
    assert b"Swarm digest" in data
    assert [t for t in ("Wumbleton", "frabjous") if t.encode() not in data] == []

    erase(store, by="dpo", at=core.deps.now_iso(), customer="quokkasoft pty")
    data = stored_bytes(store, config)
    assert [t for t in ERASED if t.encode() in data] == []
