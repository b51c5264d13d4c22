"""Issue 28 on the demo data (`swarmbot demo`, 2 weeks): `find login`, `find loggin` and
`find log-in` find the "cannot log in" cases, which say neither `login` nor `loggin`; a word
no case has gets the nearest words that would match."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.bootstrap import build_core, open_config_store
from bot.config import Config
from bot.digest.weeks import parse_week
from demo.bulk import run_bulk
from demo.plan import DemoSpec
from demo.run import DEMO_PLATFORM
from handlers.delivery import Delivery, Sender, Typed
from testkit.fake_port import FakeChatPort


async def test_find_what_people_type_on_the_demo_data(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    db = tmp_path / "demo.db"
    config = Config()
    config.store.path = str(db)
    if request.config.getoption("--store") == "postgres":  # the same on PostgreSQL
        config.store.url = request.getfixturevalue("pg_url")
    store = open_config_store(config)
    last = parse_week("2026-W47", "UTC")
    run_bulk(store, DemoSpec(first=last.previous(), weeks=2, cases_per_week=60, seed=1))
    said = [c.ref for c in store.cases.all() if "cannot log in" in c.summary]
    assert said and not [c for c in store.cases.all()
                         if "login" in c.summary.lower() or "loggin" in c.summary.lower()]
    core = build_core(config, {DEMO_PLATFORM: FakeChatPort(platform=DEMO_PLATFORM)},
                      store=store, clock=lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC))

    async def say(user: str, text: str) -> str:
        outcome = await core.receive(Delivery(source=DEMO_PLATFORM, sender=Sender(user),
                                              room=None, what=Typed(text)))
        return "\n".join(f"{r.title or ''} | {r.text}" for r in outcome.replies)

    try:
        for typed in ("login", "loggin", "log-in"):
            out = await say("newbie", f"find {typed} status=all")
            assert "No case matches" not in out, typed
            shown = [ref for ref in said if ref in out]
            assert shown, (typed, out)
        out = await say("newbie", "find certifcat")
        assert "No case matches `certifcat`" in out
        assert "Nearest words that would match: instead of `certifcat`: " in out
        assert "`certificate`" in out
        out = await say("newbie", "find zzqxv")
        assert "No case has `zzqxv`" in out
    finally:
        core.close()
