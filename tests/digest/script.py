"""Drive the real command layer at chosen moments: a hand-built timeline with known answers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.bootstrap import build_core
from bot.config import Config
from bot.replies import Tone
from handlers.entrance import Entrance as Core
from testkit.fake_port import FakeChatPort
from tests.conftest import Clock, handle


def utc(text: str) -> datetime:
    """`2026-11-09 09:00` (UTC) → an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Script:
    def __init__(self, tmp_path: Path, start: str = "2026-10-01 08:00") -> None:
        self.config = Config()
        self.config.store.path = str(tmp_path / "digest.db")
        self.config.people.managers = ["manny"]
        self.clock = Clock(utc(start))
        self.port = FakeChatPort(platform="fake")
        self.core: Core = build_core(self.config, {"fake": self.port}, clock=self.clock)

    async def at(self, when: str, user: str, text: str) -> str:
        """Run `text` as `user` at `when` (UTC); any error reply fails the test."""
        self.clock.now = utc(when)
        replies = await handle(self.core, "fake", user, text)
        errors = [r.text for r in replies if r.tone is Tone.ERROR]
        assert not errors, f"{user}: {text!r} -> {errors}"
        return "\n".join(r.text for r in replies)

    def close(self) -> None:
        self.core.deps.store.close()
