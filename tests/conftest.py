"""Shared fixtures: a real SQLite file, the in-memory chat port, a clock tests can move."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.bootstrap import build_core
from adapters.shell.render import mentions_in
from bot.config import Config
from bot.fake_port import FakeChatPort
from bot.people import render_mentions
from handlers.delivery import Delivery, RoomEvent, Sender, Typed
from handlers.entrance import Entrance as Core

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
    c.close()


class Say:
    """`await say("alice", "open ZD-1 ...", room=None)` → the replies' text, joined."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def __call__(self, user: str, text: str, room: str | None = None) -> str:
        """Mentions are typed `@name` (as in the shell) and shown as `<@name>`."""
        replies = await self.replies(user, text, room, tz="Europe/Berlin")
        out = "\n".join(
            " | ".join([r.title or "", r.text] + [f"{f.label}: {f.value}" for f in r.fields])
            for r in replies)
        return render_mentions(out, lambda pid: f"<@{pid}>")

    async def replies(self, user: str, text: str, room: str | None = None,
                      tz: str | None = None) -> list:
        outcome = await self.core.receive(Delivery(
            source="fake", sender=Sender(user, tz=tz), room=room, what=Typed(mentions_in(text))))
        return outcome.replies


@pytest.fixture
def say(core: Core) -> Say:
    return Say(core)


async def room_event(core: Core, kind: str, room: str, user: str) -> None:
    """Someone joined, left or wrote in a room of the fake platform."""
    await core.receive(Delivery(source="fake", sender=Sender(user), room=room,
                                what=RoomEvent(kind, (room,))))  # type: ignore[arg-type]


async def handle(core: Core, platform: str, user: str, text: str, room: str | None = None,
                 tz: str | None = None) -> list:
    """A command typed on `platform` (mentions typed `@id`), as its adapter would hand it in."""
    outcome = await core.receive(Delivery(source=platform, sender=Sender(user, tz=tz),
                                          room=room, what=Typed(mentions_in(text))))
    return outcome.replies
