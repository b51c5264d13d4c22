"""Issue 25: what everyone reads (a swarm room's brief and posts, the scheduled digest)
is written in the deployment's `[i18n] language`, whoever's command made it; the command's
own answer is in its reader's language. The port notes the language spoken at each call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from adapters.bootstrap import build_core
from bot import i18n
from bot.config import Config
from bot.replies import Reply
from bot.scheduler import Scheduler
from handlers.delivery import Delivery, Sender, Typed
from handlers.entrance import Entrance as Core
from testkit.fake_port import FakeChatPort
from tests.conftest import Clock
from tests.digest.script import utc


@dataclass
class SpeakingPort(FakeChatPort):
    """A fake platform that notes in which language each post and message was written."""

    spoken: list[tuple[str, str, str]] = field(default_factory=list)

    async def post(self, room_id: str, reply: Reply) -> str:
        self.spoken.append(("post", room_id, i18n.current()))
        return await super().post(room_id, reply)

    async def direct_message(self, user_id: str, reply: Reply) -> None:
        self.spoken.append(("dm", user_id, i18n.current()))
        await super().direct_message(user_id, reply)


@pytest.fixture
def german(config: Config) -> Config:
    config.i18n.language = "de"
    config.digest.slack_channel = "CDIGEST"
    config.digest.timezone = "Europe/Berlin"
    return config


@pytest.fixture
def deployed(german: Config, tmp_path: Path) -> Iterator[tuple[Core, SpeakingPort, Clock]]:
    port = SpeakingPort(platform="slack")
    clock = Clock(utc("2026-11-09 09:00"))
    core = build_core(german, {"slack": port}, clock=clock)
    yield core, port, clock
    core.close()


async def _typed(core: Core, user: str, locale: str | None, text: str,
                 room: str | None = None) -> list[Reply]:
    outcome = await core.receive(Delivery(source="slack", sender=Sender(user, locale=locale),
                                          room=room, what=Typed(text), key=f"k-{text}"))
    return outcome.replies


async def test_an_english_readers_command_posts_in_the_deployments_language(
        deployed: tuple[Core, SpeakingPort, Clock]) -> None:
    core, port, _clock = deployed
    replies = await _typed(core, "UEN", "en-US", "open ZD-1 sev2 SSO broken")
    assert replies and replies[0].text.startswith("Opened ZD-1")  # the reader's English
    room = core.deps.store.cases.by_ref("ZD-1").room_id
    posted = [lang for action, where, lang in port.spoken if where == room]
    assert posted and set(posted) == {"de"}, port.spoken
    # A German reader's answer is German; the room's posts stay the deployment's.
    bad = await _typed(core, "UDE", "de-DE", "frobnicate")
    assert bad[0].text.startswith("Unbekannter Befehl `frobnicate`.")
    assert i18n.current() == "en"  # nothing leaks out of a command


async def test_the_scheduled_digest_speaks_the_deployments_language(
        deployed: tuple[Core, SpeakingPort, Clock]) -> None:
    core, port, clock = deployed
    await _typed(core, "UEN", "en-US", "open ZD-2 sev3 Invoices")
    clock.now = utc("2026-11-10 10:00")
    await _typed(core, "UEN", "en-US", "resolve ZD-2 fixed", None)
    port.spoken.clear()
    done = await Scheduler(core.deps).tick(utc("2026-11-16 07:00"))
    assert "digest 2026-W46 -> slack:CDIGEST" in done
    assert ("post", "CDIGEST", "de") in port.spoken
    assert {lang for _a, _w, lang in port.spoken} == {"de"}
    assert i18n.current() == "en"
