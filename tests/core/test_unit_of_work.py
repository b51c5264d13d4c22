"""One unit of work (issue 23): a command's changes, its outbox rows and its inbox row's
"done" commit together or not at all, on a connection no other request shares.

A command made to fail half-way is a real command of the registry's shape (extra_commands),
whose runner really writes through the services before it fails: the fault is the
command's own, nothing of the core is stubbed."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.bootstrap import build_core
from bot.config import Config
from bot.errors import CommandError
from bot.replies import Reply
from bot.services import cases as case_service
from handlers.delivery import Delivery, Sender, Typed
from handlers.entrance import Entrance
from handlers.parsing import Args
from handlers.registry import Ctx, command
from testkit.fake_port import FakeChatPort
from tests.conftest import Clock


@dataclass(frozen=True)
class Boom:
    how: str


def _parse(ctx: Ctx, args: Args) -> Boom:
    return Boom(args.text or "bug")


@command("boom", "<bug|refuse>", "Opens a case, then fails (a test's command).",
         parse=_parse, case="none", who="anyone")
def boom(ctx: Ctx, cmd: Boom) -> list[Reply]:
    # Real writes first: the case, its timeline, its outbox rows (room, invite, brief).
    case_service.open_case(ctx.deps, ctx.actor, ctx.inv.platform, "ZD-99", "half-done case")
    if cmd.how == "refuse":
        raise CommandError("No: refused after writing.")
    raise RuntimeError("a bug half-way through the command")


@pytest.fixture
def boom_core(config: Config, port: FakeChatPort, clock: Clock) -> Iterator[Entrance]:
    core = build_core(config, {"fake": port}, clock=clock, extra_commands=[boom])
    yield core
    core.close()


def _delivery(key: str, text: str) -> Delivery:
    return Delivery(source="fake", key=key, sender=Sender("alice"), what=Typed(text))


def _nothing_of_it(core: Entrance, port: FakeChatPort) -> None:
    store = core.deps.store
    assert store.cases.by_ref("ZD-99") is None
    assert store.outbox.counts() == {} or sum(store.outbox.counts().values()) == 0
    assert port.rooms == {}


async def test_a_bug_half_way_leaves_nothing_and_closes_the_delivery_as_failed(
        boom_core: Entrance, port: FakeChatPort) -> None:
    outcome = await boom_core.receive(_delivery("fake:boom", "boom bug"))
    text = " ".join(r.text for r in outcome.replies)
    assert "error id" in text and "Traceback" not in text
    _nothing_of_it(boom_core, port)
    inbox = boom_core.deps.store.inbox
    # Failed, not done: never replayed, and counted.
    assert inbox.pending("fake") == [] and inbox.failed_count() == 1
    assert await boom_core.replays.run_pending() == 0
    # A redelivery of the same key is not run again either.
    assert (await boom_core.receive(_delivery("fake:boom", "boom bug"))).duplicate


async def test_a_refusal_after_writes_rolls_them_back_and_the_delivery_is_done(
        boom_core: Entrance, port: FakeChatPort) -> None:
    outcome = await boom_core.receive(_delivery("fake:refuse", "boom refuse"))
    assert [r.text for r in outcome.replies] == ["No: refused after writing."]
    _nothing_of_it(boom_core, port)
    inbox = boom_core.deps.store.inbox
    assert inbox.pending("fake") == [] and inbox.failed_count() == 0
    # Rolled back whole, then marked done on its own: not replayed, not run twice.
    assert await boom_core.replays.run_pending() == 0
    assert (await boom_core.receive(_delivery("fake:refuse", "boom refuse"))).duplicate
    # The refusal's rollback left the unit thread's connection fit for the next command.
    opened = await boom_core.receive(_delivery("fake:open", "open ZD-1 sev2 Printer on fire"))
    assert "Opened ZD-1" in opened.replies[0].text


async def test_commands_after_a_failed_one_run_normally(boom_core: Entrance) -> None:
    await boom_core.receive(_delivery("fake:boom", "boom bug"))
    opened = await boom_core.receive(_delivery("fake:open", "open ZD-1 sev2 Printer on fire"))
    assert "Opened ZD-1" in opened.replies[0].text


def _tmpfs(path: Path, size: str) -> None:
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); CI runs as root")


def _fill(folder: Path) -> Path:
    """Write a file until the file system is full."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root (CI is)")
async def test_a_full_disk_delays_an_acknowledged_command_until_space_is_back(
        request: pytest.FixtureRequest, tmp_path: Path, port: FakeChatPort,
        clock: Clock) -> None:
    if request.config.getoption("--store") == "postgres":
        pytest.skip("a SQLite file on a full disk; PostgreSQL outages: tests/faults")
    disk = tmp_path / "disk"
    _tmpfs(disk, "4M")
    try:
        config = Config()
        config.store.path = str(disk / "swarmbot.db")
        core = build_core(config, {"fake": port}, clock=clock)
        try:
            told: list[str] = []

            async def replay(d: Delivery) -> None:
                told.extend(r.text for r in (await core.process(d)).replies)

            core.replays.register("fake", replay)
            first = _delivery("fake:open", "open ZD-1 sev2 Printer on fire")
            assert core.accept(first)  # acknowledged: the row is in the inbox
            filler = _fill(disk)
            outcome = await core.process(first)
            delayed = " ".join(r.text for r in outcome.replies)
            assert "will run as soon as the database is back" in delayed
            assert [d.key for d in core.pending("fake")] == ["fake:open"]
            assert await core.replays.run_pending() == 0  # still full: the pass pauses
            assert told == []
            filler.unlink()
            assert await core.replays.run_pending() == 1
            assert any("Opened ZD-1" in t for t in told)
            assert core.deps.store.cases.by_ref("ZD-1") is not None
            assert core.pending("fake") == []
            assert await core.replays.run_pending() == 0  # done once
        finally:
            core.close()
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
        shutil.rmtree(disk, ignore_errors=True)


def test_each_thread_has_its_own_connection(core: Entrance) -> None:
    """The thread model itself: another thread's open transaction is never this one's."""
    import threading

    store = core.deps.store
    db = getattr(store, "db", None)
    if db is None or not hasattr(db, "conn"):
        pytest.skip("SQLite's connections; PostgreSQL pins one per transaction (pg_db.py)")
    seen: list[int] = []
    with store.transaction():
        mine = id(db.conn)
        t = threading.Thread(target=lambda: seen.append(id(db.conn)))
        t.start()
        t.join()
    assert seen and seen[0] != mine


