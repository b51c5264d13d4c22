"""Shared fixtures: a real SQLite file, the in-memory chat port, a clock tests can move."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.bootstrap import build_core
from bot.config import Config
from bot.fake_port import FakeChatPort
from handlers.core import Core
from handlers.invocation import Invocation

REPO = Path(__file__).resolve().parent.parent
SPECS = REPO.parent / "shared" / "specs"


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 16, 9, 0, tzinfo=UTC))


@pytest.fixture
def port() -> FakeChatPort:
    return FakeChatPort(platform="fake")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    cfg = Config()
    cfg.store.path = str(tmp_path / "swarmbot.db")
    cfg.people.managers = ["manny"]
    return cfg


@pytest.fixture
def core(config: Config, port: FakeChatPort, clock: Clock) -> Iterator[Core]:
    c = build_core(config, {"fake": port}, clock=clock)
    yield c
    c.store.close()


class Say:
    """`await say("alice", "open ZD-1 ...", room=None)` → the replies' text, joined."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def __call__(self, user: str, text: str, room: str | None = None) -> str:
        replies = await self.core.handle(Invocation(platform="fake", user_id=user, text=text,
                                                    room_id=room, user_tz="Europe/Berlin"))
        return "\n".join(
            " | ".join([r.title or "", r.text] + [f"{f.label}: {f.value}" for f in r.fields])
            for r in replies)

    async def replies(self, user: str, text: str, room: str | None = None) -> list:
        return await self.core.handle(Invocation(platform="fake", user_id=user, text=text,
                                                 room_id=room))


@pytest.fixture
def say(core: Core) -> Say:
    return Say(core)
