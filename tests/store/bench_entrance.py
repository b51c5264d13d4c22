"""Benchmark (not collected by pytest): commands per second through the entrance (inbox write,
run, done) on SQLite vs PostgreSQL. Run: .venv/bin/python tests/store/bench_entrance.py"""
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from adapters.bootstrap import build_core
from bot.config import Config
from bot.fake_port import FakeChatPort
from bot.store.postgres import open_pg_store
from handlers.delivery import Delivery, Sender, Typed
from tests.pg_cluster import cluster_or_reason


async def run(cfg, n=300):
    core = build_core(cfg, {"fake": FakeChatPort(platform="fake")})
    await core.receive(Delivery(source="fake", sender=Sender("alice"), room=None,
                                what=Typed("open ZD-1 sev2 bench")))
    room = core.deps.store.cases.by_ref("ZD-1").room_id
    t = time.perf_counter()
    for i in range(n):
        await core.receive(Delivery(source="fake", sender=Sender("alice"), room=room,
                                    what=Typed(f"note step {i}")))
    dt = time.perf_counter() - t
    core.close()
    return dt / n * 1000

c, reason = cluster_or_reason()
assert c is not None, reason
try:
    d = Path(tempfile.mkdtemp())
    lite, pg = Config(), Config()
    lite.store.path = str(d / "b.db")
    pg.store.url = c.new_database()
    open_pg_store(pg.store.url, migrate=True).close()
    a, b = asyncio.run(run(lite)), asyncio.run(run(pg))
    print(f"per command: sqlite {a:.2f} ms, postgres {b:.2f} ms, ratio {b/a:.1f}")
finally:
    c.stop()
