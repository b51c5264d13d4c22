"""Shared fixtures: a real store (a SQLite file, or with `--store=postgres` a fresh database
on a throwaway PostgreSQL cluster), the in-memory chat port, a clock tests can move."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.bootstrap import build_core
from adapters.shell.render import mentions_in
from bot.config import Config
from bot.people import render_mentions
from handlers.delivery import Delivery, RoomEvent, Sender, Typed
from handlers.entrance import Entrance as Core
from testkit import REPO
from testkit.fake_port import FakeChatPort
from testkit.pg_cluster import Cluster, cluster_or_reason

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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--store", choices=("sqlite", "postgres"),
                     default=os.environ.get("SWARMBOT_TEST_STORE", "sqlite"),
                     help="the store every test that needs one runs on (default sqlite; the "
                          "store contract tests always run on both)")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the session. Without PostgreSQL the tests that
    need it skip with the reason, except in CI (CI=true, or SWARMBOT_REQUIRE_POSTGRES=1 as
    .ci/run sets): there they fail."""
    cluster, reason = cluster_or_reason()
    if cluster is None:
        if (os.environ.get("SWARMBOT_REQUIRE_POSTGRES") == "1"
                or os.environ.get("CI") == "true"):
            pytest.fail(reason)
        pytest.skip(reason)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def _pg_shared(pg_cluster: Cluster) -> str:
    from bot.store.postgres import open_pg_store

    url = pg_cluster.new_database()
    open_pg_store(url, migrate=True).close()
    return url


@pytest.fixture
def pg_url(_pg_shared: str, pg_cluster: Cluster) -> str:
    """The session's migrated database, emptied (a new database per test costs ~1 s; this
    costs milliseconds). Tests that change the schema itself use `fresh_pg_url`."""
    pg_cluster.empty(_pg_shared)
    return _pg_shared


@pytest.fixture
def fresh_pg_url(pg_cluster: Cluster) -> str:
    """A database of its own, migrated to this release's schema."""
    from bot.store.postgres import open_pg_store

    url = pg_cluster.new_database()
    open_pg_store(url, migrate=True).close()
    return url


@pytest.fixture
def config(tmp_path: Path, request: pytest.FixtureRequest) -> Config:
    cfg = Config()
    cfg.store.path = str(tmp_path / "swarmbot.db")
    if request.config.getoption("--store") == "postgres":
        cfg.store.url = request.getfixturevalue("pg_url")
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
        # The reader's platform locale ("de-DE"): the language of the replies (bot/i18n.py).
        self.locale: str | None = None

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
            source="fake", sender=Sender(user, tz=tz, locale=self.locale), room=room,
            what=Typed(mentions_in(text))))
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
