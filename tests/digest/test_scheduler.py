"""The scheduler on a fake clock: the digest once per week per destination, promise reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.bootstrap import build_core
from bot.config import Config
from bot.errors import ConfigError
from bot.ports import ImageUploader
from bot.scheduler import Scheduler, start_scheduler
from bot.store import open_store
from testkit.fake_port import FakeChatPort
from tests.conftest import Clock, handle
from tests.digest.script import utc


@dataclass
class SlackLikePort(FakeChatPort):
    """A fake port that can also upload images (what the Slack port adds with files v2)."""

    images: list[tuple[str, bytes, str]] = field(default_factory=list)

    async def upload_image(self, room_id: str, png: bytes, title: str,
                           alt: str = "") -> None:
        self._check("upload_image")
        assert alt.startswith("Bar chart of swarms per day, ")
        self.images.append((room_id, png, title))



def sent(lines: list[str]) -> set[str]:
    """The digests a tick sent (its other lines: retention, pruning, nudges)."""
    return {line.split(" -> ")[0] for line in lines if line.startswith("digest")}

@dataclass
class World:
    config: Config
    clock: Clock
    slack: SlackLikePort
    teams: FakeChatPort
    path: Path

    def scheduler(self) -> Scheduler:
        """A fresh scheduler on a freshly opened store: what a restart gives."""
        store = open_store(self.path)
        core = build_core(self.config, {"slack": self.slack, "teams": self.teams},
                          clock=self.clock, store=store)
        return Scheduler(core.deps)


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("SWARMBOT_LINK_SECRET", "s3cret")
    cfg = Config()
    cfg.store.path = str(tmp_path / "sched.db")
    cfg.server.public_url = "https://swarm.example.com"
    cfg.digest.weekday, cfg.digest.time, cfg.digest.timezone = "monday", "08:00", "Europe/Berlin"
    cfg.digest.slack_channel, cfg.digest.teams_channel = "C-MANAGERS", "19:managers"
    cfg.digest.managers = ["manny"]
    w = World(cfg, Clock(utc("2026-11-09 09:00")), SlackLikePort(platform="slack"),
              FakeChatPort(platform="teams"), tmp_path / "sched.db")
    core = build_core(cfg, {"slack": w.slack, "teams": w.teams}, clock=w.clock)
    for who, text in (("manny", "skills add leadership"),
                      ("alice", 'open ZD-1 sev2 customer="Acme" SSO broken')):
        await handle(core, "slack", who, text)
    w.clock.now = utc("2026-11-10 10:00")
    await handle(core, "slack", "alice", "resolve ZD-1 fixed")
    core.deps.store.close()
    w.slack.sent.clear()
    return w


async def test_sent_once_per_destination_at_the_slot(world: World) -> None:
    s = world.scheduler()
    # 07:58 in Berlin: this Monday's slot is still to come, so the first tick catches up with
    # the slot before it (W45), and the next one sends nothing.
    first = await s.tick(utc("2026-11-16 06:58"))
    assert sent(first) == {"digest 2026-W45"}
    assert not sent(await s.tick(utc("2026-11-16 06:59")))
    world.slack.sent.clear()
    world.slack.images.clear()
    world.teams.sent.clear()
    done = await s.tick(utc("2026-11-16 07:00"))
    assert done == ["digest 2026-W46 -> slack:C-MANAGERS", "digest 2026-W46 -> teams:19:managers",
                    "digest 2026-W46 -> slack:dm:manny"]
    post = world.slack.posts_to("C-MANAGERS")[0]
    fields = {f.label: f.value for f in post.fields}
    assert post.title == "Swarm digest 2026-W46" and not post.private
    assert fields["Full digest"].startswith("https://swarm.example.com/digest/2026-W46?exp=")
    assert "1 opened, 1 resolved" in fields["Swarms"]
    assert world.teams.posts_to("19:managers")[0].title == "Swarm digest 2026-W46"
    room, png, title = world.slack.images[0]
    assert room == "C-MANAGERS" and png[:8] == b"\x89PNG\r\n\x1a\n" and "2026-W46" in title
    assert not isinstance(world.teams, ImageUploader)  # no image where the port can't
    assert [s.target for s in world.slack.sent if s.action == "dm"] == ["manny"]
    assert not sent(await s.tick(utc("2026-11-16 07:01")))
    assert not sent(await world.scheduler().tick(utc("2026-11-16 07:02")))  # after a restart
    assert len(world.slack.posts_to("C-MANAGERS")) == 1


async def test_downtime_catches_up_with_the_latest_missed_week(world: World) -> None:
    done = await world.scheduler().tick(utc("2026-11-25 12:00"))  # down from Sunday to Wed
    assert sent(done) == {"digest 2026-W47"}
    next_monday = await world.scheduler().tick(utc("2026-11-30 07:00"))
    assert sent(next_monday) == {"digest 2026-W48"}


async def test_a_refused_post_is_tried_again_next_tick(world: World) -> None:
    world.slack.failing["post"] = "channel_not_found"
    s = world.scheduler()
    done = await s.tick(utc("2026-11-16 07:00"))
    assert "digest 2026-W46 -> slack:C-MANAGERS" not in done
    assert "digest 2026-W46 -> teams:19:managers" in done
    del world.slack.failing["post"]
    again = await s.tick(utc("2026-11-16 07:01"))
    assert [line for line in again if line.startswith("digest")] == [
        "digest 2026-W46 -> slack:C-MANAGERS"]


async def test_promise_reminder_15_minutes_before_once(tmp_path: Path) -> None:
    cfg = Config()
    cfg.store.path = str(tmp_path / "p.db")
    clock, port = Clock(utc("2026-11-16 09:00")), FakeChatPort(platform="fake")
    core = build_core(cfg, {"fake": port}, clock=clock)
    for text in ("open ZD-2 sev2 VPN down", "promise ZD-2 2026-11-16T11:00:00Z call back"):
        await handle(core, "fake", "alice", text, tz="Europe/Berlin")
    s = Scheduler(core.deps)
    port.sent.clear()
    assert await s.remind(utc("2026-11-16 10:44")) == []
    port.failing["direct_message"] = "user_not_found"
    assert await s.remind(utc("2026-11-16 10:45")) == []  # refused: not marked
    del port.failing["direct_message"]
    assert await s.remind(utc("2026-11-16 10:46")) == ["reminder promise #1 of ZD-2 -> alice"]
    assert await s.tick(utc("2026-11-16 10:50")) == []
    dm = [x for x in port.sent if x.action == "dm"][-1]
    assert dm.target == "alice" and "call back" in dm.reply.text
    assert "12:00 Europe/Berlin" in dm.reply.text
    assert dm.reply.buttons[0].command == "kept ZD-2 1"
    core.deps.store.close()


def test_bad_schedule_config_is_named(world: World) -> None:
    world.config.digest.weekday = "funday"
    with pytest.raises(ConfigError, match="weekday"):
        world.scheduler()


async def test_start_scheduler_ticks_while_the_server_runs(world: World) -> None:
    import asyncio

    posted = asyncio.Event()
    post = world.slack.post

    async def post_and_tell(room_id, reply):  # noqa: ANN001, ANN202
        message_id = await post(room_id, reply)
        posted.set()
        return message_id

    world.slack.post = post_and_tell  # type: ignore[method-assign]
    store = open_store(world.path)
    core = build_core(world.config, {"slack": world.slack, "teams": world.teams},
                      clock=world.clock, store=store)
    app = web.Application()
    start_scheduler(app, core, interval_s=3600, clock=lambda: utc("2026-11-16 07:00"))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    await asyncio.wait_for(posted.wait(), timeout=10)
    await server.close()
    assert world.slack.posts_to("C-MANAGERS")[0].title == "Swarm digest 2026-W46"
    # The tick's store work still on a thread (the next destination's sent mark) ends
    # before the store closes: closed under it, sqlite3 crashed the whole test run.
    await asyncio.get_running_loop().shutdown_default_executor()
    store.close()

